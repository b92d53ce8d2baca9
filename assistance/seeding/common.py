"""What the assistance loaders share: the loaded teams, the registry rows they refer to, and m2m links."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models

from clusters.models import Cluster, Enterprise, Region, User
from clusters.seeding import CHANGE_REASON, SeedError, SeedReport, Sources, find

from ..models import Expert, SupportTeam

ASSISTANCE_FILES = ("sources", "assistance", "tickets", "trainings")
# The seeds record Tangshan's local times, whatever the server's TIME_ZONE.
TANGSHAN_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class TeamSeed:
    """A loaded support team with the members, experts and clusters the seeds give it."""

    team: SupportTeam
    leader: User
    members: tuple[User, ...]
    experts: tuple[Expert, ...]
    clusters: tuple[Cluster, ...]

    def member_for(self, county: Region) -> User:
        """The member whose jurisdiction is the county; the leader when there is none."""
        return next((user for user in self.members if user.jurisdiction_id == county.pk), self.leader)


@dataclass
class Context:
    """What the loaders share: the quoted sources and the rows already loaded, by name."""

    sources: Sources
    staff: dict[str, User]
    experts: dict[str, Expert]
    expert_categories: dict[str, tuple[str, ...]]
    team_by_cluster: dict[str, TeamSeed]
    visit_keys: set[tuple[int, dt.date, int]]


def by_name(model: type[models.Model], names: Iterable[str], what: str) -> dict[str, Any]:
    """Rows of the model by their (unique) names; every name must exist exactly once."""
    wanted = set(names)
    rows: dict[str, Any] = {}
    for row in model.objects.filter(name__in=wanted):
        if row.name in rows:
            raise SeedError(f"Two {what}s are named {row.name!r}; the seeds cannot tell them apart.")
        rows[row.name] = row
    missing = sorted(wanted - set(rows))
    if missing:
        raise SeedError(f"Unknown {what} {missing}; load the registry seeds first and check the names.")
    return rows


def _get(index: Mapping[str, Any], key: str, what: str) -> Any:
    return find(index, key, what, where="the assistance seed files")


def sync_m2m(instance: models.Model, name: str, wanted: Iterable[models.Model], report: SeedReport) -> None:
    """Make a many-to-many field hold exactly `wanted`, touching it only when it differs.

    Adding nothing still sends m2m_changed, and django-simple-history writes a history row for
    every such signal on a tracked field, so unchanged links must not be passed to add().
    """
    manager = getattr(instance, name)
    wanted_ids = {obj.pk for obj in wanted}
    current_ids = set(manager.values_list("pk", flat=True))
    if wanted_ids == current_ids:
        return
    instance._change_reason = CHANGE_REASON
    if current_ids - wanted_ids:
        manager.remove(*sorted(current_ids - wanted_ids))
        report.record(type(instance), "updated")
    if wanted_ids - current_ids:
        manager.add(*sorted(wanted_ids - current_ids))
        for _ in wanted_ids - current_ids:
            report.record(manager.through, "created")


def sample_enterprises(cluster: Cluster) -> list[Enterprise]:
    """A cluster's sample enterprises in name order; real enterprises never hold a sample record."""
    enterprises = list(Enterprise.objects.filter(cluster=cluster, synthetic=True).order_by("name"))
    if not enterprises:
        raise SeedError(f"Cluster {cluster.name!r} has no sample enterprises; load the registry seeds first.")
    return enterprises


def expert_for(ctx: Context, team_seed: TeamSeed, category: str) -> Expert:
    """The team's first expert in the category, else the first seeded expert in it."""
    for expert in team_seed.experts:
        if category in ctx.expert_categories[expert.name]:
            return expert
    for name, categories in ctx.expert_categories.items():
        if category in categories:
            return ctx.experts[name]
    raise SeedError(f"No seeded expert covers category {category!r}.")
