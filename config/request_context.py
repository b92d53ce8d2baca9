"""The request id: set per request, sent back in X-Request-ID and written on every log line of the request.

The proxy may send its own id (so one id follows a request from the proxy's log to ours); it is kept
when it looks like an id, otherwise a new one is made, so a client cannot write arbitrary text into
the logs through the header.
"""

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
NO_VALUE = "-"

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("current_request", default=None)


def request_id_from(header_value: str | None) -> str:
    """The proxy's id when it is a sane one, else a new one."""
    if header_value and SANE_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request an id (`request.request_id`), the response its header, and the logs both."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_from(request.headers.get(HEADER))
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response[HEADER] = request.request_id
        return response


def _user_id(request: HttpRequest | None) -> str:
    """The signed-in user's id, if the request has already loaded its user.

    A log line must never make a query of its own (the database may be the very thing failing), so a
    user that is still a lazy, unloaded object counts as unknown.
    """
    user = getattr(request, "user", None)
    if user is None:
        return NO_VALUE
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return NO_VALUE
    return str(wrapped.pk)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django's request logger passes the request itself; it may log after the middleware has returned.
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest):
            request = current_request.get()
        record.request_id = getattr(request, "request_id", NO_VALUE)
        record.user_id = _user_id(request)
        return True
