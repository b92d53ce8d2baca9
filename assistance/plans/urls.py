"""Plan, measure and chain pages, under /assistance/plans/ in the assistance namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.plan_create, name="plan-create"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_update, name="plan-update"),
    path("<int:pk>/document/", views.plan_document, name="plan-document"),
    path("<int:pk>/measures/new/", views.measure_create, name="measure-create"),
    path("measures/", views.measure_list_view, name="measure-list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/edit/", views.measure_update, name="measure-update"),
    path("measures/<int:pk>/progress/", views.measure_progress_add, name="measure-progress"),
    path("chains/<int:pk>/", views.chain_detail, name="chain-detail"),
    path("chains/<int:pk>/links/new/", views.chain_link_create, name="chain-link-create"),
    path("chains/links/<int:pk>/edit/", views.chain_link_update, name="chain-link-update"),
    path("chains/<int:pk>/projects/new/", views.chain_project_create, name="chain-project-create"),
    path("chains/projects/<int:pk>/edit/", views.chain_project_update, name="chain-project-update"),
]
