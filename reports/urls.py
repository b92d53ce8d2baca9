from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("summary/", views.summary, name="summary"),
    path("clusters/<int:pk>/", views.cluster_report, name="cluster"),
    path("service/", views.service_report, name="service"),
    path("awards/<int:pk>/", views.award_report, name="award-cycle"),
]
