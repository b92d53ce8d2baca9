"""Settings read from the environment parse, or fail loudly on a bad value."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_admins, env_choice, env_date


def test_admins_are_read_as_name_and_address(monkeypatch):
    monkeypatch.setenv("ADMINS", "Wang Fang <wang.fang@example.gov.cn>, 李强 <li.qiang@example.gov.cn>")
    assert env_admins("ADMINS") == [
        ("Wang Fang", "wang.fang@example.gov.cn"),
        ("李强", "li.qiang@example.gov.cn"),
    ]


def test_a_bare_address_is_its_own_name(monkeypatch):
    monkeypatch.setenv("ADMINS", "ops@example.gov.cn")
    assert env_admins("ADMINS") == [("ops@example.gov.cn", "ops@example.gov.cn")]


@pytest.mark.parametrize("value", [None, "", " , "])
def test_no_admins_is_an_empty_list(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("ADMINS", raising=False)
    else:
        monkeypatch.setenv("ADMINS", value)
    assert env_admins("ADMINS") == []


@pytest.mark.parametrize("value", ["Wang Fang", "Wang <not-an-address>", "Wang <a@b.c", "a@b.c, nobody"])
def test_a_bad_admin_fails_loudly_naming_it(monkeypatch, value):
    monkeypatch.setenv("ADMINS", value)
    with pytest.raises(ImproperlyConfigured, match="ADMINS"):
        env_admins("ADMINS")


def test_a_choice_outside_the_list_fails_loudly(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "ftp")
    with pytest.raises(ImproperlyConfigured, match="STORAGE_BACKEND='ftp'"):
        env_choice("STORAGE_BACKEND", "filesystem", ["filesystem", "s3"])


def test_a_choice_may_ignore_case(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "warning")
    assert env_choice("LOG_LEVEL", "INFO", ["INFO", "WARNING"], upper=True) == "WARNING"
    monkeypatch.delenv("LOG_LEVEL")
    assert env_choice("LOG_LEVEL", "INFO", ["INFO", "WARNING"], upper=True) == "INFO"


def test_a_date_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("EARLIEST_RECORD_DATE", "1995-07-01")
    assert env_date("EARLIEST_RECORD_DATE", "2000-01-01") == datetime.date(1995, 7, 1)
    monkeypatch.delenv("EARLIEST_RECORD_DATE")
    assert env_date("EARLIEST_RECORD_DATE", "2000-01-01") == datetime.date(2000, 1, 1)


def test_a_bad_date_stops_the_start(monkeypatch):
    monkeypatch.setenv("EARLIEST_RECORD_DATE", "2000-13-01")
    with pytest.raises(ImproperlyConfigured, match="EARLIEST_RECORD_DATE"):
        env_date("EARLIEST_RECORD_DATE", "2000-01-01")


def test_records_start_in_2000_by_default():
    earliest = settings.EARLIEST_RECORD_DATE
    assert earliest == datetime.date(2000, 1, 1)
