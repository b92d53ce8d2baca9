"""Writes of the inbox: telling users things, the daily reminders, marking read, mail preferences.

Everything the system mails a user also lands in their inbox; the mail goes only to those who did not
turn that kind off. The inbox entry is written in the caller's transaction and the mail is queued when
it commits, so a change that rolls back neither notifies nor mails.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Region, User
from config.freshness import changed

from ..awards.models import AwardApplication, ReviewerAssignment
from ..models import Ticket
from ..tasks import enqueue_email, send_reminder_mail
from .models import Notification, NotificationPreference
from .selectors import INBOX, mail_text, muted

K = Notification.Kind
# A review is reminded of daily from this many days before the cycle's review deadline (and after it,
# while the application is still under review).
REVIEW_REMINDER_DAYS = 3


def inbox_changed(**kwargs) -> None:
    """The inbox's unread counts are counted afresh (selectors.unread_count): call it with every write to
    notifications that sends no model signal (bulk creates, updates); saves and deletes send one."""
    changed(INBOX)


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    title: str,
    body: str,
    link: str = "",
    target: models.Model | None = None,
) -> list[Notification]:
    """Put one notification in each recipient's inbox; once the transaction commits, mail those who want it."""
    users = list({user.pk: user for user in recipients if user is not None}.values())
    if not users:
        return []
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            title=str(title)[:200],
            body=str(body),
            link=link,
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            created_at=now,
        )
        for user in users
    )
    inbox_changed()
    off = muted(users=[user.pk for user in users], kind=kind)
    addresses = [user.email for user in users if user.email and user.is_active and user.pk not in off]
    if addresses:
        subject, text = str(title), mail_text(str(body), link)
        transaction.on_commit(lambda: enqueue_email(subject, text, addresses))
    return rows


@transaction.atomic
def notification_read(*, notification: Notification, at: datetime.datetime | None = None) -> Notification:
    """Mark the notification read (once: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = at or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
        inbox_changed()
    return notification


@transaction.atomic
def inbox_read_all(*, user: User, at: datetime.datetime | None = None) -> int:
    """Mark every unread notification of the user read, in one statement; returns how many."""
    read = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=at or timezone.now())
    inbox_changed()
    return read


@transaction.atomic
def preferences_save(*, user: User, mailed: Iterable[str]) -> None:
    """Record, for every kind, whether the user also wants it by mail (one upsert for all kinds)."""
    mailed = set(mailed)
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, kind=kind, email=kind in mailed) for kind in K.values],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["email"],
    )


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _ticket_text(row: dict) -> str:
    return _("%(number)s %(title)s\nEnterprise: %(enterprise)s\nDue: %(due)s") % {
        "number": row["number"],
        "title": row["title"],
        "enterprise": row["enterprise__name"],
        "due": _when(row["due_at"]),
    }


TICKET_FIELDS = ("pk", "number", "title", "due_at", "enterprise__name")


def _tickets_due(now: datetime.datetime) -> list[tuple[int, str, str, str, int]]:
    """(recipient, kind, title, body, ticket) for each open ticket due within a day: to its assignee."""
    rows = (
        Ticket.objects.filter(
            status__in=Ticket.CLOCK_RUNNING,
            due_at__gte=now,
            due_at__lt=now + datetime.timedelta(days=1),
            assignee__isnull=False,
            synthetic=False,
        )
        .order_by("due_at", "pk")
        .values(*TICKET_FIELDS, "assignee_id")
    )
    return [
        (
            row["assignee_id"],
            K.TICKET_DUE,
            _("Help ticket %(number)s is due within a day") % {"number": row["number"]},
            _ticket_text(row),
            row["pk"],
        )
        for row in rows
    ]


def _managers_by_region() -> dict[int, list[int]]:
    """The active managers (holders of the ticket-managing permission), by the region of their jurisdiction."""
    holds = Q(groups__permissions__codename="manage_ticket", groups__permissions__content_type__app_label="assistance")
    holds |= Q(user_permissions__codename="manage_ticket", user_permissions__content_type__app_label="assistance")
    managers = defaultdict(list)
    rows = User.objects.filter(holds, is_active=True, jurisdiction__isnull=False).values_list("pk", "jurisdiction_id")
    for pk, region in rows.distinct():
        managers[region].append(pk)
    return managers


def _tickets_overdue(now: datetime.datetime) -> list[tuple[int, str, str, str, int]]:
    """(recipient, kind, title, body, ticket) for each overdue ticket: to its team's leader and to the
    managers whose jurisdiction holds the enterprise's county (the county, its city or its province)."""
    rows = list(
        Ticket.objects.filter(Ticket.overdue_q(now), synthetic=False)
        .order_by("due_at", "pk")
        .values(*TICKET_FIELDS, "team__leader_id", "enterprise__county_id")
    )
    if not rows:
        return []
    managers = _managers_by_region()
    counties = {row["enterprise__county_id"] for row in rows}
    holders = {
        county: [county, parent, grandparent]
        for county, parent, grandparent in Region.objects.filter(pk__in=counties).values_list(
            "pk", "parent_id", "parent__parent_id"
        )
    }
    reminders = []
    for row in rows:
        recipients = {row["team__leader_id"]} - {None}
        for region in holders.get(row["enterprise__county_id"], ()):
            recipients.update(managers.get(region, ()))
        title = _("Help ticket %(number)s is overdue") % {"number": row["number"]}
        body = _ticket_text(row)
        reminders += [(recipient, K.TICKET_OVERDUE, title, body, row["pk"]) for recipient in sorted(recipients)]
    return reminders


def _reviews_due(now: datetime.datetime) -> list[tuple[int, str, str, str, int]]:
    """(recipient, kind, title, body, assignment) for each review not yet submitted whose cycle's review
    deadline is within REVIEW_REMINDER_DAYS (or past, the application still under review): to its reviewer."""
    rows = (
        ReviewerAssignment.objects.filter(
            Q(review__isnull=True) | Q(review__submitted_at__isnull=True),
            withdrawn_at__isnull=True,
            application__status=AwardApplication.Status.UNDER_REVIEW,
            application__synthetic=False,
            application__cycle__review_due_at__lt=now + datetime.timedelta(days=REVIEW_REMINDER_DAYS),
        )
        .order_by("pk")
        .values(
            "pk",
            "reviewer_id",
            "application__enterprise__name",
            "application__cycle__year",
            "application__cycle__programme__name",
            "application__cycle__review_due_at",
        )
    )
    reminders = []
    for row in rows:
        application = _("%(enterprise)s in %(year)s %(award)s") % {
            "enterprise": row["application__enterprise__name"],
            "year": row["application__cycle__year"],
            "award": row["application__cycle__programme__name"],
        }
        reminders.append(
            (
                row["reviewer_id"],
                K.REVIEW_DUE,
                _("Your review of %(application)s is due") % {"application": application},
                _("Please submit your review of %(application)s by %(due)s.")
                % {"application": application, "due": _when(row["application__cycle__review_due_at"])},
                row["pk"],
            )
        )
    return reminders


def send_reminders(*, at: datetime.datetime | None = None) -> dict[str, int]:
    """The daily reminders: tickets due within a day, overdue tickets, reviews coming due.

    Each reminder is for one recipient, kind, record and day, and the database holds only one of those
    (a unique constraint): the rows are inserted in bulk skipping those already there, so a second run on
    the same day, or two runs at once, insert and mail nothing more. The run mails only the rows it
    inserted itself (marked with the run's id), in one background job. Returns how many of each kind
    were new.
    """
    now = at or timezone.now()
    day = timezone.localdate(now)
    run = uuid.uuid4()
    types = {
        K.TICKET_DUE: ContentType.objects.get_for_model(Ticket),
        K.TICKET_OVERDUE: ContentType.objects.get_for_model(Ticket),
        K.REVIEW_DUE: ContentType.objects.get_for_model(ReviewerAssignment),
    }
    links = {
        K.TICKET_DUE: lambda pk: reverse("assistance:ticket-detail", args=[pk]),
        K.TICKET_OVERDUE: lambda pk: reverse("assistance:ticket-detail", args=[pk]),
        K.REVIEW_DUE: lambda pk: reverse("assistance:review", args=[pk]),
    }
    reminders = [*_tickets_due(now), *_tickets_overdue(now), *_reviews_due(now)]
    rows = [
        Notification(
            recipient_id=recipient,
            kind=kind,
            title=title[:200],
            body=body,
            link=links[kind](pk),
            target_type=types[kind],
            target_id=pk,
            day=day,
            run=run,
            created_at=now,
        )
        for recipient, kind, title, body, pk in reminders
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        inbox_changed()
        counts = dict(
            Notification.objects.filter(day=day, run=run)
            .order_by()
            .values("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        if counts:
            transaction.on_commit(lambda: send_reminder_mail.enqueue(day=day.isoformat(), run=str(run)))
    return {kind: counts.get(kind, 0) for kind in types}
