"""A closed or cancelled ticket is finished: it refuses edits and files on the pages, in the service and in admin."""

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assistance import services
from assistance.models import Attachment, Ticket

from .factories import TicketFactory
from .files import png

pytestmark = pytest.mark.django_db

S = Ticket.Status


@pytest.fixture
def closed_ticket(enterprise, team, inspector):
    return TicketFactory(
        enterprise=enterprise, team=team, assignee=inspector, status=S.CLOSED, title="已办结的计量求助"
    )


def _errors(response) -> list[str]:
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]


@pytest.mark.parametrize("status", [S.CLOSED, S.CANCELLED])
def test_a_finished_ticket_cannot_be_edited_by_its_team(inspector, enterprise, team, status):
    ticket = TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=status)
    assert not services.can_edit_ticket(inspector, ticket)
    with pytest.raises(PermissionDenied):
        services.ticket_update(ticket_id=ticket.pk, user=inspector, version=ticket.version, data={"title": "改"})
    assert Ticket.objects.get(pk=ticket.pk).title == ticket.title


def test_the_inspector_cannot_rewrite_a_closed_ticket_on_its_edit_page(client_for, inspector, closed_ticket, category):
    client = client_for(inspector)
    url = reverse("assistance:ticket-update", args=[closed_ticket.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "category": category.pk,
            "title": "事后改写的标题",
            "channel": closed_ticket.channel,
            "priority": closed_ticket.priority,
            "version": closed_ticket.version,
        },
    )
    assert response.status_code == 403
    after = Ticket.objects.get(pk=closed_ticket.pk)
    assert (after.title, after.version) == ("已办结的计量求助", closed_ticket.version)


def test_the_closed_ticket_page_offers_no_edit_and_no_upload(client_for, inspector, closed_ticket):
    body = client_for(inspector).get(closed_ticket.get_absolute_url()).content.decode()
    assert reverse("assistance:ticket-update", args=[closed_ticket.pk]) not in body
    assert reverse("assistance:ticket-attach", args=[closed_ticket.pk]) not in body


def test_a_resolved_ticket_still_takes_edits_such_as_the_enterprises_satisfaction(inspector, enterprise, team):
    ticket = TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=S.RESOLVED)
    assert services.can_edit_ticket(inspector, ticket)
    services.ticket_update(ticket_id=ticket.pk, user=inspector, version=ticket.version, data={"satisfaction": 5})
    assert Ticket.objects.get(pk=ticket.pk).satisfaction == 5


def test_a_file_sent_to_a_closed_ticket_is_refused_with_a_message(client_for, inspector, closed_ticket):
    url = reverse("assistance:ticket-attach", args=[closed_ticket.pk])
    response = client_for(inspector).post(url, {"file": png()})
    assert response.status_code == 302
    assert _errors(response)
    assert not Attachment.objects.filter(ticket=closed_ticket).exists()


def test_admin_shows_a_closed_ticket_read_only(client_for, admin_user, closed_ticket):
    client = client_for(admin_user)
    url = reverse("admin:assistance_ticket_change", args=[closed_ticket.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    client.post(
        url,
        {
            "title": "管理员改写",
            "description": "",
            "category": closed_ticket.category_id,
            "channel": closed_ticket.channel,
            "priority": closed_ticket.priority,
            "partner": "",
            "satisfaction": "",
            "edit_version": closed_ticket.version,
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert Ticket.objects.get(pk=closed_ticket.pk).title == "已办结的计量求助"
