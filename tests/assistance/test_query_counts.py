"""List pages cost the same number of queries with 5 rows as with 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance.notifications.services import inbox_changed
from tests.factories import EnterpriseFactory, UserFactory

from .factories import ExpertFactory, SupportTeamFactory, TicketFactory, TrainingFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _tickets(n, *, cluster, team, inspector):
    for i in range(n):
        enterprise = EnterpriseFactory(cluster=cluster)
        TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="assigned")
        TicketFactory(enterprise=enterprise, team=team, status="reopened" if i % 2 else "resolved")


def _visits(n, *, cluster, team, inspector):
    for _ in range(n):
        enterprise = EnterpriseFactory(cluster=cluster)
        visit = VisitFactory(enterprise=enterprise, team=team, inspectors=[inspector, UserFactory()])
        TicketFactory(enterprise=enterprise, raised_in_visit=visit)


def _trainings(n, *, cluster, county):
    for _ in range(n):
        TrainingFactory(
            region=county,
            clusters=[cluster],
            experts=[ExpertFactory(), ExpertFactory()],
            enterprises=[EnterpriseFactory(cluster=cluster)],
        )


def _teams(n, *, county, cluster, inspector):
    for _ in range(n):
        team = SupportTeamFactory(region=county, leader=UserFactory(), members=[inspector, UserFactory()])
        TicketFactory(enterprise=EnterpriseFactory(cluster=cluster), team=team, status="assigned")
        TicketFactory(enterprise=EnterpriseFactory(cluster=cluster), team=team, status="closed")


MAKERS = {
    "assistance:ticket-list": lambda n, f: _tickets(n, cluster=f["cluster"], team=f["team"], inspector=f["inspector"]),
    "assistance:visit-list": lambda n, f: _visits(n, cluster=f["cluster"], team=f["team"], inspector=f["inspector"]),
    "assistance:training-list": lambda n, f: _trainings(n, cluster=f["cluster"], county=f["county"]),
    "assistance:team-list": lambda n, f: _teams(n, county=f["county"], cluster=f["cluster"], inspector=f["inspector"]),
    "assistance:home": lambda n, f: (
        _tickets(n, cluster=f["cluster"], team=f["team"], inspector=f["inspector"]),
        _visits(n, cluster=f["cluster"], team=f["team"], inspector=f["inspector"]),
    ),
}


@pytest.mark.parametrize("user_name", ["inspector", "manager"])
@pytest.mark.parametrize("url_name", list(MAKERS))
def test_a_list_costs_the_same_queries_for_5_rows_as_for_50(
    request, client_for, settings, county, cluster, team, inspector, url_name, user_name
):
    settings.PAGINATE_BY = 100
    fixtures = {"county": county, "cluster": cluster, "team": team, "inspector": inspector}
    client = client_for(request.getfixturevalue(user_name))
    MAKERS[url_name](5, fixtures)
    few = _queries(client, reverse(url_name))
    MAKERS[url_name](45, fixtures)
    many = _queries(client, reverse(url_name))
    print(f"{url_name} as {user_name}: {few} queries with 5 rows, {many} with 50")
    assert few == many


def test_the_list_pages_really_show_the_rows(client_for, settings, county, cluster, team, inspector):
    """The counts above mean something only if the rows are on the pages."""
    settings.PAGINATE_BY = 100
    fixtures = {"county": county, "cluster": cluster, "team": team, "inspector": inspector}
    client = client_for(inspector)
    for url_name, expected in [
        ("assistance:ticket-list", 10),
        ("assistance:visit-list", 5),
        ("assistance:training-list", 5),
        ("assistance:team-list", 6),
    ]:
        MAKERS[url_name](5, fixtures)
        page = client.get(reverse(url_name)).context["page"]
        assert len(page.object_list) >= expected, url_name


@pytest.mark.parametrize("url_name", ["ticket", "visit", "team"])
def test_a_detail_page_costs_the_same_queries_for_few_and_many_related_rows(
    client_for, manager, county, cluster, team, inspector, enterprise, url_name
):
    client = client_for(manager)
    visit = VisitFactory(enterprise=enterprise, team=team, inspectors=[inspector])
    ticket = TicketFactory(
        enterprise=enterprise, team=team, assignee=inspector, status="assigned", raised_in_visit=visit
    )
    url = {"ticket": ticket.get_absolute_url(), "visit": visit.get_absolute_url(), "team": team.get_absolute_url()}[
        url_name
    ]

    def grow(n):
        for _ in range(n):
            worked = TicketFactory(enterprise=enterprise, team=team, assignee=UserFactory(), status="assigned")
            raised = TicketFactory(enterprise=enterprise, team=team, raised_in_visit=visit, status="resolved")
            visit.tickets_worked.add(worked, raised)
            ticket.visits.add(VisitFactory(enterprise=enterprise, team=team))
            ticket.events.create(action="start", to_status="in_progress", actor=UserFactory())

    grow(2)
    few = _queries(client, url)
    grow(10)
    many = _queries(client, url)
    print(f"{url_name} detail: {few} queries with few related rows, {many} with many")
    assert few == many
