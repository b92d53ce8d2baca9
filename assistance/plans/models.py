"""Implementation plans (实施方案) and their measures (重点举措), and the chain analysis of a cluster.

A plan belongs to a region and a period; its measures have an owner, the clusters they concern, a deadline,
a status and dated progress notes. "Overdue" is never stored: it is the deadline passed without the measure
done, computed in SQL (`MeasureQuerySet.with_overdue`), so it can never disagree with the calendar.

A cluster's chain (产业链) for a year is its links, upstream, midstream and downstream, each with the cluster's
enterprises in it and a flag for the weak ones (短板弱项); projects that extend or fill the chain (延链/补链)
answer them, each optionally tied to a measure of a plan.

The models keep the `assistance` app label (this package lives inside the app).
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusters.models import Cluster, Enterprise, Region, TimeStampedModel


def private_storage():
    """A plan's document lives with the other attachments, outside the public paths."""
    from django.core.files.storage import storages

    return storages["private"]


class Plan(TimeStampedModel):
    """A region's implementation plan or programme document for a period."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=128, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to="plans/%Y/%m/", storage=private_storage, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(pgettext_lazy("attachment", "content type"), max_length=100, blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["region", "-start_date", "-id"], name="plan_region_start")]
        constraints = [
            models.UniqueConstraint(fields=["region", "title"], name="plan_unique_title_in_region"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="plan_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assistance:plan-detail", args=[self.pk])

    @property
    def period(self) -> str:
        if self.start_date and self.end_date:
            return f"{self.start_date.year}–{self.end_date.year}"
        if self.start_date:
            return f"{self.start_date.year}–"
        return ""


class Status(models.TextChoices):
    """The status a person sets; "overdue" is computed from the deadline, never set."""

    NOT_STARTED = "not_started", _("Not started")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")


class MeasureQuerySet(models.QuerySet):
    @staticmethod
    def overdue_q(today: datetime.date | None = None) -> Q:
        """Deadline passed and not done: the one rule of "overdue"."""
        today = today or timezone.localdate()
        return Q(deadline__lt=today) & ~Q(status=Status.DONE)

    @staticmethod
    def due_by_q(day: datetime.date) -> Q:
        """Not done and due on or before the day (the overdue included)."""
        return Q(deadline__lte=day) & ~Q(status=Status.DONE)

    def with_overdue(self, today: datetime.date | None = None) -> "MeasureQuerySet":
        return self.annotate(overdue=ExpressionWrapper(self.overdue_q(today), output_field=BooleanField()))


class Measure(TimeStampedModel):
    """A measure (举措) of a plan: who carries it out, for which clusters, by when, and how far it has come."""

    Status = Status

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="measures")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_unit = models.CharField(_("owner unit"), max_length=128, blank=True)
    team = models.ForeignKey(
        "assistance.SupportTeam",
        verbose_name=_("support team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters"), blank=True, related_name="measures")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "position", "pk"]
        indexes = [
            models.Index(fields=["plan", "position", "id"], name="measure_plan_order"),
            models.Index(fields=["deadline", "id"], name="measure_deadline"),
            # The overdue and due-soon lists and figures read only measures not done, by deadline.
            models.Index(fields=["deadline", "id"], condition=~Q(status="done"), name="measure_open_deadline"),
            models.Index(fields=["status", "deadline"], name="measure_status_deadline"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(owner_unit="") | Q(team__isnull=False), name="measure_has_an_owner"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assistance:measure-detail", args=[self.pk])

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != Status.DONE and self.deadline < today

    @property
    def owner(self) -> str:
        return "、".join(part for part in (self.owner_unit, self.team.name if self.team_id else "") if part)


class MeasureProgress(models.Model):
    """A dated progress note on a measure, with the status it left the measure in."""

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="progress")
    date = models.DateField(_("date"))
    note = models.TextField(_("note"))
    status = models.CharField(_("status after"), max_length=16, choices=Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["measure", "-date", "-id"], name="progress_measure_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.measure}"


class ChainLink(TimeStampedModel):
    """A link of a cluster's industrial chain in a year."""

    class Segment(models.TextChoices):
        UPSTREAM = "upstream", _("Upstream")
        MIDSTREAM = "midstream", _("Midstream")
        DOWNSTREAM = "downstream", _("Downstream")

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="chain_links"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    segment = models.CharField(_("segment"), max_length=16, choices=Segment.choices)
    name = models.CharField(_("name"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    weak = models.BooleanField(_("weak link"), default=False)
    note = models.TextField(_("note"), blank=True)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises"), blank=True, related_name="chain_links"
    )
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords(m2m_fields=[enterprises])

    class Meta:
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        ordering = ["cluster", "year", "segment", "position", "pk"]
        indexes = [models.Index(fields=["cluster", "year", "position", "id"], name="chainlink_cluster_year")]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year", "segment", "name"], name="chainlink_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_segment_display()} · {self.name}"


SEGMENT_ORDER = [value for value, _label in ChainLink.Segment.choices]


class ChainProject(TimeStampedModel):
    """A project that extends the chain (延链) or fills a gap in it (补链), answering a link."""

    class Kind(models.TextChoices):
        EXTEND = "extend", _("Extend the chain")
        FILL = "fill", _("Fill a gap in the chain")

    link = models.ForeignKey(ChainLink, verbose_name=_("chain link"), on_delete=models.PROTECT, related_name="projects")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chain_projects",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(_("note"), blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chain project")
        verbose_name_plural = _("chain projects")
        ordering = ["link", "pk"]

    def __str__(self) -> str:
        return self.title
