"""Signing in: the lockout counts one account from one address, and says what to do."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from config.signin import client_ip

GOOD = "secret-pass-123"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.HELPDESK_CONTACT = "市局信息中心 0315-2801234"
    return settings


def _sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _lock(client, username, **extra):
    for _ in range(3):
        _sign_in(client, username, "wrong-password", **extra)


@pytest.mark.django_db
def test_a_colleague_at_the_same_address_can_sign_in_after_one_account_is_locked(axes_on, client, inspector, manager):
    _lock(client, inspector.username)
    assert _sign_in(client, inspector.username, GOOD).status_code == 429
    response = _sign_in(client, manager.username, GOOD)
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_the_locked_account_can_still_sign_in_from_another_address(axes_on, client, inspector):
    _lock(client, inspector.username, REMOTE_ADDR="10.1.1.1")
    assert _sign_in(client, inspector.username, GOOD, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert _sign_in(client, inspector.username, GOOD, REMOTE_ADDR="10.2.2.2").status_code == 302


@pytest.mark.django_db
def test_the_lockout_page_is_a_chinese_page_of_the_site_with_when_and_whom_to_call(axes_on, client, inspector):
    axes_on.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    _lock(client, inspector.username)
    response = _sign_in(client, inspector.username, GOOD)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "base.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert '<nav class="navbar' in body
    assert "重点区域质量提升" in body
    assert "登录已暂停" in body
    assert "15 分钟后再试" in body
    assert "市局信息中心 0315-2801234" in body


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(axes_on, client, inspector):
    for n in range(3):
        _sign_in(client, inspector.username, "wrong-password", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert _sign_in(client, inspector.username, GOOD, HTTP_X_FORWARDED_FOR="10.9.9.200").status_code == 429


def _request(remote="10.0.0.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, None, "10.0.0.5"),
        (0, "1.1.1.1", "10.0.0.5"),
        (1, None, "10.0.0.5"),
        (1, "1.1.1.1", "1.1.1.1"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.9", "1.1.1.1"),
        (2, "1.1.1.1", "10.0.0.5"),
    ],
)
def test_the_client_address_believes_only_the_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(forwarded=forwarded)) == expected


@pytest.mark.django_db
def test_a_user_name_too_long_for_any_account_is_a_form_error_and_leaves_no_record(axes_on, client):
    response = _sign_in(client, "名" * 300, "whatever")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_a_wrong_password_is_still_recorded(axes_on, client, inspector):
    _sign_in(client, inspector.username, "wrong-password")
    assert AccessAttempt.objects.filter(username=inspector.username).count() == 1


@pytest.mark.django_db
def test_the_sign_in_page_links_to_the_password_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_the_admin_sign_in_refuses_an_over_long_user_name_the_same_way(axes_on, client):
    response = client.post(reverse("admin:login"), {"username": "名" * 300, "password": "whatever"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()
