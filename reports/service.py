"""Figures of the one-stop service: tickets by category, status and month, time to resolve, service levels."""

import datetime
import math

from django.db import connections
from django.db.models import Aggregate, Avg, Count, DateField, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from assistance.models import Ticket
from assistance.selectors import visible_tickets
from clusters.models import User
from clusters.periods import within_days

DURATION = ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=DurationField())
RESOLVED = Q(status__in=Ticket.DONE_STATUSES, resolved_at__isnull=False)
WITHIN_LEVEL = RESOLVED & Q(resolved_at__lte=F("due_at"))


def tickets_opened(user: User, since: datetime.date, until: datetime.date) -> QuerySet[Ticket]:
    """Visible tickets opened in the period (local dates, both ends included)."""
    return visible_tickets(user=user).filter(**within_days("opened_at", since, until))


class _WithinGroup(Aggregate):
    """PostgreSQL's ordered-set percentile over the durations: both figures in the one pass of the totals."""

    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, *, share: float, **extra):
        super().__init__(expression, share=float(share), **extra)


class Median(_WithinGroup):
    function = "PERCENTILE_CONT"  # the mean of the middle two when their number is even


class NearestRank(_WithinGroup):
    function = "PERCENTILE_DISC"  # the first value whose share of the ordered values reaches `share`


def _percentile(durations: QuerySet, count: int, share: float) -> datetime.timedelta | None:
    """The nearest-rank percentile, read by position from the ordered durations in the database."""
    if not count:
        return None
    position = max(math.ceil(share * count) - 1, 0)
    return durations[position]


def _median(durations: QuerySet, count: int) -> datetime.timedelta | None:
    """The middle duration, or the mean of the middle two when there is an even number of them."""
    if not count:
        return None
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, datetime.timedelta()) / len(middle)


def _months(since: datetime.date, until: datetime.date) -> list[datetime.date]:
    """The first day of every month from the one of `since` to the one of `until`."""
    months, month = [], since.replace(day=1)
    while month <= until:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _days(value: datetime.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def duration_text(value: datetime.timedelta | None) -> str | None:
    """A time to resolve as people say it: in hours under a day ("5.5 小时"), in days otherwise ("3 天").

    In days alone, a morning's work rounds to 0.0 and read as nothing at all.
    """
    if value is None:
        return None
    hours = value.total_seconds() / 3600
    if round(hours, 1) < 24:
        return _("%(hours)s hours") % {"hours": f"{round(hours, 1):g}"}
    return _("%(days)s days") % {"days": f"{round(hours / 24, 1):g}"}


def _group(tickets: QuerySet[Ticket], field: str) -> list[dict]:
    rows = (
        tickets.values(field)
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=Ticket.OPEN_STATUSES)),
            resolved=Count("pk", filter=RESOLVED),
            within=Count("pk", filter=WITHIN_LEVEL),
            mean=Avg(DURATION, filter=RESOLVED),
        )
        .order_by("-total", field)
    )
    return [
        {
            "name": row[field] or "—",
            "total": row["total"],
            "open": row["open"],
            "resolved": row["resolved"],
            "within": row["within"],
            "share_within": round(100 * row["within"] / row["resolved"]) if row["resolved"] else None,
            "mean_days": _days(row["mean"]),
            "mean_text": duration_text(row["mean"]),
        }
        for row in rows
    ]


def service_report(user: User, *, since: datetime.date, until: datetime.date) -> dict:
    tickets = tickets_opened(user, since, until)
    resolved = tickets.filter(RESOLVED)
    on_postgresql = connections[tickets.db].vendor == "postgresql"
    percentiles = (
        {
            "median": Median(DURATION, share=0.5, filter=RESOLVED),
            "p90": NearestRank(DURATION, share=0.9, filter=RESOLVED),
        }
        if on_postgresql
        else {}
    )
    totals = tickets.aggregate(
        total=Count("pk"),
        resolved=Count("pk", filter=RESOLVED),
        within=Count("pk", filter=WITHIN_LEVEL),
        overdue_open=Count("pk", filter=Ticket.overdue_q(datetime.datetime.now(datetime.UTC))),
        **percentiles,
    )
    count = totals["resolved"]
    if on_postgresql:
        median, p90 = totals.pop("median"), totals.pop("p90")
    else:
        # SQLite has no ordered-set aggregates: read the same two figures by position from the sorted durations.
        durations = resolved.annotate(duration=DURATION).order_by("duration").values_list("duration", flat=True)
        median, p90 = _median(durations, count), _percentile(durations, count, 0.9)
    status_counts = dict(tickets.values_list("status").annotate(n=Count("pk")).order_by())
    # Every month of the period, so that a month without tickets shows as nought rather than not at all.
    months: dict[datetime.date, list[int]] = {month: [0, 0] for month in _months(since, until)}
    opened = tickets.annotate(month=TruncMonth("opened_at", output_field=DateField()))
    for row in opened.values("month").annotate(n=Count("pk")).order_by():
        months.setdefault(row["month"], [0, 0])[0] = row["n"]
    done = visible_tickets(user=user).filter(RESOLVED, **within_days("resolved_at", since, until))
    done = done.annotate(month=TruncMonth("resolved_at", output_field=DateField()))
    for row in done.values("month").annotate(n=Count("pk")).order_by():
        months.setdefault(row["month"], [0, 0])[1] = row["n"]
    return {
        "since": since,
        "until": until,
        "totals": {
            **totals,
            "share_within": round(100 * totals["within"] / count) if count else None,
            "median_days": _days(median),
            "p90_days": _days(p90),
            "median_text": duration_text(median),
            "p90_text": duration_text(p90),
        },
        "by_category": _group(tickets, "category__name"),
        "by_status": [
            {"name": label, "value": value, "total": status_counts.get(value, 0)}
            for value, label in Ticket.Status.choices
        ],
        "by_month": [
            {"month": month, "opened": opened, "resolved": done} for month, (opened, done) in sorted(months.items())
        ],
        "by_team": _group(tickets, "team__name"),
        "by_partner": _group(tickets, "partner__name"),
    }
