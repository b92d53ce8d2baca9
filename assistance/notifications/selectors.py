"""Reads of the inbox: a user sees only their own notifications."""

import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from clusters.models import User
from config.freshness import kept_until_changed

from .models import Notification, NotificationPreference

# The top bar shows at most this many unread ("99+" beyond): counting stops there, however full the inbox.
UNREAD_CAP = 100


def absolute_link(path: str) -> str:
    """A link for an email: the site's address and the page's path."""
    return settings.SITE_URL.rstrip("/") + path


def mail_text(body: str, link: str) -> str:
    """The mail of a notification: its message and, when it has one, the link to its record."""
    return f"{body}\n{absolute_link(link)}" if link else body


def visible_notifications(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def inbox(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (read from the recipient's index)."""
    return visible_notifications(user=user).order_by("-created_at", "-id")


def get_notification_for_user(*, user: User, pk: int) -> Notification:
    """The notification if it is the user's own, else 404: nobody sees another's inbox."""
    return get_object_or_404(visible_notifications(user=user), pk=pk)


# Every write to the inbox (a notification made, read or deleted) starts a new version of this name
# (services.inbox_changed); the unread counts are kept until then.
INBOX = "inbox"


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread, up to UNREAD_CAP: one query on the inbox index,
    made again only once the inbox changes (every page's top bar shows it).

    The ids themselves, at most UNREAD_CAP of them, rather than a count over a subquery that would read as
    many: the same rows from the index, and a simpler query."""

    def count() -> int:
        unread = visible_notifications(user=user).filter(read_at__isnull=True).order_by()
        return len(unread.values_list("pk", flat=True)[:UNREAD_CAP])

    return kept_until_changed(INBOX, user.pk, count)


def muted(*, users: Iterable[int], kind: str) -> set[int]:
    """Of the users (ids), those who turned off mail for the kind."""
    rows = NotificationPreference.objects.filter(user__in=list(users), kind=kind, email=False)
    return set(rows.values_list("user_id", flat=True))


def mail_kinds(*, user: User) -> dict[str, bool]:
    """Each kind and whether the user gets it by mail too (mail unless turned off)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in Notification.Kind.values}


def run_mail(*, day: datetime.date, run: str) -> Iterator[tuple[str, str, str]]:
    """(subject, body, address) of each notification a reminder run inserted, for recipients who want it mailed."""
    muted_kind = NotificationPreference.objects.filter(user=OuterRef("recipient"), kind=OuterRef("kind"), email=False)
    rows = (
        Notification.objects.filter(day=day, run=run, recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(Exists(muted_kind))
        .order_by("pk")
        .values_list("title", "body", "link", "recipient__email")
    )
    for title, body, link, email in rows.iterator():
        yield title, mail_text(body, link), email
