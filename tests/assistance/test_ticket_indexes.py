"""The ticket list's sorts and the reports' date ranges are read from an index on PostgreSQL.

The planner picks a sequential scan for a table this small, so it is told not to; what is checked is
that an index exists that the query's own expression matches (a CASE written differently, or a cast
of the timestamp to a date, would find none).
"""

import datetime

import pytest
from django.db import connection, transaction

from assistance.models import PRIORITY_RANK, Ticket
from clusters.periods import within_days

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL's planner"),
]


def _plan(queryset, *, only: str) -> str:
    """The plan of the query with only the ticket indexes named `only...` left (and the unique ones).

    On an empty table several indexes cost the same, and which one the planner takes is chance. The
    others are dropped inside a savepoint that is rolled back: if the index named cannot
    serve the query, the plan is a sequential scan.
    """
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'assistance_ticket' "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%' AND indexname NOT LIKE %s",
            [only + "%"],
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)  # the dropped indexes come back for the next plan
    return plan


def test_sorting_by_priority_reads_the_priority_index():
    tickets = Ticket.objects.annotate(priority_rank=PRIORITY_RANK).order_by("priority_rank", "-opened_at", "-id")
    assert "ticket_priority_opened" in _plan(tickets[:25], only="ticket_priority_opened")


def test_the_default_order_reads_the_opening_index():
    assert "ticket_opened_id" in _plan(Ticket.objects.order_by("-opened_at", "-id")[:25], only="ticket_opened_id")


def test_a_range_of_local_days_reads_an_index_and_a_date_cast_does_not():
    day = datetime.date(2025, 6, 1)
    opened = Ticket.objects.filter(**within_days("opened_at", day, day)).order_by()
    assert "ticket_opened_id" in _plan(opened, only="ticket_opened_id")
    resolved = Ticket.objects.filter(**within_days("resolved_at", day, day)).order_by()
    assert "ticket_resolved_at" in _plan(resolved, only="ticket_resolved_at")
    cast = _plan(Ticket.objects.filter(opened_at__date=day).order_by(), only="ticket_opened_id")
    assert "Index Cond" not in cast


def test_a_teams_tickets_are_counted_from_a_team_index():
    for statuses in (Ticket.OPEN_STATUSES, Ticket.DONE_STATUSES, ["cancelled"]):
        tickets = Ticket.objects.filter(team_id=1, status__in=statuses).order_by()
        assert "using ticket_team_" in _plan(tickets, only="ticket_team_"), statuses


def test_the_team_pages_lists_are_read_from_their_partial_indexes():
    open_tickets = Ticket.objects.filter(team_id=1, status__in=Ticket.OPEN_STATUSES).order_by("due_at", "id")
    assert "ticket_team_open_due" in _plan(open_tickets[:50], only="ticket_team_open_due")
    resolved = Ticket.objects.filter(team_id=1, status__in=Ticket.DONE_STATUSES).order_by("-resolved_at", "-id")
    assert "ticket_team_resolved" in _plan(resolved[:20], only="ticket_team_resolved")


def test_the_list_filtered_by_category_reads_the_category_index():
    tickets = Ticket.objects.filter(category_id=1, status__in=["new", "assigned"]).order_by("-opened_at", "-id")
    assert "ticket_category_opened" in _plan(tickets[:25], only="ticket_category_opened")


def test_an_enterprises_tickets_newest_first_are_read_from_the_enterprise_index_without_a_sort():
    from assistance.selectors import with_overdue

    tickets = with_overdue(queryset=Ticket.objects.filter(enterprise_id=1)).order_by("-opened_at", "-id")
    plan = _plan(tickets[:10], only="ticket_enterprise_opened")
    assert "ticket_enterprise_opened" in plan, plan
    assert "Sort" not in plan
