"""Benchmarking campaigns (对标达标): who takes part, against which benchmark, and on which indicators.

The outcome is computed, never typed. The rule, held once, in SQL (`MET`, `reached_q`):

- an indicator is met (达标) when its achieved value has been recorded and reaches the target in the
  indicator's direction: at least the target when higher is better, at most the target when lower is
  better; a value equal to the target is met; an indicator without an achieved value is unmeasured,
  which is not met;
- a participation reaches its benchmark when it has at least one indicator and every one of them is
  met; in one area, when it has an indicator in that area and every one of them is met.

The gap (找差距) of an indicator is the distance still to go from the achieved value (the baseline while
nothing is measured) to the target, as a share of the distance from the baseline to the target: 1 is no
progress, 0 is the target reached, below 0 beyond it. Shares compare across units. A target must
improve on its baseline in the indicator's direction, so that distance is never nought.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster, Enterprise, TimeStampedModel

VALUE = {"max_digits": 16, "decimal_places": 4, "validators": [MinValueValidator(0)]}


class ParticipationQuerySet(models.QuerySet):
    def with_outcome(self) -> "ParticipationQuerySet":
        """Each participation's indicator count, met count and whether it reaches its benchmark, in SQL."""
        return self.annotate(
            indicator_count=count_of(Indicator.objects.all()),
            met_count=count_of(Indicator.objects.alias(met=MET).filter(met=True)),
            reached=ExpressionWrapper(reached_q(), output_field=models.BooleanField()),
        )


class IndicatorQuerySet(models.QuerySet):
    def with_outcome(self) -> "IndicatorQuerySet":
        """Each indicator's `is_met` and `gap` (see the module's docstring), in SQL."""
        return self.annotate(is_met=MET, gap=GAP)


class Campaign(TimeStampedModel):
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="benchmarking_campaigns"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source note"), blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benchmarking campaign")
        verbose_name_plural = _("benchmarking campaigns")
        ordering = ["-year", "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year", "title"], name="campaign_unique_cluster_year_title")
        ]
        indexes = [models.Index(fields=["year", "cluster"], name="campaign_year_cluster")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:benchmarking-campaign", args=[self.pk])


class Participation(TimeStampedModel):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Benchmark enterprise")
        STANDARD = "standard", _("Standard")

    class Scope(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        INTERNATIONAL = "international", _("International")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="participations"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="benchmarking_participations"
    )
    benchmark_kind = models.CharField(_("benchmark kind"), max_length=16, choices=Kind.choices)
    benchmark_scope = models.CharField(_("benchmark scope"), max_length=16, choices=Scope.choices)
    benchmark_name = models.CharField(
        _("benchmark"), max_length=200, help_text=_("The leading enterprise's name or the standard's number.")
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("benchmarking participant")
        verbose_name_plural = _("benchmarking participants")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="participation_unique_enterprise")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.benchmark_name}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:benchmarking-participation", args=[self.pk])

    def clean(self) -> None:
        if self.campaign_id and self.enterprise_id and self.enterprise.cluster_id != self.campaign.cluster_id:
            raise ValidationError({"enterprise": _("The enterprise is not in the campaign's cluster.")})


class Indicator(TimeStampedModel):
    class Area(models.TextChoices):
        QUALITY = "quality", _("Product quality")
        INNOVATION = "innovation", _("Technical innovation")
        STANDARDS = "standards", _("Standard level")
        BRAND = "brand", _("Brand building")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    participation = models.ForeignKey(
        Participation, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="indicators"
    )
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    name = models.CharField(_("indicator"), max_length=128)
    unit = models.CharField(_("unit"), max_length=32)
    baseline = models.DecimalField(_("baseline"), **VALUE)
    target = models.DecimalField(_("target"), **VALUE)
    achieved = models.DecimalField(_("achieved"), null=True, blank=True, **VALUE)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("benchmarking indicator")
        verbose_name_plural = _("benchmarking indicators")
        ordering = ["participation", "area", "pk"]
        constraints = [
            # The target improves on the baseline in the indicator's direction (never equal to it).
            models.CheckConstraint(
                condition=Q(direction="higher", target__gt=F("baseline"))
                | Q(direction="lower", target__lt=F("baseline")),
                name="indicator_target_improves_on_baseline",
            ),
            models.CheckConstraint(
                condition=Q(baseline__gte=0, target__gte=0) & (Q(achieved__isnull=True) | Q(achieved__gte=0)),
                name="indicator_values_not_negative",
            ),
            models.UniqueConstraint(fields=["participation", "area", "name"], name="indicator_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.baseline is None or self.target is None:
            return
        if self.target == self.baseline:
            raise ValidationError({"target": _("The target must differ from the baseline.")})
        if self.direction == self.Direction.HIGHER and self.target < self.baseline:
            raise ValidationError({"target": _("Higher is better: the target must be above the baseline.")})
        if self.direction == self.Direction.LOWER and self.target > self.baseline:
            raise ValidationError({"target": _("Lower is better: the target must be below the baseline.")})


# --- The outcome rule, in SQL -------------------------------------------------------------------------

MET_CONDITION = Q(achieved__isnull=False) & (
    Q(direction=Indicator.Direction.HIGHER, achieved__gte=F("target"))
    | Q(direction=Indicator.Direction.LOWER, achieved__lte=F("target"))
)
# Whether an indicator is met: true or false, never null (an unmeasured indicator is not met).
MET = Case(When(MET_CONDITION, then=Value(True)), default=Value(False), output_field=models.BooleanField())
# The gap still to close, as a share of the baseline's distance from the target (see the module's docstring).
GAP = Cast(F("target") - Coalesce(F("achieved"), F("baseline")), FloatField()) / NullIf(
    Cast(F("target") - F("baseline"), FloatField()), Value(0.0)
)


def _indicators_of_outer(area: str | None = None):
    rows = Indicator.objects.filter(participation=OuterRef("pk"))
    return rows.filter(area=area) if area else rows


def reached_q(area: str | None = None) -> Q:
    """Whether a participation (the outer row of the query) reaches its benchmark, in all areas or in one:
    it has an indicator (in the area) and none of them is unmet."""
    rows = _indicators_of_outer(area)
    return Q(Exists(rows)) & ~Q(Exists(rows.alias(met=MET).filter(met=False)))


def has_area_q(area: str) -> Q:
    return Q(Exists(_indicators_of_outer(area)))


def count_of(indicators) -> Coalesce:
    """A correlated count of the given indicators of the outer participation."""
    rows = indicators.filter(participation=OuterRef("pk")).order_by().values("participation")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0))
