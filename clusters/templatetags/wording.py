"""Template tags for clusters/wording.py: {% sep %} between list items, {% open_bracket %}…{% close_bracket %}
around a note, {% colon %} after a label, {% comma %} between the parts of a note."""

from django import template
from django.utils.translation import pgettext

from clusters import wording

register = template.Library()


@register.simple_tag
def sep() -> str:
    return wording.separator()


@register.simple_tag
def open_bracket() -> str:
    return pgettext("opening bracket", " (")


@register.simple_tag
def close_bracket() -> str:
    return pgettext("closing bracket", ")")


@register.simple_tag
def colon() -> str:
    return pgettext("after a label", ": ")


@register.simple_tag
def comma() -> str:
    return pgettext("between the parts of a note", ", ")


@register.filter
def joined(items) -> str:
    """A list's items joined as the language joins them (甲、乙)."""
    return wording.listing(items)


@register.filter
def version(number) -> str:
    """A version's number as people write it (第2版)."""
    return wording.version_label(number)


@register.filter
def change_reason(reason: str | None) -> str:
    """Why a record's version was written, as people read it: the seed loader's mark in words."""
    from clusters.seeding.common import CHANGE_REASON

    if reason == CHANGE_REASON:
        return pgettext("change reason", "Loaded with the seed data")
    return reason or ""
