"""Writes of the assistance app: ticket lifecycle, numbering, edits, visits and attachments.

Each state change is one call, in one transaction, with the ticket row locked.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.editing import StaleEdit as StaleEdit  # the edit views catch it from here
from clusters.editing import check_version, lock_for_edit, touch
from clusters.models import Enterprise, User
from clusters.selectors import users_who_see

from .attachments import check_upload, original_name, storage_name
from .lifecycle import Lifecycle, Requirement, Transition, transition
from .models import (
    Attachment,
    ServiceLevel,
    SupportTeam,
    TeamMembership,
    Ticket,
    TicketCounter,
    Training,
    Visit,
)
from .notifications.models import Notification
from .notifications.services import notify

S = Ticket.Status
MANAGER, TEAM_INSPECTOR, CREATOR = "manager", "team_inspector", "creator"

DEFAULT_SERVICE_DAYS = {"urgent": 2, "high": 5, "normal": 10, "low": 20}

RESOLUTION = Requirement("resolution", gettext_lazy("Say how the problem was resolved."), "resolution")
REASON = Requirement("reason", gettext_lazy("Give the reason for cancelling."), "reason")

# The whole ticket lifecycle: which action moves which states where, who may take it, what it requires.
TRANSITIONS: tuple[Transition, ...] = (
    transition("assign", {S.NEW, S.ASSIGNED, S.REOPENED}, S.ASSIGNED, MANAGER),
    transition("start", {S.ASSIGNED, S.REOPENED}, S.IN_PROGRESS, TEAM_INSPECTOR),
    transition("wait", {S.IN_PROGRESS}, S.WAITING, TEAM_INSPECTOR),
    transition("resume", {S.WAITING}, S.IN_PROGRESS, TEAM_INSPECTOR),
    transition("resolve", {S.IN_PROGRESS}, S.RESOLVED, TEAM_INSPECTOR, requires=[RESOLUTION]),
    transition("close", {S.RESOLVED}, S.CLOSED, MANAGER),
    transition("reopen", {S.RESOLVED}, S.REOPENED, MANAGER),
    transition("cancel", set(Ticket.OPEN_STATUSES), S.CANCELLED, MANAGER, requires=[REASON]),
    transition("cancel", {S.NEW}, S.CANCELLED, CREATOR, requires=[REASON]),
)
ACTION_LABELS = {
    "create": gettext_lazy("created"),
    "assign": gettext_lazy("Assign"),
    "start": gettext_lazy("Start work"),
    "wait": gettext_lazy("Wait on enterprise"),
    "resume": gettext_lazy("Resume"),
    "resolve": gettext_lazy("Resolve"),
    "close": gettext_lazy("Close ticket"),
    "reopen": gettext_lazy("Reopen"),
    "cancel": gettext_lazy("Cancel ticket"),
}


def is_team_member(user: User, team_id: int | None, day: datetime.date | None = None) -> bool:
    if team_id is None:
        return False
    return TeamMembership.objects.active_on(day).filter(team_id=team_id, user=user).exists()


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


TICKETS = Lifecycle(
    model=Ticket,
    transitions=TRANSITIONS,
    roles=ticket_roles,
    state_error=gettext_lazy("A ticket that is %(status)s cannot be moved this way."),
    role_error=gettext_lazy("Your role may not take this action on this ticket."),
    on_save=touch,
)
ACTIONS = TICKETS.actions


def allowed_actions(user: User, ticket: Ticket) -> list[str]:
    """The actions the user may take on the ticket now, in lifecycle order."""
    return TICKETS.allowed(user, ticket)


def ticket_check(*, user: User, ticket: Ticket, action: str) -> None:
    """Refuse early, before any form is read, an action the user may not take on the ticket as it is now."""
    TICKETS.check(user=user, record=ticket, action=action)


def service_days(priority: str) -> int:
    level = ServiceLevel.objects.filter(priority=priority).first()
    return level.days if level else DEFAULT_SERVICE_DAYS[priority]


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
    TICKETS.record(ticket, action="create", from_status="", user=user, at=opened_at)
    return ticket


def _notify_assignee(ticket: Ticket, enterprise: Enterprise) -> None:
    notify(
        recipients=[ticket.assignee],
        kind=Notification.Kind.TICKET_ASSIGNED,
        title=_("Help ticket %(number)s was assigned to you") % {"number": ticket.number},
        body=_("%(number)s %(title)s\nEnterprise: %(enterprise)s\nDue: %(due)s")
        % {
            "number": ticket.number,
            "title": ticket.title,
            "enterprise": enterprise.name,
            "due": timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M"),
        },
        link=reverse("assistance:ticket-detail", args=[ticket.pk]),
        target=ticket,
    )


def ticket_assign(*, ticket_id: int, user: User, team: SupportTeam, assignee: User, note: str = "", at=None) -> Ticket:
    """A manager gives the ticket to a team and one of its members; the assignee gets an email.

    The assignee must be in the team and see the ticket's enterprise (his jurisdiction covers its county):
    a ticket given to someone who cannot open it would be stuck, and the email would leak its title.
    """
    if not is_team_member(assignee, team.pk):
        raise ValidationError(
            _("%(user)s is not a member of %(team)s."),
            code="member",
            params={"user": assignee.display_name, "team": team},
        )
    with TICKETS.step(ticket_id, action="assign", user=user, note=note, at=at) as step:
        ticket = step.record
        enterprise = Enterprise.objects.select_related("county").get(pk=ticket.enterprise_id)
        if not users_who_see(region_id=enterprise.county_id).filter(pk=assignee.pk).exists():
            raise ValidationError(
                _("%(user)s cannot see %(enterprise)s in %(county)s, so cannot work on this ticket."),
                code="jurisdiction",
                params={"user": assignee.display_name, "enterprise": enterprise.name, "county": enterprise.county},
            )
        ticket.team, ticket.assignee = team, assignee
        _notify_assignee(ticket, enterprise)
    return ticket


def ticket_start(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    with TICKETS.step(ticket_id, action="start", user=user, note=note, at=at) as step:
        pass
    return step.record


def ticket_wait(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    """Pause the service-level clock while the enterprise has to act."""
    with TICKETS.step(ticket_id, action="wait", user=user, note=note, at=at) as step:
        step.record.waiting_since = step.at
    return step.record


def ticket_resume(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    """Restart the clock; the time spent waiting on the enterprise does not count against the service level."""
    with TICKETS.step(ticket_id, action="resume", user=user, note=note, at=at) as step:
        ticket = step.record
        if ticket.waiting_since:
            ticket.due_at += step.at - ticket.waiting_since
            ticket.waiting_since = None
    return ticket


def ticket_resolve(*, ticket_id: int, user: User, resolution: str, note: str = "", at=None) -> Ticket:
    with TICKETS.step(ticket_id, action="resolve", user=user, note=note, at=at, resolution=resolution) as step:
        step.record.resolution = resolution.strip()
        step.record.resolved_at = step.at
    return step.record


def ticket_close(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    with TICKETS.step(ticket_id, action="close", user=user, note=note, at=at) as step:
        step.record.closed_at = step.at
    return step.record


def ticket_reopen(*, ticket_id: int, user: User, note: str = "", at=None) -> Ticket:
    with TICKETS.step(ticket_id, action="reopen", user=user, note=note, at=at) as step:
        step.record.resolved_at = None
    return step.record


def ticket_cancel(*, ticket_id: int, user: User, reason: str, at=None) -> Ticket:
    """Cancel with a reason, which the timeline shows as the event's note."""
    with TICKETS.step(ticket_id, action="cancel", user=user, at=at, reason=reason) as step:
        step.record.cancel_reason = step.note = reason.strip()
    return step.record


EDITABLE_FIELDS = ("title", "description", "category", "channel", "priority", "partner", "satisfaction")


def can_edit_ticket(user: User, ticket: Ticket) -> bool:
    """Whether the user may edit the ticket; a closed or cancelled ticket is finished and takes no more edits."""
    if ticket.is_finished or not user.has_perm("assistance.change_ticket"):
        return False
    return bool(ticket_roles(user, ticket))


@transaction.atomic
def ticket_update(*, ticket_id: int, user: User, version: int, data: dict) -> Ticket:
    """Save an edit unless the ticket changed since the editor loaded `version`; nothing is overwritten."""
    ticket = lock_for_edit(Ticket, ticket_id)
    if not can_edit_ticket(user, ticket):
        raise PermissionDenied(_("You may not edit this ticket."))
    check_version(
        ticket,
        version,
        gettext_lazy(
            "%(who)s changed this ticket at %(when)s, after you opened it. Your changes were not saved; "
            "reload the ticket and make them again."
        ),
    )
    old_days = service_days(ticket.priority)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(ticket, field, data[field])
    new_days = service_days(ticket.priority)
    if new_days != old_days:
        ticket.due_at += datetime.timedelta(days=new_days - old_days)
    touch(ticket, user)
    ticket.save()
    return ticket


TRAINING_FIELDS = ("date", "title", "category", "region", "place", "attendee_count", "source", "synthetic")
TRAINING_LISTS = ("clusters", "experts", "enterprises")


@transaction.atomic
def training_create(*, user: User, data: dict) -> Training:
    """Record a training with its clusters, experts and enterprises, in one transaction."""
    training = Training(created_by=user, updated_by=user)
    for field in TRAINING_FIELDS:
        if field in data:
            setattr(training, field, data[field])
    training.save()
    for name in TRAINING_LISTS:
        if name in data:
            getattr(training, name).set(data[name])
    return training


@transaction.atomic
def training_update(*, training_id: int, user: User, version: int, data: dict) -> Training:
    """Save an edit of a training unless it changed since the editor loaded `version`.

    `data` holds the fields and the lists (clusters, experts, enterprises) the editor sent; those absent stay.
    """
    training = lock_for_edit(Training, training_id)
    check_version(
        training,
        version,
        gettext_lazy(
            "%(who)s changed this training at %(when)s, after you opened it. Your changes were not saved; "
            "reload the training and make them again."
        ),
    )
    for field in TRAINING_FIELDS:
        if field in data:
            setattr(training, field, data[field])
    touch(training, user)
    training.save()
    for name in TRAINING_LISTS:
        if name in data:
            getattr(training, name).set(data[name])
    return training


TEAM_FIELDS = ("name", "region", "leader", "active_from", "active_until", "description", "source")


@transaction.atomic
def team_update(*, team_id: int, user: User, version: int, data: dict) -> SupportTeam:
    """Save an edit of a support team's own fields unless the team changed since the editor loaded `version`.

    Teams are edited in admin, which saves the members and the lists after this, in the same transaction.
    """
    team = lock_for_edit(SupportTeam, team_id)
    check_version(
        team,
        version,
        gettext_lazy(
            "%(who)s changed this support team at %(when)s, after you opened it. Your changes were not saved; "
            "reload the team and make them again."
        ),
    )
    for field in TEAM_FIELDS:
        if field in data:
            setattr(team, field, data[field])
    touch(team, user)
    team.save()
    return team


def team_of(user: User, day: datetime.date) -> SupportTeam | None:
    """The team the user belonged to on the day (the most recently joined, if several)."""
    membership = (
        TeamMembership.objects.active_on(day).filter(user=user).select_related("team").order_by("-joined_on").first()
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


def attachment_store(*, user: User, upload: UploadedFile, **owner) -> Attachment:
    """Check the file against the attachment rules and store it privately on its one owner.

    `owner` is `ticket=`, `visit=` or `application=`; each owner's service decides first whether it takes files.
    """
    kind = check_upload(upload)
    attachment = Attachment(
        **owner,
        original_name=original_name(upload.name),
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(storage_name(upload.name or ""), upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_add(*, user: User, upload: UploadedFile, ticket: Ticket | None = None, visit: Visit | None = None):
    """Store a file on the ticket or visit; a finished ticket takes no more files.

    The ticket's row is locked while the file is stored, so a ticket closed meanwhile is refused too.
    """
    if ticket is not None:
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not ticket.is_open:
            raise ValidationError(_("Files can be attached only to an open ticket."), code="closed")
    return attachment_store(user=user, upload=upload, ticket=ticket, visit=visit)
