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


# --- {% url %} in every template ------------------------------------------------------------------------


def _render(source: str, **context) -> str:
    from django.template import Context, Template

    return Template(source).render(Context(context))


def test_every_templates_url_tag_is_the_kept_one_without_loading_anything():
    from django.template import Template

    from config.links import KeptURLNode

    (node,) = Template("{% url 'home' %}").nodelist
    assert isinstance(node, KeptURLNode)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% url 'home' %}", ("home", None, None)),
        ("{% url 'assistance:ticket-detail' 7 %}", ("assistance:ticket-detail", [7], None)),
        ("{% url 'assistance:ticket-detail' pk %}", ("assistance:ticket-detail", [42], None)),
        ("{% url 'assistance:ticket-detail' pk=pk %}", ("assistance:ticket-detail", None, {"pk": 42})),
        ("{% url 'help-page' page %}", ("help-page", ["manager"], None)),
    ],
)
def test_the_url_tag_gives_what_reverse_gives_and_again_when_read_back(source, expected):
    name, args, kwargs = expected
    for _ in range(2):
        assert _render(source, pk=42, page="manager") == reverse(name, args=args, kwargs=kwargs)


def test_the_url_tag_follows_the_script_prefix():
    plain = _render("{% url 'assistance:inbox' %}")
    try:
        set_script_prefix("/quality/")
        assert _render("{% url 'assistance:inbox' %}") == "/quality" + plain
    finally:
        clear_script_prefix()
    assert _render("{% url 'assistance:inbox' %}") == plain


def test_an_argument_that_is_no_plain_value_is_reversed_each_time_not_kept():
    # Only numbers and text are kept: anything else (a lazy text here) is reversed afresh, as Django does.
    from django.utils.functional import lazystr

    from config.links import _reversed_for_app

    _render("{% url 'help-page' page %}", page="manager")
    kept = _reversed_for_app.cache_info().currsize
    assert _render("{% url 'help-page' page %}", page=lazystr("manager")) == reverse("help-page", args=["manager"])
    assert _reversed_for_app.cache_info().currsize == kept


def test_an_unknown_name_raises_unless_the_address_is_put_into_a_variable():
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")
    assert _render("{% url 'no-such-page' as missing %}[{{ missing }}]") == "[]"
    assert _render("{% url 'home' as home %}[{{ home }}]") == f"[{reverse('home')}]"
