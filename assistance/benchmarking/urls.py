"""Benchmarking pages, under /assistance/benchmarking/ in the assistance namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.campaign_list_view, name="benchmarking-list"),
    path("new/", views.campaign_create, name="benchmarking-campaign-create"),
    path("<int:pk>/", views.campaign_detail, name="benchmarking-campaign"),
    path("<int:pk>/edit/", views.campaign_update, name="benchmarking-campaign-update"),
    path("<int:pk>/participants/", views.participation_create, name="benchmarking-enrol"),
    path("participants/<int:pk>/", views.participation_detail, name="benchmarking-participation"),
    path("participants/<int:pk>/edit/", views.participation_update, name="benchmarking-participation-update"),
    path("participants/<int:pk>/indicators/", views.indicators_update, name="benchmarking-indicators"),
]
