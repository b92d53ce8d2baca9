"""The read-only JSON API for other government systems, under /api/v1/.

Each call carries `Authorization: Bearer <token>` (clusters.ApiToken, made in admin or by
`manage.py create_api_token`) and sees exactly what the token's user sees on the pages: the same
selectors, permissions and FilterSets. Calls are limited per token (API_RATE). The OpenAPI document
is /api/v1/schema/ and its browsable form /api/v1/docs/, drawn from files the site serves itself.
"""

import threading
import time

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, Throttled, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from assistance.api import router as assistance_router
from assistance.awards.api import router as awards_router
from clusters import services
from clusters.api import router as clusters_router
from clusters.models import ApiToken
from config.api_support import BadParameters
from reports.api import router as reports_router


class TokenAuth(HttpBearer):
    """A live token of an active user; the call then runs as that user."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = services.api_token_authenticate(token)
        if api_token is not None:
            request.user = api_token.user
        return api_token


class TokenRateThrottle(SimpleRateThrottle):
    """At most API_RATE calls per token in each window ("600/m": 600 a minute), counted in the shared cache.

    A counter per token and window rather than ninja's list of timestamps: one small read and write per call,
    and nothing kept on the instance, which every thread of a worker shares.
    """

    scope = "api-token"

    def __init__(self):
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        limit, duration = self.parse_rate(settings.API_RATE)
        now = time.time()
        window = int(now // duration)
        key = f"api-rate:{request.auth.pk}:{duration}:{window}"
        cache.add(key, 0, duration + 1)
        try:
            calls = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, duration + 1)
            calls = 1
        self._last.wait = (window + 1) * duration - now
        return calls <= limit

    def wait(self) -> float | None:
        return getattr(self._last, "wait", None)


api = NinjaAPI(
    title="重点区域质量提升 API",
    version="1",
    description=(
        "Read-only access for other government systems. Send `Authorization: Bearer <token>`; "
        "every call sees what the token's user sees on the pages."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    # The validator badge would load an image from the internet; the page uses only the site's own files.
    docs=Swagger(settings={"validatorUrl": None}),
    # Swagger UI runs no inline script (its settings are a JSON block read by swagger-ui-init.js), but its
    # bundle draws some SVG with inline styles: this one page allows inline styles, never inline scripts.
    docs_decorator=csp_update({"style-src": [UNSAFE_INLINE]}),
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
)
api.add_router("/", clusters_router)
api.add_router("/", assistance_router)
api.add_router("/", awards_router)
api.add_router("/", reports_router)


def _bad_request(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    detail = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(BadParameters)
def bad_parameters(request: HttpRequest, exc: BadParameters) -> HttpResponse:
    return _bad_request(request, exc.errors)


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A parameter that is not of its type (a page size, an id in the path) is a 400 naming it, as a filter is."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        names = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
        errors.setdefault(names[-1] if names else "request", []).append(error.get("msg", ""))
    return _bad_request(request, errors)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": _("A valid API token is required.")}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("This token's user may not read this.")}, status=403)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds the Retry-After header to this response.
    return api.create_response(
        request, {"detail": _("Too many requests with this token; try again later.")}, status=429
    )


def api_urls():
    """The API's URL patterns. The API signs in by token, not by session, so the site's sign-in redirect is off."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns, app_name, namespace
