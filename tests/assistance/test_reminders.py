"""The daily reminders: due tickets to the assignee, overdue ones to the leader and the jurisdiction's
managers, once per recipient, ticket, kind and day, in a constant number of queries."""

import datetime
import io
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assistance.notifications.models import Notification, NotificationPreference
from assistance.notifications.services import send_reminders
from tests.factories import EnterpriseFactory, RegionFactory, UserFactory

from .factories import SupportTeamFactory, TicketFactory

pytestmark = pytest.mark.django_db

K = Notification.Kind
NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 7, 30))


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminders as of `at` (the mail job runs at once under the test settings)."""

    def run(at=NOW):
        with django_capture_on_commit_callbacks(execute=True):
            return send_reminders(at=at)

    return run


@pytest.fixture
def leader(county):
    return UserFactory(username="leader", jurisdiction=county, groups=["inspector"], email="leader@example.cn")


@pytest.fixture
def staff(inspector, manager, team, leader):
    """Mail addresses for the standard users, and a leader for the 迁安市 team."""
    inspector.email, manager.email = "inspector@example.cn", "manager@example.cn"
    inspector.save()
    manager.save()
    team.leader = leader
    team.save()
    return team


@pytest.fixture
def other_manager(other_county):
    """A manager of 丰润区: the 迁安市 tickets are none of his business."""
    return UserFactory(username="manager2", jurisdiction=other_county, groups=["manager"], email="m2@example.cn")


def _ticket(*, due_in: datetime.timedelta, enterprise, team, assignee, status="assigned", **kwargs):
    return TicketFactory(
        enterprise=enterprise, team=team, assignee=assignee, status=status, due_at=NOW + due_in, **kwargs
    )


def _inbox(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(kind=kind) if kind else rows


def _mailed_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_ticket_due_within_a_day_is_reminded_to_its_assignee(remind, staff, enterprise, inspector, leader):
    ticket = _ticket(due_in=datetime.timedelta(hours=5), enterprise=enterprise, team=staff, assignee=inspector)
    _ticket(due_in=datetime.timedelta(days=3), enterprise=enterprise, team=staff, assignee=inspector)

    counts = remind()

    assert counts[K.TICKET_DUE] == 1
    reminder = _inbox(inspector, K.TICKET_DUE).get()
    assert ticket.number in reminder.title
    assert reminder.link == ticket.get_absolute_url()
    assert reminder.target == ticket and reminder.day == NOW.date() and reminder.read_at is None
    [message] = _mailed_to("inspector@example.cn")
    assert ticket.number in message.subject and ticket.get_absolute_url() in message.body
    assert not _inbox(leader).exists()


def test_a_waiting_or_finished_ticket_is_not_reminded(remind, staff, enterprise, inspector):
    soon = datetime.timedelta(hours=5)
    _ticket(due_in=soon, enterprise=enterprise, team=staff, assignee=inspector, status="waiting", waiting_since=NOW)
    _ticket(due_in=soon, enterprise=enterprise, team=staff, assignee=inspector, status="resolved")

    remind()

    assert not _inbox(inspector).exists()
    assert mail.outbox == []


def test_an_overdue_ticket_escalates_to_the_leader_and_the_jurisdictions_managers_only(
    remind, staff, enterprise, inspector, leader, manager, other_manager, province
):
    provincial = UserFactory(username="province-manager", jurisdiction=province, groups=["manager"])
    colleague = UserFactory(username="county-inspector", jurisdiction=enterprise.county, groups=["inspector"])
    ticket = _ticket(due_in=-datetime.timedelta(days=2), enterprise=enterprise, team=staff, assignee=inspector)

    counts = remind()

    assert counts[K.TICKET_OVERDUE] == 3
    escalated = Notification.objects.filter(kind=K.TICKET_OVERDUE, target_id=ticket.pk)
    assert set(escalated.values_list("recipient", flat=True)) == {leader.pk, manager.pk, provincial.pk}
    assert not _inbox(other_manager).exists() and not _inbox(colleague).exists()
    assert _mailed_to("m2@example.cn") == []
    assert len(_mailed_to("leader@example.cn")) == 1 and len(_mailed_to("manager@example.cn")) == 1


def test_the_other_countys_manager_gets_his_own_countys_overdue_tickets(
    remind, other_team, other_enterprise, outsider, manager, other_manager, staff
):
    ticket = _ticket(
        due_in=-datetime.timedelta(hours=1), enterprise=other_enterprise, team=other_team, assignee=outsider
    )

    remind()

    assert set(Notification.objects.filter(target_id=ticket.pk).values_list("recipient", flat=True)) == {
        other_manager.pk,
        manager.pk,  # the city's manager holds both counties
    }


def test_running_twice_the_same_day_sends_nothing_new(remind, staff, enterprise, inspector):
    _ticket(due_in=datetime.timedelta(hours=5), enterprise=enterprise, team=staff, assignee=inspector)
    _ticket(due_in=-datetime.timedelta(days=1), enterprise=enterprise, team=staff, assignee=inspector)
    first = remind()
    inbox, sent = Notification.objects.count(), len(mail.outbox)
    assert first[K.TICKET_DUE] == 1 and first[K.TICKET_OVERDUE] == 2

    second = remind(at=NOW + datetime.timedelta(hours=1))

    assert second == {K.TICKET_DUE: 0, K.TICKET_OVERDUE: 0, K.REVIEW_DUE: 0}
    assert Notification.objects.count() == inbox
    assert len(mail.outbox) == sent


def test_running_the_next_day_reminds_again_of_tickets_still_open(remind, staff, enterprise, inspector, leader):
    ticket = _ticket(due_in=-datetime.timedelta(days=1), enterprise=enterprise, team=staff, assignee=inspector)
    closed = _ticket(due_in=-datetime.timedelta(days=1), enterprise=enterprise, team=staff, assignee=inspector)
    remind()
    closed.status = "closed"
    closed.save()

    remind(at=NOW + datetime.timedelta(days=1))

    days = _inbox(leader, K.TICKET_OVERDUE).filter(target_id=ticket.pk).values_list("day", flat=True)
    assert sorted(days) == [NOW.date(), NOW.date() + datetime.timedelta(days=1)]
    assert _inbox(leader, K.TICKET_OVERDUE).filter(target_id=closed.pk).count() == 1
    assert len(_mailed_to("leader@example.cn")) == 3


def test_the_database_refuses_a_second_reminder_of_the_same_day(staff, enterprise, inspector):
    """The once-a-day rule is the database's, not a read before the write: a plain second insert fails."""
    from django.db import IntegrityError, transaction

    ticket = _ticket(due_in=datetime.timedelta(hours=5), enterprise=enterprise, team=staff, assignee=inspector)
    send_reminders(at=NOW)
    reminder = _inbox(inspector, K.TICKET_DUE).get()
    reminder.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        reminder.save()
    assert _inbox(inspector, K.TICKET_DUE).filter(target_id=ticket.pk).count() == 1


def test_mail_turned_off_still_puts_the_reminder_in_the_inbox(remind, staff, enterprise, inspector):
    NotificationPreference.objects.create(user=inspector, kind=K.TICKET_DUE, email=False)
    _ticket(due_in=datetime.timedelta(hours=5), enterprise=enterprise, team=staff, assignee=inspector)

    remind()

    assert _inbox(inspector, K.TICKET_DUE).count() == 1
    assert _mailed_to("inspector@example.cn") == []


class RefuseBadAddress(locmem.EmailBackend):
    """A mail server that refuses one address and takes the rest."""

    def send_messages(self, messages):
        if any("bad@example.cn" in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({"bad@example.cn": (550, b"no such user")})
        return super().send_messages(messages)


def test_a_failed_reminder_mail_is_retried_alone(
    database_queue, django_capture_on_commit_callbacks, staff, enterprise, inspector, leader, manager, settings
):
    """The run's one job sends each mail; one that fails is queued again by itself, the others are not resent."""
    settings.EMAIL_BACKEND = f"{__name__}.RefuseBadAddress"
    _ticket(due_in=-datetime.timedelta(days=1), enterprise=enterprise, team=staff, assignee=inspector)
    leader.email = "bad@example.cn"
    leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(at=NOW)
    [job] = DBTaskResult.objects.all()
    assert job.task_path == "assistance.tasks.send_reminder_mail"

    database_queue()

    assert [m.to for m in mail.outbox] == [["manager@example.cn"]]
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    retry = DBTaskResult.objects.exclude(pk=job.pk).get()
    assert retry.task_path == "assistance.tasks.send_email" and retry.status == "READY"
    assert retry.args_kwargs["kwargs"]["recipients"] == ["bad@example.cn"]
    assert retry.args_kwargs["kwargs"]["attempt"] == 2


def test_the_command_runs_as_of_the_given_day(staff, enterprise, inspector, leader):
    _ticket(due_in=-datetime.timedelta(hours=1), enterprise=enterprise, team=staff, assignee=inspector)
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-11-21", stdout=out)
    assert "ticket_overdue: 2" in out.getvalue()  # the leader and the manager
    assert _inbox(leader, K.TICKET_OVERDUE).get().day == datetime.date(2026, 11, 21)


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "21/11/2026")


def _due_and_overdue(n, *, county):
    for _ in range(n):
        team = SupportTeamFactory(region=county, leader=UserFactory(email="leader@example.cn"))
        enterprise = EnterpriseFactory(cluster__county=county)
        assignee = UserFactory(email="assignee@example.cn")
        for status, due_in in (("assigned", -datetime.timedelta(days=1)), ("in_progress", datetime.timedelta(hours=3))):
            TicketFactory(enterprise=enterprise, team=team, assignee=assignee, status=status, due_at=NOW + due_in)


def test_the_job_costs_the_same_queries_for_2_tickets_as_for_12(county, remind):
    UserFactory(jurisdiction=county, groups=["manager"], email="manager1@example.cn")
    UserFactory(jurisdiction=county.parent, groups=["manager"], email="manager2@example.cn")

    def queries(at):
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as context:
            counts = remind(at=at)
        return len(context.captured_queries), counts, len(mail.outbox)

    _due_and_overdue(2, county=county)
    remind(at=NOW - datetime.timedelta(days=5))  # nothing is due yet; the record types are looked up once
    small, counts, sent = queries(NOW)
    assert counts[K.TICKET_DUE] == 2 and counts[K.TICKET_OVERDUE] == 2 * 3 and sent == 8
    _due_and_overdue(10, county=county)
    large, counts, sent = queries(NOW + datetime.timedelta(minutes=1))
    assert counts[K.TICKET_DUE] == 10 and sent == 40
    assert large == small


# --- Two servers running the reminders at the same moment ---------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections to one database")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once():
    county = RegionFactory(code="130299")
    leader = UserFactory(email="leader@example.cn")
    manager = UserFactory(jurisdiction=county, groups=["manager"], email="manager@example.cn")
    team = SupportTeamFactory(region=county, leader=leader)
    assignee = UserFactory(email="assignee@example.cn")
    tickets = [
        TicketFactory(
            enterprise=EnterpriseFactory(cluster__county=county),
            team=team,
            assignee=assignee,
            status="assigned",
            due_at=NOW + due_in,
        )
        for due_in in (-datetime.timedelta(days=1), -datetime.timedelta(hours=2), datetime.timedelta(hours=4))
    ]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(send_reminders(at=NOW))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    mine = Notification.objects.filter(target_id__in=[t.pk for t in tickets], day=NOW.date())
    overdue = mine.filter(kind=K.TICKET_OVERDUE)
    assert sorted(overdue.values_list("recipient", flat=True)) == sorted([leader.pk, manager.pk] * 2)
    assert mine.filter(kind=K.TICKET_DUE, recipient=assignee).count() == 1
    # Together the two runs inserted each row once, and each row was mailed once, by the run that inserted it.
    assert sum(r[K.TICKET_OVERDUE] for r in results) == 4 and sum(r[K.TICKET_DUE] for r in results) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["leader@example.cn"] * 2 + ["manager@example.cn"] * 2 + ["assignee@example.cn"]
    )
