"""The rows of a ticket table, written by the `ticket_rows` tag: what each cell shows, escaped."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from assistance.models import Ticket
from assistance.selectors import ticket_table_rows, with_overdue
from tests.assistance.factories import TicketFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _render(tickets) -> str:
    with translation.override("zh-hans"):
        return Template("{% load tickets %}{% ticket_rows tickets %}").render(Context({"tickets": tickets}))


def _rows(queryset) -> list[dict]:
    return list(ticket_table_rows(queryset.order_by("pk")))


def test_each_ticket_is_a_row_with_its_number_linked_to_its_page(enterprise, inspector):
    first = TicketFactory(enterprise=enterprise, assignee=inspector)
    second = TicketFactory(enterprise=enterprise)
    html = _render(_rows(Ticket.objects.all()))
    assert html.count("<tr") == 2
    for ticket in (first, second):
        assert f'<a href="{reverse("assistance:ticket-detail", args=[ticket.pk])}">{ticket.number}</a>' in html


def test_a_row_names_the_enterprise_cluster_category_status_assignee_and_due_day(enterprise, inspector):
    ticket = TicketFactory(enterprise=enterprise, assignee=inspector, status=Ticket.Status.WAITING)
    html = _render(_rows(Ticket.objects.all()))
    due = timezone.localtime(ticket.due_at).strftime("%Y-%m-%d")
    assert f'data-label="企业">{enterprise.name}</td>' in html
    assert f'data-label="所属集群">{enterprise.cluster.name}</td>' in html
    assert f'data-label="类别">{ticket.category.name}</td>' in html
    assert f'<span class="badge text-bg-warning">{ticket.get_status_display()}</span>' in html
    assert f'data-label="承办人">{inspector.display_name}</td>' in html
    assert f'data-label="截止时间">{due}</td>' in html
    assert "table-danger" not in html


def test_the_due_day_is_the_local_day_not_the_utc_one(enterprise):
    # 17:00 UTC on the 12th is 01:00 on the 13th in Beijing.
    ticket = TicketFactory(enterprise=enterprise)
    due = datetime.datetime(2026, 12, 12, 17, 0, tzinfo=datetime.UTC)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=due)
    html = _render(_rows(Ticket.objects.all()))
    assert 'data-label="截止时间">2026-12-13' in html


def test_no_cluster_and_no_assignee_show_a_dash(county):
    TicketFactory(enterprise=EnterpriseFactory(county=county, cluster=None))
    html = _render(_rows(Ticket.objects.all()))
    assert 'data-label="所属集群">—</td>' in html
    assert 'data-label="承办人">—</td>' in html


def test_an_overdue_ticket_is_marked_in_its_row_and_its_due_cell(enterprise):
    ticket = TicketFactory(enterprise=enterprise)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    html = _render(_rows(Ticket.objects.all()))
    assert html.startswith('<tr class="table-danger">')
    assert re.search(r'<span class="badge text-bg-danger">逾期</span></td></tr>', html)


def test_what_records_hold_is_escaped(enterprise):
    TicketFactory(enterprise=enterprise, title='<script>alert("x")</script>')
    html = _render(_rows(Ticket.objects.all()))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_page_of_rows_is_one_query_and_renders_without_another(enterprise, inspector, django_assert_num_queries):
    for _ in range(3):
        TicketFactory(enterprise=enterprise, assignee=inspector)
    TicketFactory(enterprise=EnterpriseFactory(county=enterprise.county, cluster=None))
    with django_assert_num_queries(1):
        rows = _rows(Ticket.objects.all())
    # The names of clusters and categories are read once after a change of the records (two queries),
    # and then kept: a page of rows, however long, renders without another query.
    with django_assert_num_queries(2):
        html = _render(rows)
    with django_assert_num_queries(0):
        assert _render(rows) == html
    assert html.count("<tr") == 4


def test_no_rows_read_no_names(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert _render([]) == ""


def test_the_overdue_flag_already_annotated_is_the_one_read(enterprise):
    ticket = TicketFactory(enterprise=enterprise)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    # As of a moment before the due time, the ticket was not yet overdue: the rows keep that.
    earlier = timezone.now() - datetime.timedelta(days=3)
    (row,) = _rows(with_overdue(queryset=Ticket.objects.all(), now=earlier))
    assert row["overdue"] is False
    assert "table-danger" not in _render([row])
    # Not annotated, the row is overdue as of now, by the same rule as the ticket's own.
    (row,) = _rows(Ticket.objects.all())
    assert "overdue" not in row
    assert _render([row]).startswith('<tr class="table-danger">')


@pytest.mark.parametrize(
    ("status", "due_in_hours", "waiting_since_hours", "overdue"),
    [
        ("new", -1, None, True),
        ("in_progress", 1, None, False),
        ("reopened", -1, None, True),
        ("waiting", -5, -6, False),  # waiting began before the due time: the clock stopped in time
        ("waiting", -5, -4, True),  # already past due when waiting began
        ("resolved", -9, None, False),
        ("cancelled", -9, None, False),
    ],
)
def test_a_rows_overdue_flag_follows_the_tickets_own_rule(
    enterprise, status, due_in_hours, waiting_since_hours, overdue
):
    now = timezone.now()
    ticket = TicketFactory(enterprise=enterprise)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=status,
        due_at=now + datetime.timedelta(hours=due_in_hours),
        waiting_since=None if waiting_since_hours is None else now + datetime.timedelta(hours=waiting_since_hours),
    )
    ticket.refresh_from_db()
    assert ticket.is_overdue() is overdue
    (annotated,) = _rows(with_overdue(queryset=Ticket.objects.all()))
    assert annotated["overdue"] is overdue
    (row,) = _rows(Ticket.objects.all())
    assert ("table-danger" in _render([row])) is overdue


def test_an_unknown_status_is_shown_as_stored_and_escaped(enterprise):
    ticket = TicketFactory(enterprise=enterprise)
    (row,) = _rows(Ticket.objects.filter(pk=ticket.pk))
    html = _render([{**row, "status": "<odd>"}])
    assert '<span class="badge text-bg-primary">&lt;odd&gt;</span>' in html


def test_the_rows_join_only_the_enterprise_and_the_assignee(enterprise):
    # Every join more is planned again on every page; the cluster's and category's names are kept by id.
    sql = str(ticket_table_rows(Ticket.objects.order_by("pk")).query)
    assert sorted(re.findall(r'JOIN "(\w+)"', sql)) == ["clusters_enterprise", "clusters_user"]
    assert '"clusters_cluster"' not in sql and '"assistance_ticketcategory"' not in sql


def test_the_names_follow_a_filter_on_the_enterprise_and_its_cluster(enterprise, county):
    other = EnterpriseFactory(county=county)
    TicketFactory(enterprise=enterprise)
    ticket = TicketFactory(enterprise=other)
    queryset = Ticket.objects.filter(enterprise__cluster=other.cluster, enterprise__name=other.name)
    (row,) = _rows(queryset)
    assert (row["enterprise__name"], row["enterprise__cluster"]) == (other.name, other.cluster_id)
    html = _render([row])
    assert f'data-label="所属集群">{other.cluster.name}</td>' in html
    assert f'data-label="类别">{ticket.category.name}</td>' in html


def test_a_renamed_cluster_or_category_shows_its_new_name_at_once(enterprise):
    ticket = TicketFactory(enterprise=enterprise)
    rows = _rows(Ticket.objects.all())
    assert enterprise.cluster.name in _render(rows)
    enterprise.cluster.name = "新的集群名称"
    enterprise.cluster.save()
    ticket.category.name = "新的类别名称"
    ticket.category.save()
    html = _render(_rows(Ticket.objects.all()))
    assert 'data-label="所属集群">新的集群名称</td>' in html
    assert 'data-label="类别">新的类别名称</td>' in html
