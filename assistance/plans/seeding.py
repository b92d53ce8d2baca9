"""Load ``seeds/plans.toml``: the two Tangshan plans the 2021 article names, sample measures, and a sample chain.

The plans are the article's (not synthetic; their source notes quote it); every measure, progress note, chain
link and chain project is a sample, marked `synthetic` and titled "（示例）". Records refer to regions, clusters,
teams and enterprises by name, so the registry and assistance loaders run first; ``manage.py load_seeds`` calls
this one after them in the same transaction.

Idempotent as the other loaders are: each record is found by its natural key, created when missing and saved
only when a field differs, and many-to-many links change only when they differ.
"""

from pathlib import Path

from django.db import transaction

from clusters.models import Cluster, Enterprise, Region
from clusters.seeding import (
    SeedError,
    SeedReport,
    default_seed_dir,
    ensure_group_permissions,
    migration_module,
    read_seed_files,
    sources_with_quotes,
    upsert,
)

from ..models import SupportTeam
from ..seeding.common import by_name, sync_m2m
from .models import ChainLink, ChainProject, Measure, MeasureProgress, Plan

PLAN_FILES = ("sources", "plans")
PERMISSIONS_MIGRATION = "0025_grant_plan_and_chain_permissions"
SAMPLE_NOTE = "举措为样例，文中未载具体举措。"
CHAIN_NOTE = "产业链为样例。"


def reference_load(*, report: SeedReport | None = None) -> SeedReport:
    """The role groups' permissions on plans and chains, as the migration gives them; nothing synthetic."""
    report = report if report is not None else SeedReport()
    with transaction.atomic():
        migration = migration_module("assistance", PERMISSIONS_MIGRATION)
        ensure_group_permissions(migration.GROUP_PERMISSIONS, "assistance", report)
    return report


def _get(index: dict, key, what: str):
    try:
        return index[key]
    except KeyError:
        raise SeedError(f"Unknown {what} {key!r} in plans.toml.") from None


def seeds_load(*, report: SeedReport | None = None, seed_dir: Path | None = None) -> SeedReport:
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, PLAN_FILES)
    sources = sources_with_quotes(data, seed_dir, ["plans"])
    report = report if report is not None else SeedReport()
    seeds = data["plans"]
    with transaction.atomic():
        regions = by_name(Region, {spec["region"] for spec in seeds["plans"]}, "region")
        plans = {}
        for spec in seeds["plans"]:
            values = {
                "document_number": spec.get("document_number", ""),
                "issuing_body": spec.get("issuing_body", ""),
                "start_date": spec.get("start_date"),
                "end_date": spec.get("end_date"),
                "description": spec.get("description", ""),
                "synthetic": spec.get("synthetic", False),
                "source": sources.for_record(spec),
            }
            lookup = {"region": regions[spec["region"]], "title": spec["title"]}
            plans[spec["title"]] = upsert(Plan, lookup, values, report)

        cluster_names = {n for spec in seeds["measures"] for n in spec.get("clusters", [])}
        cluster_names |= {spec["cluster"] for spec in seeds.get("chain_links", [])}
        clusters = by_name(Cluster, cluster_names, "cluster")
        teams = by_name(SupportTeam, {spec["team"] for spec in seeds["measures"] if "team" in spec}, "support team")
        measures = {}
        for position, spec in enumerate(seeds["measures"], start=1):
            if not spec["title"].startswith("（示例）"):
                raise SeedError(f"Sample measure {spec['title']!r} must be titled “（示例）…”.")
            plan = _get(plans, spec["plan"], "plan")
            values = {
                "owner_unit": spec.get("owner_unit", ""),
                "team": teams[spec["team"]] if "team" in spec else None,
                "deadline": spec["deadline"],
                "status": spec["status"],
                "position": position,
                "description": spec.get("description", ""),
                "synthetic": True,
                "source": sources.note("tangshan_plans", SAMPLE_NOTE),
            }
            measure = upsert(Measure, {"plan": plan, "title": spec["title"]}, values, report)
            sync_m2m(measure, "clusters", [clusters[n] for n in spec.get("clusters", [])], report)
            for entry in spec.get("progress", []):
                upsert(
                    MeasureProgress,
                    {"measure": measure, "date": entry["date"], "status": entry["status"]},
                    {"note": entry["note"]},
                    report,
                )
            measures[spec["title"]] = measure

        enterprises = _chain_enterprises(seeds.get("chain_links", []), clusters)
        links = {}
        for spec in seeds.get("chain_links", []):
            cluster = clusters[spec["cluster"]]
            members = [enterprises[(cluster.pk, n)] for n in spec.get("enterprises", [])]
            lookup = {"cluster": cluster, "year": spec["year"], "segment": spec["segment"], "name": spec["name"]}
            values = {
                "position": spec.get("position", 0),
                "weak": spec.get("weak", False),
                "note": spec.get("note", ""),
                "synthetic": True,
                "source": sources.note("weak_links_and_measures", CHAIN_NOTE),
            }
            link = upsert(ChainLink, lookup, values, report)
            sync_m2m(link, "enterprises", members, report)
            links[(spec["cluster"], spec["year"], spec["segment"], spec["name"])] = link
        for spec in seeds.get("chain_projects", []):
            link = _get(links, (spec["cluster"], spec["year"], spec["segment"], spec["link"]), "chain link")
            values = {
                "kind": spec["kind"],
                "measure": _get(measures, spec["measure"], "measure") if "measure" in spec else None,
                "status": spec.get("status", "not_started"),
                "note": spec.get("note", ""),
                "synthetic": True,
            }
            upsert(ChainProject, {"link": link, "title": spec["title"]}, values, report)
    return report


def _chain_enterprises(specs: list[dict], clusters: dict[str, Cluster]) -> dict[tuple[int, str], Enterprise]:
    """The chain links' enterprises by (cluster, name): a name is looked up within its cluster only, and
    where a cluster holds two of one name the earlier row is taken (as the visits' seeds do)."""
    wanted = {(clusters[spec["cluster"]].pk, name) for spec in specs for name in spec.get("enterprises", [])}
    rows = Enterprise.objects.filter(
        cluster__in={cluster_id for cluster_id, _ in wanted}, name__in={name for _, name in wanted}
    ).order_by("-pk")
    found = {key: enterprise for enterprise in rows if (key := (enterprise.cluster_id, enterprise.name)) in wanted}
    names = {cluster.pk: name for name, cluster in clusters.items()}
    missing = sorted(f"{names[cluster_id]}: {name}" for cluster_id, name in wanted - set(found))
    if missing:
        raise SeedError(f"Chain links name enterprises their cluster does not hold: {missing}.")
    return found
