"""Emails are jobs: the page answers at once, the worker sends, a failed send is retried and then kept."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assistance import tasks
from tests.queue import make_due

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

SEND = "assistance.tasks.send_email"


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message, counting the attempts."""

    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def refusing_mail(settings):
    RefusingBackend.attempts = 0
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    return RefusingBackend


@pytest.fixture
def assigned(client_for, manager, inspector, team, enterprise, django_capture_on_commit_callbacks):
    """Assign a ticket through its page; returns the response."""
    inspector.email = "inspector@example.cn"
    inspector.save()
    ticket = TicketFactory(enterprise=enterprise, title="计量检定求助")
    url = reverse("assistance:ticket-transition", args=[ticket.pk, "assign"])

    def assign():
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(manager).post(url, {"assign-team": team.pk, "assign-assignee": inspector.pk})

    return assign


def test_the_assignment_page_answers_before_the_mail_is_sent(database_queue, assigned, refusing_mail):
    response = assigned()
    assert response.status_code == 302
    # Nothing was sent in the request, not even tried: the message waits in the queue.
    assert refusing_mail.attempts == 0
    assert mail.outbox == []
    job = DBTaskResult.objects.get()
    assert job.task_path == SEND
    assert job.status == "READY"
    assert job.args_kwargs["kwargs"]["recipients"] == ["inspector@example.cn"]


def test_the_worker_sends_the_queued_mail(database_queue, assigned):
    assigned()
    database_queue()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["inspector@example.cn"]
    assert "计量检定求助" in mail.outbox[0].body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_failed_send_is_retried_later_then_kept_as_failed(database_queue, assigned, refusing_mail, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    settings.MAIL_RETRY_SECONDS = 60
    assigned()
    started = timezone.now()
    database_queue()
    first = DBTaskResult.objects.get(status="FAILED")
    assert first.exception_class_path == "smtplib.SMTPServerDisconnected"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    # The retry waits: the worker leaves it alone until its time comes.
    assert retry.run_after >= started + datetime.timedelta(seconds=60)
    database_queue()
    assert refusing_mail.attempts == 1
    make_due()
    database_queue()
    third = DBTaskResult.objects.get(status="READY")
    assert third.run_after >= timezone.now() + datetime.timedelta(seconds=110)  # twice as long
    make_due()
    database_queue()
    assert refusing_mail.attempts == 3
    # Given up after three attempts: every one is a failed job in admin, and nothing waits any more.
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert mail.outbox == []


def test_failed_mail_jobs_are_listed_in_admin(
    database_queue, assigned, refusing_mail, settings, client_for, admin_user
):
    settings.MAIL_MAX_ATTEMPTS = 1
    assigned()
    database_queue()
    job = DBTaskResult.objects.get(status="FAILED")
    response = client_for(admin_user).get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status": "FAILED"}
    )
    assert response.status_code == 200
    assert str(job.id) in response.content.decode()


def test_a_failed_send_raises_in_the_job():
    """The job never drops a failure silently (the services used fail_silently=True)."""
    with pytest.raises(smtplib.SMTPServerDisconnected), pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.EMAIL_BACKEND", f"{__name__}.RefusingBackend")
        patch.setattr("django.conf.settings.MAIL_MAX_ATTEMPTS", 1)
        tasks.send_email.call(subject="s", body="b", recipients=["a@example.cn"])


@pytest.mark.parametrize(
    ("attempt", "seconds"),
    [(1, 60), (2, 120), (3, 240)],
)
def test_each_retry_waits_twice_as_long(settings, attempt, seconds):
    settings.MAIL_RETRY_SECONDS = 60
    assert tasks.retry_delay(attempt) == datetime.timedelta(seconds=seconds)


def test_an_administrator_runs_a_failed_mail_job_again(
    database_queue, assigned, refusing_mail, settings, client_for, admin_user
):
    settings.MAIL_MAX_ATTEMPTS = 1
    assigned()
    database_queue()
    failed = DBTaskResult.objects.get(status="FAILED")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    response = client_for(admin_user).post(url, {"action": "run_again", "_selected_action": [str(failed.pk)]})
    assert response.status_code == 302
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs == failed.args_kwargs
    database_queue()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get(pk=again.pk).status == "SUCCESSFUL"


def test_running_a_mail_job_again_waits_for_its_queued_retry(
    database_queue, assigned, refusing_mail, settings, client_for, admin_user
):
    settings.MAIL_MAX_ATTEMPTS = 3
    assigned()
    database_queue()
    failed = DBTaskResult.objects.get(status="FAILED")
    queued = DBTaskResult.objects.filter(status="READY").count()
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    client_for(admin_user).post(url, {"action": "run_again", "_selected_action": [str(failed.pk)]})
    # Its second attempt is already queued: running the first again would send the mail twice.
    assert DBTaskResult.objects.filter(status="READY").count() == queued == 1
