"""A team's page: open tickets soonest due first (the overdue lead), resolved ones newest first."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.helpers import count_queries

from .factories import TicketFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_the_overdue_lead_and_the_newest_resolved_come_first(client_for, manager, team, enterprise):
    now = timezone.now()
    later = TicketFactory(enterprise=enterprise, team=team, status="assigned", due_at=now + 5 * DAY)
    overdue = TicketFactory(enterprise=enterprise, team=team, status="in_progress", due_at=now - 2 * DAY)
    soon = TicketFactory(enterprise=enterprise, team=team, status="new", due_at=now + DAY)
    old = TicketFactory(enterprise=enterprise, team=team, status="closed", resolved_at=now - 9 * DAY)
    new = TicketFactory(enterprise=enterprise, team=team, status="resolved", resolved_at=now - DAY)
    context = client_for(manager).get(reverse("assistance:team-detail", args=[team.pk])).context
    assert [t["pk"] for t in context["open_tickets"]] == [overdue.pk, soon.pk, later.pk]
    assert context["open_tickets"][0]["overdue"]
    assert [t["pk"] for t in context["resolved_tickets"]] == [new.pk, old.pk]
    assert context["resolved_count"] == 2


def test_a_teams_page_costs_the_same_queries_for_5_tickets_as_for_50(client_for, manager, team, enterprise):
    def make(n):
        for i in range(n):
            TicketFactory(enterprise=enterprise, team=team, status=("assigned", "resolved", "waiting")[i % 3])

    client = client_for(manager)
    url = reverse("assistance:team-detail", args=[team.pk])
    make(5)
    few = count_queries(client, url)
    make(45)
    assert count_queries(client, url) == few


def test_the_team_list_counts_a_new_ticket_at_once_on_any_page(client_for, manager, county, enterprise, settings):
    from .factories import SupportTeamFactory

    teams = [SupportTeamFactory(name=f"第{i:02d}工作组", region=county) for i in range(30)]
    client = client_for(manager)
    url = reverse("assistance:team-list")
    for page in (1, 2):
        rows = {t.pk: t.open_tickets for t in client.get(url, {"page": page}).context["page"].object_list}
        assert set(rows.values()) == {0}
    TicketFactory(enterprise=enterprise, team=teams[0], status="assigned")
    TicketFactory(enterprise=enterprise, team=teams[-1], status="assigned")
    first = {t.pk: t.open_tickets for t in client.get(url).context["page"].object_list}
    last = {t.pk: t.open_tickets for t in client.get(url, {"page": 2}).context["page"].object_list}
    assert first[teams[0].pk] == 1 and last[teams[-1].pk] == 1
