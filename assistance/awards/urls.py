"""Quality-award pages, under /assistance/awards/ in the assistance namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.award_home, name="award-home"),
    path("cycles/", views.cycle_list, name="cycle-list"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle-detail"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_create, name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_update, name="application-update"),
    path("applications/<int:pk>/exception/", views.application_exception, name="application-exception"),
    path("applications/<int:pk>/reviewers/", views.application_add_reviewer, name="application-add-reviewer"),
    path("applications/<int:pk>/documents/", views.application_attach, name="application-attach"),
    path("documents/<int:pk>/", views.document_download, name="application-document"),
    path("applications/<int:pk>/<slug:action>/", views.application_step, name="application-step"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviewers/autocomplete/", views.reviewer_autocomplete, name="reviewer-autocomplete"),
]
