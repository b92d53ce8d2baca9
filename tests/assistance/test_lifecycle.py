"""The ticket lifecycle table, cell by cell, through the transition view."""

import re

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import Ticket, TicketEvent
from assistance.services import CREATOR, MANAGER, TEAM_INSPECTOR, TRANSITIONS
from tests.factories import UserFactory

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

S = Ticket.Status

# The lifecycle as DESIGN.md states it: new → assigned → in progress ⇄ waiting on enterprise → resolved → closed;
# resolved → reopened → in progress; any open state → cancelled. Managers assign, close, reopen and cancel;
# inspectors of the ticket's team start, pause and resolve; whoever opened a ticket may cancel it while it is new.
DESIGN_EDGES = {
    ("assign", S.NEW, S.ASSIGNED, MANAGER),
    ("assign", S.ASSIGNED, S.ASSIGNED, MANAGER),
    ("assign", S.REOPENED, S.ASSIGNED, MANAGER),
    ("start", S.ASSIGNED, S.IN_PROGRESS, TEAM_INSPECTOR),
    ("start", S.REOPENED, S.IN_PROGRESS, TEAM_INSPECTOR),
    ("wait", S.IN_PROGRESS, S.WAITING, TEAM_INSPECTOR),
    ("resume", S.WAITING, S.IN_PROGRESS, TEAM_INSPECTOR),
    ("resolve", S.IN_PROGRESS, S.RESOLVED, TEAM_INSPECTOR),
    ("close", S.RESOLVED, S.CLOSED, MANAGER),
    ("reopen", S.RESOLVED, S.REOPENED, MANAGER),
    *{("cancel", status, S.CANCELLED, MANAGER) for status in Ticket.OPEN_STATUSES},
    ("cancel", S.NEW, S.CANCELLED, CREATOR),
}

# The people who try each action: the roles each one holds on the test ticket (None: no access to tickets at all).
ACTORS = {
    "manager": {MANAGER},
    "team_inspector": {TEAM_INSPECTOR},
    "other_inspector": set(),
    "creator": {CREATOR},
    "reviewer": None,
}


def _expected(action: str, status: str, actor: str) -> str:
    """The target status if the actor may take the action, else "forbidden" or "impossible"."""
    if ACTORS[actor] is None:
        return "forbidden"
    rows = [t for t in TRANSITIONS if t.action == action and status in t.sources]
    if not rows:
        return "impossible"
    for row in rows:
        if row.roles & ACTORS[actor]:
            return row.target
    return "forbidden"


CELLS = [
    pytest.param(action, status, actor, id=f"{action}-{status}-{actor}")
    for action in services.ACTIONS
    for status in S.values
    for actor in ACTORS
]


@pytest.fixture
def creator(county):
    """An inspector of 迁安市, in no team, who opened the test tickets."""
    return UserFactory(username="creator", jurisdiction=county, groups=["inspector"])


@pytest.fixture
def users(manager, inspector, bystander, creator, reviewer):
    return {
        "manager": manager,
        "team_inspector": inspector,
        "other_inspector": bystander,
        "creator": creator,
        "reviewer": reviewer,
    }


def _ticket_in(status, *, enterprise, team, inspector, creator) -> Ticket:
    extra = {"waiting_since": timezone.now()} if status == S.WAITING else {}
    return TicketFactory(
        enterprise=enterprise, created_by=creator, team=team, assignee=inspector, status=status, **extra
    )


def _post_data(action: str, *, team, assignee) -> tuple[dict, str]:
    """The form an action posts, and the note its event should carry."""
    if action == "assign":
        return {"assign-team": team.pk, "assign-assignee": assignee.pk, "assign-note": "请尽快上门"}, "请尽快上门"
    if action == "resolve":
        return {"resolve-resolution": "已协调市计量所完成检定", "resolve-note": "企业满意"}, "企业满意"
    if action == "cancel":
        return {"cancel-reason": "企业已自行解决"}, "企业已自行解决"
    return {f"{action}-note": f"{action} 备注"}, f"{action} 备注"


def _messages(response, level):
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == level]


def test_the_lifecycle_table_is_the_one_the_design_describes():
    table = {(t.action, source, t.target, role) for t in TRANSITIONS for source in t.sources for role in t.roles}
    assert table == DESIGN_EDGES


@pytest.mark.parametrize(("action", "status", "actor"), CELLS)
def test_each_action_from_each_status_by_each_role_follows_the_table(
    client_for, users, enterprise, team, inspector, creator, action, status, actor
):
    user = users[actor]
    ticket = _ticket_in(status, enterprise=enterprise, team=team, inspector=inspector, creator=creator)
    events_before = ticket.events.count()
    data, note = _post_data(action, team=team, assignee=inspector)
    expected = _expected(action, status, actor)

    response = client_for(user).post(reverse("assistance:ticket-transition", args=[ticket.pk, action]), data)

    after = Ticket.objects.get(pk=ticket.pk)
    if expected == "forbidden":
        assert response.status_code == 403
    elif expected == "impossible":
        assert response.status_code == 302
        assert response.url == ticket.get_absolute_url()
        assert _messages(response, messages.ERROR)
    else:
        assert response.status_code == 302
        assert response.url == ticket.get_absolute_url()
        assert _messages(response, messages.SUCCESS)
        assert not _messages(response, messages.ERROR)
        assert after.status == expected
        assert after.version == ticket.version + 1
        assert after.updated_by == user
        event = after.events.order_by("-pk").first()
        assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
            action,
            user,
            status,
            expected,
            note,
        )
        assert after.events.count() == events_before + 1
        return
    assert (after.status, after.version, after.updated_at) == (ticket.status, ticket.version, ticket.updated_at)
    assert after.events.count() == events_before


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("actor", ["manager", "team_inspector", "other_inspector", "creator"])
def test_the_ticket_page_offers_exactly_the_allowed_actions(
    client_for, users, enterprise, team, inspector, creator, status, actor
):
    ticket = _ticket_in(status, enterprise=enterprise, team=team, inspector=inspector, creator=creator)
    body = client_for(users[actor]).get(ticket.get_absolute_url()).content.decode()
    offered = set(re.findall(r'data-action="(\w+)"', body))
    expected = {
        action for action in services.ACTIONS if _expected(action, status, actor) not in ("forbidden", "impossible")
    }
    assert offered == expected


def test_resolve_without_a_resolution_is_refused(client_for, enterprise, team, inspector):
    ticket = TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=S.IN_PROGRESS)
    url = reverse("assistance:ticket-transition", args=[ticket.pk, "resolve"])
    response = client_for(inspector).post(url, {"resolve-resolution": "   ", "resolve-note": "x"})
    assert response.status_code == 302
    assert _messages(response, messages.ERROR)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution, ticket.resolved_at) == (S.IN_PROGRESS, "", None)
    assert not ticket.events.filter(action="resolve").exists()


def test_cancel_without_a_reason_is_refused(client_for, manager, enterprise, team, inspector):
    ticket = TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=S.ASSIGNED)
    url = reverse("assistance:ticket-transition", args=[ticket.pk, "cancel"])
    response = client_for(manager).post(url, {"cancel-reason": " \n "})
    assert response.status_code == 302
    assert _messages(response, messages.ERROR)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.cancel_reason) == (S.ASSIGNED, "")
    assert not ticket.events.filter(action="cancel").exists()


def test_the_services_refuse_a_blank_resolution_or_reason(manager, enterprise, team, inspector):
    working = TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=S.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.ticket_resolve(ticket_id=working.pk, user=inspector, resolution="  ")
    with pytest.raises(ValidationError):
        services.ticket_cancel(ticket_id=working.pk, user=manager, reason="")
    working.refresh_from_db()
    assert working.status == S.IN_PROGRESS
    assert list(working.events.values_list("action", flat=True)) == ["create"]


def test_the_service_refuses_a_forbidden_role_even_if_a_page_would_not_ask(bystander, enterprise, team, inspector):
    ticket = TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=S.ASSIGNED)
    with pytest.raises(PermissionDenied):
        services.ticket_start(ticket_id=ticket.pk, user=bystander)
    assert Ticket.objects.get(pk=ticket.pk).status == S.ASSIGNED


def test_assigning_to_someone_outside_the_team_is_refused(client_for, manager, enterprise, team, bystander):
    ticket = TicketFactory(enterprise=enterprise)
    url = reverse("assistance:ticket-transition", args=[ticket.pk, "assign"])
    response = client_for(manager).post(url, {"assign-team": team.pk, "assign-assignee": bystander.pk})
    assert response.status_code == 302
    assert _messages(response, messages.ERROR)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.team, ticket.assignee) == (S.NEW, None, None)
    with pytest.raises(ValidationError):
        services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=bystander)


def test_a_whole_journey_leaves_a_timeline_of_who_did_what(client_for, manager, inspector, enterprise, team):
    ticket = TicketFactory(enterprise=enterprise, created_by=inspector)
    steps = [
        (manager, "assign", {"assign-team": team.pk, "assign-assignee": inspector.pk}),
        (inspector, "start", {}),
        (inspector, "wait", {"wait-note": "等待企业提供资料"}),
        (inspector, "resume", {}),
        (inspector, "resolve", {"resolve-resolution": "已完成"}),
        (manager, "reopen", {"reopen-note": "企业反映问题仍在"}),
        (manager, "assign", {"assign-team": team.pk, "assign-assignee": inspector.pk}),
        (inspector, "start", {}),
        (inspector, "resolve", {"resolve-resolution": "再次处理完成"}),
        (manager, "close", {}),
    ]
    for user, action, data in steps:
        response = client_for(user).post(reverse("assistance:ticket-transition", args=[ticket.pk, action]), data)
        assert response.status_code == 302, action
    events = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", "actor__username", "to_status"))
    assert events == [
        ("create", "inspector", S.NEW),
        ("assign", "manager", S.ASSIGNED),
        ("start", "inspector", S.IN_PROGRESS),
        ("wait", "inspector", S.WAITING),
        ("resume", "inspector", S.IN_PROGRESS),
        ("resolve", "inspector", S.RESOLVED),
        ("reopen", "manager", S.REOPENED),
        ("assign", "manager", S.ASSIGNED),
        ("start", "inspector", S.IN_PROGRESS),
        ("resolve", "inspector", S.RESOLVED),
        ("close", "manager", S.CLOSED),
    ]
    body = client_for(manager).get(ticket.get_absolute_url()).content.decode()
    assert body.count('class="list-group-item"') >= len(events)
    assert "等待企业提供资料" in body


@pytest.mark.parametrize("action", services.ACTIONS)
def test_a_transition_refuses_get(client_for, manager, ticket, action):
    response = client_for(manager).get(reverse("assistance:ticket-transition", args=[ticket.pk, action]))
    assert response.status_code == 405
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_an_unknown_action_answers_404(client_for, manager, ticket):
    response = client_for(manager).post(reverse("assistance:ticket-transition", args=[ticket.pk, "delete"]))
    assert response.status_code == 404
