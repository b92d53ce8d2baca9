from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("summary/", views.summary, name="summary"),
    path("clusters/<int:pk>/", views.cluster_report, name="cluster"),
    path("service/", views.service_report, name="service"),
    path("benchmarking/", views.benchmarking_report, name="benchmarking"),
    path("awards/<int:pk>/", views.award_report, name="award-cycle"),
    path("downloads/", views.export_list, name="export-list"),
    path("downloads/<int:pk>/", views.export_detail, name="export-detail"),
    path("downloads/<int:pk>/file/", views.export_download, name="export-download"),
]
