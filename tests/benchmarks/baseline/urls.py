"""The project's URLs and `bench/bare/` (the benchmark's yardstick)."""

from django.urls import path

from config import urls as project

from . import views

urlpatterns = [*project.urlpatterns, path("bench/bare/", views.bare, name="bench-bare")]

handler400 = getattr(project, "handler400", None)
handler403 = getattr(project, "handler403", None)
handler404 = getattr(project, "handler404", None)
handler500 = getattr(project, "handler500", None)
