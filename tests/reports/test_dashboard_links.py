"""Each figure on the home page opens the list it counts, and that list holds exactly that many rows."""

import datetime
import html as html_module

import pytest
from django.utils import timezone

from reports.dashboards import month_bounds
from tests.assistance.awards.factories import AwardApplicationFactory, AwardCycleFactory, reviewer_user
from tests.assistance.factories import TicketFactory, TrainingFactory, VisitFactory
from tests.factories import ClusterFactory, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = "/"
DAY = datetime.timedelta(days=1)


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _count_at(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filter"].form.errors, (url, response.context["filter"].form.errors)
    return response.context["page"].paginator.count


def _linked(body: str, url: str) -> bool:
    return f'href="{html_module.escape(url)}"' in body


@pytest.fixture
def my_work(enterprise, team, inspector, other_enterprise, other_team, outsider):
    now, today = timezone.now(), timezone.localdate()
    mine = {"enterprise": enterprise, "team": team, "assignee": inspector}
    TicketFactory(**mine, status="assigned")
    TicketFactory(**mine, status="in_progress", due_at=now - DAY)
    TicketFactory(**mine, status="waiting", waiting_since=now - DAY, due_at=now - 2 * DAY)
    TicketFactory(**mine, status="resolved", resolved_at=now - 3 * DAY)
    TicketFactory(**mine, status="closed", resolved_at=now - 40 * DAY)
    TicketFactory(**mine, status="cancelled", due_at=now - DAY)
    TicketFactory(enterprise=enterprise, team=team, status="in_progress", due_at=now - DAY)  # a colleague's
    TicketFactory(enterprise=other_enterprise, team=other_team, assignee=outsider, status="assigned")
    start, end = month_bounds(today)
    for day in (start, today, end):
        VisitFactory(enterprise=enterprise, inspectors=[inspector], date=day)
    VisitFactory(enterprise=enterprise, inspectors=[inspector], date=start - DAY)  # last month
    VisitFactory(enterprise=enterprise, inspectors=[UserFactory()], date=today)  # a colleague's


def test_each_inspector_figure_links_to_a_list_of_that_many(client_for, inspector, my_work):
    client = client_for(inspector)
    response = client.get(HOME)
    dashboard, body = response.context["inspector"], response.content.decode()
    assert dashboard["counts"] == {"open": 3, "overdue": 2, "resolved_recently": 1, "visits_this_month": 3}
    for key, figure in dashboard["counts"].items():
        url = dashboard["links"][key]
        assert _linked(body, url), key
        assert _count_at(client, url) == figure, key


def test_the_open_tickets_link_filters_by_the_open_statuses_and_the_overdue_one_by_overdue(inspector, client_for):
    links = client_for(inspector).get(HOME).context["inspector"]["links"]
    assert "status=new&status=assigned&status=in_progress&status=waiting&status=reopened" in links["open"]
    assert links["overdue"].startswith("/assistance/tickets/?") and "overdue=true" in links["overdue"]
    start, end = month_bounds(timezone.localdate())
    assert f"date_after={start.isoformat()}&date_before={end.isoformat()}" in links["visits_this_month"]


def test_an_inspector_in_no_team_can_still_open_their_tickets(client_for, bystander_inspector, enterprise):
    TicketFactory(enterprise=enterprise, assignee=bystander_inspector, status="assigned")
    client = client_for(bystander_inspector)
    dashboard = client.get(HOME).context["inspector"]
    assert dashboard["counts"]["open"] == 1
    assert _count_at(client, dashboard["links"]["open"]) == 1


@pytest.fixture
def bystander_inspector(county):
    return UserFactory(username="no_team", jurisdiction=county, groups=["inspector"])


@pytest.fixture
def open_work(enterprise, team, inspector, other_enterprise, other_team, outsider):
    now = timezone.now()
    TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="assigned", due_at=now - DAY)
    TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="in_progress")
    TicketFactory(enterprise=enterprise, status="new")
    TicketFactory(enterprise=enterprise, status="new", due_at=now - DAY)
    TicketFactory(enterprise=enterprise, status="cancelled")  # unassigned but finished: not counted
    TicketFactory(enterprise=other_enterprise, team=other_team, assignee=outsider, status="assigned", due_at=now - DAY)
    TicketFactory(enterprise=other_enterprise, status="new")


def test_each_manager_card_links_to_a_list_of_that_many(client_for, manager, open_work):
    client = client_for(manager)
    response = client.get(HOME)
    dashboard, body = response.context["manager"], response.content.decode()
    assert (dashboard["unassigned_total"], dashboard["overdue_total"]) == (3, 3)
    for key, figure in (("unassigned", dashboard["unassigned_total"]), ("overdue", dashboard["overdue_total"])):
        assert _linked(body, dashboard["links"][key]), key
        assert _count_at(client, dashboard["links"][key]) == figure, key


def test_a_county_managers_cards_lead_to_their_county_only(client, open_work, other_county):
    client.force_login(UserFactory(jurisdiction=other_county, groups=["manager"]))
    dashboard = client.get(HOME).context["manager"]
    assert (dashboard["unassigned_total"], dashboard["overdue_total"]) == (1, 1)
    assert _count_at(client, dashboard["links"]["unassigned"]) == 1
    assert _count_at(client, dashboard["links"]["overdue"]) == 1


def test_each_month_figure_links_to_the_list_of_that_month(client_for, manager, county, enterprise, other_enterprise):
    this_start, this_end = month_bounds(timezone.localdate())
    last_start, last_end = month_bounds(this_start - DAY)
    TicketFactory(enterprise=enterprise, opened_at=_noon(this_start))
    TicketFactory(enterprise=other_enterprise, opened_at=_noon(this_start))
    TicketFactory(enterprise=enterprise, opened_at=_noon(last_end))
    before = _noon(last_start - 20 * DAY)
    TicketFactory(enterprise=enterprise, opened_at=before, status="resolved", resolved_at=_noon(this_start))
    TicketFactory(enterprise=enterprise, opened_at=before, status="closed", resolved_at=_noon(last_start))
    TicketFactory(enterprise=enterprise, opened_at=before, status="resolved", resolved_at=_noon(last_end))
    TicketFactory(enterprise=enterprise, opened_at=before, status="cancelled", resolved_at=_noon(this_start))
    VisitFactory(enterprise=enterprise, date=this_start)
    for _ in range(3):
        VisitFactory(enterprise=other_enterprise, date=last_start)
    TrainingFactory(region=county, date=this_start)
    TrainingFactory(region=county, date=this_end)

    client = client_for(manager)
    response = client.get(HOME)
    body = response.content.decode()
    months = response.context["manager"]["months"]
    assert {row["key"]: (row["last"], row["this"]) for row in months} == {
        "opened": (1, 2),
        "resolved": (2, 1),
        "visits": (3, 1),
        "trainings": (0, 2),
    }
    for row in months:
        for when in ("this", "last"):
            url = row[f"{when}_url"]
            assert _linked(body, url), (row["key"], when)
            assert _count_at(client, url) == row[when], (row["key"], when)


def test_the_waiting_applications_link_to_the_list_of_each_status(client_for, manager, city, cluster, inspector):
    cycle = AwardCycleFactory()
    reviewers = [reviewer_user(username="r1", jurisdiction=city), reviewer_user(username="r2", jurisdiction=city)]
    for status in ("draft", "submitted", "submitted", "under_review", "pending_decision", "approved"):
        AwardApplicationFactory(
            cycle=cycle,
            enterprise=EnterpriseFactory(cluster=cluster),
            prepared_by=inspector,
            status=status,
            manager=manager,
            reviewers=reviewers,
        )
    client = client_for(manager)
    response = client.get(HOME)
    dashboard, body = response.context["manager"], response.content.decode()
    assert dashboard["waiting"] == {"eligibility": 2, "reviews": 1, "decision": 1}
    for key, figure in dashboard["waiting"].items():
        assert _linked(body, dashboard["links"][key]), key
        assert _count_at(client, dashboard["links"][key]) == figure, key


def test_the_registry_cards_link_to_the_clusters_and_enterprises(client_for, inspector, county):
    ClusterFactory(county=county, level="provincial")
    ClusterFactory(county=county, level="municipal")
    EnterpriseFactory(cluster=ClusterFactory(county=county, level="other"))
    client = client_for(inspector)
    response = client.get(HOME)
    registry, body = response.context["registry"], response.content.decode()
    counts = registry["cluster_counts"]
    for key, figure in (
        ("provincial", counts["provincial"]),
        ("municipal", counts["municipal"]),
        ("clusters", counts["total"]),
        ("enterprises", registry["enterprise_count"]),
    ):
        assert _linked(body, registry["links"][key]), key
        assert _count_at(client, registry["links"][key]) == figure, key
