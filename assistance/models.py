"""The bureau's work: support teams, experts, help tickets, visits, trainings and attachments."""

import datetime
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusters.models import Cluster, Enterprise, Region, TimeStampedModel, VersionedModel
from clusters.validators import validate_record_date
from clusters.wording import bracketed, labelled
from config.pinyin import Pinyin
from config.textsearch import ShortGramIndex, TrigramIndex

from .attachments import shows_inline
from .lifecycle import LifecycleEvent


def private_storage():
    """Attachments live outside the static and media paths; only a checked view serves them."""
    return storages["private"]


class Expert(TimeStampedModel):
    name = models.CharField(_("name"), max_length=64)
    organisation = models.CharField(_("organisation"), max_length=128)
    specialities = models.CharField(_("specialities"), max_length=255, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    active = models.BooleanField(_("active"), default=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = [Pinyin("name")]
        indexes = [
            TrigramIndex(fields=["name"], name="expert_name_trgm"),
            ShortGramIndex(field="name", name="expert_name_grams"),
            TrigramIndex(fields=["organisation"], name="expert_organisation_trgm"),
            ShortGramIndex(field="organisation", name="expert_organisation_grams"),
            TrigramIndex(fields=["specialities"], name="expert_specialities_trgm"),
            ShortGramIndex(field="specialities", name="expert_specialities_grams"),
        ]
        constraints = [models.UniqueConstraint(fields=["name", "organisation"], name="expert_unique_name_org")]

    def __str__(self) -> str:
        return bracketed(self.name, self.organisation)


class SupportTeam(VersionedModel):
    """An on-site support team (入企帮扶工作组)."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="teams")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams_led",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), through="TeamMembership", related_name="support_teams"
    )
    experts = models.ManyToManyField(Expert, verbose_name=_("experts"), blank=True, related_name="teams")
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters served"), blank=True, related_name="teams")
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support team")
        verbose_name_plural = _("support teams")
        ordering = [Pinyin("name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assistance:team-detail", args=[self.pk])

    def is_active_on(self, day: datetime.date) -> bool:
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)


class TeamMembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None) -> "TeamMembershipQuerySet":
        """The memberships that hold on the day (today by default): joined by then, not left before it.

        The one rule of who is in a team: assignment, the visit's team, "my team's tickets" and the
        team pages all read it.
        """
        day = day or timezone.localdate()
        return self.filter(joined_on__lte=day).exclude(left_on__lt=day)


class TeamMembership(TimeStampedModel):
    team = models.ForeignKey(SupportTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "joined_on"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user", "joined_on"], name="membership_unique_start"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="membership_left_after_joined"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class TicketCategory(TimeStampedModel):
    """Reference data an administrator can extend or retire; retired categories stay on old tickets."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ServicePartner(TimeStampedModel):
    name = models.CharField(_("name"), max_length=128, unique=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service partner")
        verbose_name_plural = _("service partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


# Priorities from the most urgent, for sorting (their codes sort alphabetically otherwise). The ticket
# list sorts by this expression and an index holds it, so the two must stay the one expression.
PRIORITY_RANK = models.Case(
    *[models.When(priority=priority, then=models.Value(rank)) for rank, priority in enumerate(Priority.values)],
    default=models.Value(len(Priority.values)),
    output_field=models.IntegerField(),
)


class ServiceLevel(TimeStampedModel):
    """How many days a ticket of a priority has before it is due; an administrator may change them."""

    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("days to resolve"), validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["days"]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: {self.days}"


class TicketCounter(models.Model):
    """The last ticket sequence number handed out in a year; its row is locked while numbering."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Ticket(VersionedModel):
    """An on-site help ticket (一站式服务)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting on enterprise")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING, Status.REOPENED)
    CLOCK_RUNNING = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)
    DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)
    STATUS_BADGES = {
        Status.RESOLVED: "text-bg-success",
        Status.CLOSED: "text-bg-success",
        Status.CANCELLED: "text-bg-secondary",
        Status.WAITING: "text-bg-warning",
        Status.NEW: "text-bg-info",
    }
    # A closed or cancelled ticket is finished: no step leads out of it, so it takes no more edits or files.
    FINISHED_STATUSES = (Status.CLOSED, Status.CANCELLED)

    class Channel(models.TextChoices):
        WINDOW = "window", _("One-stop window")
        VISIT = "visit", _("On-site visit")
        PHONE = "phone", _("Phone")
        ONLINE = "online", _("Online")
        REFERRAL = "referral", _("Referral")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="tickets"
    )
    category = models.ForeignKey(
        TicketCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="tickets"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("intake channel"), max_length=16, choices=Channel.choices, default=Channel.VISIT)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    team = models.ForeignKey(
        SupportTeam, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    partner = models.ForeignKey(
        ServicePartner,
        verbose_name=_("service partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("enterprise satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    raised_in_visit = models.ForeignKey(
        "Visit",
        verbose_name=_("raised during visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_raised",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="tickets_created",
    )
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("help ticket")
        verbose_name_plural = _("help tickets")
        # The id breaks ties, so that every page of a list holds the rows no other page holds.
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("manage_ticket", _("Can assign, close, reopen and cancel help tickets")),
            ("work_ticket", _("Can start, pause and resolve help tickets of own team")),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="ticket_status_due"),
            # The list's default order (newest first) and every range on the opening time.
            models.Index(fields=["opened_at", "id"], name="ticket_opened_id"),
            # Sorting by priority: the rank, then newest first, as TicketFilter orders it.
            models.Index(PRIORITY_RANK, F("opened_at").desc(), F("id").desc(), name="ticket_priority_opened"),
            models.Index(fields=["resolved_at"], name="ticket_resolved_at"),
            # The list filtered by category, newest first (other filters narrow the rows this index reads).
            models.Index(fields=["category", "opened_at", "id"], name="ticket_category_opened"),
            # One enterprise's tickets newest first (its file, its ticket list): without it the newest-first
            # index is read until the enterprise's rows turn up, all of it for an enterprise with old tickets.
            models.Index(fields=["enterprise", "opened_at", "id"], name="ticket_enterprise_opened"),
            # A team's open and resolved tickets, counted on the team pages and the manager's home.
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            # The team page's lists: open tickets by due date, resolved ones newest first. (The class body's
            # names are out of reach here: the statuses are OPEN_STATUSES and DONE_STATUSES, as a test checks.)
            models.Index(
                fields=["team", "due_at", "id"],
                condition=Q(status__in=["new", "assigned", "in_progress", "waiting", "reopened"]),
                name="ticket_team_open_due",
            ),
            models.Index(
                fields=["team", "-resolved_at", "-id"],
                condition=Q(status__in=["resolved", "closed"]),
                name="ticket_team_resolved",
            ),
            # The search box and the ticket picker (config/textsearch.py).
            TrigramIndex(fields=["number"], name="ticket_number_trgm"),
            ShortGramIndex(field="number", name="ticket_number_grams"),
            TrigramIndex(fields=["title"], name="ticket_title_trgm"),
            ShortGramIndex(field="title", name="ticket_title_grams"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="ticket_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:ticket-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def status_badge(self) -> str:
        return self.badge_for(self.status)

    @classmethod
    def badge_for(cls, status: str) -> str:
        """The Bootstrap colour of a status's badge: done green, cancelled grey, waiting amber, new blue."""
        return cls.STATUS_BADGES.get(status, "text-bg-primary")

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        """Past due with the clock running, or already past due when waiting began."""
        return self.overdue_of(self.status, self.due_at, self.waiting_since, now or timezone.now())

    @classmethod
    def overdue_of(
        cls, status: str, due_at: datetime.datetime | None, waiting_since: datetime.datetime | None, now
    ) -> bool:
        """`is_overdue` for a ticket's values as read (a table's rows)."""
        if due_at is None:
            return False
        if status in cls.CLOCK_RUNNING:
            return due_at < now
        if status == cls.Status.WAITING and waiting_since:
            return due_at < waiting_since
        return False

    @classmethod
    def overdue_q(cls, now: datetime.datetime) -> Q:
        """The same rule as `is_overdue`, for filtering in SQL."""
        return Q(status__in=cls.CLOCK_RUNNING, due_at__lt=now) | Q(
            status=cls.Status.WAITING, due_at__lt=F("waiting_since")
        )


class TicketEvent(LifecycleEvent):
    """One step on a ticket's timeline."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Ticket.Status.choices)

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_event_ticket_at")]

    def __str__(self) -> str:
        if not self.from_status:
            return labelled(self.ticket.number, self.get_to_status_display())
        return labelled(self.ticket.number, f"{self.get_from_status_display()} → {self.get_to_status_display()}")


class Visit(TimeStampedModel):
    """An on-site support visit (入企帮扶) to an enterprise."""

    date = models.DateField(_("date"), default=timezone.localdate, db_index=True, validators=[validate_record_date])
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visits"
    )
    team = models.ForeignKey(
        SupportTeam,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        help_text=_("The team the inspectors belonged to on the day of the visit."),
    )
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="visits")
    experts = models.ManyToManyField(Expert, verbose_name=_("experts"), blank=True, related_name="visits")
    purpose = models.CharField(_("purpose"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    solved_on_site = models.TextField(_("solved on site"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    tickets_worked = models.ManyToManyField(
        Ticket, verbose_name=_("tickets worked on"), blank=True, related_name="visits"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords(m2m_fields=[inspectors, experts])

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-pk"]
        indexes = [
            # One enterprise's visits newest first (its file).
            models.Index(fields=["enterprise", "date", "id"], name="visit_enterprise_date"),
            TrigramIndex(fields=["purpose"], name="visit_purpose_trgm"),
            ShortGramIndex(field="purpose", name="visit_purpose_grams"),
            TrigramIndex(fields=["findings"], name="visit_findings_trgm"),
            ShortGramIndex(field="findings", name="visit_findings_grams"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:visit-detail", args=[self.pk])


class Training(VersionedModel):
    date = models.DateField(_("date"), db_index=True, validators=[validate_record_date])
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        TicketCategory, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="trainings"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("organised in"),
        on_delete=models.PROTECT,
        related_name="trainings",
        help_text=_("The county or city whose bureau organised the training."),
    )
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters"), blank=True, related_name="trainings")
    experts = models.ManyToManyField(Expert, verbose_name=_("experts"), blank=True, related_name="trainings")
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises"), blank=True, related_name="trainings"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendee_count = models.PositiveIntegerField(_("attendees"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:training-detail", args=[self.pk])


class Attachment(models.Model):
    """A file on a ticket or a visit, stored outside the public paths and served through a checked view."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    application = models.ForeignKey(
        "AwardApplication",
        verbose_name=_("award application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(pgettext_lazy("attachment", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("file size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ticket__isnull=False) & Q(visit__isnull=True) & Q(application__isnull=True))
                | (Q(ticket__isnull=True) & Q(visit__isnull=False) & Q(application__isnull=True))
                | (Q(ticket__isnull=True) & Q(visit__isnull=True) & Q(application__isnull=False)),
                name="attachment_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        """A photo the pages show as a thumbnail and the browser opens (see attachments.download_response)."""
        return shows_inline(self.content_type)


class SpreadsheetImport(models.Model):
    """An uploaded list of enterprises or of their holdings, read and previewed, waiting for its importer.

    The cells are kept as read, so that the confirmation imports what the preview showed without the file
    being sent again; the preview is kept to check that nothing it showed has changed meanwhile.
    """

    token = models.UUIDField(_("token"), unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("importer"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16)
    file_name = models.CharField(_("file name"), max_length=255)
    sheets = models.JSONField(_("cells read"))
    preview = models.JSONField(_("preview shown"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-id"]
        permissions = [("import_enterprises", _("Can import enterprises and their holdings from spreadsheets"))]

    def __str__(self) -> str:
        return self.file_name


# The award and notification models live in their own packages; importing them here registers them with the app.
from .awards import models as award_models  # noqa: E402, F401
from .benchmarking import models as benchmarking_models  # noqa: E402, F401
from .notifications import models as notification_models  # noqa: E402, F401
from .patents import models as patent_models  # noqa: E402, F401
from .plans import models as plan_models  # noqa: E402, F401
