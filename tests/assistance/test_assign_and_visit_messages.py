"""The assign form offers the chosen team's members only; a visit that raised a ticket links to it."""

import pytest
from django.contrib import messages
from django.urls import reverse

from assistance.forms import AssignForm
from assistance.models import Ticket
from tests.factories import UserFactory

from .factories import SupportTeamFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_team(county):
    """Another team of the county, with a member of its own who is not in `team`."""
    member = UserFactory(username="second_member", jurisdiction=county, groups=["inspector"])
    return SupportTeamFactory(name="迁安市第二入企帮扶工作组", region=county, members=[member])


@pytest.fixture
def new_ticket(enterprise):
    return TicketFactory(enterprise=enterprise, title="迁安企业的计量求助")


def _messages(response, level):
    return [m for m in messages.get_messages(response.wsgi_request) if m.level == level]


def test_the_form_offers_only_the_members_of_the_tickets_team(manager, inspector, team, second_team, enterprise):
    ticket = TicketFactory(enterprise=enterprise, team=team)
    offered = set(AssignForm(user=manager, ticket=ticket, prefix="assign").fields["assignee"].queryset)
    assert offered == {inspector}


def test_the_form_offers_only_the_members_of_the_team_posted(manager, inspector, team, second_team, new_ticket):
    form = AssignForm({"assign-team": second_team.pk}, user=manager, ticket=new_ticket, prefix="assign")
    offered = set(form.fields["assignee"].queryset)
    assert offered == set(second_team.members.all())
    assert inspector not in offered


def test_a_member_of_another_team_is_a_clear_form_error(manager, inspector, second_team, new_ticket):
    form = AssignForm(
        {"assign-team": second_team.pk, "assign-assignee": inspector.pk},
        user=manager,
        ticket=new_ticket,
        prefix="assign",
    )
    assert not form.is_valid()
    assert form.errors["assignee"] == ["请选择所选工作组现有的、能查看该企业的成员。"]


def test_without_script_the_page_refuses_a_non_member_and_changes_nothing(
    client_for, manager, inspector, second_team, new_ticket
):
    url = reverse("assistance:ticket-transition", args=[new_ticket.pk, "assign"])
    response = client_for(manager).post(url, {"assign-team": second_team.pk, "assign-assignee": inspector.pk})
    assert response.status_code == 302
    [error] = _messages(response, messages.ERROR)
    assert "请选择所选工作组现有的、能查看该企业的成员" in error.message
    ticket = Ticket.objects.get(pk=new_ticket.pk)
    assert (ticket.status, ticket.team, ticket.assignee) == (Ticket.Status.NEW, None, None)


def test_a_member_of_the_chosen_team_is_assigned(client_for, manager, inspector, team, second_team, new_ticket):
    url = reverse("assistance:ticket-transition", args=[new_ticket.pk, "assign"])
    client_for(manager).post(url, {"assign-team": team.pk, "assign-assignee": inspector.pk})
    ticket = Ticket.objects.get(pk=new_ticket.pk)
    assert (ticket.status, ticket.team, ticket.assignee) == (Ticket.Status.ASSIGNED, team, inspector)


def test_the_picker_narrows_to_the_team_chosen(client_for, manager, inspector, team, second_team, new_ticket):
    url = reverse("assistance:user-autocomplete")
    client = client_for(manager)
    first = client.get(url, {"ticket": new_ticket.pk, "team": team.pk}).json()["results"]
    second = client.get(url, {"ticket": new_ticket.pk, "team": second_team.pk}).json()["results"]
    assert [row["id"] for row in first] == [inspector.pk]
    assert [row["id"] for row in second] == [user.pk for user in second_team.members.all()]


# --- The visit's message ----------------------------------------------------------------------


def _visit(enterprise, inspector, **extra):
    from django.utils import timezone

    return {
        "date": timezone.localdate().isoformat(),
        "enterprise": enterprise.pk,
        "inspectors": [inspector.pk],
        "purpose": "计量器具检定帮扶",
        "findings": "部分压力表超期未检",
        "ticket_priority": "normal",
        **extra,
    }


def test_a_visit_that_raised_a_ticket_names_it_with_a_link(client_for, inspector, team, enterprise, category):
    data = _visit(
        enterprise,
        inspector,
        team=team.pk,
        raise_ticket="on",
        ticket_category=category.pk,
        ticket_title="压力表<script>送检",
        ticket_description="企业需要上门检定",
        ticket_priority="high",
    )
    client = client_for(inspector)
    response = client.post(reverse("assistance:visit-create"), data, follow=True)
    ticket = Ticket.objects.get()
    html = response.content.decode()
    link = f'<a href="{ticket.get_absolute_url()}" class="alert-link">{ticket.number} 压力表&lt;script&gt;送检</a>'
    assert link in html
    assert "已提交工单：" in html
    assert "<script>送检" not in html


def test_a_visit_without_a_ticket_says_only_that_it_was_logged(client_for, inspector, team, enterprise):
    response = client_for(inspector).post(
        reverse("assistance:visit-create"), _visit(enterprise, inspector), follow=True
    )
    [message] = list(response.context["messages"])
    assert message.extra_tags in ("", None)
    assert "已提交工单" not in message.message


def test_a_message_without_the_safe_tag_stays_escaped(rf, inspector):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.success(request, '<a href="/x">x</a>')
    html = render_to_string("_messages.html", {"messages": messages.get_messages(request)})
    assert "&lt;a href=&quot;/x&quot;&gt;x&lt;/a&gt;" in html
    assert '<a href="/x">' not in html
