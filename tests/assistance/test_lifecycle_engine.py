"""The one lifecycle engine both workflows run on, and the ways into it: pages, services and admin."""

import datetime

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.lifecycle import Lifecycle
from assistance.models import Ticket, TicketEvent

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

S = Ticket.Status
DAY = datetime.timedelta(days=1)


def test_every_ticket_step_is_moved_and_recorded_by_the_engine(enterprise, team, inspector, manager, monkeypatch):
    """The engine is the one way a status changes: a service that moved the ticket itself would not be counted."""
    moved = []
    finish = Lifecycle._finish

    def counting(self, record, row, **kwargs):
        moved.append((type(record).__name__, row.action))
        finish(self, record, row, **kwargs)

    monkeypatch.setattr(Lifecycle, "_finish", counting)
    ticket = TicketFactory(enterprise=enterprise)
    services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector)
    services.ticket_start(ticket_id=ticket.pk, user=inspector)
    services.ticket_wait(ticket_id=ticket.pk, user=inspector)
    services.ticket_resume(ticket_id=ticket.pk, user=inspector)
    services.ticket_resolve(ticket_id=ticket.pk, user=inspector, resolution="已解决")
    services.ticket_reopen(ticket_id=ticket.pk, user=manager)
    services.ticket_start(ticket_id=ticket.pk, user=inspector)
    services.ticket_resolve(ticket_id=ticket.pk, user=inspector, resolution="已解决")
    services.ticket_close(ticket_id=ticket.pk, user=manager)
    steps = ["assign", "start", "wait", "resume", "resolve", "reopen", "start", "resolve", "close"]
    assert moved == [("Ticket", action) for action in steps]
    events = list(Ticket.objects.get(pk=ticket.pk).events.order_by("at", "pk").values_list("action", flat=True))
    assert events == ["create", *steps]


def test_the_engine_refuses_a_blank_requirement_before_it_locks_anything(
    enterprise, manager, django_assert_num_queries
):
    ticket = TicketFactory(enterprise=enterprise)
    with django_assert_num_queries(0), pytest.raises(ValidationError) as error:
        services.ticket_cancel(ticket_id=ticket.pk, user=manager, reason="  ")
    assert error.value.code == "reason"


def test_a_refused_step_changes_nothing_and_records_nothing(enterprise, manager):
    ticket = TicketFactory(enterprise=enterprise, status=S.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.ticket_close(ticket_id=ticket.pk, user=manager)
    assert error.value.code == "state"
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.version) == (S.CLOSED, ticket.version)
    assert not TicketEvent.objects.filter(ticket=ticket, action="close").exists()


def test_an_unknown_action_is_a_validation_error():
    lifecycle = services.TICKETS
    with pytest.raises(ValidationError) as error:
        lifecycle.find("fly", S.NEW, {services.MANAGER})
    assert error.value.code == "unknown"


def _admin_change(client, ticket, **changes):
    data = {
        "title": ticket.title,
        "description": ticket.description,
        "category": ticket.category_id,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "partner": "",
        "satisfaction": "",
        "edit_version": ticket.version,
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(reverse("admin:assistance_ticket_change", args=[ticket.pk]), data)


def test_an_admin_change_of_priority_moves_the_due_date_as_the_ticket_page_does(client_for, admin_user, enterprise):
    opened = timezone.now() - DAY
    ticket = TicketFactory(enterprise=enterprise, opened_at=opened, priority="normal")
    assert ticket.due_at == opened + 10 * DAY

    response = _admin_change(client_for(admin_user), ticket, priority="urgent", title="计量器具检定（加急）")

    assert response.status_code == 302
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.priority, after.title) == ("urgent", "计量器具检定（加急）")
    assert after.due_at == opened + 2 * DAY
    assert (after.version, after.updated_by) == (ticket.version + 1, admin_user)


def test_an_admin_save_of_a_stale_form_overwrites_nothing(client_for, admin_user, enterprise, manager):
    ticket = TicketFactory(enterprise=enterprise)
    services.ticket_update(ticket_id=ticket.pk, user=manager, version=ticket.version, data={"title": "同事的修改"})

    response = _admin_change(client_for(admin_user), ticket, title="过时的修改")

    after = Ticket.objects.get(pk=ticket.pk)
    assert after.title == "同事的修改"
    assert after.version == ticket.version + 1
    errors = [m for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert errors


def test_admin_cannot_change_a_tickets_state_or_team(client_for, admin_user, enterprise, team, inspector):
    ticket = TicketFactory(enterprise=enterprise)
    _admin_change(client_for(admin_user), ticket, status=S.CLOSED, team=team.pk, assignee=inspector.pk)
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.team, after.assignee) == (S.NEW, None, None)
