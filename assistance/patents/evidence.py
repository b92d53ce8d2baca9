"""A nominee's evidence, drawn from the records of the selection's year.

Patent-category (知识产权) tickets the nominee resolved: those assigned to the nominee's account, and
for an expert those worked on or raised during a visit the expert took part in; the enterprises those
tickets helped; the trainings the nominee gave as an expert. The same queries give the live figures of
a nomination's page and the snapshot frozen when it is submitted.
"""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..models import Ticket, Training
from .models import Nomination

PATENT_CATEGORY = "patents"
# How many ticket numbers and training titles a snapshot keeps beside its counts.
LISTED = 50


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local year as [start, end) moments."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def _expert(nomination: Nomination):
    if nomination.nominee_expert_id:
        return nomination.nominee_expert
    user = nomination.nominee_user
    return getattr(user, "expert", None) if user is not None and hasattr(user, "expert") else None


def resolved_tickets(nomination: Nomination) -> QuerySet[Ticket]:
    """The patent tickets resolved within the year that the nominee resolved or helped resolve."""
    start, end = year_bounds(nomination.selection.year)
    who = Q(pk__in=[])
    accounts = nomination.nominee_users
    if accounts:
        who |= Q(assignee__in=accounts)
    expert = _expert(nomination)
    if expert is not None:
        who |= Q(visits__experts=expert) | Q(raised_in_visit__experts=expert)
    helped = Ticket.objects.filter(who).values("pk")
    return Ticket.objects.filter(
        pk__in=helped,
        category__code=PATENT_CATEGORY,
        status__in=Ticket.DONE_STATUSES,
        resolved_at__gte=start,
        resolved_at__lt=end,
    )


def trainings_given(nomination: Nomination) -> QuerySet[Training]:
    """The trainings the nominee gave as an expert within the year (any topic)."""
    expert = _expert(nomination)
    if expert is None:
        return Training.objects.none()
    year = nomination.selection.year
    return Training.objects.filter(experts=expert, date__year=year)


def evidence_counts(nomination: Nomination) -> dict[str, int]:
    """Tickets, enterprises helped and trainings, counted in SQL (two queries)."""
    tickets = resolved_tickets(nomination).aggregate(
        tickets=Count("pk", distinct=True), enterprises=Count("enterprise", distinct=True)
    )
    return {**tickets, "trainings": trainings_given(nomination).count()}


def live_evidence(nomination: Nomination) -> dict:
    """The counts and the first rows of each list, as the records hold them now."""
    return {
        **evidence_counts(nomination),
        "ticket_rows": list(
            resolved_tickets(nomination).select_related("enterprise").order_by("-resolved_at", "-pk")[:LISTED]
        ),
        "training_rows": list(trainings_given(nomination).order_by("-date", "-pk")[:LISTED]),
    }


def evidence_snapshot(nomination: Nomination, *, at: datetime.datetime) -> dict:
    """What a submission freezes: the counts, the tickets' numbers and the trainings' titles, and when."""
    counts = evidence_counts(nomination)
    tickets = resolved_tickets(nomination).order_by("-resolved_at", "-pk").values_list("number", flat=True)
    trainings = trainings_given(nomination).order_by("-date", "-pk").values_list("date", "title")
    return {
        **counts,
        "ticket_numbers": list(tickets[:LISTED]),
        "trainings_listed": [f"{date:%Y-%m-%d} {title}" for date, title in trainings[:LISTED]],
        "computed_at": at.isoformat(),
    }
