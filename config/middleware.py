"""Middleware the whole site shares."""

from collections.abc import Callable

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
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
