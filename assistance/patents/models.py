"""专利伯乐: the annual selection of people (experts or staff) who helped enterprises with patents.

A second workflow on the lifecycle engine, beside the award applications: nominations move through
`services.NOMINATIONS`, reviewers follow the shared blind-review rules of `assistance.reviewing`.
The models keep the `assistance` app label, like the awards.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Region, TimeStampedModel, VersionedModel

from ..lifecycle import LifecycleEvent
from ..models import Expert


@dataclass(frozen=True)
class Criterion:
    """One line of the selection's rubric; the same shape as an award rubric's category."""

    code: str
    name: str | Promise
    max_points: int


# The rubric of the selection (100 points): what the nominee achieved for enterprises first.
RUBRIC: tuple[Criterion, ...] = (
    Criterion("impact", _("Results of the patent help"), 40),
    Criterion("reach", _("Enterprises reached"), 25),
    Criterion("expertise", _("Expertise and trainings"), 20),
    Criterion("example", _("Dedication and example to others"), 15),
)
MAX_TOTAL = sum(c.max_points for c in RUBRIC)


class PatentSelection(TimeStampedModel):
    """One year's 专利伯乐 selection, organised by the bureau of a region."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("organised in"), on_delete=models.PROTECT, related_name="patent_selections"
    )
    opens_at = models.DateTimeField(_("nominations open"))
    closes_at = models.DateTimeField(_("nominations close"))
    quota = models.PositiveSmallIntegerField(_("quota"), validators=[MinValueValidator(1)])
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source note"), blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patent selection")
        verbose_name_plural = _("patent selections")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="patent_selection_unique_region_year"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="patent_selection_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assistance:patent-selection-detail", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.closes_at

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Nomination(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        UNDER_REVIEW = "under_review", _("Under review")
        PENDING_DECISION = "pending_decision", _("Pending decision")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    FINAL = (Status.SELECTED, Status.NOT_SELECTED, Status.WITHDRAWN)
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    UNDECIDED = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.PENDING_DECISION)

    selection = models.ForeignKey(
        PatentSelection, verbose_name=_("selection"), on_delete=models.PROTECT, related_name="nominations"
    )
    nominee_expert = models.ForeignKey(
        Expert,
        verbose_name=_("nominated expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patent_nominations",
    )
    nominee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patent_nominations",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="patent_nominations",
        help_text=_("The nominee's region: a staff member's jurisdiction, or the nominating bureau's for an expert."),
    )
    statement = models.TextField(_("statement"), blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="patent_nominations_made",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    evidence = models.JSONField(_("evidence at submission"), default=dict, blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    source = models.TextField(_("source note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patent nomination")
        verbose_name_plural = _("patent nominations")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("manage_nomination", _("Can accept, return and decide patent nominations")),
            ("review_nomination", _("Can review patent nominations assigned to them")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(nominee_expert__isnull=False) & Q(nominee_user__isnull=True))
                | (Q(nominee_expert__isnull=True) & Q(nominee_user__isnull=False)),
                name="nomination_exactly_one_nominee",
            ),
            models.UniqueConstraint(
                fields=["selection", "nominee_expert"],
                condition=Q(nominee_expert__isnull=False),
                name="nomination_unique_expert",
            ),
            models.UniqueConstraint(
                fields=["selection", "nominee_user"],
                condition=Q(nominee_user__isnull=False),
                name="nomination_unique_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominee_name} · {self.selection}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:nomination-detail", args=[self.pk])

    def clean(self) -> None:
        if bool(self.nominee_expert_id) == bool(self.nominee_user_id):
            raise ValidationError(_("Nominate either an expert or a staff member, not both and not neither."))

    @property
    def nominee_name(self) -> str:
        if self.nominee_expert_id:
            return self.nominee_expert.name
        return self.nominee_user.display_name if self.nominee_user_id else ""

    @property
    def nominee_organisation(self) -> str:
        if self.nominee_expert_id:
            return self.nominee_expert.organisation
        return self.nominee_user.organisation if self.nominee_user_id else ""

    @property
    def nominee_users(self) -> set[int]:
        """The user accounts that are the nominee: the staff member, or the expert's own account."""
        if self.nominee_user_id:
            return {self.nominee_user_id}
        if self.nominee_expert_id and self.nominee_expert.user_id:
            return {self.nominee_expert.user_id}
        return set()

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINAL

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class NominationEvent(LifecycleEvent):
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Nomination.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Nomination.Status.choices)

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("nomination event")
        verbose_name_plural = _("nomination events")

    def __str__(self) -> str:
        return f"{self.nomination}：{self.get_to_status_display()}"


class NominationReview(TimeStampedModel):
    """One assigned reviewer's declaration and scores on one nomination (the assignment and the review in one)."""

    class Recommendation(models.TextChoices):
        SELECT = "select", _("Recommend selection")
        DECLINE = "decline", _("Do not recommend")

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="nomination_reviews",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    no_conflict_declared_at = models.DateTimeField(_("no conflict declared at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason withdrawn"), blank=True)
    score_impact = models.PositiveSmallIntegerField(_("results of the patent help"), null=True, blank=True)
    score_reach = models.PositiveSmallIntegerField(_("enterprises reached"), null=True, blank=True)
    score_expertise = models.PositiveSmallIntegerField(_("expertise and trainings"), null=True, blank=True)
    score_example = models.PositiveSmallIntegerField(_("dedication and example to others"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    comment = models.TextField(_("overall comment"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nomination review")
        verbose_name_plural = _("nomination reviews")
        ordering = ["nomination", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "reviewer"], name="nomination_review_unique_reviewer"),
            models.CheckConstraint(condition=Q(total__lte=MAX_TOTAL), name="nomination_review_total_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.nomination}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def scores(self) -> dict[str, int | None]:
        return {c.code: getattr(self, f"score_{c.code}") for c in RUBRIC}


class NominationDecision(models.Model):
    """The one final decision on a nomination (the one-to-one key keeps it to one)."""

    class Outcome(models.TextChoices):
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    nomination = models.OneToOneField(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nomination decision")
        verbose_name_plural = _("nomination decisions")

    def __str__(self) -> str:
        return f"{self.nomination}: {self.get_outcome_display()}"
