"""What each role sees first: their own work, counted in SQL."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from assistance.awards.models import AwardApplication
from assistance.awards.selectors import application_list, reviews_due
from assistance.models import Ticket
from assistance.patents.selectors import reviews_due as nomination_reviews_due
from assistance.plans.selectors import DUE_SOON_DAYS, measures_needing_attention
from assistance.selectors import ticket_list, ticket_table_rows, visible_tickets, visible_trainings, visible_visits
from clusters.models import Cluster, Honour, User
from clusters.periods import within_days
from clusters.selectors import visible_clusters, visible_enterprises
from config.freshness import kept


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def list_url(url_name: str, **params) -> str:
    """The address of a list filtered as a figure counts: each figure on the home page opens its rows."""
    return f"{reverse(url_name)}?{urlencode(params, doseq=True)}"


def _day(day: datetime.date) -> str:
    return day.isoformat()


# The lists' own filters (assistance/filters.py) take these values; the tests hold each list's count to the figure.
OPEN = {"status": list(Ticket.OPEN_STATUSES)}
DONE = {"status": list(Ticket.DONE_STATUSES)}


def inspector_dashboard(user: User) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    month_start, month_end = month_bounds(today)
    mine = ticket_list(user=user).filter(assignee=user)
    open_mine = mine.filter(status__in=Ticket.OPEN_STATUSES).order_by("-overdue", "due_at")
    # From the start of the day 30 days ago: the ticket list's "resolved from" filter counts whole days.
    recent_start = today - datetime.timedelta(days=30)
    resolved_recently = Q(status__in=Ticket.DONE_STATUSES, **within_days("resolved_at", recent_start, None))
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
        "links": {
            "open": list_url("assistance:ticket-list", assignee=user.pk, **OPEN),
            "overdue": list_url("assistance:ticket-list", assignee=user.pk, overdue="true"),
            "resolved_recently": list_url(
                "assistance:ticket-list", assignee=user.pk, resolved_after=_day(recent_start), **DONE
            ),
            "visits_this_month": list_url(
                "assistance:visit-list", inspector=user.pk, date_after=_day(month_start), date_before=_day(month_end)
            ),
        },
        "open_tickets": ticket_table_rows(open_mine)[:10],
        "recently_resolved": ticket_table_rows(mine.filter(resolved_recently).order_by("-resolved_at"))[:5],
    }


def _month_figures(user: User, start: datetime.date, end: datetime.date) -> dict:
    tickets = visible_tickets(user=user)
    return {
        "opened": tickets.filter(**within_days("opened_at", start, end)).count(),
        "resolved": tickets.filter(status__in=Ticket.DONE_STATUSES, **within_days("resolved_at", start, end)).count(),
        "visits": visible_visits(user=user).filter(date__gte=start, date__lte=end).count(),
        "trainings": visible_trainings(user=user).filter(date__gte=start, date__lte=end).count(),
    }


def _month_links(start: datetime.date, end: datetime.date) -> dict[str, str]:
    """Where each of `_month_figures` is listed: the same records, by the lists' filters."""
    days = {"since": _day(start), "until": _day(end)}
    return {
        "opened": list_url("assistance:ticket-list", opened_after=days["since"], opened_before=days["until"]),
        "resolved": list_url(
            "assistance:ticket-list", resolved_after=days["since"], resolved_before=days["until"], **DONE
        ),
        "visits": list_url("assistance:visit-list", date_after=days["since"], date_before=days["until"]),
        "trainings": list_url("assistance:training-list", date_after=days["since"], date_before=days["until"]),
    }


def manager_dashboard(user: User) -> dict:
    """The manager's home: figures over the whole jurisdiction (kept until a record changes), and the overdue."""
    now = timezone.now()
    # Overdue figures move with the clock too: kept for the minute at most.
    minute = now.replace(second=0, microsecond=0)
    figures = kept("manager-home", (user.pk, minute), lambda: _manager_figures(user, now))
    S = AwardApplication.Status
    links = {
        "unassigned": list_url("assistance:ticket-list", unassigned="true", **OPEN),
        "overdue": list_url("assistance:ticket-list", overdue="true"),
        "eligibility": list_url("assistance:application-list", status=S.SUBMITTED),
        "reviews": list_url("assistance:application-list", status=S.UNDER_REVIEW),
        "decision": list_url("assistance:application-list", status=S.PENDING_DECISION),
    }
    overdue = ticket_list(user=user).filter(Ticket.overdue_q(now)).order_by("due_at")
    return {
        **figures,
        "links": links,
        "overdue_tickets": ticket_table_rows(overdue)[:10],
        "measures": measures_box(user),
    }


def measures_box(user: User) -> dict:
    """The plans' measures due within DUE_SOON_DAYS days or overdue, in the jurisdiction: how many (linking to the
    measure list filtered the same way) and the first ten, soonest first."""
    today = timezone.localdate()
    due_by = today + datetime.timedelta(days=DUE_SOON_DAYS)
    # The box names each measure's plan; the clusters the lists show are not read here.
    measures = measures_needing_attention(user=user, today=today).prefetch_related(None)
    return {
        "count": measures.count(),
        "rows": list(measures[:10]),
        "url": list_url("assistance:measure-list", due_by=_day(due_by)),
        "days": DUE_SOON_DAYS,
    }


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
    this_links, last_links = _month_links(this_start, this_end), _month_links(last_start, last_end)
    S = AwardApplication.Status
    waiting = application_list(user=user).filter(status__in=(S.SUBMITTED, S.UNDER_REVIEW, S.PENDING_DECISION))
    waiting_counts = dict(waiting.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    return {
        "by_team": by_team,
        "unassigned_total": sum(row["unassigned"] for row in by_team),
        "overdue_total": sum(row["overdue"] for row in by_team),
        "months": [
            {
                "key": key,
                "this": this_month[key],
                "last": last_month[key],
                "change": this_month[key] - last_month[key],
                "this_url": this_links[key],
                "last_url": last_links[key],
            }
            for key in this_month
        ],
        "waiting": {
            "eligibility": waiting_counts.get(S.SUBMITTED, 0),
            "reviews": waiting_counts.get(S.UNDER_REVIEW, 0),
            "decision": waiting_counts.get(S.PENDING_DECISION, 0),
        },
    }


def reviewer_dashboard(user: User) -> dict:
    # Only applications and nominations still under review: a withdrawn or decided one needs no more reviews.
    return {
        "reviews_due": list(reviews_due(user=user)) if user.has_perm("assistance.review_application") else [],
        "nomination_reviews_due": (
            list(nomination_reviews_due(user=user)) if user.has_perm("assistance.review_nomination") else []
        ),
    }


def registry_overview(user: User) -> dict:
    return {
        "links": {
            "provincial": list_url("clusters:cluster-list", level=Cluster.Level.PROVINCIAL),
            "municipal": list_url("clusters:cluster-list", level=Cluster.Level.MUNICIPAL),
            "clusters": reverse("clusters:cluster-list"),
            "enterprises": reverse("clusters:enterprise-list"),
        },
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
