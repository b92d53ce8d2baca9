"""The punctuation that joins words, in the language of the page: Chinese writes 甲、乙 and 甲（乙）, English
"a, b" and "a (b)". Records' names are data and stay as they are; what joins them is the interface's."""

from collections.abc import Iterable

from django.utils.translation import pgettext


def separator() -> str:
    """Between the items of a list: 、 in Chinese."""
    return pgettext("list separator", ", ")


def listing(items: Iterable) -> str:
    """The items as one list (甲、乙、丙)."""
    return separator().join(str(item) for item in items)


def note_parts(parts: Iterable) -> str:
    """The parts of one note (3家企业，短板弱项)."""
    return pgettext("between the parts of a note", ", ").join(str(part) for part in parts)


def clauses(parts: Iterable) -> str:
    """Clauses of one sentence (上游：甲；中游：乙)."""
    return pgettext("between clauses", "; ").join(str(part) for part in parts)


def bracketed(text, note) -> str:
    """A text with a note after it in brackets: 甲（乙）, "a (b)"."""
    return pgettext("text with a note in brackets", "%(text)s (%(note)s)") % {"text": text, "note": note}


def labelled(label, value) -> str:
    """A label and what it labels: 甲：乙, "a: b"."""
    return pgettext("label and value", "%(label)s: %(value)s") % {"label": label, "value": value}


def version_label(number) -> str:
    """A version's number as people write it: 第2版, "v2"."""
    return pgettext("version number", "v%(number)s") % {"number": number}
