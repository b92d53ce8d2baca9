"""Quality awards: programmes, cycles with versioned rubrics, applications, reviews, decisions.

The models keep the `assistance` app label (this package lives inside the app), so their tables and
migrations are the app's own.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

from clusters.models import Enterprise, Honour, TimeStampedModel, VersionedModel
from clusters.wording import bracketed, labelled, version_label

from ..lifecycle import LifecycleEvent


class AwardProgramme(TimeStampedModel):
    name = models.CharField(_("name"), max_length=64, unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    honour_kind = models.CharField(
        _("honour recorded on approval"), max_length=32, choices=Honour.Kind.choices, default=Honour.Kind.OTHER
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award programme")
        verbose_name_plural = _("award programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Rubric(TimeStampedModel):
    """A scoring rubric; each cycle uses one version, which locks once a review against it is submitted."""

    name = models.CharField(_("name"), max_length=128)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="rubric_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} {version_label(self.version)}"

    @property
    def is_locked(self) -> bool:
        return Review.objects.filter(assignment__application__cycle__rubric=self, submitted_at__isnull=False).exists()


class RubricCategory(models.Model):
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rubric category")
        verbose_name_plural = _("rubric categories")
        ordering = ["rubric", "position"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="rubric_category_unique_code")]

    def __str__(self) -> str:
        return bracketed(self.name, self.max_points)

    def clean(self) -> None:
        if self.rubric_id and self.rubric.is_locked:
            raise ValidationError(
                _("This rubric is in use by a submitted review and can no longer be changed; make a new version.")
            )


class AwardCycleQuerySet(models.QuerySet):
    def open_on(self, now: datetime.datetime | None = None) -> "AwardCycleQuerySet":
        """The cycles taking applications at `now` (by default, now): opened and not yet closed."""
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gte=now)


class AwardCycle(TimeStampedModel):
    programme = models.ForeignKey(
        AwardProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    review_due_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    quota = models.PositiveSmallIntegerField(_("quota"), validators=[MinValueValidator(1)])
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="cycles")
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords()

    objects = AwardCycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("award cycle")
        verbose_name_plural = _("award cycles")
        ordering = ["-year", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="cycle_unique_programme_year"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="cycle_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return pgettext("award cycle", "%(year)s %(programme)s") % {"year": self.year, "programme": self.programme.name}

    def get_absolute_url(self) -> str:
        return reverse("assistance:cycle-detail", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.closes_at

    def clean(self) -> None:
        if not self.pk or not self.rubric_id:
            return
        before = AwardCycle.objects.filter(pk=self.pk).values_list("rubric_id", flat=True).first()
        submitted = Review.objects.filter(assignment__application__cycle=self, submitted_at__isnull=False)
        if before != self.rubric_id and submitted.exists():
            raise ValidationError(
                {"rubric": _("Reviews of this cycle were submitted on its rubric; the rubric can no longer change.")}
            )


class AwardApplication(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        UNDER_REVIEW = "under_review", _("Under review")
        PENDING_DECISION = "pending_decision", _("Pending decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    FINAL = (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)
    # The self-assessment changes only before submission or when returned for changes; what was submitted is
    # frozen in a revision, and a decided or withdrawn application is frozen for good.
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="award_applications"
    )
    cycle = models.ForeignKey(
        AwardCycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="applications"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="prepared_applications",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_score = models.PositiveSmallIntegerField(
        _("self-assessed score"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award application")
        verbose_name_plural = _("award applications")
        ordering = ["-created_at"]
        permissions = [
            ("manage_application", _("Can accept, return and decide award applications")),
            ("review_application", _("Can review award applications assigned to them")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "cycle"], name="application_unique_enterprise_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:application-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINAL

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class ApplicationRevision(models.Model):
    """What was submitted: each submission freezes a version, and a review is tied to the version it scored."""

    application = models.ForeignKey(
        AwardApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    self_assessment = models.TextField(_("self-assessment"))
    self_score = models.PositiveSmallIntegerField(_("self-assessed score"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("application version")
        verbose_name_plural = _("application versions")
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.application} {version_label(self.number)}"


class ApplicationEvent(LifecycleEvent):
    application = models.ForeignKey(
        AwardApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=AwardApplication.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=AwardApplication.Status.choices)

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        if not self.from_status:
            return labelled(self.application, self.get_to_status_display())
        return labelled(self.application, f"{self.get_from_status_display()} → {self.get_to_status_display()}")


class ReviewerAssignment(TimeStampedModel):
    application = models.ForeignKey(
        AwardApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    is_lead = models.BooleanField(_("lead reviewer"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    no_conflict_declared_at = models.DateTimeField(_("no conflict declared at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason withdrawn"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["application", "-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_unique_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Review(TimeStampedModel):
    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Recommend approval")
        REJECT = "reject", _("Recommend rejection")

    assignment = models.OneToOneField(
        ReviewerAssignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="review"
    )
    revision = models.ForeignKey(
        ApplicationRevision, verbose_name=_("version reviewed"), on_delete=models.PROTECT, related_name="reviews"
    )
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    comment = models.TextField(_("overall comment"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.assignment}: {self.total}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores")
    category = models.ForeignKey(
        RubricCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["review", "category__position"]
        constraints = [models.UniqueConstraint(fields=["review", "category"], name="score_unique_category")]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.score}"


class Decision(models.Model):
    """The one final decision on an application (the one-to-one key keeps it to one)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    application = models.OneToOneField(
        AwardApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    honour = models.OneToOneField(
        Honour,
        verbose_name=_("honour recorded"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"


class DeadlineException(models.Model):
    application = models.ForeignKey(
        AwardApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="deadline_exceptions"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    until = models.DateTimeField(_("until"))
    created_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline exception")
        verbose_name_plural = _("deadline exceptions")
        ordering = ["-until"]

    def __str__(self) -> str:
        return f"{self.application} → {self.until}"
