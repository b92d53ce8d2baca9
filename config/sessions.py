"""Sessions end after SESSION_COOKIE_AGE seconds without a request, and a request renews its session by
writing it at most once every SESSION_RENEW_SECONDS.

Django renews an idle timeout by saving the session on every request (SESSION_SAVE_EVERY_REQUEST): a
write and a commit on every page, most of which move the expiry by a few seconds. Here the session keeps
the time of its last renewal, and a request saves it (and sends its cookie again) only when that is
SESSION_RENEW_SECONDS old, or when the request changed the session anyway. A session therefore ends
between SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after its last request.
"""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from config import outage

RENEWED = "_renewed_at"


def renew(request: HttpRequest, response: HttpResponse) -> None:
    """Mark the request's session to be saved when its last renewal is old or it changed; else leave it."""
    session = getattr(request, "session", None)
    if session is None or not session.accessed or response.status_code >= 500 or session.is_empty():
        return
    now = int(time.time())
    if session.modified or now - session.get(RENEWED, 0) >= settings.SESSION_RENEW_SECONDS:
        session[RENEWED] = now


class SessionMiddleware(outage.SessionMiddleware):
    """The site's session middleware: renewed at most once a minute, and a 503 when the database is away."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        renew(request, response)
        return super().process_response(request, response)
