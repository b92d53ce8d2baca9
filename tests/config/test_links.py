"""Addresses reversed once and read back: the same as `reverse`, under every configuration and prefix."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from config.links import url


@pytest.mark.parametrize(("name", "args"), [("home", ()), ("assistance:inbox", ()), ("help-page", ("manager",))])
def test_an_address_is_what_reverse_gives(name, args):
    assert url(name, *args) == reverse(name, args=args or None)
    assert url(name, *args) == reverse(name, args=args or None)  # read back


def test_an_address_follows_the_script_prefix_the_site_is_served_under():
    plain = url("home")
    try:
        set_script_prefix("/quality/")
        assert url("home") == "/quality" + plain == reverse("home")
    finally:
        clear_script_prefix()
    assert url("home") == plain


@override_settings(ROOT_URLCONF="tests.benchmarks.baseline.urls")
def test_an_address_follows_the_url_configuration():
    assert url("bench-bare") == reverse("bench-bare")


def test_an_unknown_name_raises_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        url("no-such-page")
