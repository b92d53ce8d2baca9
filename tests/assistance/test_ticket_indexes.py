"""The ticket list's sorts and the reports' date ranges are read from an index on PostgreSQL.

The planner picks a sequential scan for a table this small, so it is told not to; what is checked is
that an index exists that the query's own expression matches (a CASE written differently, or a cast
of the timestamp to a date, would find none).
"""

import datetime

import pytest
from django.db import connection

from assistance.models import PRIORITY_RANK, Ticket
from clusters.periods import within_days

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL's planner"),
]


def _plan(queryset, *, without: tuple[str, ...] = ()) -> str:
    """The plan of the query; `without` drops indexes for the test's own transaction, which undoes it.

    On an empty table several indexes cost the same, and which one the planner takes is chance:
    dropping the others shows that the one named can serve the query.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for index in without:
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_sorting_by_priority_reads_the_priority_index():
    tickets = Ticket.objects.annotate(priority_rank=PRIORITY_RANK).order_by("priority_rank", "-opened_at", "-id")
    assert "ticket_priority_opened" in _plan(tickets[:25])


def test_the_default_order_reads_the_opening_index():
    assert "ticket_opened_id" in _plan(Ticket.objects.order_by("-opened_at", "-id")[:25])


def test_a_range_of_local_days_reads_an_index_and_a_date_cast_does_not():
    day = datetime.date(2025, 6, 1)
    opened = Ticket.objects.filter(**within_days("opened_at", day, day)).order_by()
    assert "ticket_opened_id" in _plan(opened, without=("ticket_priority_opened", "ticket_category_opened"))
    resolved = Ticket.objects.filter(**within_days("resolved_at", day, day)).order_by()
    assert "ticket_resolved_at" in _plan(resolved, without=("ticket_team_resolved",))
    cast = _plan(Ticket.objects.filter(opened_at__date=day).order_by())
    assert "Index Cond" not in cast


def test_a_teams_tickets_are_counted_from_a_team_index():
    for statuses in (Ticket.OPEN_STATUSES, Ticket.DONE_STATUSES, ["cancelled"]):
        tickets = Ticket.objects.filter(team_id=1, status__in=statuses).order_by()
        assert "using ticket_team_" in _plan(tickets), statuses


def test_the_team_pages_lists_are_read_from_their_partial_indexes():
    open_tickets = Ticket.objects.filter(team_id=1, status__in=Ticket.OPEN_STATUSES).order_by("due_at", "id")
    assert "ticket_team_open_due" in _plan(open_tickets[:50])
    resolved = Ticket.objects.filter(team_id=1, status__in=Ticket.DONE_STATUSES).order_by("-resolved_at", "-id")
    assert "ticket_team_resolved" in _plan(resolved[:20])


def test_the_list_filtered_by_category_reads_the_category_index():
    tickets = Ticket.objects.filter(category_id=1, status__in=["new", "assigned"]).order_by("-opened_at", "-id")
    assert "ticket_category_opened" in _plan(tickets[:25], without=("ticket_opened_id", "ticket_priority_opened"))
