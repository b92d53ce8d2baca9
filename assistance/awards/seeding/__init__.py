"""Load the quality-award seed data of ``seeds/awards.toml`` (see ``seeds/README.md``).

The provincial quality awards of 2020-2021 that the registry already holds (``holdings.toml``) get
the applications, reviews and decisions that led to them, each decision linked to the existing
honour, never a new one; a few sample applications show the other states of the lifecycle. Records
refer to enterprises, staff users and experts by name, so the registry and assistance loaders run
first; ``manage.py load_seeds`` calls all three in one transaction.

The load is idempotent in the same strict sense as the others: every record is found again by its
natural key, created when missing and saved only when a field differs, so a second run writes no
row, no ``updated_at`` and no history. An application that people have worked on since it was
seeded (its timeline holds events the seeds did not write) is left as it is.
"""

from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from clusters.models import Enterprise, User
from clusters.seeding import SeedError, SeedReport, default_seed_dir, read_seed_files, sources_with_quotes

from ..models import Decision
from .applications import _label, load_application, load_demo_assignments, plan_application, registry_honour
from .common import AWARD_FILES, local
from .cycles import load_cycles, load_reviewers
from .reference import load_reference

__all__ = ["AWARD_FILES", "reference_load", "seeds_load"]


def reference_load(*, report: SeedReport | None = None) -> SeedReport:
    """The award reference rows only (programmes, the rubric), each created when missing.

    Nothing synthetic: no reviewer account, cycle or application.
    """
    report = report if report is not None else SeedReport()
    with transaction.atomic():
        load_reference(report)
    return report


def _users(usernames: Sequence[str]) -> dict[str, User]:
    users = {user.username: user for user in User.objects.filter(username__in=set(usernames))}
    missing = sorted(set(usernames) - set(users))
    if missing:
        raise SeedError(f"Unknown users {missing} in awards.toml; load the assistance seeds first.")
    return users


def seeds_load(*, report: SeedReport | None = None, seed_dir: Path | None = None) -> SeedReport:
    """Load the award seeds into a database that holds the registry and assistance seeds.

    Runs in one transaction (a savepoint inside `load_seeds`'s) and adds its counts to `report` when
    given. Raises SeedError when the files contradict themselves or the registry, before writing
    any application.
    """
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, AWARD_FILES)
    sources = sources_with_quotes(data, seed_dir, ["assistance", "awards"])
    report = report if report is not None else SeedReport()
    awards = data["awards"]
    with transaction.atomic():
        reviewers = load_reviewers(awards["reviewers"], report)
        cycles = load_cycles(awards["cycles"], sources, report)
        specs = awards["applications"]
        names = {spec["enterprise"] for spec in specs} | {s["enterprise"] for s in awards.get("demo_assignments", [])}
        enterprises = {e.name: e for e in Enterprise.objects.filter(name__in=names)}
        usernames = [
            name
            for spec in specs
            for name in [
                spec["prepared_by"],
                *spec.get("reviewers", []),
                *[r["reviewer"] for r in spec.get("reviews", [])],
                *[r["by"] for r in spec.get("returned", [])],
                *[spec[key]["by"] for key in ("decision", "withdrawn", "exception") if key in spec],
                spec.get("accepted_by", "staff_manager"),
            ]
        ] + [s["by"] for s in awards.get("demo_assignments", [])]
        users = {**_users(usernames), **reviewers}

        seen: set[tuple[str, int, str]] = set()
        plans = []
        for spec in specs:
            key = (spec["programme"], spec["year"], spec["enterprise"])
            if key in seen:
                raise SeedError(f"{_label(spec)} appears twice in awards.toml.")
            seen.add(key)
            plan = plan_application(spec, cycles, enterprises, users, sources)
            if plan.decision and plan.decision["outcome"] == Decision.Outcome.APPROVED:
                plan.honour = registry_honour(plan)
            plans.append(plan)

        demo_keys = {("assign", local(s["at"])) for s in awards.get("demo_assignments", [])}
        for plan in plans:
            load_application(plan, demo_keys, report)
        load_demo_assignments(awards.get("demo_assignments", []), cycles, enterprises, users, report)
    return report
