"""While the database is away, every page answers 503 with a short page instead of a 500 or a hang.

A PostgreSQL restart or failover drops every open connection. Until the server is back, any request
that touches the database fails with `OperationalError` (or `InterfaceError` on a connection that was
already closed). Four places turn that into a 503, because Django reaches a different one depending on
where the first query happens:

- `process_view` loads the signed-in user (the session and user rows: the first query of nearly every
  request) before `LoginRequiredMiddleware` does, so an outage is answered before any view runs;
- `process_exception` catches a view's own queries;
- `server_error` (the 500 handler) catches what fails anywhere else, e.g. in another middleware;
- `SessionMiddleware` catches the session's save on the way out, which Django would answer with a 400.

Django wraps the driver's errors in its own, except in a few places (closing a server-side cursor whose
connection died, for one), so the driver's `OperationalError` and `InterfaceError` count as well.

The page is rendered without the request's context processors: they read the user, the session and the
navigation, each of which needs the database. The 500 page is rendered the same way.
"""

import logging
import sys

from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def database_errors() -> tuple[type[BaseException], ...]:
    """Django's connection errors and those of every configured database's driver (psycopg, sqlite3)."""
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    for connection in connections.all():
        driver = type(connection).Database
        errors += [
            getattr(driver, "OperationalError", OperationalError),
            getattr(driver, "InterfaceError", InterfaceError),
        ]
    return tuple(dict.fromkeys(errors))


def database_unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 page, in the site's layout, rendered without touching the database."""
    logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error)
    session = getattr(request, "session", None)
    if session is not None and not hasattr(session, "_session_cache"):
        # The session could not be read. The session middleware renews sessions on the way out (the idle
        # timeout) and would read it again there and fail; an empty cache for this one response lets it pass
        # (a 5xx response never saves the session, so nothing is lost).
        session._session_cache = {}
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above as one warning: Django would log (and mail) every 503 of an outage as an error.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 when the database cannot be reached; place it right after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None:
            return None
        try:
            user.is_authenticated  # noqa: B018 - loads the session and the user now, where an outage is caught
        except database_errors() as error:
            return database_unavailable(request, error)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, database_errors()):
            return database_unavailable(request, exception)
        return None


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, except that a session left unsaved because the database went away is a 503, not a 400.

    Sessions are saved on the way out of every request. When the database stops in that moment, the save
    fails and Django reports the session as deleted by a concurrent request (a 400). The error it wraps
    says what happened: the database is away.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except SessionInterrupted as interrupted:
            cause = interrupted.__context__
            while cause is not None and not isinstance(cause, database_errors()):
                cause = cause.__context__
            if cause is None:
                raise
            return database_unavailable(request, cause)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a 503 when the error being handled is the database's absence, else the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, database_errors()):
        return database_unavailable(request, error)
    return HttpResponseServerError(loader.render_to_string("500.html"))
