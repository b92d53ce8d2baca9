"""Background jobs of the assistance app: the emails its services send.

The services build each message when their transaction commits and enqueue it here; the worker
(`manage.py db_worker`) sends it. A send that fails raises, so the job is recorded as failed, and a
new attempt is queued a while later, up to MAIL_MAX_ATTEMPTS in all.
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
        if attempt < settings.MAIL_MAX_ATTEMPTS:
            logger.warning("Sending %r failed (attempt %s); trying again later.", subject, attempt)
            retry = send_email
            if retry.get_backend().supports_defer:
                retry = retry.using(run_after=timezone.now() + retry_delay(attempt))
            retry.enqueue(subject=subject, body=body, recipients=recipients, attempt=attempt + 1)
        else:
            logger.error("Sending %r failed %s times; giving up.", subject, attempt)
        raise


def enqueue_email(subject: str, body: str, recipients: list[str]) -> None:
    """Queue an email for the worker. Call it once the data it describes is committed."""
    if recipients:
        send_email.enqueue(subject=str(subject), body=str(body), recipients=list(recipients))
