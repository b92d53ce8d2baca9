"""The support teams of ``seeds/assistance.toml``: members, experts, the clusters they serve."""

from collections.abc import Mapping, Sequence
from typing import Any

from clusters.models import Cluster, Region, User
from clusters.seeding import SeedError, SeedReport, Sources, upsert

from ..models import Expert, SupportTeam, TeamMembership
from .common import Context, TeamSeed, _get, by_name, sync_m2m


def load_teams(
    specs: Sequence[Mapping[str, Any]],
    staff: Mapping[str, User],
    experts: Mapping[str, Expert],
    sources: Sources,
    report: SeedReport,
) -> dict[str, TeamSeed]:
    """The support teams, their members (joined on the team's first day), experts and clusters."""
    regions = by_name(Region, (spec["region"] for spec in specs), "region")
    clusters = by_name(Cluster, (name for spec in specs for name in spec["clusters"]), "cluster")
    teams: dict[str, TeamSeed] = {}
    for spec in specs:
        members = tuple(_get(staff, username, "staff user") for username in spec["members"])
        leader = _get(staff, spec["leader"], "staff user")
        if leader not in members:
            raise SeedError(f"The leader of {spec['name']!r} must be one of its members.")
        values = {
            "region": regions[spec["region"]],
            "leader": leader,
            "active_from": spec["active_from"],
            "active_until": spec.get("active_until"),
            "description": spec.get("description", ""),
            "source": sources.for_record(spec),
        }
        team = upsert(SupportTeam, {"name": spec["name"]}, values, report)
        for user in members:
            lookup = {"team": team, "user": user, "joined_on": spec["active_from"]}
            upsert(TeamMembership, lookup, {"left_on": None}, report)
        team_experts = tuple(_get(experts, name, "expert") for name in spec["experts"])
        team_clusters = tuple(clusters[name] for name in spec["clusters"])
        sync_m2m(team, "experts", team_experts, report)
        sync_m2m(team, "clusters", team_clusters, report)
        teams[team.name] = TeamSeed(team, leader, members, team_experts, team_clusters)
    return teams


def teams_by_cluster(teams: Mapping[str, TeamSeed]) -> dict[str, TeamSeed]:
    """The one team serving each cluster; tickets and trainings find their team this way."""
    result: dict[str, TeamSeed] = {}
    for team_seed in teams.values():
        for cluster in team_seed.clusters:
            if cluster.name in result:
                raise SeedError(f"Cluster {cluster.name!r} is served by two seeded teams.")
            result[cluster.name] = team_seed
    return result


def load_demo_members(specs: Sequence[Mapping[str, Any]], ctx: Context, report: SeedReport) -> None:
    """Team memberships of demo users, for those demo users that exist.

    Whether the demo users were created in this load or an earlier one, the membership follows
    on the first load that finds them. A later load without them removes nothing.
    """
    users = {user.username: user for user in User.objects.filter(username__in=[s["username"] for s in specs])}
    for spec in specs:
        user = users.get(spec["username"])
        if user is None:
            continue
        team = _get(ctx.team_by_cluster, spec["cluster"], "cluster served by a team").team
        upsert(TeamMembership, {"team": team, "user": user, "joined_on": spec["joined_on"]}, {}, report)
