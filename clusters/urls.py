from django.urls import path

from . import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="cluster-list"),
    path("<int:pk>/", views.cluster_detail, name="cluster-detail"),
    path("autocomplete/", views.cluster_autocomplete, name="cluster-autocomplete"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/autocomplete/", views.enterprise_autocomplete, name="enterprise-autocomplete"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_update, name="enterprise-update"),
]
