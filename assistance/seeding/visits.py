"""Visits to enterprises: those the 2021 article describes, and the one way the seeds write a visit."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from clusters.models import Cluster, Enterprise, User
from clusters.seeding import SeedError, SeedReport, upsert

from ..models import Expert, Ticket, Visit
from ..services import team_of
from .common import Context, _get, by_name, sync_m2m


def upsert_visit(
    ctx: Context,
    *,
    enterprise: Enterprise,
    date: dt.date,
    inspectors: Sequence[User],
    experts: Sequence[Expert],
    values: Mapping[str, Any],
    report: SeedReport,
    tickets_worked: Sequence[Ticket] = (),
) -> Visit:
    """A visit, found again by (enterprise, date, the first inspector who logged it).

    The logging inspector is always a sample staff user, so a visit someone logs in the
    application is never taken for a seeded one.
    """
    key = (enterprise.pk, date, inspectors[0].pk)
    if key in ctx.visit_keys:
        raise SeedError(f"Two seeded visits to {enterprise.name!r} on {date} are logged by {inspectors[0]}.")
    ctx.visit_keys.add(key)
    teams = {team_of(user, date) for user in inspectors}
    if len(teams) != 1 or None in teams:
        raise SeedError(f"The inspectors of the visit to {enterprise.name!r} on {date} are not all in one team.")
    lookup = {"enterprise": enterprise, "date": date, "created_by": inspectors[0]}
    visit = upsert(Visit, lookup, {"team": teams.pop(), **values}, report)
    sync_m2m(visit, "inspectors", inspectors, report)
    sync_m2m(visit, "experts", experts, report)
    sync_m2m(visit, "tickets_worked", tickets_worked, report)
    return visit


def load_described_visits(specs: Sequence[Mapping[str, Any]], ctx: Context, report: SeedReport) -> list[Visit]:
    """The visits the article reports (synthetic unless the spec says otherwise)."""
    visits = []
    for spec in specs:
        cluster = by_name(Cluster, [spec["cluster"]], "cluster")[spec["cluster"]]
        enterprise = Enterprise.objects.filter(cluster=cluster, name=spec["enterprise"]).first()
        if enterprise is None:
            raise SeedError(f"Enterprise {spec['enterprise']!r} is not in cluster {cluster.name!r}.")
        values = {
            "purpose": spec["purpose"],
            "findings": spec.get("findings", ""),
            "solved_on_site": spec.get("solved_on_site", ""),
            "follow_up": spec.get("follow_up", ""),
            "synthetic": spec.get("synthetic", False),
            "source": ctx.sources.for_record(spec),
        }
        visits.append(
            upsert_visit(
                ctx,
                enterprise=enterprise,
                date=spec["date"],
                inspectors=[_get(ctx.staff, name, "staff user") for name in spec["inspectors"]],
                experts=[_get(ctx.experts, name, "expert") for name in spec.get("experts", [])],
                values=values,
                report=report,
            )
        )
    return visits
