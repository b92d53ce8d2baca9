"""Logging a visit: what the form offers, the ticket raised with it, and the team of the day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import Ticket, Visit
from tests.factories import EnterpriseFactory

from .factories import SupportTeamFactory, TeamMembershipFactory, TicketFactory

pytestmark = pytest.mark.django_db


def _visit_data(enterprise, inspector, **overrides):
    data = {
        "date": timezone.localdate().isoformat(),
        "enterprise": enterprise.pk,
        "inspectors": [inspector.pk],
        "purpose": "计量器具检定帮扶",
        "findings": "部分压力表超期未检",
        "solved_on_site": "现场讲解检定流程",
        "follow_up": "一周内送检",
        "ticket_priority": "normal",
    }
    data.update(overrides)
    return data


def _raise(category, **overrides):
    data = {
        "raise_ticket": "on",
        "ticket_category": category.pk,
        "ticket_title": "压力表送检",
        "ticket_description": "企业需要市计量所上门检定",
        "ticket_priority": "high",
    }
    data.update(overrides)
    return data


def test_the_form_starts_with_today_my_team_and_me(client_for, inspector, team):
    response = client_for(inspector).get(reverse("assistance:visit-create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["team"].value() == team.pk
    assert form["inspectors"].value() == [inspector.pk]
    body = response.content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in body
    assert f'<option value="{team.pk}" selected>' in body
    assert f'<option value="{inspector.pk}" selected>' in body


def test_the_form_offers_the_team_of_today_after_a_change_of_team(client_for, inspector, county):
    today = timezone.localdate()
    old = SupportTeamFactory(region=county)
    new = SupportTeamFactory(region=county)
    TeamMembershipFactory(
        team=old, user=inspector, joined_on=datetime.date(2021, 1, 1), left_on=today - datetime.timedelta(days=30)
    )
    TeamMembershipFactory(team=new, user=inspector, joined_on=today - datetime.timedelta(days=29))
    form = client_for(inspector).get(reverse("assistance:visit-create")).context["form"]
    assert form["team"].value() == new.pk


def test_a_visit_is_logged_without_a_ticket(client_for, inspector, team, enterprise):
    data = _visit_data(enterprise, inspector, team=team.pk)
    del data["ticket_priority"]  # the ticket part is hidden and may be left out
    response = client_for(inspector).post(reverse("assistance:visit-create"), data)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response.url == visit.get_absolute_url()
    assert (visit.enterprise, visit.team, visit.created_by, visit.purpose) == (
        enterprise,
        team,
        inspector,
        "计量器具检定帮扶",
    )
    assert list(visit.inspectors.all()) == [inspector]
    assert not Ticket.objects.exists()


def test_a_visit_raises_a_ticket_in_the_same_step(client_for, inspector, team, enterprise, category):
    data = _visit_data(enterprise, inspector, team=team.pk, **_raise(category))
    response = client_for(inspector).post(reverse("assistance:visit-create"), data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    ticket = Ticket.objects.get()
    assert (ticket.raised_in_visit, ticket.channel, ticket.enterprise, ticket.category) == (
        visit,
        Ticket.Channel.VISIT,
        enterprise,
        category,
    )
    assert (ticket.title, ticket.priority, ticket.created_by, ticket.status) == ("压力表送检", "high", inspector, "new")
    body = client_for(inspector).get(visit.get_absolute_url()).content.decode()
    assert ticket.number in body


@pytest.mark.parametrize(
    "broken",
    [{"ticket_title": "  "}, {"ticket_category": ""}, {"ticket_category": "999999"}, {"ticket_title": "长" * 201}],
    ids=["no-title", "no-category", "unknown-category", "title-too-long"],
)
def test_an_invalid_ticket_part_saves_neither_visit_nor_ticket(client_for, inspector, enterprise, category, broken):
    data = _visit_data(enterprise, inspector, **_raise(category, **broken))
    response = client_for(inspector).post(reverse("assistance:visit-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Visit.objects.exists()
    assert not Ticket.objects.exists()


def test_if_opening_the_ticket_fails_the_visit_is_not_kept(inspector, enterprise, monkeypatch, category):
    def broken_ticket_create(**kwargs):
        raise RuntimeError("numbering failed")

    monkeypatch.setattr(services, "ticket_create", broken_ticket_create)
    with pytest.raises(RuntimeError):
        services.visit_create(
            user=inspector,
            data={"date": timezone.localdate(), "enterprise": enterprise, "team": None, "purpose": "帮扶"},
            inspectors=[inspector],
            raise_ticket={"category": category, "title": "求助"},
        )
    assert not Visit.objects.exists()
    assert not Ticket.objects.exists()


def test_the_team_recorded_is_the_inspectors_team_on_the_day_of_the_visit(client_for, inspector, county, enterprise):
    today = timezone.localdate()
    switch = today - datetime.timedelta(days=30)
    old = SupportTeamFactory(name="原工作组", region=county)
    new = SupportTeamFactory(name="新工作组", region=county)
    TeamMembershipFactory(team=old, user=inspector, joined_on=datetime.date(2021, 1, 1), left_on=switch)
    TeamMembershipFactory(team=new, user=inspector, joined_on=switch + datetime.timedelta(days=1))
    client = client_for(inspector)

    # Logged late: the form still offers today's team, but the visit was made for the old one.
    before_switch = (switch - datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("assistance:visit-create"),
        _visit_data(enterprise, inspector, date=before_switch, team=new.pk, purpose="补记"),
    )
    assert response.status_code == 302
    assert Visit.objects.get(purpose="补记").team == old

    client.post(reverse("assistance:visit-create"), _visit_data(enterprise, inspector, team=new.pk, purpose="今天"))
    assert Visit.objects.get(purpose="今天").team == new

    # The day someone leaves they are still in the team.
    client.post(
        reverse("assistance:visit-create"),
        _visit_data(enterprise, inspector, date=switch.isoformat(), team="", purpose="离开当天"),
    )
    assert Visit.objects.get(purpose="离开当天").team == old


def test_a_chosen_team_stands_when_the_inspector_was_in_it(inspector, county, enterprise):
    first = SupportTeamFactory(region=county, members=[inspector])
    second = SupportTeamFactory(region=county)
    TeamMembershipFactory(team=second, user=inspector, joined_on=datetime.date(2022, 1, 1))
    visit = services.visit_create(
        user=inspector,
        data={"date": timezone.localdate(), "enterprise": enterprise, "team": first, "purpose": "两个组都在"},
        inspectors=[inspector],
    )
    assert visit.team == first
    assert services.team_of(inspector, timezone.localdate()) == second


def test_a_visitor_in_no_team_keeps_the_team_chosen(manager, team, enterprise):
    visit = services.visit_create(
        user=manager,
        data={"date": timezone.localdate(), "enterprise": enterprise, "team": team, "purpose": "科室走访"},
        inspectors=[manager],
    )
    assert visit.team == team


def test_a_visit_cannot_be_dated_in_the_future(client_for, inspector, enterprise):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(inspector).post(
        reverse("assistance:visit-create"), _visit_data(enterprise, inspector, date=tomorrow)
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_only_tickets_of_the_visited_enterprise_can_be_worked_on(client_for, inspector, enterprise, cluster):
    neighbour = EnterpriseFactory(cluster=cluster)
    mine = TicketFactory(enterprise=enterprise)
    theirs = TicketFactory(enterprise=neighbour)
    client = client_for(inspector)
    response = client.post(
        reverse("assistance:visit-create"), _visit_data(enterprise, inspector, tickets_worked=[theirs.pk])
    )
    assert response.status_code == 200
    assert "tickets_worked" in response.context["form"].errors
    assert not Visit.objects.exists()
    response = client.post(
        reverse("assistance:visit-create"), _visit_data(enterprise, inspector, tickets_worked=[mine.pk])
    )
    assert response.status_code == 302
    assert list(Visit.objects.get().tickets_worked.all()) == [mine]
    assert Visit.objects.get().get_absolute_url() in client.get(mine.get_absolute_url()).content.decode()


def test_an_enterprise_outside_the_jurisdiction_is_not_a_choice(client_for, inspector, other_enterprise):
    response = client_for(inspector).post(reverse("assistance:visit-create"), _visit_data(other_enterprise, inspector))
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not Visit.objects.exists()
