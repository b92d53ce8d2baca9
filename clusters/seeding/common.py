"""What every seed loader shares: reading the files, quoting the sources, and writing rows idempotently.

Every record is found again by its natural key, created when missing, and saved only when a field
differs, and then only those fields, so a second load writes nothing: no new rows, no new
``updated_at``, no history rows.
"""

import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

if TYPE_CHECKING:
    from .demo_users import DemoSignIn

CHANGE_REASON = "load_seeds"
# The 2022 article's page carries pinyin glosses after characters, e.g. "重點(diǎn)".
_PINYIN_GLOSS = re.compile(r"\([a-zA-Z\u00c0-\u024f]+\)")

ModelT = TypeVar("ModelT", bound=models.Model)


class SeedError(Exception):
    """The seed files contradict themselves or the database refuses a record."""


@dataclass
class SeedReport:
    """What one load did, per model: how many rows it created, updated or left alone."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    demo_users: list["DemoSignIn"] = field(default_factory=list)
    # Role groups this load created: each app's reference loader gives them that app's permissions.
    created_groups: set[str] = field(default_factory=set)

    def record(self, model: type[models.Model], outcome: str) -> None:
        self.counts.setdefault(model._meta.label, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(counter["created"] or counter["updated"] for counter in self.counts.values())


# --- Reading the files ----------------------------------------------------------------------


def default_seed_dir() -> Path:
    return Path(settings.BASE_DIR) / "seeds"


def read_seed_files(seed_dir: Path, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Parse the named TOML files of the seed directory, keyed by file name without suffix."""
    data = {}
    for name in names:
        path = seed_dir / f"{name}.toml"
        try:
            with path.open("rb") as handle:
                data[name] = tomllib.load(handle)
        except FileNotFoundError:
            raise SeedError(f"Seed file {path} is missing.") from None
        except tomllib.TOMLDecodeError as error:
            raise SeedError(f"Seed file {path} is not valid TOML: {error}") from None
    return data


def find(index: Mapping[Any, ModelT], key: Any, what: str, *, where: str = "the seed files") -> ModelT:
    """The record the seed files name; a name they do not know is a SeedError, never a KeyError."""
    try:
        return index[key]
    except KeyError:
        raise SeedError(f"Unknown {what} {key!r} in {where}.") from None


# --- Quoting the sources --------------------------------------------------------------------


def article_text(path: Path) -> str:
    """An article's text as quoted in the seeds: the page's pinyin glosses removed."""
    return _PINYIN_GLOSS.sub("", path.read_text(encoding="utf-8"))


class Sources:
    """The articles and quoted sentences of sources.toml; writes a record's source note.

    Every quote is checked against its article when the sources are read, so a source note can
    never quote a sentence the article does not contain.
    """

    def __init__(self, data: Mapping[str, Any], seed_dir: Path) -> None:
        self.citations = {key: article["citation"] for key, article in data["articles"].items()}
        texts = {key: article_text(seed_dir / article["file"]) for key, article in data["articles"].items()}
        self.quotes: dict[str, tuple[str, str]] = {}
        for key, quote in data["quotes"].items():
            if quote["article"] not in texts:
                raise SeedError(f"Quote {key!r} names an unknown article {quote['article']!r}.")
            if quote["text"] not in texts[quote["article"]]:
                raise SeedError(f"Quote {key!r} does not appear word for word in article {quote['article']!r}.")
            self.quotes[key] = (quote["article"], quote["text"])

    def note(self, key: str, note: str = "") -> str:
        """The source note: citation, the quoted sentence, and any note of our own."""
        try:
            article, text = self.quotes[key]
        except KeyError:
            raise SeedError(f"Unknown source quote {key!r}; add it to sources.toml.") from None
        result = f"{self.citations[article]}：“{text}”"
        if not note:
            return result
        # A quote that ends a sentence needs no second full stop before the note.
        return f"{result}{note}" if text.endswith(("。", "！", "？")) else f"{result}。{note}"

    def for_record(self, spec: Mapping[str, Any]) -> str:
        return self.note(spec["source"], spec.get("note", ""))


def sources_with_quotes(data: Mapping[str, Any], seed_dir: Path, files: Sequence[str]) -> Sources:
    """The articles of sources.toml with its quotes and those of the other named seed files.

    A quote key may be given in one file only; every quote is checked word for word against its article.
    """
    quotes = dict(data["sources"]["quotes"])
    for name in files:
        own = data[name].get("quotes", {})
        clash = sorted(set(quotes) & set(own))
        if clash:
            raise SeedError(f"Quote keys {clash} of {name}.toml are already given in another seed file.")
        quotes.update(own)
    return Sources({"articles": data["sources"]["articles"], "quotes": quotes}, seed_dir)


# --- Writing rows ---------------------------------------------------------------------------


def same(instance: models.Model, name: str, value: Any) -> bool:
    """Whether the instance's field already holds the value; a relation compares by primary key."""
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) == (value.pk if value is not None else None)
    return getattr(instance, name) == value


def _save(instance: models.Model, update_fields: list[str] | None = None) -> None:
    # A field the database allows to be NULL may be left empty: blank=False there is a rule for
    # forms (a person must name an event's actor; an event the system records has none).
    empty = [f.name for f in instance._meta.concrete_fields if f.null and getattr(instance, f.attname) is None]
    try:
        instance.full_clean(exclude=empty)
    except ValidationError as error:
        raise SeedError(f"{instance._meta.label} {instance}: {error.message_dict}") from None
    # django-simple-history stores this on the history row it writes for the save.
    instance._change_reason = CHANGE_REASON
    instance.save(update_fields=update_fields)


def upsert(model: type[ModelT], lookup: Mapping[str, Any], values: Mapping[str, Any], report: SeedReport) -> ModelT:
    """Find a row by its natural key; create it, or save only the fields that differ.

    Nothing is saved when nothing differs, so a repeated load touches neither ``updated_at``
    nor the history. Rows without ``updated_at`` (timeline events, versions, scores) are written
    the same way.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        _save(instance)
        report.record(model, "created")
        return instance
    changed = [name for name, value in values.items() if not same(instance, name, value)]
    if not changed:
        report.record(model, "unchanged")
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    # update_fields leaves out auto_now fields unless they are named.
    stamped = any(model_field.name == "updated_at" for model_field in model._meta.concrete_fields)
    _save(instance, update_fields=[*changed, "updated_at"] if stamped else changed)
    report.record(model, "updated")
    return instance


def ensure(model: type[ModelT], lookup: Mapping[str, Any], values: Mapping[str, Any], report: SeedReport) -> ModelT:
    """Find a row by its natural key and create it when missing; a row that exists is left as it is.

    For the reference rows the migrations create: administrators keep them in the admin (a service
    level's days, a category's name), so a load restores a missing row but never undoes an edit.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is not None:
        report.record(model, "unchanged")
        return instance
    instance = model(**lookup, **values)
    _save(instance)
    report.record(model, "created")
    return instance
