"""Background jobs of the assistance app: the emails its services send.

The services build each message when their transaction commits and enqueue it here; the worker
(`manage.py db_worker`) sends it. A send that fails raises, so the job is recorded as failed, and a
new attempt is queued a while later, up to MAIL_MAX_ATTEMPTS in all. The daily reminders are mailed
by one job per run, which sends each of the run's messages and queues a retry of any that fails.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after the attempt failed: MAIL_RETRY_SECONDS, doubled after each failure."""
    return datetime.timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** (attempt - 1))


@task()
def send_email(*, subject: str, body: str, recipients: list[str], attempt: int = 1) -> int:
    """Send one email; on failure queue the next attempt (if any is left) and fail this one."""
    try:
        return send_mail(subject, body, None, recipients, fail_silently=False)
    except Exception:
        _retry_later(subject=subject, body=body, recipients=recipients, attempt=attempt)
        raise


def _retry_later(*, subject: str, body: str, recipients: list[str], attempt: int) -> None:
    """After a failed attempt, queue the next one a while later, if any is left."""
    if attempt < settings.MAIL_MAX_ATTEMPTS:
        logger.warning("Sending %r failed (attempt %s); trying again later.", subject, attempt)
        retry = send_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + retry_delay(attempt))
        retry.enqueue(subject=subject, body=body, recipients=recipients, attempt=attempt + 1)
    else:
        logger.error("Sending %r failed %s times; giving up.", subject, attempt)


def enqueue_email(subject: str, body: str, recipients: list[str]) -> None:
    """Queue an email for the worker. Call it once the data it describes is committed."""
    if recipients:
        send_email.enqueue(subject=str(subject), body=str(body), recipients=list(recipients))


@task()
def send_reminder_mail(*, day: str, run: str) -> int:
    """Mail the notifications one reminder run inserted, to those who want that kind by mail.

    One job for the whole run; a message that fails is queued again on its own (as `send_email`,
    attempt 2), so the others are not sent twice when it is retried.
    """
    from .notifications.selectors import run_mail  # the models are not loaded when this module is

    sent = 0
    for subject, body, recipient in run_mail(day=datetime.date.fromisoformat(day), run=run):
        try:
            sent += send_mail(subject, body, None, [recipient], fail_silently=False)
        except Exception:
            logger.exception("Sending reminder %r to %s failed.", subject, recipient)
            _retry_later(subject=subject, body=body, recipients=[recipient], attempt=1)
    return sent
