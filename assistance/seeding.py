"""Load the bureau's work of 2020-2021 from the seed files (see ``seeds/README.md``).

``seeds/assistance.toml`` holds the five support teams with their sample staff and experts and
the three visits the 2021 article describes; ``seeds/tickets.toml`` the sample help tickets and
the arithmetic that dates them; ``seeds/trainings.toml`` the sample trainings. Records refer to
the registry (regions, clusters, enterprises) by name, so ``clusters.seeding.seeds_load`` runs
first; ``manage.py load_seeds`` calls both in one transaction.

The load is idempotent in the same strict sense as the registry's: every record is found again
by its natural key, created when missing and saved only when a field differs, and many-to-many
links are added or removed only when they differ, so a second run writes no row, no
``updated_at`` and no history. Nothing here is random: the same files always give the same rows.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models, transaction

from clusters.models import Cluster, Enterprise, Region, User
from clusters.seeding import CHANGE_REASON, SeedError, SeedReport, Sources, default_seed_dir, read_seed_files, upsert

from .models import (
    Expert,
    ServicePartner,
    SupportTeam,
    TeamMembership,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketEvent,
    Training,
    Visit,
)
from .services import team_of

ASSISTANCE_FILES = ("sources", "assistance", "tickets", "trainings")
# The seeds record Tangshan's local times, whatever the server's TIME_ZONE.
TANGSHAN_TZ = ZoneInfo("Asia/Shanghai")
VISIT_KINDS = ("", "raised", "worked")

S = Ticket.Status


# --- Plain data ----------------------------------------------------------------------------


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


@dataclass(frozen=True)
class EventSpec:
    action: str
    from_status: str
    to_status: str
    actor: User
    at: dt.datetime
    note: str = ""


@dataclass(frozen=True)
class TicketSpec:
    """One sample ticket as tickets.toml and its arithmetic describe it."""

    index: int
    number: str
    topic: Mapping[str, Any]
    category: TicketCategory
    partner: ServicePartner | None
    enterprise: Enterprise
    team_seed: TeamSeed
    assignee: User
    created_by: User
    channel: str
    priority: str
    opened_at: dt.datetime
    due_at: dt.datetime
    resolved_at: dt.datetime
    closed_at: dt.datetime | None
    satisfaction: int
    visit: str
    events: tuple[EventSpec, ...]

    @property
    def status(self) -> str:
        return S.CLOSED if self.closed_at else S.RESOLVED

    @property
    def year(self) -> int:
        return self.opened_at.year


@dataclass
class Context:
    """What the loaders share: the quoted sources and the rows already loaded, by name."""

    sources: Sources
    staff: dict[str, User]
    experts: dict[str, Expert]
    expert_categories: dict[str, tuple[str, ...]]
    team_by_cluster: dict[str, TeamSeed]
    visit_keys: set[tuple[int, dt.date, int]]


# --- Small helpers -------------------------------------------------------------------------


def assistance_sources(data: Mapping[str, Any], seed_dir: Path) -> Sources:
    """The registry's articles and quotes plus the quotes of assistance.toml, each checked
    word for word against its article."""
    registry, own = data["sources"], data["assistance"].get("quotes", {})
    clash = sorted(set(registry["quotes"]) & set(own))
    if clash:
        raise SeedError(f"Quote keys {clash} are in both sources.toml and assistance.toml.")
    return Sources({"articles": registry["articles"], "quotes": {**registry["quotes"], **own}}, seed_dir)


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
    try:
        return index[key]
    except KeyError:
        raise SeedError(f"Unknown {what} {key!r} in the assistance seed files.") from None


def local_at(day: dt.date, minutes: int) -> dt.datetime:
    """The moment `minutes` after midnight of the day, Tangshan time."""
    return dt.datetime.combine(day, dt.time(), tzinfo=TANGSHAN_TZ) + dt.timedelta(minutes=minutes)


def next_workday(day: dt.date) -> dt.date:
    """The day itself, or the Monday after when it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def resolve_day(opened_day: dt.date, days: int) -> dt.date:
    """`days` after opening; a weekend moves back to Friday, or on to Monday if Friday is the opening day."""
    day = opened_day + dt.timedelta(days=days)
    if day.weekday() < 5:
        return day
    friday = day - dt.timedelta(days=day.weekday() - 4)
    return friday if friday > opened_day else next_workday(day)


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


# --- People and teams ----------------------------------------------------------------------


def load_staff(specs: Sequence[Mapping[str, Any]], report: SeedReport) -> dict[str, User]:
    """The sample staff accounts, by username. None of them can sign in.

    A new account gets an unusable password; a later load never touches the password, so an
    administrator may still give one a real password on purpose.
    """
    regions = by_name(Region, (spec["jurisdiction"] for spec in specs), "region")
    groups = {group.name: group for group in Group.objects.filter(name__in={spec["group"] for spec in specs})}
    staff: dict[str, User] = {}
    for spec in specs:
        group = groups.get(spec["group"])
        if group is None:
            raise SeedError(f"Group {spec['group']!r} is missing; run `manage.py migrate` first.")
        if spec["username"] in staff:
            raise SeedError(f"Staff user {spec['username']!r} appears twice in assistance.toml.")
        values = {
            "last_name": spec["last_name"],
            "first_name": spec["first_name"],
            "organisation": spec.get("organisation", ""),
            "jurisdiction": regions[spec["jurisdiction"]],
        }
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = User(username=spec["username"], **values)
            user.set_unusable_password()
            user.save()
            outcome = "created"
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, values[name])
            if changed:
                user.save(update_fields=changed)
            outcome = "updated" if changed else "unchanged"
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            outcome = "created" if outcome == "created" else "updated"
        report.record(User, outcome)
        staff[user.username] = user
    return staff


def load_experts(specs: Sequence[Mapping[str, Any]], report: SeedReport) -> dict[str, Expert]:
    """The sample experts, found again by name (sample names are unique)."""
    experts: dict[str, Expert] = {}
    for spec in specs:
        if spec["name"] in experts:
            raise SeedError(f"Expert {spec['name']!r} appears twice in assistance.toml.")
        values = {
            "organisation": spec["organisation"],
            "specialities": spec.get("specialities", ""),
            "active": True,
            "synthetic": True,
        }
        experts[spec["name"]] = upsert(Expert, {"name": spec["name"]}, values, report)
    return experts


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


# --- Visits --------------------------------------------------------------------------------


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


# --- Tickets -------------------------------------------------------------------------------


def plan_tickets(data: Mapping[str, Any], ctx: Context) -> list[TicketSpec]:
    """Every sample ticket of tickets.toml, by the arithmetic its header describes."""
    rules = data["rules"]
    topics = {topic["title"]: topic for topic in data["topics"]}
    if len(topics) != len(data["topics"]):
        raise SeedError("Two ticket topics in tickets.toml share a title.")
    categories = {category.code: category for category in TicketCategory.objects.all()}
    partners = by_name(ServicePartner, {t["partner"] for t in data["topics"] if "partner" in t}, "service partner")
    dispatcher = _get(ctx.staff, data["dispatcher"], "staff user")
    # The service levels in force in 2020-2021, not today's: editing a ServiceLevel must not rewrite history.
    days_for = rules["service_days"]
    unknown = sorted(set(rules["priorities"]) - set(days_for))
    if unknown:
        raise SeedError(f"tickets.toml gives no service days for priorities {unknown}.")
    as_of = data["as_of"]
    every = rules["resolved_only_every"]
    per_cluster: Counter[str] = Counter()
    per_year: Counter[int] = Counter()
    samples: dict[str, list[Enterprise]] = {}
    previous_day = dt.date.min
    specs = []
    for i, row in enumerate(data["plan"]["tickets"]):
        topic = _get(topics, row["topic"], "ticket topic")
        category = _get(categories, topic["category"], "ticket category")
        team_seed = _get(ctx.team_by_cluster, row["cluster"], "cluster served by a team")
        visit = row.get("visit", "")
        opened_day = row["opened"]
        if visit not in VISIT_KINDS:
            raise SeedError(f"Ticket {i + 1} of tickets.toml has an unknown visit kind {visit!r}.")
        if opened_day < previous_day or opened_day < team_seed.team.active_from:
            raise SeedError(f"Ticket {i + 1} of tickets.toml is out of order or opened before its team existed.")
        previous_day = opened_day

        cluster = next(c for c in team_seed.clusters if c.name == row["cluster"])
        if cluster.name not in samples:
            samples[cluster.name] = sample_enterprises(cluster)
        enterprise = samples[cluster.name][per_cluster[cluster.name] % len(samples[cluster.name])]
        per_cluster[cluster.name] += 1

        priority = rules["priorities"][i % len(rules["priorities"])]
        days = days_for[priority]
        channel = Ticket.Channel.VISIT if visit == "raised" else rules["channels"][i % len(rules["channels"])]
        opened_at = local_at(opened_day, 8 * 60 + 30 + i * 47 % 360)
        assigned_at = opened_at + dt.timedelta(minutes=20 + i * 7 % 40)
        started_at = assigned_at + dt.timedelta(minutes=30 + i * 11 % 120)
        percent = rules["resolve_percent"][i % len(rules["resolve_percent"])]
        resolved_day = resolve_day(opened_day, max(1, (days * percent + 50) // 100))
        resolved_at = local_at(resolved_day, 9 * 60 + i * 53 % 480)
        if percent <= 100:
            # Planned in time: done by half an hour before the ticket falls due.
            resolved_at = min(resolved_at, opened_at + dt.timedelta(days=days, minutes=-30))
        closed_at = None
        if i % every != every - 1:
            closed_day = next_workday(resolved_day + dt.timedelta(days=1 + i % 3))
            closed_at = local_at(closed_day, 15 * 60 + i * 13 % 120)
        if (closed_at or resolved_at).date() > as_of:
            raise SeedError(f"Ticket {i + 1} of tickets.toml would be done after {as_of}; open it earlier.")

        if resolved_at <= started_at:
            raise SeedError(f"Ticket {i + 1} of tickets.toml would be resolved before work on it started.")
        per_year[opened_at.year] += 1
        number = f"{settings.TICKET_NUMBER_PREFIX}-{opened_at.year}-{per_year[opened_at.year]:06d}"
        assignee = team_seed.member_for(cluster.county)
        created_by = assignee if channel == Ticket.Channel.VISIT else team_seed.leader
        satisfaction = rules["satisfaction"][i % len(rules["satisfaction"])]
        resolve_note = "回访时现场解决。" if visit == "worked" else ""
        events = [
            EventSpec("create", "", S.NEW, created_by, opened_at),
            EventSpec(
                "assign",
                S.NEW,
                S.ASSIGNED,
                dispatcher,
                assigned_at,
                f"交{team_seed.team.name}办理，由{assignee.display_name}承办。",
            ),
            EventSpec("start", S.ASSIGNED, S.IN_PROGRESS, assignee, started_at),
            EventSpec("resolve", S.IN_PROGRESS, S.RESOLVED, assignee, resolved_at, resolve_note),
        ]
        if closed_at:
            note = f"企业确认问题已解决，满意度{satisfaction}分。"
            events.append(EventSpec("close", S.RESOLVED, S.CLOSED, dispatcher, closed_at, note))
        specs.append(
            TicketSpec(
                index=i,
                number=number,
                topic=topic,
                category=category,
                partner=partners[topic["partner"]] if "partner" in topic else None,
                enterprise=enterprise,
                team_seed=team_seed,
                assignee=assignee,
                created_by=created_by,
                channel=channel,
                priority=priority,
                opened_at=opened_at,
                due_at=opened_at + dt.timedelta(days=days),
                resolved_at=resolved_at,
                closed_at=closed_at,
                satisfaction=satisfaction,
                visit=visit,
                events=tuple(events),
            )
        )
    return specs


def _ticket_visit(
    spec: TicketSpec, ctx: Context, source: str, report: SeedReport, ticket: Ticket | None = None
) -> Visit:
    """The sample visit in which the ticket was raised (no ticket given) or worked on and solved."""
    expert = expert_for(ctx, spec.team_seed, spec.category.code)
    if ticket is None:
        helper = f"，{spec.partner.name}配合" if spec.partner else ""
        values = {
            "purpose": f"入企走访，了解企业在{spec.category.name}方面的需求",
            "findings": spec.topic["description"],
            "solved_on_site": "现场讲解相关政策和要求，登记帮扶工单跟进办理。",
            "follow_up": f"登记帮扶工单{spec.number}（{spec.topic['title']}），由{spec.assignee.display_name}承办{helper}。",
        }
        inspectors = list(dict.fromkeys([spec.assignee, spec.team_seed.leader]))
        day = spec.opened_at.date()
    else:
        values = {
            "purpose": f"回访并现场解决：{spec.topic['title']}",
            "findings": spec.topic["description"],
            "solved_on_site": spec.topic["resolution"],
            "follow_up": "问题已现场解决，待企业确认后办结。"
            if spec.closed_at is None
            else "问题已现场解决，转科室负责人办结。",
        }
        inspectors = [spec.assignee]
        day = spec.resolved_at.date()
    return upsert_visit(
        ctx,
        enterprise=spec.enterprise,
        date=day,
        inspectors=inspectors,
        experts=[expert],
        values={**values, "synthetic": True, "source": source},
        report=report,
        tickets_worked=[ticket] if ticket else (),
    )


def upsert_events(
    ticket: Ticket, specs: Sequence[EventSpec], existing: Mapping[str, TicketEvent], report: SeedReport
) -> None:
    """The ticket's timeline, one event per action; events added later in the application stay."""
    for spec in specs:
        values = {
            "from_status": spec.from_status,
            "to_status": spec.to_status,
            "actor_id": spec.actor.pk,
            "at": spec.at,
            "note": spec.note,
        }
        event = existing.get(spec.action)
        if event is None:
            TicketEvent.objects.create(ticket=ticket, action=spec.action, **values)
            report.record(TicketEvent, "created")
            continue
        changed = [name for name, value in values.items() if getattr(event, name) != value]
        for name in changed:
            setattr(event, name, values[name])
        if changed:
            event.save(update_fields=changed)
        report.record(TicketEvent, "updated" if changed else "unchanged")


def load_tickets(data: Mapping[str, Any], ctx: Context, report: SeedReport) -> list[Ticket]:
    """The sample tickets with their timelines and visits, then the yearly number counters."""
    specs = plan_tickets(data, ctx)
    existing = {t.number: t for t in Ticket.objects.filter(number__in=[s.number for s in specs])}
    foreign = sorted(number for number, ticket in existing.items() if not ticket.synthetic)
    if foreign:
        raise SeedError(
            f"Tickets {foreign} were not made by the seeds but use seed numbers; "
            "load the seeds into a database whose 2020-2021 tickets all come from them."
        )
    events: dict[str, dict[str, TicketEvent]] = defaultdict(dict)
    for event in TicketEvent.objects.filter(ticket__number__in=list(existing)).select_related("ticket"):
        events[event.ticket.number][event.action] = event

    ticket_source = ctx.sources.note(data["source"], data.get("note", ""))
    visit_source = ctx.sources.note(data["source"], data["visit_note"])
    tickets = []
    for spec in specs:
        raised_in = _ticket_visit(spec, ctx, visit_source, report) if spec.visit == "raised" else None
        values = {
            "enterprise": spec.enterprise,
            "category": spec.category,
            "title": spec.topic["title"],
            "description": spec.topic["description"],
            "channel": spec.channel,
            "priority": spec.priority,
            "status": spec.status,
            "team": spec.team_seed.team,
            "assignee": spec.assignee,
            "partner": spec.partner,
            "opened_at": spec.opened_at,
            "due_at": spec.due_at,
            "waiting_since": None,
            "resolved_at": spec.resolved_at,
            "closed_at": spec.closed_at,
            "resolution": spec.topic["resolution"],
            "cancel_reason": "",
            "satisfaction": spec.satisfaction,
            "raised_in_visit": raised_in,
            "created_by": spec.created_by,
            "updated_by": spec.events[-1].actor,
            "version": len(spec.events),
            "synthetic": True,
            "source": ticket_source,
        }
        ticket = upsert(Ticket, {"number": spec.number}, values, report)
        upsert_events(ticket, spec.events, events[spec.number], report)
        if spec.visit == "worked":
            _ticket_visit(spec, ctx, visit_source, report, ticket=ticket)
        tickets.append(ticket)
    sync_counters(specs, report)
    return tickets


def sync_counters(specs: Sequence[TicketSpec], report: SeedReport) -> None:
    """Raise each year's ticket counter to the highest seeded number, never lower it.

    `assistance.services._next_number` numbers from the counter, so tickets opened later in the
    application for 2020 or 2021 continue after the seeded ones instead of colliding with them.
    """
    highest: dict[int, int] = {}
    for spec in specs:
        highest[spec.year] = max(highest.get(spec.year, 0), int(spec.number.rsplit("-", 1)[1]))
    for year, last in sorted(highest.items()):
        counter = TicketCounter.objects.select_for_update().filter(year=year).first()
        if counter is None:
            TicketCounter.objects.create(year=year, last=last)
            report.record(TicketCounter, "created")
        elif counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])
            report.record(TicketCounter, "updated")
        else:
            report.record(TicketCounter, "unchanged")


# --- Trainings -----------------------------------------------------------------------------


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


# --- Entry point ---------------------------------------------------------------------------


def seeds_load(*, report: SeedReport | None = None, seed_dir: Path | None = None) -> SeedReport:
    """Load the bureau's 2020-2021 work into a database that holds the registry seeds.

    Runs in one transaction (a savepoint when the caller already has one, as `load_seeds` does)
    and adds its counts to `report` when given. Raises SeedError when the files are inconsistent
    or refer to registry records that do not exist.
    """
    seed_dir = seed_dir or default_seed_dir()
    data = read_seed_files(seed_dir, ASSISTANCE_FILES)
    sources = assistance_sources(data, seed_dir)
    report = report if report is not None else SeedReport()
    assistance = data["assistance"]
    with transaction.atomic():
        staff = load_staff(assistance["staff"], report)
        experts = load_experts(assistance["experts"], report)
        teams = load_teams(assistance["teams"], staff, experts, sources, report)
        ctx = Context(
            sources=sources,
            staff=staff,
            experts=experts,
            expert_categories={spec["name"]: tuple(spec.get("categories", ())) for spec in assistance["experts"]},
            team_by_cluster=teams_by_cluster(teams),
            visit_keys=set(),
        )
        load_demo_members(assistance.get("demo_members", []), ctx, report)
        load_described_visits(assistance.get("visits", []), ctx, report)
        load_tickets(data["tickets"], ctx, report)
        load_trainings(data["trainings"], ctx, report)
    return report
