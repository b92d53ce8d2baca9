"""What the system tells a user: one inbox entry per recipient, and whether each kind is also mailed."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        TICKET_ASSIGNED = "ticket_assigned", _("A help ticket is assigned to me")
        TICKET_DUE = "ticket_due", _("A help ticket of mine is due within a day")
        TICKET_OVERDUE = "ticket_overdue", _("A help ticket is overdue (escalation)")
        REVIEW_ASSIGNED = "review_assigned", _("An award application is assigned to me for review")
        REVIEW_DUE = "review_due", _("A review of mine is due")
        REVIEWER_CONFLICT = "reviewer_conflict", _("A reviewer declared a conflict of interest")
        APPLICATION_RETURNED = "application_returned", _("An application I prepared is returned")
        APPLICATION_DECIDED = "application_decided", _("An application I prepared is decided")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # A reminder is for one day: the database keeps one per recipient, kind, record and day.
    day = models.DateField(_("reminder day"), null=True, blank=True, editable=False)
    # The reminder run that inserted the row, so a run mails exactly the rows it inserted and no others.
    run = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count of the top bar, and the unread entries newest first.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox"),
            # The inbox list: all of a user's entries, newest first, read or not.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_new"),
        ]
        constraints = [
            # Leading with the day, it also finds a run's rows among the day's reminders.
            models.UniqueConstraint(
                fields=["day", "kind", "target_type", "target_id", "recipient"],
                condition=Q(day__isnull=False),
                name="notification_reminder_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind; with no row the kind is mailed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Notification.Kind.choices)
    email = models.BooleanField(_("also by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'+' if self.email else '-'}"
