"""Sessions end after SESSION_COOKIE_AGE seconds without a request, and a request renews its session by
writing it at most once every SESSION_RENEW_SECONDS.

Django renews an idle timeout by saving the session on every request (SESSION_SAVE_EVERY_REQUEST): a
write and a commit on every page, most of which move the expiry by a few seconds. Here the session keeps
the time of its last renewal, and a request saves it (and sends its cookie again) only when that is
SESSION_RENEW_SECONDS old, or when the request changed the session anyway. A session therefore ends
between SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after its last request.
"""

import time
from functools import cache

from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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


@cache
def _load_sql(alias: str) -> str:
    model = db.SessionStore.get_model_class()._meta
    quote = connections[alias].ops.quote_name

    def column(name: str) -> str:
        return quote(model.get_field(name).column)

    return (
        f"SELECT {column('session_data')} FROM {quote(model.db_table)} "
        f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s"
    )


class SessionStore(db.SessionStore):
    """Django's database sessions (SESSION_ENGINE = "config.sessions"), read by one plain statement.

    Every signed-in page reads its session first. Django reads it as a model through a queryset, which
    on a list page took as long as the page's own rows query took to plan; here only the data column is
    read, by a statement written once from the session model. Saving, deleting and clearing are Django's.
    """

    def load(self):
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_load_sql(alias), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
