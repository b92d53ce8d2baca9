"""The site's addresses plus views that fail the way a database outage makes them fail."""

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


@login_not_required
def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@login_not_required
def connection_closed(request):
    raise InterfaceError("connection already closed")


@login_not_required
def driver_error(request):
    # What psycopg raises, unwrapped, when a server-side cursor is closed on a connection the server dropped.
    raise connection.Database.OperationalError("consuming input failed: server closed the connection unexpectedly")


@login_not_required
def broken(request):
    raise ValueError("a plain bug")


urlpatterns = [
    path("outage/database-gone/", database_gone),
    path("outage/connection-closed/", connection_closed),
    path("outage/driver-error/", driver_error),
    path("outage/broken/", broken),
    *site_urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
