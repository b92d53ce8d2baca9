"""While the database is away, pages answer 503 in the site's layout, in Chinese, and never need the database."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from config.outage import server_error
from config.sessions import SessionStore
from config.settings.database import resilient

ROOT = Path(__file__).resolve().parent.parent.parent
UNAVAILABLE = "数据库暂时无法访问"


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert UNAVAILABLE in body
    assert "请稍后重试" in body
    assert 'class="navbar' in body  # the site's layout


@pytest.mark.urls("tests.config.outage_urls")
@pytest.mark.parametrize("url", ["/outage/database-gone/", "/outage/connection-closed/", "/outage/driver-error/"])
def test_a_view_that_loses_the_database_answers_503_in_chinese(client, url):
    _assert_unavailable_page(client.get(url))


@pytest.mark.urls("tests.config.outage_urls")
def test_the_page_follows_the_chosen_language(client):
    response = client.get("/outage/database-gone/", headers={"accept-language": "en"})
    assert response.status_code == 503
    assert "The database is unavailable" in response.content.decode()


@pytest.mark.urls("tests.config.outage_urls")
def test_an_ordinary_bug_is_still_a_500(client):
    client.raise_request_exception = False
    response = client.get("/outage/broken/")
    assert response.status_code == 500
    assert UNAVAILABLE not in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_user_whose_session_cannot_be_read_gets_503_not_500(client, inspector):
    client.force_login(inspector)
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("server closed the connection")):
        response = client.get("/assistance/tickets/")
    _assert_unavailable_page(response)


def test_the_500_handler_answers_503_while_a_database_error_is_being_handled():
    request = RequestFactory().get("/anything/")
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        response = server_error(request)
    _assert_unavailable_page(response)


@pytest.mark.django_db
def test_neither_the_500_nor_the_503_page_queries_the_database(django_assert_num_queries):
    request = RequestFactory().get("/anything/")
    with django_assert_num_queries(0):
        try:
            raise ValueError("a plain bug")
        except ValueError:
            assert server_error(request).status_code == 500
        try:
            raise OperationalError("gone")
        except OperationalError:
            assert server_error(request).status_code == 503


def test_reused_connections_are_checked_and_postgresql_connects_with_a_timeout():
    postgres = resilient({"ENGINE": "django.db.backends.postgresql", "NAME": "quality", "OPTIONS": {}})
    assert postgres["CONN_HEALTH_CHECKS"] is True
    assert postgres["OPTIONS"]["connect_timeout"] == 5
    sqlite = resilient({"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"})
    assert sqlite["CONN_HEALTH_CHECKS"] is True
    assert "OPTIONS" not in sqlite


def test_production_settings_check_connections_and_bound_the_connect_time():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x9!kq2#vT7mL0pZr4sW8yB1nC6dF3gH5jK-production-secret-for-the-check",
        "DATABASE_URL": "postgres://quality:secret@127.0.0.1:5432/quality",
        "ALLOWED_HOSTS": "quality.example.gov.cn",
        "DATABASE_CONNECT_TIMEOUT": "3",
    }
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_HEALTH_CHECKS'], d['OPTIONS']['connect_timeout'], d['CONN_MAX_AGE'], "
        "'config.outage.DatabaseUnavailableMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "3", "60", "True"]


def _saved_by(store_class):
    from config.outage import SessionMiddleware

    request = RequestFactory().post("/assistance/tickets/1/close/")
    request.session = store_class()
    request.session["seen"] = True  # modified: saved on the way out
    return SessionMiddleware(lambda r: HttpResponse("done")).process_response(request, HttpResponse("done"))


def test_a_session_the_database_could_not_save_on_the_way_out_is_a_503():
    from django.contrib.sessions.backends.base import UpdateError

    class Unsaved(SessionStore):
        def save(self, must_create=False):
            try:
                raise OperationalError("terminating connection due to administrator command")
            except OperationalError:
                raise UpdateError from None

    response = _saved_by(Unsaved)
    assert response.status_code == 503
    assert response["Retry-After"]


def test_a_session_deleted_meanwhile_is_still_djangos_400():
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted

    class Deleted(SessionStore):
        def save(self, must_create=False):
            raise UpdateError

    with pytest.raises(SessionInterrupted):
        _saved_by(Deleted)
