"""`manage.py send_reminders [--date YYYY-MM-DD]`: the daily reminders and escalations, into inboxes and mail."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from assistance.notifications.services import send_reminders


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Remind assignees of help tickets due within a day, escalate overdue tickets to the team leader and the "
        "managers of the enterprise's jurisdiction, and remind reviewers of reviews coming due. Each reminder "
        "is sent once per recipient, record and day, however often or on however many servers this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Run as of the start of this day (YYYY-MM-DD) instead of now, e.g. for a missed day."
        )

    def handle(self, *args, date: str | None = None, **options):
        at = None
        if date:
            at = timezone.make_aware(datetime.datetime.combine(_day(date), datetime.time.min))
        with translation.override(settings.LANGUAGE_CODE):
            counts = send_reminders(at=at)
        self.stdout.write(", ".join(f"{kind}: {count}" for kind, count in counts.items()))
