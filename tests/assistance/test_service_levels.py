"""Due dates from the priority's service level, the clock paused while waiting, and overdue tickets."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import ServiceLevel, Ticket

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

S = Ticket.Status
T0 = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(("priority", "days"), [("urgent", 2), ("high", 5), ("normal", 10), ("low", 20)])
def test_due_date_is_opening_plus_the_days_of_the_priority(enterprise, priority, days):
    ticket = TicketFactory(enterprise=enterprise, priority=priority, opened_at=T0)
    assert ticket.due_at == T0 + days * DAY


def test_without_service_level_rows_the_defaults_apply(enterprise):
    ServiceLevel.objects.all().delete()
    assert services.service_days("high") == 5
    assert TicketFactory(enterprise=enterprise, priority="low", opened_at=T0).due_at == T0 + 20 * DAY


def test_an_administrator_changing_a_service_level_changes_new_tickets_due_dates(client_for, admin_user, enterprise):
    before = TicketFactory(enterprise=enterprise, priority="normal", opened_at=T0)
    level = ServiceLevel.objects.get(priority="normal")
    response = client_for(admin_user).post(
        reverse("admin:assistance_servicelevel_change", args=[level.pk]), {"priority": "normal", "days": 3}
    )
    assert response.status_code == 302
    assert ServiceLevel.objects.get(priority="normal").days == 3
    after = TicketFactory(enterprise=enterprise, priority="normal", opened_at=T0)
    assert after.due_at == T0 + 3 * DAY
    before.refresh_from_db()
    assert before.due_at == T0 + 10 * DAY


def test_a_service_level_needs_at_least_one_day(client_for, admin_user):
    level = ServiceLevel.objects.get(priority="urgent")
    response = client_for(admin_user).post(
        reverse("admin:assistance_servicelevel_change", args=[level.pk]), {"priority": "urgent", "days": 0}
    )
    assert response.status_code == 200
    assert ServiceLevel.objects.get(priority="urgent").days == 2


def test_time_waiting_on_the_enterprise_is_added_back_on_resume(enterprise, team, inspector):
    ticket = TicketFactory(enterprise=enterprise, opened_at=T0, team=team, status=S.ASSIGNED)
    services.ticket_start(ticket_id=ticket.pk, user=inspector, at=T0 + DAY)
    services.ticket_wait(ticket_id=ticket.pk, user=inspector, at=T0 + 2 * DAY)
    waiting = Ticket.objects.get(pk=ticket.pk)
    assert waiting.waiting_since == T0 + 2 * DAY
    assert waiting.due_at == T0 + 10 * DAY
    services.ticket_resume(ticket_id=ticket.pk, user=inspector, at=T0 + 5 * DAY + datetime.timedelta(hours=6))
    resumed = Ticket.objects.get(pk=ticket.pk)
    assert resumed.due_at == T0 + 13 * DAY + datetime.timedelta(hours=6)
    assert resumed.waiting_since is None
    # A second pause adds its own time.
    services.ticket_wait(ticket_id=ticket.pk, user=inspector, at=T0 + 6 * DAY)
    services.ticket_resume(ticket_id=ticket.pk, user=inspector, at=T0 + 8 * DAY)
    assert Ticket.objects.get(pk=ticket.pk).due_at == T0 + 15 * DAY + datetime.timedelta(hours=6)


def test_raising_the_priority_moves_the_due_date(enterprise, manager):
    ticket = TicketFactory(enterprise=enterprise, opened_at=T0)
    services.ticket_update(ticket_id=ticket.pk, user=manager, version=ticket.version, data={"priority": "urgent"})
    assert Ticket.objects.get(pk=ticket.pk).due_at == T0 + 2 * DAY


def test_resolving_and_closing_store_when(enterprise, team, inspector, manager):
    ticket = TicketFactory(enterprise=enterprise, opened_at=T0, team=team, status=S.IN_PROGRESS)
    services.ticket_resolve(ticket_id=ticket.pk, user=inspector, resolution="已解决", at=T0 + 4 * DAY)
    resolved = Ticket.objects.get(pk=ticket.pk)
    assert (resolved.resolved_at, resolved.resolution, resolved.closed_at) == (T0 + 4 * DAY, "已解决", None)
    services.ticket_close(ticket_id=ticket.pk, user=manager, at=T0 + 6 * DAY)
    closed = Ticket.objects.get(pk=ticket.pk)
    assert (closed.status, closed.resolved_at, closed.closed_at) == (S.CLOSED, T0 + 4 * DAY, T0 + 6 * DAY)
    assert closed.events.get(action="close").at == T0 + 6 * DAY


def test_reopening_clears_the_resolution_time(enterprise, team, manager):
    ticket = TicketFactory(enterprise=enterprise, team=team, status=S.RESOLVED, resolved_at=T0)
    services.ticket_reopen(ticket_id=ticket.pk, user=manager, at=T0 + DAY)
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is None


def test_overdue_means_past_due_with_the_clock_running(enterprise):
    now = timezone.now()
    past = now - 3 * DAY
    assert TicketFactory(enterprise=enterprise, due_at=past, status=S.IN_PROGRESS).is_overdue(now)
    assert not TicketFactory(enterprise=enterprise, due_at=now + DAY, status=S.IN_PROGRESS).is_overdue(now)
    assert not TicketFactory(enterprise=enterprise, due_at=past, status=S.RESOLVED).is_overdue(now)
    assert not TicketFactory(enterprise=enterprise, due_at=past, status=S.CANCELLED).is_overdue(now)
    # Waiting stops the clock: overdue only if it was already late when the wait began.
    assert not TicketFactory(enterprise=enterprise, due_at=past, status=S.WAITING, waiting_since=past - DAY).is_overdue(
        now
    )
    assert TicketFactory(enterprise=enterprise, due_at=past, status=S.WAITING, waiting_since=past + DAY).is_overdue(now)


@pytest.fixture
def late_and_on_time(enterprise):
    now = timezone.now()
    late = TicketFactory(enterprise=enterprise, title="逾期的求助", due_at=now - DAY, status=S.ASSIGNED)
    on_time = TicketFactory(enterprise=enterprise, title="未逾期的求助", due_at=now + DAY, status=S.ASSIGNED)
    paused = TicketFactory(
        enterprise=enterprise, title="等待中的求助", due_at=now - DAY, status=S.WAITING, waiting_since=now - 2 * DAY
    )
    done = TicketFactory(enterprise=enterprise, title="已解决的求助", due_at=now - DAY, status=S.RESOLVED)
    return late, on_time, paused, done


def test_the_list_marks_overdue_rows(client_for, inspector, late_and_on_time):
    late, on_time, paused, done = late_and_on_time
    response = client_for(inspector).get(reverse("assistance:ticket-list"))
    assert {t["pk"] for t in response.context["page"].object_list} == {late.pk, on_time.pk, paused.pk, done.pk}
    body = response.content.decode()

    def marked(ticket) -> bool:
        row = re.search(rf"<tr[^>]*>\s*<td[^>]*><a href=\"{ticket.get_absolute_url()}\"", body)
        return "table-danger" in row.group(0)

    assert {t.pk: marked(t) for t in (late, on_time, paused, done)} == {
        late.pk: True,
        on_time.pk: False,
        paused.pk: False,
        done.pk: False,
    }


def test_the_overdue_filter_keeps_only_overdue_tickets(client_for, inspector, late_and_on_time):
    late, on_time, paused, done = late_and_on_time
    client = client_for(inspector)
    overdue = client.get(reverse("assistance:ticket-list"), {"overdue": "true"}).context["page"].object_list
    assert [t["pk"] for t in overdue] == [late.pk]
    not_overdue = client.get(reverse("assistance:ticket-list"), {"overdue": "false"}).context["page"].object_list
    assert {t["pk"] for t in not_overdue} == {on_time.pk, paused.pk, done.pk}


def test_the_detail_page_shows_overdue(client_for, inspector, late_and_on_time):
    late, on_time, *_ = late_and_on_time
    client = client_for(inspector)
    assert client.get(late.get_absolute_url()).context["ticket"].overdue is True
    assert client.get(on_time.get_absolute_url()).context["ticket"].overdue is False
