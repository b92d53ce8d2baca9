"""Reads of the assistance app, scoped to the user's jurisdiction."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clusters.models import Cluster, Enterprise, User
from clusters.selectors import count_by, in_jurisdiction, scope_region_ids, users_who_see, visible_enterprises
from config.freshness import kept

from . import services
from .models import Attachment, Expert, SupportTeam, TeamMembership, Ticket, TicketCategory, Training, Visit


def visible_tickets(*, user: User) -> QuerySet[Ticket]:
    if not user.has_perm("assistance.view_ticket"):
        return Ticket.objects.none()
    return in_jurisdiction(queryset=Ticket.objects.all(), user=user, region="enterprise__county")


def visible_visits(*, user: User) -> QuerySet[Visit]:
    if not user.has_perm("assistance.view_visit"):
        return Visit.objects.none()
    return in_jurisdiction(queryset=Visit.objects.all(), user=user, region="enterprise__county")


def visible_trainings(*, user: User) -> QuerySet[Training]:
    return in_jurisdiction(queryset=Training.objects.all(), user=user, region="region")


def visible_teams(*, user: User) -> QuerySet[SupportTeam]:
    """Teams working in the user's jurisdiction, and any team the user belongs to."""
    scope = scope_region_ids(user=user)
    if scope is None:
        return SupportTeam.objects.all()
    # A subquery, not a join on memberships: a join would also narrow the member counts annotated later.
    return SupportTeam.objects.filter(Q(region__in=scope) | is_member_q(user=user))


def with_overdue(*, queryset: QuerySet[Ticket], now: datetime.datetime | None = None) -> QuerySet[Ticket]:
    now = now or timezone.now()
    return queryset.annotate(
        overdue=Case(When(Ticket.overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


# What a row of a ticket table shows besides the ticket itself. Measured on PostgreSQL at 300,000 tickets: a
# join of five tables plans in about 1 ms, but adding the cluster and the assignee (seven) takes planning to
# 28 ms, far longer than reading the page; those two are read in one query each for all the rows of the page.
TICKET_ROW_JOINED = ("enterprise", "enterprise__county", "category", "team")
TICKET_ROW_FETCHED = ("enterprise__cluster", "assignee")


def with_ticket_row(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets with everything a row of a ticket table shows, in a number of queries fixed by the row."""
    return queryset.select_related(*TICKET_ROW_JOINED).prefetch_related(*TICKET_ROW_FETCHED)


# The values a ticket table's row shows, as `ticket_table_rows` reads them.
TICKET_TABLE_VALUES = (
    "pk",
    "number",
    "title",
    "status",
    "due_at",
    "waiting_since",
    "enterprise__name",
    "enterprise__cluster",
    "category",
    "assignee__last_name",
    "assignee__first_name",
    "assignee__username",
)


def ticket_row_names() -> dict[str, dict[int, str]]:
    """The names a ticket table's rows show of clusters and categories, by id, kept until a record changes.

    Two short tables that every row names: read whole once per records version, they cost a page neither
    a join to plan nor a lookup for each row (which PostgreSQL also makes for the rows an offset skips).
    """
    return kept(
        "ticket-row-names",
        None,
        lambda: {
            "clusters": dict(Cluster.objects.values_list("pk", "name")),
            "categories": dict(TicketCategory.objects.values_list("pk", "name")),
        },
    )


def ticket_table_rows(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets as a ticket table's rows (assistance/templatetags/tickets.py): plain values, one query.

    A page of rows reads the dozen columns it shows, joining only the enterprise (which the scope filters
    on anyway) and the assignee; the cluster and the category are their ids, named from
    `ticket_row_names`. Planning is much of such a query's cost on PostgreSQL: measured at 1,000
    tickets, a join of all five tables plans in about 1.9 ms, this one in 0.4. No model instance is
    built. Whether a row is overdue is worked out from its values when it is shown (`Ticket.overdue_of`),
    unless the queryset already says (`with_overdue`, as of another moment): building that condition into
    the query took longer than running it."""
    names = ("overdue",) if "overdue" in queryset.query.annotations else ()
    return queryset.select_related(None).prefetch_related(None).values(*TICKET_TABLE_VALUES, *names)


def ticket_records(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets as records with everything a list of them shows, the overdue flag included (exports)."""
    return with_overdue(queryset=with_ticket_row(queryset))


def ticket_list(*, user: User) -> QuerySet[Ticket]:
    """Visible tickets with everything a list row shows."""
    return ticket_records(visible_tickets(user=user))


def get_ticket_for_user(*, user: User, pk: int) -> Ticket:
    """The ticket if the list would show it to the user, else 404."""
    related = ("partner", "created_by", "updated_by", "raised_in_visit")
    return get_object_or_404(ticket_list(user=user).select_related(*related), pk=pk)


def get_rw_ticket_for_user(*, user: User, pk: int) -> Ticket:
    """The ticket as `get_ticket_for_user` finds it, or 403 when the user may see it but not edit it."""
    ticket = get_ticket_for_user(user=user, pk=pk)
    if not services.can_edit_ticket(user, ticket):
        raise PermissionDenied
    return ticket


def ticket_timeline(*, ticket: Ticket) -> list[dict]:
    """Events, visits and attachments of a ticket, in time order."""
    items = [
        {"kind": "event", "at": event.at, "item": event}
        for event in ticket.events.select_related("actor").order_by("at", "pk")
    ]
    for visit in ticket.visits.select_related("team").order_by("date"):
        at = timezone.make_aware(datetime.datetime.combine(visit.date, datetime.time(12)))
        items.append({"kind": "visit", "at": at, "item": visit})
    for attachment in ticket.attachments.select_related("uploaded_by"):
        items.append({"kind": "attachment", "at": attachment.uploaded_at, "item": attachment})
    return sorted(items, key=lambda entry: entry["at"])


def visit_list(*, user: User) -> QuerySet[Visit]:
    return (
        visible_visits(user=user)
        .select_related("enterprise", "enterprise__cluster", "team")
        # A correlated count, not a join grouped by visit: the grouping would read every ticket before the page.
        .annotate(tickets_raised_count=count_by(Ticket, "raised_in_visit"))
        .prefetch_related("inspectors")
    )


def get_visit_for_user(*, user: User, pk: int) -> Visit:
    """The visit if the user may see it, else 404."""
    return get_object_or_404(visible_visits(user=user).select_related("enterprise", "team", "created_by"), pk=pk)


def training_list(*, user: User) -> QuerySet[Training]:
    return visible_trainings(user=user).select_related("category", "region").prefetch_related("experts", "clusters")


def get_training_for_user(*, user: User, pk: int) -> Training:
    """The training if it was organised in the user's jurisdiction, else 404."""
    return get_object_or_404(visible_trainings(user=user).select_related("category", "region"), pk=pk)


def get_rw_training_for_user(*, user: User, pk: int) -> Training:
    """The training as `get_training_for_user` finds it, or 403 when the user may not change trainings."""
    training = get_training_for_user(user=user, pk=pk)
    if not user.has_perm("assistance.change_training"):
        raise PermissionDenied
    return training


def team_list(*, user: User) -> QuerySet[SupportTeam]:
    """Visible teams with their counts, each a subquery: a join of members by tickets would multiply rows."""
    return (
        visible_teams(user=user)
        .select_related("leader", "region")
        .annotate(
            member_count=count_by(TeamMembership, "team"),
            open_tickets=count_by(Ticket, "team", Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)),
            resolved_tickets=count_by(Ticket, "team", Ticket.objects.filter(status__in=Ticket.DONE_STATUSES)),
        )
    )


def get_team_for_user(*, user: User, pk: int) -> SupportTeam:
    """The team if it works in the user's jurisdiction or the user belongs to it, else 404."""
    return get_object_or_404(visible_teams(user=user).select_related("leader", "region"), pk=pk)


def visible_attachments(*, user: User) -> QuerySet[Attachment]:
    """Files of the tickets and visits the user may see; award documents have their own selector."""
    return Attachment.objects.filter(
        Q(ticket__in=visible_tickets(user=user).values("pk")) | Q(visit__in=visible_visits(user=user).values("pk"))
    )


def get_attachment_for_user(*, user: User, pk: int) -> Attachment:
    """A ticket's or visit's file when its ticket or visit is visible to the user, else 404."""
    return get_object_or_404(visible_attachments(user=user), pk=pk)


def my_open_tickets(*, user: User) -> QuerySet[Ticket]:
    return ticket_list(user=user).filter(assignee=user, status__in=Ticket.OPEN_STATUSES).order_by("-overdue", "due_at")


def my_team_waiting_tickets(*, user: User) -> QuerySet[Ticket]:
    """Open tickets of the user's teams that nobody is working on now: new, assigned or reopened."""
    teams = TeamMembership.objects.active_on().filter(user=user).values("team")
    return (
        ticket_list(user=user)
        .filter(team__in=teams, status__in=(Ticket.Status.NEW, Ticket.Status.ASSIGNED, Ticket.Status.REOPENED))
        .order_by("-overdue", "due_at")
    )


def is_member_q(*, user: User) -> Exists:
    return Exists(TeamMembership.objects.filter(team=OuterRef("pk"), user=user))


# What the searchable pickers offer. A form field and its autocomplete endpoint take their rows from the
# same function here, so the picker never offers what the form refuses, nor hides what it accepts.


def open_tickets(*, user: User) -> QuerySet[Ticket]:
    """The visible tickets still being worked on, with their enterprise (a picker's label names it)."""
    return visible_tickets(user=user).filter(status__in=Ticket.OPEN_STATUSES).select_related("enterprise")


def inspector_choices(*, user: User) -> QuerySet[User]:
    """Who may be named among a visit's inspectors: members of the teams the user sees, and the user."""
    return User.objects.filter(Q(memberships__team__in=visible_teams(user=user)) | Q(pk=user.pk)).distinct()


def assignee_choices(*, user: User, ticket: Ticket) -> QuerySet[User]:
    """Today's members of the teams the user sees who can see the ticket's enterprise: `ticket_assign`
    refuses anyone else."""
    members = TeamMembership.objects.active_on().filter(team__in=visible_teams(user=user))
    return users_who_see(region_id=ticket.enterprise.county_id).filter(pk__in=members.values("user"))


def in_team_today(*, users: QuerySet[User], team_id: int, user: User) -> QuerySet[User]:
    """`users` narrowed to today's members of the team, when the viewer sees the team; else to nobody."""
    team = visible_teams(user=user).filter(pk=team_id)
    return users.filter(pk__in=TeamMembership.objects.active_on().filter(team__in=team).values("user"))


def active_experts() -> QuerySet[Expert]:
    return Expert.objects.filter(active=True)


# An enterprise's file and a cluster's summary (the panels of assistance/panels.py): the same selectors as the
# lists, narrowed to one enterprise or to the enterprises of one cluster, newest first in a total order.


def enterprise_tickets(*, user: User, enterprise: Enterprise) -> QuerySet[Ticket]:
    """The enterprise's tickets the user may see, newest first, with their category and overdue flag."""
    tickets = visible_tickets(user=user).filter(enterprise=enterprise).select_related("category")
    return with_overdue(queryset=tickets).order_by("-opened_at", "-id")


def enterprise_visits(*, user: User, enterprise: Enterprise) -> QuerySet[Visit]:
    return visible_visits(user=user).filter(enterprise=enterprise).select_related("team").order_by("-date", "-pk")


def enterprise_trainings(*, user: User, enterprise: Enterprise) -> QuerySet[Training]:
    """Trainings the enterprise attended, among those the user may see (organised in their jurisdiction)."""
    if not user.has_perm("assistance.view_training"):
        return Training.objects.none()
    trainings = visible_trainings(user=user).filter(enterprises=enterprise)
    return trainings.select_related("category").order_by("-date", "-pk")


def cluster_tickets(*, user: User, cluster: Cluster) -> QuerySet[Ticket]:
    """Tickets of the cluster's enterprises that the user may see, newest first."""
    tickets = visible_tickets(user=user).filter(enterprise__cluster=cluster).select_related("enterprise", "category")
    return with_overdue(queryset=tickets).order_by("-opened_at", "-id")


def latest_cluster_tickets(*, user: User, cluster: Cluster, count: int) -> list[Ticket]:
    """The cluster's `count` newest tickets the user may see, found through its enterprises' newest tickets.

    They belong to the `count` enterprises whose own newest tickets are the newest: each of those has a
    ticket at least as new as the last of them, and a newer ticket's enterprise would be among them. An
    enterprise's newest ticket is one probe of the (enterprise, opened at) index, so this costs what the
    cluster's enterprises number, not its tickets: reading all tickets newest first until the cluster's
    turned up read nearly all of them for a small cluster.
    """
    newest = Ticket.objects.filter(enterprise=OuterRef("pk")).order_by("-opened_at", "-id").values("opened_at")[:1]
    enterprises = (
        visible_enterprises(user=user)
        .filter(cluster=cluster)
        .annotate(newest=Subquery(newest))
        .filter(newest__isnull=False)
        .order_by("-newest", "-pk")
        .values("pk")[:count]
    )
    return list(cluster_tickets(user=user, cluster=cluster).filter(enterprise__in=enterprises)[:count])


def ticket_counts(*, tickets: QuerySet[Ticket], now: datetime.datetime | None = None) -> dict[str, int]:
    """How many of the tickets there are, open, overdue and resolved (or closed), in one query."""
    now = now or timezone.now()
    return tickets.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=Ticket.OPEN_STATUSES)),
        overdue=Count("pk", filter=Ticket.overdue_q(now)),
        resolved=Count("pk", filter=Q(status__in=Ticket.DONE_STATUSES)),
    )


def cluster_visits(*, user: User, cluster: Cluster) -> QuerySet[Visit]:
    visits = visible_visits(user=user).filter(enterprise__cluster=cluster)
    return visits.select_related("enterprise", "team").order_by("-date", "-pk")


def cluster_trainings(*, user: User, cluster: Cluster) -> QuerySet[Training]:
    """Trainings the user may see that were held for the cluster or attended by its enterprises they may see.

    Subqueries rather than joins on the two many-to-many tables, so that a training is one row however
    many of the cluster's enterprises attended it.
    """
    if not user.has_perm("assistance.view_training"):
        return Training.objects.none()
    enterprises = visible_enterprises(user=user).filter(cluster=cluster).values("pk")
    attended = Training.enterprises.through.objects.filter(enterprise__in=enterprises).values("training")
    held_for = Training.clusters.through.objects.filter(cluster=cluster).values("training")
    trainings = visible_trainings(user=user).filter(Q(pk__in=attended) | Q(pk__in=held_for))
    return trainings.select_related("category").order_by("-date", "-pk")
