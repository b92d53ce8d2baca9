"""Load the registry's seed data from ``seeds/*.toml`` (see ``seeds/README.md``).

The load is idempotent in the strict sense: every record is found again by its natural key,
created when missing, and saved only when a field differs, and then only those fields. A
second run therefore writes nothing: no new rows, no new ``updated_at``, no history rows.

Records the articles only count are generated here by plain arithmetic from the seed files
(sample enterprises and sample standards), so the same files always give the same rows.
"""

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .models import (
    Cluster,
    ClusterIndicator,
    Designation,
    Enterprise,
    GIProduct,
    Honour,
    Region,
    RegionIndicator,
    Standard,
    StandardizationPilot,
    StandardRole,
    Trademark,
    User,
)
from .validators import CREDIT_CODE_CHARSET, credit_code_check_character, validate_standard_number

REGISTRY_FILES = ("sources", "regions", "clusters", "holdings", "standards", "indicators")
DEMO_USERS_FILE = "demo_users"
CHANGE_REASON = "load_seeds"
# Used in a sample enterprise's credit code where its county has no division code.
CITY_DIVISION_CODE = "130200"
# The 2022 article's page carries pinyin glosses after characters, e.g. "重點(diǎn)".
_PINYIN_GLOSS = re.compile(r"\([a-zA-Z\u00c0-\u024f]+\)")

ModelT = TypeVar("ModelT", bound=models.Model)


class SeedError(Exception):
    """The seed files contradict themselves or the database refuses a record."""


class DemoUsersNotAllowed(SeedError):
    """Demo users were asked for where settings.DEMO_USERS_ALLOWED is false."""


@dataclass(frozen=True)
class DemoSignIn:
    """One demo account, as the command prints it."""

    username: str
    password: str
    role: str
    jurisdiction: str
    created: bool


@dataclass
class SeedReport:
    """What one load did, per model: how many rows it created, updated or left alone."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    demo_users: list[DemoSignIn] = field(default_factory=list)

    def record(self, model: type[models.Model], outcome: str) -> None:
        self.counts.setdefault(model._meta.label, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(counter["created"] or counter["updated"] for counter in self.counts.values())


@dataclass(frozen=True)
class StandardSpec:
    """One generated standard and who drafted it (sample enterprise indices in the cluster)."""

    number: str
    title: str
    level: str
    year: int
    date: dt.date
    drafters: tuple[tuple[int, str], ...]


# --- Reading the files ----------------------------------------------------------------------


def default_seed_dir() -> Path:
    return Path(settings.BASE_DIR) / "seeds"


def read_seed_files(seed_dir: Path, names: tuple[str, ...] = REGISTRY_FILES) -> dict[str, dict[str, Any]]:
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


def _lookup(index: Mapping[str, ModelT], name: str, what: str) -> ModelT:
    try:
        return index[name]
    except KeyError:
        raise SeedError(f"Unknown {what} {name!r} in the seed files.") from None


# --- Writing rows ---------------------------------------------------------------------------


def _same(instance: models.Model, name: str, value: Any) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) == (value.pk if value is not None else None)
    return getattr(instance, name) == value


def _save(instance: models.Model, update_fields: list[str] | None = None) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise SeedError(f"{instance._meta.label} {instance}: {error.message_dict}") from None
    # django-simple-history stores this on the history row it writes for the save.
    instance._change_reason = CHANGE_REASON
    instance.save(update_fields=update_fields)


def upsert(model: type[ModelT], lookup: Mapping[str, Any], values: Mapping[str, Any], report: SeedReport) -> ModelT:
    """Find a row by its natural key; create it, or save only the fields that differ.

    Nothing is saved when nothing differs, so a repeated load touches neither ``updated_at``
    nor the history.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        _save(instance)
        report.record(model, "created")
        return instance
    changed = [name for name, value in values.items() if not _same(instance, name, value)]
    if not changed:
        report.record(model, "unchanged")
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    _save(instance, update_fields=[*changed, "updated_at"])
    report.record(model, "updated")
    return instance


# --- Generated records ----------------------------------------------------------------------


def build_credit_code(division_code: str, body: str) -> str:
    """A valid unified social credit code: "91" (a company), the division code, a 9-character
    body and the GB 32100-2015 check character."""
    first17 = f"91{division_code}{body}"
    if len(first17) != 17 or any(character not in CREDIT_CODE_CHARSET for character in first17):
        raise SeedError(f"Cannot build a credit code from {division_code!r} and {body!r}.")
    return first17 + credit_code_check_character(first17)


def sample_enterprise_name(prefix: str, index: int) -> str:
    """The name of a cluster's index-th sample enterprise, counting from 1."""
    return f"{prefix}样例企业{index:02d}"


def sample_enterprise_specs(cluster_spec: Mapping[str, Any], county: Region, has_leader: bool) -> list[dict]:
    """The sample enterprises of one cluster, generated from its seed number and prefix.

    The first sample leads the cluster when the articles name no leading enterprise in it.
    """
    division = county.code or CITY_DIVISION_CODE
    sizes = (Enterprise.Size.MEDIUM, Enterprise.Size.SMALL, Enterprise.Size.SMALL, Enterprise.Size.MICRO)
    specs = []
    for index in range(1, cluster_spec["samples"] + 1):
        specs.append(
            {
                "name": sample_enterprise_name(cluster_spec["sample_prefix"], index),
                "credit_code": build_credit_code(division, f"YL{cluster_spec['no']:03d}{index:04d}"),
                "size": sizes[(index - 1) % len(sizes)],
                "is_leading": index == 1 and not has_leader,
                "address": f"河北省唐山市{county.name}（样例地址）",
            }
        )
    return specs


def expand_series(series: Mapping[str, Any], sample_count: int) -> list[StandardSpec]:
    """The standards of one series in standards.toml, by the arithmetic its header describes."""
    count = series["count"]
    date_from, date_to = series["date_from"], series["date_to"]
    span = (date_to - date_from).days
    levels, topics = series["levels"], series["topics"]
    if sample_count < 1:
        raise SeedError(f"Cluster {series['cluster']!r} has no sample enterprises to draft its standards.")
    specs = []
    for i in range(count):
        date = date_from + dt.timedelta(days=span * i // (count - 1)) if count > 1 else date_from
        level = levels[i % len(levels)]
        prefix = series["prefixes"][level]
        serial = series["first_serial"] + i
        number = f"{prefix} {serial}:{date.year}" if level == "international" else f"{prefix} {serial}-{date.year}"
        try:
            validate_standard_number(number, level)
        except ValidationError:
            raise SeedError(f"Generated standard number {number!r} does not fit level {level!r}.") from None
        title = f"样例标准：{topics[i % len(topics)]}"
        if count > len(topics):
            title += f" 第{i // len(topics) + 1}部分"
        drafters = [(i % sample_count, StandardRole.Role.LEAD if i % 2 == 0 else StandardRole.Role.PARTICIPANT)]
        if i % 4 == 3 and sample_count > 1:
            drafters.append(((i + 1) % sample_count, StandardRole.Role.PARTICIPANT))
        specs.append(StandardSpec(number, title, level, date.year, date, tuple(drafters)))
    return specs


# --- Loading, file by file ------------------------------------------------------------------


def load_regions(data: Mapping[str, Any], report: SeedReport) -> dict[str, Region]:
    """Regions by name; a parent must come before its children in regions.toml."""
    regions: dict[str, Region] = {}
    for spec in data["regions"]:
        if spec["name"] in regions:
            raise SeedError(f"Region {spec['name']!r} appears twice in regions.toml.")
        parent = _lookup(regions, spec["parent"], "region") if "parent" in spec else None
        code = spec.get("code") or None
        lookup = {"code": code} if code else {"parent": parent, "name": spec["name"]}
        values = {"name": spec["name"], "level": spec["level"], "parent": parent}
        if code is None:
            values["code"] = None
        regions[spec["name"]] = upsert(Region, lookup, {k: v for k, v in values.items() if k not in lookup}, report)
    return regions


def load_clusters(
    data: Mapping[str, Any], regions: Mapping[str, Region], sources: Sources, report: SeedReport
) -> dict[str, Cluster]:
    clusters: dict[str, Cluster] = {}
    numbers: set[int] = set()
    for spec in data["clusters"]:
        if spec["no"] in numbers or spec["name"] in clusters:
            raise SeedError(f"Cluster {spec['name']!r} repeats a name or seed number.")
        numbers.add(spec["no"])
        values = {
            "county": _lookup(regions, spec["county"], "region"),
            "industry": spec["industry"],
            "level": spec["level"],
            "featured": spec.get("featured", False),
            "year_designated": spec.get("year_designated"),
            "lead_agency": spec.get("lead_agency", ""),
            "active": spec.get("active", True),
            "description": spec.get("description", ""),
            "source": sources.for_record(spec),
            "synthetic": spec.get("synthetic", False),
        }
        clusters[spec["name"]] = upsert(Cluster, {"name": spec["name"]}, values, report)
    return clusters


def load_enterprises(
    data: Mapping[str, Any], clusters: Mapping[str, Cluster], sources: Sources, report: SeedReport
) -> tuple[dict[str, Enterprise], dict[str, list[Enterprise]]]:
    """The named enterprises, then each cluster's samples.

    Returns every enterprise by name, and each cluster's sample enterprises in order.
    """
    enterprises: dict[str, Enterprise] = {}

    def add(name: str, credit_code: str, values: dict[str, Any]) -> Enterprise:
        if name in enterprises:
            raise SeedError(f"Enterprise {name!r} appears twice in the seeds.")
        enterprises[name] = upsert(Enterprise, {"credit_code": credit_code}, {"name": name, **values}, report)
        return enterprises[name]

    led = set()
    for spec in data["enterprises"]:
        cluster = _lookup(clusters, spec["cluster"], "cluster")
        if spec.get("is_leading"):
            led.add(cluster.name)
        add(
            spec["name"],
            build_credit_code(cluster.county.code or CITY_DIVISION_CODE, f"PH{spec['code_serial']:07d}"),
            {
                "county": cluster.county,
                "cluster": cluster,
                "size": spec.get("size", Enterprise.Size.SMALL),
                "is_leading": spec.get("is_leading", False),
                "address": spec.get("address", ""),
                "source": sources.for_record(spec),
                "synthetic": False,
            },
        )

    samples: dict[str, list[Enterprise]] = {}
    for spec in data["clusters"]:
        cluster = clusters[spec["name"]]
        note = (
            "样例企业：文章未点名该集群的这家企业，企业名称、地址与统一社会信用代码均为虚构"
            "（代码按GB 32100-2015计算校验位生成）。"
        )
        samples[cluster.name] = []
        for sample in sample_enterprise_specs(spec, cluster.county, cluster.name in led):
            name, credit_code = sample.pop("name"), sample.pop("credit_code")
            values = {
                **sample,
                "county": cluster.county,
                "cluster": cluster,
                "source": sources.note("key_region_count", note),
                "synthetic": True,
            }
            samples[cluster.name].append(add(name, credit_code, values))
    return enterprises, samples


def load_holdings(
    data: Mapping[str, Any],
    regions: Mapping[str, Region],
    clusters: Mapping[str, Cluster],
    enterprises: Mapping[str, Enterprise],
    sources: Sources,
    report: SeedReport,
) -> None:
    """Honours, designations, trademarks, GI products and pilots, each by its natural key."""

    def holding(spec: Mapping[str, Any]) -> dict[str, Any]:
        return {"date": spec["date"], "source": sources.for_record(spec), "synthetic": spec.get("synthetic", False)}

    for spec in data.get("honours", []):
        enterprise = _lookup(enterprises, spec["enterprise"], "enterprise")
        lookup = {"enterprise": enterprise, "kind": spec["kind"], "year": spec["year"], "title": spec["title"]}
        upsert(Honour, lookup, holding(spec), report)
    for spec in data.get("designations", []):
        enterprise = _lookup(enterprises, spec["enterprise"], "enterprise")
        upsert(Designation, {"enterprise": enterprise, "kind": spec["kind"]}, holding(spec), report)
    for spec in data.get("trademarks", []):
        enterprise = _lookup(enterprises, spec["enterprise"], "enterprise")
        values = {**holding(spec), "registration_number": spec.get("registration_number", "")}
        upsert(Trademark, {"enterprise": enterprise, "kind": spec["kind"], "name": spec["name"]}, values, report)
    for spec in data.get("gi_products", []):
        values = {
            **holding(spec),
            "cluster": _lookup(clusters, spec["cluster"], "cluster") if "cluster" in spec else None,
        }
        lookup = {"name": spec["name"], "region": _lookup(regions, spec["region"], "region")}
        upsert(GIProduct, lookup, values, report)
    for spec in data.get("pilots", []):
        values = {
            **holding(spec),
            "level": spec["level"],
            "status": spec["status"],
            "enterprise": _lookup(enterprises, spec["enterprise"], "enterprise") if "enterprise" in spec else None,
        }
        lookup = {"cluster": _lookup(clusters, spec["cluster"], "cluster"), "name": spec["name"]}
        upsert(StandardizationPilot, lookup, values, report)


def load_standards(
    data: Mapping[str, Any],
    samples: Mapping[str, list[Enterprise]],
    sources: Sources,
    report: SeedReport,
) -> None:
    """Every series of standards.toml: the standards, then who drafted them."""
    serials: set[int] = set()
    for series in data["series"]:
        drafters = _lookup(samples, series["cluster"], "cluster")
        new_serials = set(range(series["first_serial"], series["first_serial"] + series["count"]))
        if serials & new_serials:
            raise SeedError(f"A standards series of {series['cluster']!r} reuses serial numbers.")
        serials |= new_serials
        source = sources.for_record(series)
        for spec in expand_series(series, len(drafters)):
            standard = upsert(
                Standard,
                {"number": spec.number},
                {"title": spec.title, "level": spec.level, "year": spec.year, "synthetic": True},
                report,
            )
            for index, role in spec.drafters:
                upsert(
                    StandardRole,
                    {"enterprise": drafters[index], "standard": standard},
                    {"role": role, "date": spec.date, "source": source, "synthetic": series["role_synthetic"]},
                    report,
                )


def load_indicators(
    data: Mapping[str, Any],
    regions: Mapping[str, Region],
    clusters: Mapping[str, Cluster],
    sources: Sources,
    report: SeedReport,
) -> None:
    """Cluster yearly indicators (samples) and the figures regions reported."""
    cluster_source = sources.for_record(data["cluster_indicator_source"])
    for spec in data.get("cluster_indicators", []):
        values = {
            "enterprise_count": spec.get("enterprise_count"),
            "output_value": _decimal(spec.get("output_value")),
            "total_profit": _decimal(spec.get("total_profit")),
            "source": cluster_source,
            "synthetic": True,
        }
        lookup = {"cluster": _lookup(clusters, spec["cluster"], "cluster"), "year": spec["year"]}
        upsert(ClusterIndicator, lookup, values, report)
    for spec in data.get("region_indicators", []):
        lookup = {"region": _lookup(regions, spec["region"], "region"), "key": spec["key"], "as_of": spec["as_of"]}
        values = {
            "label": spec["label"],
            "value": _decimal(spec["value"]),
            "unit": spec.get("unit", ""),
            "source": sources.for_record(spec),
        }
        upsert(RegionIndicator, lookup, values, report)


def _decimal(value: int | float | str | None) -> Decimal | None:
    # str() first: a TOML float such as 2.9 must become Decimal("2.9"), not its binary expansion.
    return None if value is None else Decimal(str(value))


def load_demo_users(data: Mapping[str, Any], regions: Mapping[str, Region], report: SeedReport) -> list[DemoSignIn]:
    """The demo accounts of demo_users.toml.

    The password is set only when an account is created; the role groups come from migration
    clusters/0002 and are never created here.
    """
    password = settings.DEMO_PASSWORD
    sign_ins = []
    for spec in data["users"]:
        jurisdiction = _lookup(regions, spec["jurisdiction"], "region") if "jurisdiction" in spec else None
        group = None
        if "group" in spec:
            group = Group.objects.filter(name=spec["group"]).first()
            if group is None:
                raise SeedError(f"Group {spec['group']!r} is missing; run `manage.py migrate` first.")
        values = {
            "last_name": spec.get("last_name", ""),
            "first_name": spec.get("first_name", ""),
            "organisation": spec.get("organisation", ""),
            "jurisdiction": jurisdiction,
            "is_staff": spec.get("is_staff", False),
            "is_superuser": spec.get("is_superuser", False),
        }
        user = User.objects.filter(username=spec["username"]).first()
        created = user is None
        if created:
            user = User(username=spec["username"], **values)
            user.set_password(password)
            user.save()
            report.record(User, "created")
        else:
            changed = [name for name, value in values.items() if not _same(user, name, value)]
            for name in changed:
                setattr(user, name, values[name])
            if changed:
                user.save(update_fields=changed)
            report.record(User, "updated" if changed else "unchanged")
        if group is not None and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        role = group.name if group else ("admin" if user.is_superuser else "")
        sign_ins.append(
            DemoSignIn(
                username=user.username,
                password=password,
                role=role,
                jurisdiction=jurisdiction.name if jurisdiction else "",
                created=created,
            )
        )
    return sign_ins


def seeds_load(*, demo_users: bool = False, seed_dir: Path | None = None) -> SeedReport:
    """Load the registry seed data, and the demo users if asked, in one transaction.

    Raises DemoUsersNotAllowed before touching the database when demo users are asked for where
    settings.DEMO_USERS_ALLOWED is false, and SeedError when the seed files are inconsistent.
    """
    if demo_users and not getattr(settings, "DEMO_USERS_ALLOWED", False):
        raise DemoUsersNotAllowed(
            "Demo users are not allowed with these settings (DEMO_USERS_ALLOWED is false); run without --demo-users."
        )
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, REGISTRY_FILES + ((DEMO_USERS_FILE,) if demo_users else ()))
    sources = Sources(data["sources"], seed_dir)
    report = SeedReport()
    with transaction.atomic():
        regions = load_regions(data["regions"], report)
        clusters = load_clusters(data["clusters"], regions, sources, report)
        enterprises, samples = load_enterprises(data["clusters"], clusters, sources, report)
        load_holdings(data["holdings"], regions, clusters, enterprises, sources, report)
        load_standards(data["standards"], samples, sources, report)
        load_indicators(data["indicators"], regions, clusters, sources, report)
        if demo_users:
            report.demo_users = load_demo_users(data[DEMO_USERS_FILE], regions, report)
    return report
