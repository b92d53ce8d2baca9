"""Middleware the whole site shares."""

from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse


class PrivateCacheMiddleware:
    """Keep what a signed-in user sees out of every cache, the browser's and any proxy's.

    Pages and downloads carry case records of one jurisdiction; after sign-out, the back
    button or a shared computer must not bring them back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" in response.get("Cache-Control", ""):
            return response  # already kept out of caches (the outage page is), no need to ask who it is for
        user = getattr(request, "user", None)
        try:
            signed_in = user is not None and user.is_authenticated
        except DatabaseError:
            signed_in = True  # the session cannot be read now: keep the page out of caches to be safe
        if signed_in:
            response["Cache-Control"] = "private, no-store"
        return response
