"""The request id: taken from a sane X-Request-ID or made anew, sent back, and written on the request's log lines."""

import io
import logging
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from config.request_context import RequestContextFilter, RequestIdMiddleware, current_request, request_id_from
from tests.factories import UserFactory

GENERATED = re.compile(r"^[0-9a-f]{32}$")


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord("quality", logging.INFO, __file__, 1, "message", None, None)
    record.__dict__.update(extra)
    RequestContextFilter().filter(record)
    return record


@pytest.mark.parametrize("sane", ["7f3c9a2e-1b4d-4c8e-9f00-123456789abc", "a1b2c3", "proxy.host:1234-5"])
def test_a_sane_id_from_the_proxy_is_kept(sane):
    assert request_id_from(sane) == sane


@pytest.mark.parametrize(
    "bad", [None, "", "has space", "new\nline", "<script>", "x" * 129, "-starts-with-a-dash", "中文"]
)
def test_a_missing_or_strange_id_is_replaced_by_a_new_one(bad):
    assert GENERATED.match(request_id_from(bad))


def test_each_new_id_is_different():
    assert request_id_from(None) != request_id_from(None)


@pytest.mark.django_db
def test_every_response_carries_the_id_even_a_redirect(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert GENERATED.match(response["X-Request-ID"])


@pytest.mark.django_db
def test_the_proxys_id_comes_back_in_the_response(client):
    response = client.get(reverse("health"), headers={"X-Request-ID": "lb-0042"})
    assert response["X-Request-ID"] == "lb-0042"


def test_the_view_sees_the_request_as_current_and_it_is_cleared_afterwards():
    seen = {}

    def view(request):
        seen["current"] = current_request.get()
        return HttpResponse()

    request = RequestFactory().get("/", headers={"X-Request-ID": "abc123"})
    response = RequestIdMiddleware(view)(request)
    assert seen["current"] is request
    assert request.request_id == "abc123" == response["X-Request-ID"]
    assert current_request.get() is None


def test_it_clears_the_current_request_when_the_view_raises():
    def view(request):
        raise ValueError

    with pytest.raises(ValueError):
        RequestIdMiddleware(view)(RequestFactory().get("/"))
    assert current_request.get() is None


def test_outside_a_request_the_record_says_dash():
    record = _record()
    assert (record.request_id, record.user_id) == ("-", "-")


@pytest.mark.django_db
def test_inside_a_request_the_record_has_the_request_id_and_the_users_id():
    user = UserFactory()
    request = RequestFactory().get("/")
    request.request_id = "req-1"
    request.user = user
    token = current_request.set(request)
    try:
        record = _record()
    finally:
        current_request.reset(token)
    assert (record.request_id, record.user_id) == ("req-1", str(user.pk))


def test_the_request_django_passes_to_its_logger_wins_over_the_current_one():
    request = RequestFactory().get("/")
    request.request_id = "from-django"
    request.user = AnonymousUser()
    record = _record(request=request)
    assert (record.request_id, record.user_id) == ("from-django", "-")


def test_a_user_not_loaded_yet_is_not_loaded_by_logging():
    def load():
        raise AssertionError("logging must not load the user")

    request = RequestFactory().get("/")
    request.request_id = "lazy"
    request.user = SimpleLazyObject(load)
    record = _record(request=request)
    assert (record.request_id, record.user_id) == ("lazy", "-")


@pytest.mark.django_db
def test_log_lines_of_a_request_carry_its_id_and_user(client, inspector):
    """Through the handler the settings configure: its formatter and its filter."""
    console = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        client.force_login(inspector)
        client.get("/no-such-page/", headers={"X-Request-ID": "trace-77"})
    finally:
        console.setStream(previous)
    line = next(line for line in stream.getvalue().splitlines() if "Not Found" in line)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ", line)
    assert "WARNING django.request request_id=trace-77" in line
    assert f"user_id={inspector.pk}" in line
