"""The inbox pages, under /assistance/inbox/ in the assistance namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox_list, name="inbox"),
    path("read/", views.inbox_read_all, name="inbox-read-all"),
    path("preferences/", views.notification_preferences, name="notification-preferences"),
    path("<int:pk>/open/", views.notification_open, name="notification-open"),
    path("<int:pk>/read/", views.notification_read, name="notification-read"),
]
