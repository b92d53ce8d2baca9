"""What each role sees first: their own work, counted in SQL."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from assistance.awards.models import AwardApplication
from assistance.awards.selectors import application_list, reviews_due
from assistance.models import Ticket
from assistance.selectors import ticket_list, visible_tickets, visible_trainings, visible_visits
from clusters.models import Cluster, Honour, User
from clusters.periods import within_days
from clusters.selectors import visible_clusters, visible_enterprises
from config.freshness import kept


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def inspector_dashboard(user: User) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    month_start, month_end = month_bounds(today)
    mine = ticket_list(user=user).filter(assignee=user)
    resolved_recently = Q(status__in=Ticket.DONE_STATUSES, resolved_at__gte=now - datetime.timedelta(days=30))
    counts = mine.aggregate(
        open=Count("pk", filter=Q(status__in=Ticket.OPEN_STATUSES)),
        overdue=Count("pk", filter=Ticket.overdue_q(now)),
        resolved_recently=Count("pk", filter=resolved_recently),
    )
    return {
        "counts": {
            **counts,
            "visits_this_month": visible_visits(user=user)
            .filter(inspectors=user, date__gte=month_start, date__lte=month_end)
            .count(),
        },
        "open_tickets": mine.filter(status__in=Ticket.OPEN_STATUSES).order_by("-overdue", "due_at")[:10],
        "recently_resolved": mine.filter(resolved_recently).order_by("-resolved_at")[:5],
    }


def _month_figures(user: User, start: datetime.date, end: datetime.date) -> dict:
    tickets = visible_tickets(user=user)
    return {
        "opened": tickets.filter(**within_days("opened_at", start, end)).count(),
        "resolved": tickets.filter(status__in=Ticket.DONE_STATUSES, **within_days("resolved_at", start, end)).count(),
        "visits": visible_visits(user=user).filter(date__gte=start, date__lte=end).count(),
        "trainings": visible_trainings(user=user).filter(date__gte=start, date__lte=end).count(),
    }


def manager_dashboard(user: User) -> dict:
    """The manager's home: figures over the whole jurisdiction (kept until a record changes), and the overdue."""
    now = timezone.now()
    # Overdue figures move with the clock too: kept for the minute at most.
    minute = now.replace(second=0, microsecond=0)
    figures = kept("manager-home", (user.pk, minute), lambda: _manager_figures(user, now))
    return {**figures, "overdue_tickets": ticket_list(user=user).filter(Ticket.overdue_q(now)).order_by("due_at")[:10]}


def _manager_figures(user: User, now: datetime.datetime) -> dict:
    today = timezone.localdate(now)
    this_start, this_end = month_bounds(today)
    last_start, last_end = month_bounds(this_start - datetime.timedelta(days=1))
    open_tickets = visible_tickets(user=user).filter(status__in=Ticket.OPEN_STATUSES)
    by_team = list(
        open_tickets.values("team__name")
        .annotate(
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            overdue=Count("pk", filter=Ticket.overdue_q(now)),
            open=Count("pk"),
        )
        .order_by("team__name")
    )
    this_month, last_month = _month_figures(user, this_start, this_end), _month_figures(user, last_start, last_end)
    S = AwardApplication.Status
    waiting = application_list(user=user).filter(status__in=(S.SUBMITTED, S.UNDER_REVIEW, S.PENDING_DECISION))
    waiting_counts = dict(waiting.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    return {
        "by_team": by_team,
        "unassigned_total": sum(row["unassigned"] for row in by_team),
        "overdue_total": sum(row["overdue"] for row in by_team),
        "months": [
            {"key": key, "this": this_month[key], "last": last_month[key], "change": this_month[key] - last_month[key]}
            for key in this_month
        ],
        "waiting": {
            "eligibility": waiting_counts.get(S.SUBMITTED, 0),
            "reviews": waiting_counts.get(S.UNDER_REVIEW, 0),
            "decision": waiting_counts.get(S.PENDING_DECISION, 0),
        },
    }


def reviewer_dashboard(user: User) -> dict:
    # Only applications still under review: a withdrawn or decided one needs no more reviews.
    return {"reviews_due": list(reviews_due(user=user))}


def registry_overview(user: User) -> dict:
    return {
        "cluster_counts": visible_clusters(user=user).aggregate(
            total=Count("pk"),
            provincial=Count("pk", filter=Q(level=Cluster.Level.PROVINCIAL)),
            municipal=Count("pk", filter=Q(level=Cluster.Level.MUNICIPAL)),
            featured=Count("pk", filter=Q(featured=True)),
        ),
        "enterprise_count": visible_enterprises(user=user).count(),
        "honour_counts": Honour.objects.filter(enterprise__in=visible_enterprises(user=user)).aggregate(
            provincial=Count("pk", filter=Q(kind=Honour.Kind.PROVINCIAL_QUALITY_AWARD)),
            municipal=Count("pk", filter=Q(kind=Honour.Kind.MUNICIPAL_QUALITY_AWARD)),
            china=Count("pk", filter=Q(kind=Honour.Kind.CHINA_QUALITY_AWARD)),
        ),
    }
