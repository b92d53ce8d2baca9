"""专利伯乐 pages, under /assistance/patents/ in the assistance namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.selection_list, name="patent-selection-list"),
    path("results/", views.results, name="patent-results"),
    path("selections/<int:pk>/", views.selection_detail, name="patent-selection-detail"),
    path("selections/<int:pk>/publish/", views.selection_publish, name="patent-selection-publish"),
    path("selections/<int:pk>/nominate/", views.nomination_create, name="nomination-create"),
    path("nominations/", views.nomination_list, name="nomination-list"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination-detail"),
    path("nominations/<int:pk>/edit/", views.nomination_update, name="nomination-update"),
    path("nominations/<int:pk>/reviewers/", views.nomination_add_reviewer, name="nomination-add-reviewer"),
    path("nominations/<int:pk>/<slug:action>/", views.nomination_step, name="nomination-step"),
    path("reviews/<int:pk>/", views.review, name="nomination-review"),
    path("reviews/<int:pk>/declare/", views.review_declare, name="nomination-review-declare"),
    path("reviews/<int:pk>/score/", views.review_score, name="nomination-review-score"),
]
