"""Writes of the assistance app: ticket lifecycle, numbering, edits, visits and attachments.

Each state change is one call, in one transaction, with the ticket row locked.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Enterprise, User

from .attachments import check_upload, original_name, storage_name
from .models import (
    Attachment,
    ServiceLevel,
    SupportTeam,
    TeamMembership,
    Ticket,
    TicketCounter,
    TicketEvent,
    Visit,
)

S = Ticket.Status
MANAGER, TEAM_INSPECTOR, CREATOR = "manager", "team_inspector", "creator"

DEFAULT_SERVICE_DAYS = {"urgent": 2, "high": 5, "normal": 10, "low": 20}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


def _t(action: str, sources, target: str, *roles: str) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles))


# The whole ticket lifecycle: which action moves which states where, and who may take it.
TRANSITIONS: tuple[Transition, ...] = (
    _t("assign", {S.NEW, S.ASSIGNED, S.REOPENED}, S.ASSIGNED, MANAGER),
    _t("start", {S.ASSIGNED, S.REOPENED}, S.IN_PROGRESS, TEAM_INSPECTOR),
    _t("wait", {S.IN_PROGRESS}, S.WAITING, TEAM_INSPECTOR),
    _t("resume", {S.WAITING}, S.IN_PROGRESS, TEAM_INSPECTOR),
    _t("resolve", {S.IN_PROGRESS}, S.RESOLVED, TEAM_INSPECTOR),
    _t("close", {S.RESOLVED}, S.CLOSED, MANAGER),
    _t("reopen", {S.RESOLVED}, S.REOPENED, MANAGER),
    _t("cancel", set(Ticket.OPEN_STATUSES), S.CANCELLED, MANAGER),
    _t("cancel", {S.NEW}, S.CANCELLED, CREATOR),
)
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
ACTION_LABELS = {
    "create": _("created"),
    "assign": _("Assign"),
    "start": _("Start work"),
    "wait": _("Wait on enterprise"),
    "resume": _("Resume"),
    "resolve": _("Resolve"),
    "close": _("Close"),
    "reopen": _("Reopen"),
    "cancel": _("Cancel"),
}


def is_team_member(user: User, team_id: int | None, day: datetime.date | None = None) -> bool:
    if team_id is None:
        return False
    day = day or timezone.localdate()
    return (
        TeamMembership.objects.filter(team_id=team_id, user=user, joined_on__lte=day).exclude(left_on__lt=day).exists()
    )


def ticket_roles(user: User, ticket: Ticket) -> set[str]:
    """The roles the user holds for this ticket."""
    roles = set()
    if user.has_perm("assistance.manage_ticket"):
        roles.add(MANAGER)
    if user.has_perm("assistance.work_ticket") and is_team_member(user, ticket.team_id):
        roles.add(TEAM_INSPECTOR)
    if ticket.created_by_id == user.pk:
        roles.add(CREATOR)
    return roles


def allowed_actions(user: User, ticket: Ticket) -> list[str]:
    """The actions the user may take on the ticket now, in lifecycle order."""
    roles = ticket_roles(user, ticket)
    allowed = {t.action for t in TRANSITIONS if ticket.status in t.sources and t.roles & roles}
    return [action for action in ACTIONS if action in allowed]


def _find_transition(action: str, status: str, roles: set[str]) -> Transition:
    rows = [t for t in TRANSITIONS if t.action == action]
    if not rows:
        raise ValidationError(_("Unknown action."), code="unknown")
    if not any(status in t.sources for t in rows):
        raise ValidationError(
            _("A ticket that is %(status)s cannot be moved this way."),
            code="state",
            params={"status": S(status).label},
        )
    for t in rows:
        if status in t.sources and t.roles & roles:
            return t
    raise PermissionDenied(_("Your role may not take this action on this ticket."))


def service_days(priority: str) -> int:
    level = ServiceLevel.objects.filter(priority=priority).first()
    return level.days if level else DEFAULT_SERVICE_DAYS[priority]


def absolute_link(path: str) -> str:
    """A link for an email: the site's address and the page's path."""
    return settings.SITE_URL.rstrip("/") + path


def _next_number(year: int) -> str:
    """The next ticket number of the year; the counter row is locked, so concurrent calls never collide."""
    try:
        with transaction.atomic():
            TicketCounter.objects.get_or_create(year=year)
    except IntegrityError:
        pass  # another transaction created the row at the same moment; it exists now
    counter = TicketCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{settings.TICKET_NUMBER_PREFIX}-{year}-{counter.last:06d}"


def _record(ticket: Ticket, *, action: str, from_status: str, user: User | None, note: str = "", at=None) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        actor=user,
        note=note,
        at=at or timezone.now(),
    )


@transaction.atomic
def ticket_create(
    *,
    user: User,
    enterprise: Enterprise,
    category,
    title: str,
    description: str = "",
    channel: str = Ticket.Channel.VISIT,
    priority: str = "normal",
    partner=None,
    raised_in_visit: Visit | None = None,
    opened_at: datetime.datetime | None = None,
) -> Ticket:
    """Open a ticket: number it, set its due date from the priority's service level, record the event."""
    opened_at = opened_at or timezone.now()
    ticket = Ticket.objects.create(
        number=_next_number(timezone.localtime(opened_at).year),
        enterprise=enterprise,
        category=category,
        title=title,
        description=description,
        channel=channel,
        priority=priority,
        partner=partner,
        raised_in_visit=raised_in_visit,
        opened_at=opened_at,
        due_at=opened_at + datetime.timedelta(days=service_days(priority)),
        created_by=user,
        updated_by=user,
    )
    _record(ticket, action="create", from_status="", user=user, at=opened_at)
    return ticket


def _notify_assignee(ticket: Ticket) -> None:
    assignee = ticket.assignee
    if not assignee or not assignee.email:
        return
    subject = _("Help ticket %(number)s was assigned to you") % {"number": ticket.number}
    body = _("%(number)s %(title)s\nEnterprise: %(enterprise)s\nDue: %(due)s\n%(url)s") % {
        "number": ticket.number,
        "title": ticket.title,
        "enterprise": ticket.enterprise.name,
        "due": timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M"),
        "url": absolute_link(reverse("assistance:ticket-detail", args=[ticket.pk])),
    }
    send_mail(subject, body, None, [assignee.email], fail_silently=True)


def _transition(
    *, ticket_id: int, user: User, action: str, note: str = "", at: datetime.datetime | None = None, **changes
) -> Ticket:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
        transition = _find_transition(action, ticket.status, ticket_roles(user, ticket))
        now = at or timezone.now()
        previous = ticket.status
        for field, value in changes.items():
            setattr(ticket, field, value)
        if action == "wait":
            ticket.waiting_since = now
        elif action == "resume" and ticket.waiting_since:
            # Time spent waiting on the enterprise does not count against the service level.
            ticket.due_at += now - ticket.waiting_since
            ticket.waiting_since = None
        elif action == "resolve":
            ticket.resolved_at = now
        elif action == "close":
            ticket.closed_at = now
        elif action == "reopen":
            ticket.resolved_at = None
        ticket.status = transition.target
        ticket.version += 1
        ticket.updated_by = user
        ticket.save()
        _record(ticket, action=action, from_status=previous, user=user, note=note, at=now)
        if action == "assign":
            transaction.on_commit(lambda: _notify_assignee(ticket))
    return ticket


def ticket_assign(*, ticket_id: int, user: User, team: SupportTeam, assignee: User, note: str = "", at=None) -> Ticket:
    """A manager gives the ticket to a team and one of its members; the assignee gets an email."""
    if not is_team_member(assignee, team.pk):
        raise ValidationError(
            _("%(user)s is not a member of %(team)s."), code="member", params={"user": assignee, "team": team}
        )
    return _transition(ticket_id=ticket_id, user=user, action="assign", note=note, at=at, team=team, assignee=assignee)


def ticket_start(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    return _transition(ticket_id=ticket_id, user=user, action="start", note=note, at=at)


def ticket_wait(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    """Pause the service-level clock while the enterprise has to act."""
    return _transition(ticket_id=ticket_id, user=user, action="wait", note=note, at=at)


def ticket_resume(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    return _transition(ticket_id=ticket_id, user=user, action="resume", note=note, at=at)


def ticket_resolve(*, ticket_id: int, user: User, resolution: str, note: str = "", at=None) -> Ticket:
    if not (resolution or "").strip():
        raise ValidationError(_("Say how the problem was resolved."), code="resolution")
    return _transition(
        ticket_id=ticket_id, user=user, action="resolve", note=note, at=at, resolution=resolution.strip()
    )


def ticket_close(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    return _transition(ticket_id=ticket_id, user=user, action="close", note=note, at=at)


def ticket_reopen(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    return _transition(ticket_id=ticket_id, user=user, action="reopen", note=note, at=at)


def ticket_cancel(*, ticket_id: int, user: User, reason: str, at=None) -> Ticket:
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for cancelling."), code="reason")
    reason = reason.strip()
    return _transition(ticket_id=ticket_id, user=user, action="cancel", note=reason, at=at, cancel_reason=reason)


class StaleEdit(ValidationError):
    """Someone else changed the record after the editor opened it."""


EDITABLE_FIELDS = ("title", "description", "category", "channel", "priority", "partner", "satisfaction")


def can_edit_ticket(user: User, ticket: Ticket) -> bool:
    if ticket.status == S.CANCELLED or not user.has_perm("assistance.change_ticket"):
        return False
    return bool(ticket_roles(user, ticket))


@transaction.atomic
def ticket_update(*, ticket_id: int, user: User, version: int, data: dict) -> Ticket:
    """Save an edit unless the ticket changed since the editor loaded `version`; nothing is overwritten."""
    # Lock the ticket row only: PostgreSQL cannot lock the nullable side of the outer join to updated_by.
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=ticket_id)
    if not can_edit_ticket(user, ticket):
        raise PermissionDenied(_("You may not edit this ticket."))
    if ticket.version != version:
        who = ticket.updated_by.display_name if ticket.updated_by else _("someone")
        when = timezone.localtime(ticket.updated_at).strftime("%Y-%m-%d %H:%M")
        raise StaleEdit(
            _(
                "%(who)s changed this ticket at %(when)s, after you opened it. Your changes were not saved; "
                "reload the ticket and make them again."
            ),
            code="stale",
            params={"who": who, "when": when},
        )
    old_days = service_days(ticket.priority)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(ticket, field, data[field])
    new_days = service_days(ticket.priority)
    if new_days != old_days:
        ticket.due_at += datetime.timedelta(days=new_days - old_days)
    ticket.version += 1
    ticket.updated_by = user
    ticket.save()
    return ticket


def team_of(user: User, day: datetime.date) -> SupportTeam | None:
    """The team the user belonged to on the day (the most recently joined, if several)."""
    membership = (
        TeamMembership.objects.filter(user=user, joined_on__lte=day)
        .exclude(left_on__lt=day)
        .select_related("team")
        .order_by("-joined_on")
        .first()
    )
    return membership.team if membership else None


def visit_team(*, user: User, inspectors, day: datetime.date, chosen: SupportTeam | None = None) -> SupportTeam | None:
    """The team a visit is recorded under: the one its inspectors belonged to on the day of the visit.

    The form offers the team of today, which is wrong for a visit logged late after a change of team.
    The chosen team stands if an inspector was in it that day (someone may be in two teams); else the
    team of the inspectors that day, the logging user's first; else the chosen team, for visitors in no team.
    """
    inspectors = sorted(inspectors, key=lambda inspector: inspector.pk != user.pk)
    if chosen is not None and any(is_team_member(inspector, chosen.pk, day) for inspector in inspectors):
        return chosen
    for inspector in inspectors:
        team = team_of(inspector, day)
        if team is not None:
            return team
    return chosen


@transaction.atomic
def visit_create(
    *,
    user: User,
    data: dict,
    inspectors,
    experts=(),
    tickets_worked=(),
    raise_ticket: dict | None = None,
) -> Visit:
    """Log a visit, and open a ticket raised during it, in one transaction."""
    day = data.get("date") or timezone.localdate()
    team = visit_team(user=user, inspectors=inspectors, day=day, chosen=data.get("team"))
    visit = Visit.objects.create(created_by=user, **{**data, "date": day, "team": team})
    visit.inspectors.set(inspectors)
    visit.experts.set(experts)
    visit.tickets_worked.set(tickets_worked)
    if raise_ticket:
        ticket_create(
            user=user,
            enterprise=visit.enterprise,
            channel=Ticket.Channel.VISIT,
            raised_in_visit=visit,
            **raise_ticket,
        )
    return visit


def attachment_add(*, user: User, upload: UploadedFile, ticket: Ticket | None = None, visit: Visit | None = None):
    """Check the file and store it privately on the ticket or visit; a finished ticket takes no more files."""
    if ticket is not None and not ticket.is_open:
        raise ValidationError(_("Files can be attached only to an open ticket."), code="closed")
    kind = check_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        visit=visit,
        original_name=original_name(upload.name),
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(storage_name(upload.name), upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
