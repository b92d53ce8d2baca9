"""The sample trainings of ``seeds/trainings.toml``."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from clusters.models import Cluster, Region
from clusters.seeding import SeedError, SeedReport, upsert

from ..models import TicketCategory, Training
from .common import Context, _get, by_name, sample_enterprises, sync_m2m


def load_trainings(data: Mapping[str, Any], ctx: Context, report: SeedReport) -> list[Training]:
    """The sample trainings, found again by (date, title)."""
    specs = data["trainings"]
    categories = {category.code: category for category in TicketCategory.objects.all()}
    regions = by_name(Region, {spec["region"] for spec in specs}, "region")
    clusters = by_name(Cluster, {name for spec in specs for name in spec["clusters"]}, "cluster")
    seen: set[tuple[dt.date, str]] = set()
    trainings = []
    for spec in specs:
        if (spec["date"], spec["title"]) in seen:
            raise SeedError(f"Training {spec['title']!r} on {spec['date']} appears twice in trainings.toml.")
        seen.add((spec["date"], spec["title"]))
        region = regions[spec["region"]]
        attending = [clusters[name] for name in spec["clusters"]]
        organiser = _get(ctx.team_by_cluster, attending[0].name, "cluster served by a team").member_for(region)
        source_spec = {"source": spec.get("source", data["source"]), "note": spec.get("note", data.get("note", ""))}
        values = {
            "category": _get(categories, spec["category"], "ticket category"),
            "region": region,
            "place": spec.get("place", ""),
            "attendee_count": spec["attendees"],
            "created_by": organiser,
            "synthetic": True,
            "source": ctx.sources.for_record(source_spec),
        }
        training = upsert(Training, {"date": spec["date"], "title": spec["title"]}, values, report)
        sync_m2m(training, "clusters", attending, report)
        sync_m2m(training, "experts", [_get(ctx.experts, name, "expert") for name in spec["experts"]], report)
        sync_m2m(training, "enterprises", [e for cluster in attending for e in sample_enterprises(cluster)], report)
        trainings.append(training)
    return trainings
