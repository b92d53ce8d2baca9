"""Reading the environment: ADMINS and choices parse or fail loudly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_admins, env_choice


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
