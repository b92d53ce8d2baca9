"""Role dashboards: each role's own figures, counted within the jurisdiction, at a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.awards import services as award_services
from assistance.awards.models import AwardApplication
from assistance.models import Ticket
from reports.dashboards import month_bounds
from tests.assistance.awards.factories import (
    AwardApplicationFactory,
    AwardCycleFactory,
    full_marks,
    review,
    reviewer_user,
)
from tests.assistance.factories import SupportTeamFactory, TicketFactory, TrainingFactory, VisitFactory
from tests.factories import EnterpriseFactory, UserFactory

from .helpers import count_queries

pytestmark = pytest.mark.django_db

HOME = "/"
DAY = datetime.timedelta(days=1)


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _listed(client, url_name: str, data) -> int:
    response = client.get(reverse(url_name), data)
    assert response.status_code == 200
    return response.context["page"].paginator.count


# --- Who sees what --------------------------------------------------------------------------------


def test_the_home_page_needs_a_signed_in_user(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "sections", "absent"),
    [
        ("inspector", {"inspector", "registry"}, {"manager", "reviewer"}),
        ("manager", {"manager", "registry"}, {"inspector", "reviewer"}),
        ("reviewer", {"reviewer"}, {"inspector", "manager", "registry"}),
    ],
)
def test_each_role_gets_its_own_dashboard(request, client_for, who, sections, absent):
    response = client_for(request.getfixturevalue(who)).get(HOME)
    assert response.status_code == 200
    assert sections <= set(response.context.keys())
    assert not absent & set(response.context.keys())
    body = response.content.decode()
    for section in sections:
        assert f'id="{section}-{"overview" if section == "registry" else "dashboard"}"' in body


# --- Inspector ------------------------------------------------------------------------------------


@pytest.fixture
def my_tickets(enterprise, team, inspector, other_enterprise, other_team, outsider):
    now = timezone.now()
    mine = {"enterprise": enterprise, "team": team, "assignee": inspector}
    tickets = {
        "assigned": TicketFactory(**mine, status="assigned"),
        "late": TicketFactory(**mine, status="in_progress", due_at=now - DAY),
        "waiting": TicketFactory(**mine, status="waiting", waiting_since=now - DAY, due_at=now + DAY),
        "late_waiting": TicketFactory(**mine, status="waiting", waiting_since=now - DAY, due_at=now - 2 * DAY),
        "resolved": TicketFactory(**mine, status="resolved", resolved_at=now - 3 * DAY),
        "closed_long_ago": TicketFactory(**mine, status="closed", resolved_at=now - 40 * DAY),
        "cancelled": TicketFactory(**mine, status="cancelled", due_at=now - DAY),
    }
    # Not the inspector's: a colleague's ticket of the same team, and another county's.
    TicketFactory(enterprise=enterprise, team=team, status="in_progress", due_at=now - DAY)
    TicketFactory(enterprise=other_enterprise, team=other_team, assignee=outsider, status="assigned", due_at=now - DAY)
    return tickets


def test_the_inspector_counts_their_open_overdue_and_recently_resolved_tickets(client_for, inspector, my_tickets):
    client = client_for(inspector)
    dashboard = client.get(HOME).context["inspector"]

    assert dashboard["counts"]["open"] == 4
    assert dashboard["counts"]["overdue"] == 2
    assert dashboard["counts"]["resolved_recently"] == 1
    listed = {t["pk"] for t in dashboard["open_tickets"]}
    assert listed == {my_tickets[k].pk for k in ("assigned", "late", "waiting", "late_waiting")}
    assert [t["pk"] for t in dashboard["open_tickets"]][:2] in (
        [my_tickets["late"].pk, my_tickets["late_waiting"].pk],
        [my_tickets["late_waiting"].pk, my_tickets["late"].pk],
    ), "overdue tickets come first"
    assert [t["pk"] for t in dashboard["recently_resolved"]] == [my_tickets["resolved"].pk], "the ones counted"


def test_the_inspectors_counts_equal_the_ticket_list_filtered_the_same_way(client_for, inspector, my_tickets):
    client = client_for(inspector)
    counts = client.get(HOME).context["inspector"]["counts"]
    mine = {"assignee": inspector.pk, "status": [s.value for s in Ticket.OPEN_STATUSES]}
    assert _listed(client, "assistance:ticket-list", mine) == counts["open"]
    assert _listed(client, "assistance:ticket-list", {"assignee": inspector.pk, "overdue": "true"}) == counts["overdue"]


def test_my_visits_this_month_counts_only_this_months_visits_with_me(client_for, inspector, enterprise):
    today = timezone.localdate()
    start, end = month_bounds(today)
    for day in (start, today, end):
        VisitFactory(enterprise=enterprise, inspectors=[inspector], date=day)
    VisitFactory(enterprise=enterprise, inspectors=[inspector], date=start - DAY)  # last month
    VisitFactory(enterprise=enterprise, inspectors=[inspector], date=end + DAY)  # next month
    VisitFactory(enterprise=enterprise, inspectors=[UserFactory()], date=today)  # a colleague's

    counts = client_for(inspector).get(HOME).context["inspector"]["counts"]

    assert counts["visits_this_month"] == 3


# --- Manager --------------------------------------------------------------------------------------


@pytest.fixture
def open_work(enterprise, team, inspector, other_enterprise, other_team, outsider):
    now = timezone.now()
    TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="assigned", due_at=now - DAY)
    TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="in_progress")
    TicketFactory(enterprise=enterprise, status="new")
    TicketFactory(enterprise=enterprise, status="new", due_at=now - DAY)
    TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="closed", resolved_at=now, due_at=now)
    TicketFactory(enterprise=other_enterprise, team=other_team, assignee=outsider, status="assigned", due_at=now - DAY)
    TicketFactory(enterprise=other_enterprise, status="new")


def _by_team(dashboard) -> dict:
    return {row["team__name"]: (row["open"], row["unassigned"], row["overdue"]) for row in dashboard["by_team"]}


def test_the_manager_sees_unassigned_and_overdue_tickets_by_team(client_for, manager, open_work, team, other_team):
    dashboard = client_for(manager).get(HOME).context["manager"]

    assert _by_team(dashboard) == {team.name: (2, 0, 1), None: (3, 3, 1), other_team.name: (1, 0, 1)}
    assert dashboard["unassigned_total"] == 3
    assert dashboard["overdue_total"] == 3
    assert len(dashboard["overdue_tickets"]) == 3


def test_a_county_manager_sees_only_their_county(client, open_work, other_county, other_team):
    county_manager = UserFactory(jurisdiction=other_county, groups=["manager"])
    client.force_login(county_manager)
    dashboard = client.get(HOME).context["manager"]

    assert _by_team(dashboard) == {other_team.name: (1, 0, 1), None: (1, 1, 0)}
    assert dashboard["unassigned_total"] == 1
    assert dashboard["overdue_total"] == 1
    assert _listed(client, "assistance:ticket-list", {"overdue": "true"}) == 1


def test_the_managers_overdue_count_equals_the_overdue_ticket_list(client_for, manager, open_work):
    client = client_for(manager)
    dashboard = client.get(HOME).context["manager"]
    assert _listed(client, "assistance:ticket-list", {"overdue": "true"}) == dashboard["overdue_total"]
    unassigned = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES, assignee__isnull=True).count()
    assert dashboard["unassigned_total"] == unassigned


def test_this_months_figures_stand_against_last_months(client_for, manager, county, enterprise, other_enterprise):
    this_start, this_end = month_bounds(timezone.localdate())
    last_start, last_end = month_bounds(this_start - DAY)
    # Opened: 2 this month, 1 last month.
    TicketFactory(enterprise=enterprise, opened_at=_noon(this_start))
    TicketFactory(enterprise=other_enterprise, opened_at=_noon(this_start))
    TicketFactory(enterprise=enterprise, opened_at=_noon(last_end))
    # Resolved: 1 this month, 2 last month; all three were opened before last month, so not counted as opened.
    before = _noon(last_start - 20 * DAY)
    TicketFactory(enterprise=enterprise, opened_at=before, status="resolved", resolved_at=_noon(this_start))
    TicketFactory(enterprise=enterprise, opened_at=before, status="closed", resolved_at=_noon(last_start))
    TicketFactory(enterprise=enterprise, opened_at=before, status="resolved", resolved_at=_noon(last_end))
    # Visits: 1 this month, 3 last month; trainings: 2 this month, none last month.
    VisitFactory(enterprise=enterprise, date=this_start)
    for _ in range(3):
        VisitFactory(enterprise=other_enterprise, date=last_start)
    TrainingFactory(region=county, date=this_start)
    TrainingFactory(region=county, date=this_end)

    client = client_for(manager)
    months = {
        row["key"]: (row["last"], row["this"], row["change"]) for row in client.get(HOME).context["manager"]["months"]
    }

    assert months["opened"] == (1, 2, 1)
    assert months["resolved"] == (2, 1, -1)
    assert months["visits"] == (3, 1, -2)
    assert months["trainings"] == (0, 2, 2)
    # The same figures as the lists filtered to each month.
    for key, url_name, since, until in (
        ("opened", "assistance:ticket-list", "opened_after", "opened_before"),
        ("visits", "assistance:visit-list", "date_after", "date_before"),
        ("trainings", "assistance:training-list", "date_after", "date_before"),
    ):
        last, this, _ = months[key]
        assert _listed(client, url_name, {since: this_start, until: this_end}) == this, key
        assert _listed(client, url_name, {since: last_start, until: last_end}) == last, key


@pytest.fixture
def reviewers(reviewer, city):
    return [reviewer, reviewer_user(username="reviewer2", jurisdiction=city)]


@pytest.fixture
def cycle(db):
    return AwardCycleFactory()


def _application(status, *, cycle, cluster, inspector, manager, reviewers, **kwargs):
    return AwardApplicationFactory(
        cycle=cycle,
        enterprise=EnterpriseFactory(cluster=cluster),
        prepared_by=inspector,
        status=status,
        manager=manager,
        reviewers=reviewers,
        **kwargs,
    )


def test_the_manager_sees_the_applications_waiting_on_each_step(
    client_for, manager, cycle, cluster, inspector, reviewers
):
    made = {"cycle": cycle, "cluster": cluster, "inspector": inspector, "manager": manager, "reviewers": reviewers}
    for status in ("draft", "submitted", "submitted", "under_review", "pending_decision", "approved", "withdrawn"):
        _application(status, **made)

    waiting = client_for(manager).get(HOME).context["manager"]["waiting"]

    assert waiting == {"eligibility": 2, "reviews": 1, "decision": 1}


# --- Reviewer -------------------------------------------------------------------------------------


def test_the_reviewer_sees_only_the_reviews_still_due(
    client_for, reviewer, reviewers, cycle, cluster, inspector, manager
):
    made = {"cycle": cycle, "cluster": cluster, "inspector": inspector, "manager": manager, "reviewers": reviewers}
    due = _application("under_review", **made)
    other_half_done = _application("under_review", **made)
    review(other_half_done.assignments.get(reviewer=reviewer), full_marks(percent=70))
    _application("pending_decision", **made)
    withdrawn = _application("under_review", **made)
    award_services.application_withdraw(application_id=withdrawn.pk, user=inspector, reason="企业撤回")
    not_mine = _application("under_review", **{**made, "reviewers": [reviewers[1], reviewer_user(username="r3")]})

    response = client_for(reviewer).get(HOME)

    due_now = response.context["reviewer"]["reviews_due"]
    assert [a.application_id for a in due_now] == [due.pk]
    body = response.content.decode()
    assert reverse("assistance:review", args=[due.assignments.get(reviewer=reviewer).pk]) in body
    assert not_mine.enterprise.name not in body
    assert AwardApplication.objects.get(pk=withdrawn.pk).status == "withdrawn"


# --- Query counts ---------------------------------------------------------------------------------


def _rows(n, *, enterprise, team, inspector):
    """n rows of everything a dashboard counts: the inspector's tickets and visits, other teams' tickets, trainings."""
    now = timezone.now()
    for _ in range(n):
        TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="in_progress", due_at=now - DAY)
        TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="resolved", resolved_at=now)
        TicketFactory(enterprise=enterprise, team=SupportTeamFactory(region=enterprise.county), status="assigned")
        TicketFactory(enterprise=enterprise, status="new", due_at=now - DAY)
        VisitFactory(enterprise=enterprise, team=team, inspectors=[inspector], date=timezone.localdate())
        TrainingFactory(region=enterprise.county, date=timezone.localdate())


@pytest.mark.parametrize("who", ["inspector", "manager", "admin_user"])
def test_a_dashboard_costs_the_same_queries_for_5_rows_as_for_50(request, client_for, who, enterprise, team, inspector):
    client = client_for(request.getfixturevalue(who))
    _rows(5, enterprise=enterprise, team=team, inspector=inspector)
    few = count_queries(client, HOME)
    _rows(45, enterprise=enterprise, team=team, inspector=inspector)
    many = count_queries(client, HOME)
    print(f"dashboard as {who}: {few} queries with 5 rows, {many} with 50")
    assert few == many


def test_the_reviewer_dashboard_costs_the_same_queries_for_5_reviews_as_for_50(
    client_for, reviewer, reviewers, cycle, cluster, inspector, manager
):
    made = {"cycle": cycle, "cluster": cluster, "inspector": inspector, "manager": manager, "reviewers": reviewers}
    client = client_for(reviewer)
    for _ in range(5):
        _application("under_review", **made)
    few = count_queries(client, HOME)
    for _ in range(45):
        _application("under_review", **made)
    many = count_queries(client, HOME)
    print(f"dashboard as reviewer: {few} queries with 5 reviews due, {many} with 50")
    assert len(client.get(HOME).context["reviewer"]["reviews_due"]) == 50
    assert few == many
