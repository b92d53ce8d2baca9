"""The ticket, user and expert pickers' endpoints: scoped as the forms that use them, searchable, paged, cheap."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.forms import AssignForm, VisitForm
from tests.factories import EnterpriseFactory, UserFactory
from tests.pickers import answer, ids, queries, texts

from .factories import ExpertFactory, SupportTeamFactory, TeamMembershipFactory, TicketFactory

pytestmark = pytest.mark.django_db

TICKETS = reverse("assistance:ticket-autocomplete")
USERS = reverse("assistance:user-autocomplete")
EXPERTS = reverse("assistance:expert-autocomplete")


# Tickets


def test_an_inspector_finds_the_open_tickets_of_his_county_only(client_for, inspector, ticket, other_ticket):
    closed = TicketFactory(enterprise=ticket.enterprise, status="closed")
    client = client_for(inspector)
    assert ids(client, TICKETS) == [ticket.pk]
    assert set(ids(client, TICKETS, status="any")) == {ticket.pk, closed.pk}


def test_the_other_county_finds_none_of_them(client_for, outsider, ticket, other_ticket):
    client = client_for(outsider)
    assert ids(client, TICKETS) == [other_ticket.pk]
    assert ids(client, TICKETS, term=ticket.number) == []
    assert ids(client, TICKETS, enterprise=ticket.enterprise_id) == []


def test_a_ticket_is_found_by_number_title_or_enterprise_and_labelled_with_all_three(
    client_for, inspector, ticket, cluster
):
    other = TicketFactory(enterprise=EnterpriseFactory(name="迁安市燕山钢铁有限公司", cluster=cluster))
    client = client_for(inspector)
    assert texts(client, TICKETS, term=ticket.number) == [
        f"{ticket.number} 计量器具检定求助（{ticket.enterprise.name}）"
    ]
    assert ids(client, TICKETS, term="检定 求助") == [ticket.pk]
    assert ids(client, TICKETS, term="燕山") == [other.pk]
    assert ids(client, TICKETS, term=ticket.number[-6:]) == [ticket.pk]


def test_the_tickets_narrow_to_the_enterprise_chosen_in_the_visit_form(client_for, inspector, ticket, cluster):
    TicketFactory(enterprise=EnterpriseFactory(cluster=cluster))
    assert ids(client_for(inspector), TICKETS, enterprise=ticket.enterprise_id) == [ticket.pk]


def test_the_newest_tickets_come_first_twenty_a_page(client_for, inspector, enterprise):
    made = [TicketFactory(enterprise=enterprise).pk for _ in range(25)]
    client = client_for(inspector)
    first, second = answer(client, TICKETS), answer(client, TICKETS, page=2)
    assert [row["id"] for row in first["results"] + second["results"]] == made[::-1]
    assert (first["pagination"]["more"], second["pagination"]["more"]) == (True, False)


def test_the_ticket_endpoint_offers_what_the_visit_form_accepts(client_for, manager, ticket, other_ticket):
    TicketFactory(enterprise=ticket.enterprise, status="resolved")
    form = VisitForm(user=manager)
    accepted = set(form.fields["tickets_worked"].queryset.values_list("pk", flat=True))
    assert set(ids(client_for(manager), TICKETS)) == accepted == {ticket.pk, other_ticket.pk}


# Users


def test_the_inspectors_are_the_members_of_the_teams_he_sees_and_himself(
    client_for, inspector, team, other_team, bystander
):
    colleague = UserFactory(username="colleague", last_name="张", first_name="伟")
    TeamMembershipFactory(team=team, user=colleague)
    client = client_for(bystander)  # in no team, but may name himself
    assert set(ids(client, USERS)) == {inspector.pk, colleague.pk, bystander.pk}
    assert set(ids(client, USERS)) == set(
        VisitForm(user=bystander).fields["inspectors"].queryset.values_list("pk", flat=True)
    )


def test_an_inspector_is_found_by_user_name_or_full_name(client_for, inspector, team):
    colleague = UserFactory(username="zhangwei", last_name="张", first_name="伟")
    TeamMembershipFactory(team=team, user=colleague)
    client = client_for(inspector)
    assert texts(client, USERS, term="张伟") == ["张伟"]
    assert ids(client, USERS, term="ZHANG") == [colleague.pk]
    assert ids(client, USERS, term="inspector") == [inspector.pk]


def test_the_team_narrows_to_its_members_of_today(client_for, manager, inspector, team, county):
    today = timezone.localdate()
    gone = UserFactory(username="gone", jurisdiction=county, groups=["inspector"])
    TeamMembershipFactory(team=team, user=gone, left_on=today - datetime.timedelta(days=1))
    newcomer = UserFactory(username="newcomer", jurisdiction=county)
    second = SupportTeamFactory(region=county, members=[newcomer])
    client = client_for(manager)
    assert ids(client, USERS, team=team.pk) == [inspector.pk]
    assert ids(client, USERS, team=second.pk) == [newcomer.pk]
    assert gone.pk in ids(client, USERS)  # a past member may still be named on a visit logged late


def test_a_team_outside_the_jurisdiction_narrows_to_nobody(client_for, inspector, team, other_team):
    assert ids(client_for(inspector), USERS, team=other_team.pk) == []


@pytest.fixture
def lent_member(team, outsider):
    """The 丰润 inspector lent to the 迁安 team: a member, but he cannot see 迁安's enterprises."""
    TeamMembershipFactory(team=team, user=outsider)
    return outsider


def test_the_assignees_of_a_ticket_are_those_the_assign_form_accepts(
    client_for, manager, inspector, ticket, lent_member
):
    offered = ids(client_for(manager), USERS, ticket=ticket.pk)
    assert offered == [inspector.pk]
    accepted = AssignForm(user=manager, ticket=ticket).fields["assignee"].queryset
    assert set(offered) == set(accepted.values_list("pk", flat=True))


def test_the_assignees_narrow_to_the_team_chosen_beside_them(client_for, manager, inspector, ticket, county):
    newcomer = UserFactory(username="newcomer", jurisdiction=county)
    second = SupportTeamFactory(region=county, members=[newcomer])
    client = client_for(manager)
    assert set(ids(client, USERS, ticket=ticket.pk)) == {inspector.pk, newcomer.pk}
    assert ids(client, USERS, ticket=ticket.pk, team=ticket.team_id) == [inspector.pk]
    assert ids(client, USERS, ticket=ticket.pk, team=second.pk) == [newcomer.pk]


def test_only_a_manager_asks_for_the_assignees_of_a_ticket(client_for, inspector, ticket):
    assert client_for(inspector).get(USERS, {"ticket": ticket.pk}).status_code == 403


def test_a_ticket_outside_the_jurisdiction_is_not_found(client_for, other_county, ticket):
    county_manager = UserFactory(username="county_manager", jurisdiction=other_county, groups=["manager"])
    assert client_for(county_manager).get(USERS, {"ticket": ticket.pk}).status_code == 404


# Experts


def test_the_active_experts_are_found_by_name_organisation_or_speciality(client_for, inspector):
    metrology = ExpertFactory(name="刘计量", organisation="唐山市计量测试所", specialities="计量 检定")
    standards = ExpertFactory(name="孙标准", organisation="河北省标准化研究院", specialities="标准化")
    ExpertFactory(name="退休专家", active=False)
    client = client_for(inspector)
    assert texts(client, EXPERTS) == [str(metrology), str(standards)]
    assert ids(client, EXPERTS, term="标准化研究院") == [standards.pk]
    assert ids(client, EXPERTS, term="检定") == [metrology.pk]
    assert ids(client, EXPERTS, term="退休") == []


# For every endpoint of the app


@pytest.mark.parametrize("url", [TICKETS, USERS, EXPERTS])
def test_a_user_without_the_view_permission_is_refused(client_for, reviewer, url):
    assert client_for(reviewer).get(url).status_code == 403


@pytest.mark.parametrize("url", [TICKETS, USERS, EXPERTS])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _grow(n, *, cluster, team):
    for _ in range(n):
        member = UserFactory(jurisdiction=cluster.county)
        TeamMembershipFactory(team=team, user=member)
        TicketFactory(enterprise=EnterpriseFactory(cluster=cluster), team=team, assignee=member, status="assigned")
        ExpertFactory()


@pytest.mark.parametrize(
    "url, params",
    [(TICKETS, {}), (USERS, {}), (USERS, {"team": "team"}), (USERS, {"ticket": "ticket"}), (EXPERTS, {})],
    ids=["tickets", "inspectors", "team-members", "assignees", "experts"],
)
def test_an_endpoint_costs_the_same_queries_for_5_rows_as_for_50(
    client_for, manager, cluster, team, enterprise, url, params
):
    ticket = TicketFactory(enterprise=enterprise)
    params = {key: {"team": team.pk, "ticket": ticket.pk}[value] for key, value in params.items()}
    client = client_for(manager)
    _grow(5, cluster=cluster, team=team)
    few, few_body = queries(client, url, **params)
    _grow(45, cluster=cluster, team=team)
    many, many_body = queries(client, url, **params)
    assert 5 <= len(few_body["results"]) < 20
    assert len(many_body["results"]) == 20
    assert many_body["pagination"]["more"]
    assert few == many
