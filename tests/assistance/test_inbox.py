"""The inbox: every mailed notification is there too, only one's own, read and unread, and the top bar's count."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import Ticket
from assistance.notifications.models import Notification, NotificationPreference
from assistance.notifications.selectors import UNREAD_CAP, unread_count
from assistance.notifications.services import inbox_changed, notify, send_reminders

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

K = Notification.Kind
INBOX = reverse("assistance:inbox")


def _note(user, n=1, *, link="/assistance/", read=False, **kwargs):
    start = timezone.now() - datetime.timedelta(hours=n)
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kwargs.get("kind", K.TICKET_ASSIGNED),
            title=f"通知{i}",
            body=f"内容{i}",
            link=link,
            created_at=start + datetime.timedelta(minutes=i),
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    )
    inbox_changed()  # as every bulk write to the inbox does
    return rows[0] if n == 1 else rows


def _badge(response) -> str:
    content = response.content.decode()
    if 'id="inbox-unread"' not in content:
        return ""
    return content.split('id="inbox-unread">', 1)[1].split("<", 1)[0]


@pytest.fixture
def assign(manager, team, inspector, enterprise, django_capture_on_commit_callbacks):
    inspector.email = "inspector@example.cn"
    inspector.save()

    def run():
        ticket = TicketFactory(enterprise=enterprise, title="计量检定求助")
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector)
        return ticket

    return run


def test_an_assignment_mail_also_lands_in_the_assignees_inbox(assign, inspector):
    ticket = assign()

    entry = Notification.objects.get(recipient=inspector)
    assert entry.kind == K.TICKET_ASSIGNED and ticket.number in entry.title and "计量检定求助" in entry.body
    assert entry.link == ticket.get_absolute_url() and entry.target == ticket
    [message] = mail.outbox
    assert message.to == ["inspector@example.cn"] and message.subject == entry.title
    assert "计量检定求助" in message.body and message.body.endswith(ticket.get_absolute_url())


def test_mail_turned_off_for_a_kind_keeps_the_inbox_entry_but_sends_no_mail(assign, inspector):
    NotificationPreference.objects.create(user=inspector, kind=K.TICKET_ASSIGNED, email=False)

    assign()

    assert Notification.objects.filter(recipient=inspector, kind=K.TICKET_ASSIGNED).count() == 1
    assert mail.outbox == []


def test_mail_turned_off_for_another_kind_still_mails_this_one(assign, inspector):
    NotificationPreference.objects.create(user=inspector, kind=K.TICKET_OVERDUE, email=False)
    assign()
    assert len(mail.outbox) == 1


def test_a_change_that_rolls_back_notifies_nobody(inspector, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[inspector], kind=K.TICKET_ASSIGNED, title="t", body="b")
        raise RuntimeError
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_inbox_lists_ones_own_notifications_newest_first_with_the_unread_marked(client_for, inspector, outsider):
    old = _note(inspector, link="/a/", read=True)
    new = _note(inspector, link="/b/")
    new.created_at = old.created_at + datetime.timedelta(hours=1)
    new.save()
    _note(outsider)
    new.title, old.title = "新的通知", "旧的通知"
    Notification.objects.bulk_update([new, old], ["title", "created_at"])

    response = client_for(inspector).get(INBOX)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("新的通知") < content.index("旧的通知")
    assert f'data-notification="{new.pk}" data-unread' in content
    assert f'data-notification="{old.pk}" data-unread' not in content
    assert list(response.context["page"].object_list) == [new, old]


def test_the_inbox_is_paginated(client_for, inspector):
    _note(inspector, 30)
    response = client_for(inspector).get(INBOX)
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30
    assert len(client_for(inspector).get(INBOX, {"page": 2}).context["page"].object_list) == 5


def test_the_top_bar_shows_the_unread_count(client_for, inspector):
    _note(inspector, 3)
    _note(inspector, 2, read=True)
    assert _badge(client_for(inspector).get(reverse("home"))) == "3"


def test_the_top_bar_shows_no_count_when_all_is_read(client_for, inspector):
    _note(inspector, read=True)
    response = client_for(inspector).get(reverse("home"))
    assert _badge(response) == "" and INBOX in response.content.decode()


def test_a_full_inbox_counts_up_to_the_cap(inspector, client_for):
    _note(inspector, UNREAD_CAP + 5)
    assert unread_count(user=inspector) == UNREAD_CAP
    assert _badge(client_for(inspector).get(INBOX)) == f"{UNREAD_CAP - 1}+"


def test_marking_one_read_lowers_the_count(client_for, inspector):
    first, _second = _note(inspector, 2)
    client = client_for(inspector)

    response = client.post(reverse("assistance:notification-read", args=[first.pk]), {"next": INBOX + "?page=1"})

    assert response.status_code == 302 and response.url == INBOX + "?page=1"
    first.refresh_from_db()
    assert first.read_at is not None
    assert _badge(client.get(INBOX)) == "1"


def test_reading_twice_keeps_the_first_reading_time(client_for, inspector):
    note = _note(inspector)
    client = client_for(inspector)
    client.post(reverse("assistance:notification-read", args=[note.pk]))
    note.refresh_from_db()
    first = note.read_at
    client.post(reverse("assistance:notification-read", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at == first


def test_mark_all_read_marks_only_ones_own(client_for, inspector, outsider):
    _note(inspector, 4)
    theirs = _note(outsider)
    client = client_for(inspector)

    response = client.post(reverse("assistance:inbox-read-all"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=inspector, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert _badge(client.get(INBOX)) == ""


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client_for, inspector, ticket):
    note = _note(inspector, link=ticket.get_absolute_url())

    response = client_for(inspector).post(reverse("assistance:notification-open", args=[note.pk]))

    assert response.status_code == 302 and response.url == ticket.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_off_the_site_is_never_followed(client_for, inspector):
    note = _note(inspector, link="https://evil.example.com/")
    response = client_for(inspector).post(reverse("assistance:notification-open", args=[note.pk]))
    assert response.url == INBOX


def test_the_next_page_after_marking_read_stays_on_the_site(client_for, inspector):
    note = _note(inspector)
    response = client_for(inspector).post(
        reverse("assistance:notification-read", args=[note.pk]), {"next": "//evil.example.com/"}
    )
    assert response.url == INBOX


@pytest.mark.parametrize("name", ["assistance:notification-open", "assistance:notification-read"])
def test_another_users_notification_is_not_found(client_for, inspector, outsider, name):
    theirs = _note(outsider)
    response = client_for(inspector).post(reverse(name, args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("name", ["assistance:notification-open", "assistance:notification-read"])
def test_a_missing_notification_is_not_found(client_for, inspector, name):
    assert client_for(inspector).post(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda pk: reverse("assistance:notification-open", args=[pk]),
        lambda pk: reverse("assistance:notification-read", args=[pk]),
        lambda pk: reverse("assistance:inbox-read-all"),
    ],
)
def test_writes_refuse_get(client_for, inspector, url):
    note = _note(inspector)
    assert client_for(inspector).get(url(note.pk)).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_the_inbox_refuses_post(client_for, inspector):
    assert client_for(inspector).post(INBOX).status_code == 405


def test_the_inbox_needs_a_signed_in_user(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and "login" in response.url


def test_a_reviewer_has_an_inbox_too(client_for, reviewer):
    _note(reviewer, kind=K.REVIEW_DUE)
    response = client_for(reviewer).get(INBOX)
    assert response.status_code == 200 and _badge(response) == "1"


def test_the_preferences_page_offers_every_kind_ticked_by_default(client_for, inspector):
    response = client_for(inspector).get(reverse("assistance:notification-preferences"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == set(K.values)
    assert all(field.initial for field in form.fields.values())


def test_saving_preferences_turns_mail_off_for_the_unticked_kinds(client_for, inspector):
    url = reverse("assistance:notification-preferences")
    kept_on = {kind: "on" for kind in K.values if kind != K.TICKET_DUE}

    response = client_for(inspector).post(url, kept_on)

    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=inspector).values_list("kind", "email")) == {
        kind: kind != K.TICKET_DUE for kind in K.values
    }
    form = client_for(inspector).get(url).context["form"]
    assert form.fields[K.TICKET_DUE].initial is False and form.fields[K.TICKET_OVERDUE].initial is True
    # Saving again (a repeated submit) changes nothing and makes no second row.
    client_for(inspector).post(url, kept_on)
    assert NotificationPreference.objects.filter(user=inspector).count() == len(K.values)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_inbox_costs_the_same_queries_with_5_notifications_as_with_50(client_for, inspector):
    client = client_for(inspector)
    _note(inspector, 5)
    small = _queries(client, INBOX)
    _note(inspector, 45)
    assert _queries(client, INBOX) == small


def test_the_badge_is_one_query_however_many_are_unread(client_for, inspector):
    client = client_for(inspector)
    home = reverse("home")
    _queries(client, home)  # what the page keeps (the jurisdiction's regions, say) is read by the first request
    inbox_changed()  # the empty inbox is counted again, as after any change
    without = _queries(client, home)
    _note(inspector, 60)
    with CaptureQueriesContext(connection) as context:
        response = client.get(home)
    assert _badge(response) == "60"
    assert len(context.captured_queries) == without
    assert sum("assistance_notification" in q["sql"] for q in context.captured_queries) == 1


def _notification_queries(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        badge = _badge(client.get(reverse("home")))
    return badge, sum("assistance_notification" in q["sql"] for q in queries.captured_queries)


def test_the_unread_count_is_kept_until_the_inbox_changes(client_for, inspector):
    _note(inspector, 2)
    client = client_for(inspector)
    assert _notification_queries(client) == ("2", 1)
    assert _notification_queries(client) == ("2", 0), "counted once, then read back"


def test_a_new_notification_a_reading_and_a_deletion_each_count_again(client_for, inspector, manager):
    first = _note(inspector)
    client = client_for(inspector)
    assert _badge(client.get(reverse("home"))) == "1"
    notify(recipients=[inspector], kind=K.TICKET_ASSIGNED, title="新工单", body="")
    assert _badge(client.get(reverse("home"))) == "2"
    client.post(reverse("assistance:notification-open", args=[first.pk]))
    assert _badge(client.get(reverse("home"))) == "1"
    Notification.objects.filter(recipient=inspector, read_at__isnull=True).get().delete()
    assert _badge(client.get(reverse("home"))) == ""
    # Another user's count is kept apart.
    notify(recipients=[manager], kind=K.TICKET_ASSIGNED, title="新工单", body="")
    assert _badge(client.get(reverse("home"))) == ""


def test_reading_everything_and_the_reminder_run_count_again(client_for, inspector, enterprise):
    _note(inspector, 3)
    client = client_for(inspector)
    assert _badge(client.get(reverse("home"))) == "3"
    client.post(reverse("assistance:inbox-read-all"))
    assert _badge(client.get(reverse("home"))) == ""
    ticket = TicketFactory(enterprise=enterprise, assignee=inspector, status="assigned")
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + datetime.timedelta(hours=3))
    assert send_reminders()[K.TICKET_DUE] == 1
    assert _badge(client.get(reverse("home"))) == "1"
