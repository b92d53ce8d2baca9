"""Benchmarking figures for a year: who reached their benchmark, per cluster and per area, and the gaps.

Every figure is counted in the database over the participations the user may see (campaigns of their
jurisdiction), with the outcome rule of assistance.benchmarking.models: one query per table, whatever
the number of participants.
"""

from django.db.models import Count, F, QuerySet

from assistance.benchmarking.models import Indicator, has_area_q, reached_q
from assistance.benchmarking.selectors import visible_campaigns, visible_indicators, visible_participations
from clusters.models import User

AREAS = Indicator.Area


def _share(part: int, whole: int) -> float | None:
    """Per cent, one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def _participations(user: User, year: int):
    return visible_participations(user=user).filter(campaign__year=year).order_by()


def benchmarking_results(user: User, year: int) -> dict:
    """The year's headline figures: participants, how many reached their benchmark and the share, and the
    same per area (a participant counts in an area when it has an indicator there). One query.
    """
    counts = {
        "participants": Count("pk"),
        "reached": Count("pk", filter=reached_q()),
    }
    for area in AREAS.values:
        counts[f"{area}_participants"] = Count("pk", filter=has_area_q(area))
        counts[f"{area}_reached"] = Count("pk", filter=reached_q(area))
    row = _participations(user, year).aggregate(**counts)
    areas = [
        {
            "area": area,
            "name": label,
            "participants": row[f"{area}_participants"],
            "reached": row[f"{area}_reached"],
            "share": _share(row[f"{area}_reached"], row[f"{area}_participants"]),
        }
        for area, label in AREAS.choices
    ]
    return {
        "year": year,
        "participants": row["participants"],
        "reached": row["reached"],
        "share": _share(row["reached"], row["participants"]),
        "areas": areas,
    }


def results_by_cluster(user: User, year: int) -> list[dict]:
    """Per cluster with a campaign that year: participants, how many reached their benchmark, the share."""
    rows = (
        _participations(user, year)
        .values(cluster_id=F("campaign__cluster"), name=F("campaign__cluster__name"))
        .annotate(participants=Count("pk"), reached=Count("pk", filter=reached_q()))
        .order_by("name", "cluster_id")
    )
    return [{**row, "share": _share(row["reached"], row["participants"])} for row in rows]


def gap_rows(user: User, year: int) -> QuerySet[Indicator]:
    """The year's indicators not met yet, the largest gap first (then by participant and indicator)."""
    return (
        visible_indicators(user=user)
        .filter(participation__campaign__year=year)
        .with_outcome()
        .filter(is_met=False)
        .select_related("participation__enterprise", "participation__campaign__cluster")
        .order_by(F("gap").desc(), "participation__enterprise__name", "pk")
    )


def campaign_years(user: User) -> list[int]:
    """The years that have a campaign the user may see, newest first."""
    return list(visible_campaigns(user=user).order_by("-year").values_list("year", flat=True).distinct())
