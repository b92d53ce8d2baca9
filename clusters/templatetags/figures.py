"""Figures as the bureau writes them: grouped in threes (29,833), money in 万元 (1,260万元)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

TEN_THOUSAND = Decimal(10000)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def grouped(number: Decimal, places: int = 2) -> str:
    """The number grouped in threes, with at most `places` decimals and no trailing zeros (12,600,000; 2.9)."""
    number = round(number, places)
    if number == number.to_integral_value():
        return number_format(int(number), use_l10n=True, force_grouping=True)
    text = format(number.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def figure(value, places: int = 2) -> str:
    """A count or amount grouped in threes; blank stays blank (for `|default`), text passes through."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else value
    return grouped(number, int(places))


@register.filter
def yuan(value) -> str:
    """An amount in 元 as people say it: 1,260万元 from ten thousand up, 9,800元 below."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else value
    if abs(number) >= TEN_THOUSAND:
        return _("%(amount)s 10k yuan") % {"amount": grouped(number / TEN_THOUSAND)}
    return _("%(amount)s yuan") % {"amount": grouped(number)}
