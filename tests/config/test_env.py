"""Settings read from the environment fail loudly on a bad value."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_date


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
