"""Editing a ticket: optimistic concurrency, and the email an assignment sends."""

import pytest
from django.conf import settings
from django.contrib import messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import Ticket
from tests.factories import UserFactory

from .factories import TicketFactory

pytestmark = pytest.mark.django_db


def _edit_data(form, **changes):
    """The values of a rendered ticket form, as the browser would post them back."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def test_the_edit_form_carries_the_version(client_for, inspector, ticket):
    form = client_for(inspector).get(reverse("assistance:ticket-update", args=[ticket.pk])).context["form"]
    assert form["version"].value() == ticket.version


def test_a_member_of_the_team_saves_an_edit(client_for, inspector, ticket):
    client = client_for(inspector)
    url = reverse("assistance:ticket-update", args=[ticket.pk])
    form = client.get(url).context["form"]
    response = client.post(url, _edit_data(form, title="更新后的标题", satisfaction=5))
    assert response.status_code == 302
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.title, saved.satisfaction, saved.version, saved.updated_by) == (
        "更新后的标题",
        5,
        ticket.version + 1,
        inspector,
    )
    assert saved.history.count() >= 2


def test_a_stale_edit_is_refused_and_names_who_changed_the_ticket(client_for, inspector, ticket):
    colleague = UserFactory(
        username="colleague", last_name="李", first_name="明", jurisdiction=inspector.jurisdiction, groups=["manager"]
    )
    client = client_for(inspector)
    url = reverse("assistance:ticket-update", args=[ticket.pk])
    stale_form = client.get(url).context["form"]
    assert stale_form["version"].value() == ticket.version

    services.ticket_update(
        ticket_id=ticket.pk, user=colleague, version=ticket.version, data={"title": "同事改过的标题"}
    )
    changed = Ticket.objects.get(pk=ticket.pk)

    response = client.post(url, _edit_data(stale_form, title="我的标题", description="我的描述"))

    assert response.status_code == 409
    errors = [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert len(errors) == 1
    assert "李明" in errors[0]
    assert timezone.localtime(changed.updated_at).strftime("%Y-%m-%d %H:%M") in errors[0]
    assert "李明" in response.content.decode()
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.title, after.description, after.version, after.updated_by) == (
        "同事改过的标题",
        changed.description,
        changed.version,
        colleague,
    )


def test_a_transition_since_the_form_was_opened_also_makes_it_stale(client_for, inspector, ticket):
    client = client_for(inspector)
    url = reverse("assistance:ticket-update", args=[ticket.pk])
    stale_form = client.get(url).context["form"]
    services.ticket_start(ticket_id=ticket.pk, user=inspector)
    response = client.post(url, _edit_data(stale_form, title="过时的修改"))
    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).title == ticket.title


def test_an_edit_without_a_version_is_refused(client_for, inspector, ticket):
    client = client_for(inspector)
    url = reverse("assistance:ticket-update", args=[ticket.pk])
    data = _edit_data(client.get(url).context["form"], title="没有版本号")
    del data["version"]
    assert client.post(url, data).status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).title == ticket.title


def test_an_inspector_outside_the_team_may_see_but_not_edit(client_for, bystander, ticket):
    client = client_for(bystander)
    assert client.get(ticket.get_absolute_url()).status_code == 200
    url = reverse("assistance:ticket-update", args=[ticket.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "越权修改", "version": ticket.version}).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).title == ticket.title


def test_a_cancelled_ticket_cannot_be_edited(client_for, manager, enterprise):
    ticket = TicketFactory(enterprise=enterprise, status="cancelled")
    assert client_for(manager).get(reverse("assistance:ticket-update", args=[ticket.pk])).status_code == 403


def test_assignment_emails_the_assignee_once_the_change_is_committed(
    client_for, manager, inspector, team, enterprise, django_capture_on_commit_callbacks
):
    inspector.email = "inspector@example.cn"
    inspector.save()
    ticket = TicketFactory(enterprise=enterprise, title="计量检定求助")
    url = reverse("assistance:ticket-transition", args=[ticket.pk, "assign"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(manager).post(url, {"assign-team": team.pk, "assign-assignee": inspector.pk})
    assert response.status_code == 302
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["inspector@example.cn"]
    assert ticket.number in email.subject
    assert "计量检定求助" in email.body
    assert f"{settings.SITE_URL}{ticket.get_absolute_url()}" in email.body


def test_no_email_leaves_before_the_transaction_commits(manager, inspector, team, enterprise):
    inspector.email = "inspector@example.cn"
    inspector.save()
    ticket = TicketFactory(enterprise=enterprise)
    # The test's transaction never commits here, so the on-commit email must not have gone.
    services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector)
    assert mail.outbox == []


def test_a_refused_assignment_sends_no_email(
    client_for, manager, bystander, team, enterprise, django_capture_on_commit_callbacks
):
    bystander.email = "bystander@example.cn"
    bystander.save()
    ticket = TicketFactory(enterprise=enterprise)
    url = reverse("assistance:ticket-transition", args=[ticket.pk, "assign"])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(url, {"assign-team": team.pk, "assign-assignee": bystander.pk})
    assert mail.outbox == []


def test_an_assignee_without_email_gets_none_and_nothing_fails(
    manager, inspector, team, enterprise, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(enterprise=enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector)
    assert mail.outbox == []
    assert Ticket.objects.get(pk=ticket.pk).assignee == inspector
