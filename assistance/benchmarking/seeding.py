"""Load the sample benchmarking campaign of ``seeds/benchmarking.toml`` (see the file's header).

Records refer to clusters and enterprises by name, so the registry loader runs first. The load is
idempotent in the same strict sense as the others (``clusters.seeding.upsert``): a second run writes no row.
"""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from clusters.models import Cluster, Enterprise
from clusters.seeding import (
    SeedReport,
    default_seed_dir,
    ensure_group_permissions,
    find,
    migration_module,
    read_seed_files,
    sources_with_quotes,
    upsert,
)

from .models import Campaign, Indicator, Participation

BENCHMARKING_FILES = ("sources", "benchmarking")
PERMISSIONS_MIGRATION = "0021_grant_benchmarking_permissions"
WHERE = "benchmarking.toml"


def reference_load(*, report: SeedReport | None = None) -> SeedReport:
    """The role groups' benchmarking permissions (for groups this load created); no sample record."""
    report = report if report is not None else SeedReport()
    with transaction.atomic():
        migration = migration_module("assistance", PERMISSIONS_MIGRATION)
        ensure_group_permissions(migration.GROUP_PERMISSIONS, "assistance", report)
    return report


def _value(number) -> Decimal | None:
    return None if number is None else Decimal(str(number))


def seeds_load(*, report: SeedReport | None = None, seed_dir: Path | None = None) -> SeedReport:
    """Load the sample campaigns with their participants and indicators, in one transaction."""
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, BENCHMARKING_FILES)
    sources = sources_with_quotes(data, seed_dir, ["benchmarking"])
    report = report if report is not None else SeedReport()
    specs = data["benchmarking"].get("campaigns", [])
    clusters = {c.name: c for c in Cluster.objects.filter(name__in={spec["cluster"] for spec in specs})}
    names = {p["enterprise"] for spec in specs for p in spec.get("participants", [])}
    enterprises = {e.name: e for e in Enterprise.objects.filter(name__in=names)}
    with transaction.atomic():
        reference_load(report=report)
        for spec in specs:
            cluster = find(clusters, spec["cluster"], "cluster", where=WHERE)
            campaign = upsert(
                Campaign,
                {"cluster": cluster, "year": spec["year"], "title": spec["title"]},
                {"description": spec.get("description", ""), "source": sources.for_record(spec), "synthetic": True},
                report,
            )
            for participant in spec.get("participants", []):
                enterprise = find(enterprises, participant["enterprise"], "enterprise", where=WHERE)
                participation = upsert(
                    Participation,
                    {"campaign": campaign, "enterprise": enterprise},
                    {
                        "benchmark_kind": participant["benchmark_kind"],
                        "benchmark_scope": participant["benchmark_scope"],
                        "benchmark_name": participant["benchmark_name"],
                        "note": participant.get("note", ""),
                    },
                    report,
                )
                for indicator in participant.get("indicators", []):
                    upsert(
                        Indicator,
                        {"participation": participation, "area": indicator["area"], "name": indicator["name"]},
                        {
                            "unit": indicator["unit"],
                            "baseline": _value(indicator["baseline"]),
                            "target": _value(indicator["target"]),
                            "achieved": _value(indicator.get("achieved")),
                            "direction": indicator["direction"],
                        },
                        report,
                    )
    return report
