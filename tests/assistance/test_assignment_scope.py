"""A ticket goes only to a member of its team who can see the ticket's enterprise."""

import pytest
from django.contrib import messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistance import services
from assistance.forms import AssignForm
from assistance.models import Ticket
from tests.factories import UserFactory

from .factories import TeamMembershipFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fengrun_member(team, outsider):
    """The 丰润 inspector, lent to the 迁安 team: a member, but his jurisdiction does not hold 迁安."""
    outsider.email = "outsider@example.cn"
    outsider.save()
    TeamMembershipFactory(team=team, user=outsider, joined_on=team.active_from)
    return outsider


@pytest.fixture
def new_ticket(enterprise):
    return TicketFactory(enterprise=enterprise, title="迁安企业的计量求助")


def test_the_service_refuses_an_assignee_who_cannot_see_the_enterprise(
    manager, team, fengrun_member, new_ticket, django_capture_on_commit_callbacks
):
    assert services.is_team_member(fengrun_member, team.pk)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as raised:
        services.ticket_assign(ticket_id=new_ticket.pk, user=manager, team=team, assignee=fengrun_member)
    assert raised.value.code == "jurisdiction"
    after = Ticket.objects.get(pk=new_ticket.pk)
    assert (after.status, after.team, after.assignee) == (Ticket.Status.NEW, None, None)
    assert mail.outbox == []


def test_the_assign_form_offers_only_members_who_can_see_the_enterprise(manager, inspector, fengrun_member, new_ticket):
    choices = AssignForm(user=manager, ticket=new_ticket, prefix="assign").fields["assignee"].queryset
    assert inspector in choices
    assert fengrun_member not in choices


def test_assigning_him_on_the_page_is_a_message_and_sends_no_mail(
    client_for, manager, team, fengrun_member, new_ticket, django_capture_on_commit_callbacks
):
    url = reverse("assistance:ticket-transition", args=[new_ticket.pk, "assign"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(url, {"assign-team": team.pk, "assign-assignee": fengrun_member.pk})
    assert response.status_code == 302
    assert [m for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert Ticket.objects.get(pk=new_ticket.pk).assignee is None
    assert mail.outbox == []


def test_a_city_inspector_in_the_team_can_be_assigned(manager, team, city, new_ticket):
    city_inspector = UserFactory(username="city_inspector", jurisdiction=city, groups=["inspector"])
    TeamMembershipFactory(team=team, user=city_inspector, joined_on=team.active_from)
    assert city_inspector in AssignForm(user=manager, ticket=new_ticket).fields["assignee"].queryset
    services.ticket_assign(ticket_id=new_ticket.pk, user=manager, team=team, assignee=city_inspector)
    assert Ticket.objects.get(pk=new_ticket.pk).assignee == city_inspector


def test_the_form_offers_exactly_the_members_the_service_accepts(manager, team, county, new_ticket):
    """One rule of who is in a team today: joined by today and not left before it."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    joining = UserFactory(username="joining", jurisdiction=county, groups=["inspector"])
    leaving = UserFactory(username="leaving", jurisdiction=county, groups=["inspector"])
    gone = UserFactory(username="gone", jurisdiction=county, groups=["inspector"])
    TeamMembershipFactory(team=team, user=joining, joined_on=today + datetime.timedelta(days=7))
    TeamMembershipFactory(
        team=team, user=leaving, joined_on=team.active_from, left_on=today + datetime.timedelta(days=7)
    )
    TeamMembershipFactory(team=team, user=gone, joined_on=team.active_from, left_on=today - datetime.timedelta(days=1))

    offered = set(AssignForm(user=manager, ticket=new_ticket).fields["assignee"].queryset)
    assert leaving in offered
    assert not offered & {joining, gone}
    for user in (joining, leaving, gone):
        assert services.is_team_member(user, team.pk) == (user in offered)
