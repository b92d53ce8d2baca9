"""Validators for identifiers and dates the records hold."""

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .wording import listing

# GB 32100-2015: the 31 characters a unified social credit code may use
# (digits and capital letters without I, O, S, V and Z).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def normalise_credit_code(value: str) -> str:
    """The code as GB 32100-2015 writes it: full-width characters (０-９, Ａ-Ｚ, the ideographic space) made
    half-width, surrounding spaces dropped, letters in capitals."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a code whose first 17 characters are given."""
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Raise a ValidationError saying which rule of GB 32100-2015 the code breaks."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    bad = sorted({c for c in code if c not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("The code contains %(chars)s, which GB 32100-2015 does not use (no I, O, S, V, Z or symbols)."),
            code="character",
            params={"chars": listing(bad)},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong: for these first 17 characters it should be %(expected)s, not %(given)s."),
            code="check",
            params={"expected": expected, "given": code[17]},
        )


_NUMBER = r"\d+(?:\.\d+)?(?:-\d+)*"
_YEAR = r"(?:19|20)\d{2}"
STANDARD_NUMBER_PATTERNS = {
    "international": re.compile(rf"^(?:ISO|IEC|ISO/IEC|ISO/TS|ISO/TR|IEC/TS|IEC/TR|ITU-T [A-Z])\s?{_NUMBER}:{_YEAR}$"),
    "national": re.compile(rf"^GB(?:/T|/Z)?\s?{_NUMBER}-{_YEAR}$"),
    "industry": re.compile(rf"^(?!GB|DB)[A-Z]{{2,3}}(?:/T|/Z)?\s?{_NUMBER}-{_YEAR}$"),
    "local": re.compile(rf"^DB\d{{2}}(?:\d{{2}})?(?:/T)?\s?{_NUMBER}-{_YEAR}$"),
    "group": re.compile(rf"^T/[A-Z][A-Z0-9]+\s?{_NUMBER}-{_YEAR}$"),
    "enterprise": re.compile(rf"^Q/[A-Z0-9]+(?:\s|/)?[A-Z0-9]*\s?{_NUMBER}(?:-{_YEAR})?$"),
}
STANDARD_NUMBER_EXAMPLES = {
    "international": "ISO 9001:2015",
    "national": "GB/T 19580-2012",
    "industry": "YB/T 4001-2018",
    "local": "DB13/T 5000-2021",
    "group": "T/CAS 123-2020",
    "enterprise": "Q/TSCR 001-2020",
}


def normalise_standard_number(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip().upper())


def validate_standard_number(number: str, level: str) -> None:
    """Check a standard number loosely against the form its level uses."""
    pattern = STANDARD_NUMBER_PATTERNS.get(level)
    if pattern is None:
        raise ValidationError(_("Unknown standard level."), code="level")
    if not pattern.match(normalise_standard_number(number)):
        raise ValidationError(
            _("%(number)s does not look like a standard number of this level; expected a form such as %(example)s."),
            code="standard_number",
            params={"number": number, "example": STANDARD_NUMBER_EXAMPLES[level]},
        )


def validate_record_date(value: datetime.date) -> None:
    """A date something happened on: not before EARLIEST_RECORD_DATE, not in the future.

    Visits, trainings and what enterprises hold all use it, on the model field, so the pages'
    forms and the admin refuse the same dates.
    """
    if value is None:
        return
    earliest = settings.EARLIEST_RECORD_DATE
    if value < earliest:
        raise ValidationError(
            _("The date cannot be earlier than %(earliest)s."),
            code="too_early",
            params={"earliest": earliest.isoformat()},
        )
    if value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
