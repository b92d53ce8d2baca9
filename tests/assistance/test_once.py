"""A form page sent twice (back and submit again, a retry after a timeout) makes its record once."""

import re
import uuid

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from assistance.models import Ticket, TicketEvent, Training, Visit
from clusters.models import FormSubmission

from .factories import TicketFactory, default_category

pytestmark = pytest.mark.django_db

AGAIN = "已保存，未重复提交。"


def _token(response, prefix: str = "") -> str:
    """The one-time token the page's form carries."""
    name = f"{prefix}-submission_token" if prefix else "submission_token"
    match = re.search(rf'name="{name}" value="([0-9a-f-]{{36}})"', response.content.decode())
    assert match, f"no {name} on the page"
    return match[1]


def _messages(response):
    return [str(m.message) for m in messages.get_messages(response.wsgi_request)]


@pytest.fixture
def category(db):
    return default_category()


def test_every_page_carries_a_new_token(client_for, inspector):
    client = client_for(inspector)
    first = _token(client.get(reverse("assistance:ticket-create")))
    second = _token(client.get(reverse("assistance:ticket-create")))
    assert uuid.UUID(first) != uuid.UUID(second)


def test_a_new_ticket_sent_twice_is_opened_once(client_for, inspector, enterprise, category):
    client = client_for(inspector)
    data = {
        "submission_token": _token(client.get(reverse("assistance:ticket-create"))),
        "enterprise": enterprise.pk,
        "category": category.pk,
        "title": "申请压力表检定",
        "channel": "window",
        "priority": "high",
    }
    first = client.post(reverse("assistance:ticket-create"), data)
    again = client.post(reverse("assistance:ticket-create"), data)

    ticket = Ticket.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == ticket.get_absolute_url()
    assert AGAIN in _messages(again)
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1


def test_a_visit_that_raised_a_ticket_sent_again_makes_neither_twice(client_for, inspector, team, enterprise, category):
    client = client_for(inspector)
    data = {
        "submission_token": _token(client.get(reverse("assistance:visit-create"))),
        "date": timezone.localdate().isoformat(),
        "enterprise": enterprise.pk,
        "team": team.pk,
        "inspectors": [inspector.pk],
        "purpose": "计量器具检定帮扶",
        "raise_ticket": "on",
        "ticket_category": category.pk,
        "ticket_title": "压力表送检",
        "ticket_priority": "high",
    }
    first = client.post(reverse("assistance:visit-create"), data)
    again = client.post(reverse("assistance:visit-create"), data)

    visit = Visit.objects.get()
    assert Ticket.objects.get().raised_in_visit == visit
    assert first.url == again.url == visit.get_absolute_url()
    assert AGAIN in _messages(again)


def test_a_training_sent_twice_is_recorded_once(client_for, inspector, county, category):
    client = client_for(inspector)
    data = {
        "submission_token": _token(client.get(reverse("assistance:training-create"))),
        "date": "2021-10-20",
        "title": "卓越绩效模式导入培训",
        "category": category.pk,
        "region": county.pk,
        "attendee_count": 45,
    }
    client.post(reverse("assistance:training-create"), data)
    again = client.post(reverse("assistance:training-create"), data)
    assert Training.objects.count() == 1
    assert AGAIN in _messages(again)


def test_a_step_sent_twice_is_taken_once(client_for, manager, enterprise, team, inspector):
    ticket = TicketFactory(enterprise=enterprise)
    client = client_for(manager)
    token = _token(client.get(ticket.get_absolute_url()), prefix="assign")
    data = {"assign-submission_token": token, "assign-team": team.pk, "assign-assignee": inspector.pk}
    url = reverse("assistance:ticket-transition", args=[ticket.pk, "assign"])

    client.post(url, data)
    again = client.post(url, data)

    # Assigning again from "assigned" is allowed, so only the token keeps it from being recorded twice.
    assert ticket.events.filter(action="assign").count() == 1
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version + 1
    assert AGAIN in _messages(again)


def test_a_refused_submission_can_be_corrected_and_sent_with_the_same_page(client_for, inspector, enterprise, category):
    client = client_for(inspector)
    token = _token(client.get(reverse("assistance:ticket-create")))
    data = {"submission_token": token, "enterprise": enterprise.pk, "category": category.pk, "channel": "window"}

    refused = client.post(reverse("assistance:ticket-create"), {**data, "title": ""})
    saved = client.post(reverse("assistance:ticket-create"), {**data, "title": "申请压力表检定", "priority": "normal"})

    assert refused.status_code == 200
    assert saved.status_code == 302
    assert Ticket.objects.count() == 1
    assert AGAIN not in _messages(saved)


def test_a_step_refused_with_a_message_does_not_use_up_the_token(client_for, manager, enterprise):
    ticket = TicketFactory(enterprise=enterprise, status=Ticket.Status.CLOSED)
    client = client_for(manager)
    data = {"close-submission_token": str(uuid.uuid4())}
    client.post(reverse("assistance:ticket-transition", args=[ticket.pk, "close"]), data)
    assert not FormSubmission.objects.exists()


def test_someone_elses_token_is_refused(client_for, inspector, bystander, enterprise, category):
    data = {
        "submission_token": str(uuid.uuid4()),
        "enterprise": enterprise.pk,
        "category": category.pk,
        "title": "申请压力表检定",
        "channel": "window",
        "priority": "high",
    }
    client_for(inspector).post(reverse("assistance:ticket-create"), data)
    response = client_for(bystander).post(reverse("assistance:ticket-create"), data)
    assert response.status_code == 400
    assert Ticket.objects.count() == 1


def test_a_malformed_token_is_a_bad_request_not_an_error(client_for, inspector, enterprise, category):
    response = client_for(inspector).post(reverse("assistance:ticket-create"), {"submission_token": "x" * 40})
    assert response.status_code == 400
    assert not Ticket.objects.exists()
