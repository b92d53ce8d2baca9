"""The sample help tickets of ``seeds/tickets.toml``, their timelines and visits, and the number counters."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from clusters.models import Enterprise, User
from clusters.seeding import SeedError, SeedReport, upsert

from ..models import (
    ServicePartner,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketEvent,
    Visit,
)
from ..services import TICKETS
from .common import TANGSHAN_TZ, Context, TeamSeed, _get, by_name, expert_for, sample_enterprises
from .visits import upsert_visit

VISIT_KINDS = ("", "raised", "worked")

S = Ticket.Status


@dataclass(frozen=True)
class EventSpec:
    action: str
    from_status: str
    to_status: str
    actor: User
    at: dt.datetime
    note: str = ""


def timeline(created_by: User, opened_at: dt.datetime, steps) -> list[EventSpec]:
    """A ticket's events from its actions (action, actor, at, note): the lifecycle table gives each one's statuses,
    as the services take them, so a seeded timeline never holds a step the lifecycle would refuse."""
    events = [EventSpec("create", "", S.NEW, created_by, opened_at)]
    for action, actor, at, note in steps:
        status = events[-1].to_status
        events.append(EventSpec(action, status, TICKETS.next_status(action, status), actor, at, note))
    return events


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
        steps = [
            ("assign", dispatcher, assigned_at, f"交{team_seed.team.name}办理，由{assignee.display_name}承办。"),
            ("start", assignee, started_at, ""),
            ("resolve", assignee, resolved_at, resolve_note),
        ]
        if closed_at:
            steps.append(("close", dispatcher, closed_at, f"企业确认问题已解决，满意度{satisfaction}分。"))
        events = timeline(created_by, opened_at, steps)
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
