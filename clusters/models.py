"""The registry: regions, clusters, enterprises and what they hold."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from config.pinyin import Pinyin, PinyinIndex
from config.textsearch import ShortGramIndex, TrigramIndex

from .validators import (
    normalise_standard_number,
    validate_credit_code,
    validate_record_date,
    validate_standard_number,
)
from .wording import bracketed


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record that several people edit: who changed it last, and its edit version.

    Every saved edit bumps the version, and an edit opened at an older version is refused
    (`clusters.editing`), so nobody silently overwrites a colleague's change.
    """

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region | int") -> "RegionQuerySet":
        """The region and every region below it: province, city and county, three levels."""
        pk = region.pk if isinstance(region, Region) else region
        return self.filter(models.Q(pk=pk) | models.Q(parent_id=pk) | models.Q(parent__parent_id=pk))


class Region(TimeStampedModel):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County or zone")

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        help_text=_("GB/T 2260 administrative division code; empty for zones without one."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords()

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code", "name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of the bureau's staff or an outside expert.

    The jurisdiction bounds what the user sees: records in that region and below it.
    """

    jurisdiction = models.ForeignKey(
        Region, verbose_name=_("jurisdiction"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    organisation = models.CharField(_("organisation"), max_length=128, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # People are named by their name everywhere (pickers, messages, admin), the user name only without one.
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_of(self.last_name, self.first_name, self.username)

    @staticmethod
    def name_of(last_name: str, first_name: str, username: str) -> str:
        """How a person is named on pages: family name then given name, as in Chinese, else the username."""
        return f"{last_name}{first_name}".strip() or username


class Cluster(TimeStampedModel):
    """An industrial cluster; provincial and municipal ones are key regions (重点区域)."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial key region")
        MUNICIPAL = "municipal", _("Municipal key region")
        OTHER = "other", _("Other cluster")

    KEY_LEVELS = (Level.PROVINCIAL, Level.MUNICIPAL)

    name = models.CharField(_("name"), max_length=128, unique=True)
    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="clusters")
    industry = models.CharField(_("industry"), max_length=64, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.OTHER, db_index=True)
    featured = models.BooleanField(_("featured industrial cluster"), default=False, db_index=True)
    year_designated = models.PositiveSmallIntegerField(
        _("year designated"), null=True, blank=True, validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    lead_agency = models.CharField(_("lead agency"), max_length=128, blank=True)
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source note"), blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = [Pinyin("name")]
        indexes = [
            # The search box and the cluster picker (config/textsearch.py).
            TrigramIndex(fields=["name"], name="cluster_name_trgm"),
            ShortGramIndex(field="name", name="cluster_name_grams"),
            TrigramIndex(fields=["industry"], name="cluster_industry_trgm"),
            ShortGramIndex(field="industry", name="cluster_industry_grams"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:cluster-detail", args=[self.pk])

    @property
    def is_key_region(self) -> bool:
        return self.level in self.KEY_LEVELS


class ClusterIndicator(TimeStampedModel):
    """A cluster's yearly figures as reported to the bureau."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="indicators")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    enterprise_count = models.PositiveIntegerField(_("enterprise count"), null=True, blank=True)
    output_value = models.DecimalField(
        _("output value (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    total_profit = models.DecimalField(
        _("total profit (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source = models.TextField(_("source note"), blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly indicator")
        verbose_name_plural = _("yearly indicators")
        ordering = ["cluster", "-year"]
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="indicator_unique_cluster_year")]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year}"


class RegionIndicator(TimeStampedModel):
    """A figure a region reported (for example a province's profit growth), kept with its source."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(_("key"), max_length=64)
    label = models.CharField(_("label"), max_length=128)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    as_of = models.DateField(_("as of"))
    source = models.TextField(_("source note"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported indicator")
        verbose_name_plural = _("reported indicators")
        ordering = ["region", "-as_of", "key"]
        constraints = [models.UniqueConstraint(fields=["region", "key", "as_of"], name="region_indicator_unique")]

    def __str__(self) -> str:
        return f"{self.region} {self.label}"


class Enterprise(VersionedModel):
    class Size(models.TextChoices):
        LARGE = "large", _("Large")
        MEDIUM = "medium", _("Medium")
        SMALL = "small", _("Small")
        MICRO = "micro", _("Micro")

    name = models.CharField(_("name"), max_length=128, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="enterprises")
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    size = models.CharField(_("size"), max_length=16, choices=Size.choices, default=Size.SMALL)
    is_leading = models.BooleanField(_("leading enterprise"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    source = models.TextField(_("source note"), blank=True)
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = [Pinyin("name")]
        indexes = [
            # The list sorted by name, in pinyin order, a page at a time.
            PinyinIndex("name", "id", name="enterprise_name_pinyin"),
            # The search box and the enterprise picker (config/textsearch.py).
            TrigramIndex(fields=["name"], name="enterprise_name_trgm"),
            ShortGramIndex(field="name", name="enterprise_name_grams"),
            TrigramIndex(fields=["credit_code"], name="enterprise_credit_code_trgm"),
            ShortGramIndex(field="credit_code", name="enterprise_credit_code_grams"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:enterprise-detail", args=[self.pk])

    def clean(self) -> None:
        """An enterprise's cluster lies in the enterprise's county: else the cluster's page, seen from the
        cluster's county, would show an enterprise that this county may not see."""
        if self.cluster_id and self.county_id and self.cluster.county_id != self.county_id:
            raise ValidationError(
                {
                    "cluster": ValidationError(
                        _("%(cluster)s lies in %(cluster_county)s, not in %(county)s."),
                        code="cluster_county",
                        params={
                            "cluster": self.cluster.name,
                            "cluster_county": self.cluster.county.name,
                            "county": self.county.name,
                        },
                    )
                }
            )


class Holding(TimeStampedModel):
    """Something an enterprise or cluster holds, dated and with its source."""

    date = models.DateField(_("date"), db_index=True, validators=[validate_record_date])
    source = models.TextField(_("source note"))
    synthetic = models.BooleanField(_("synthetic sample"), default=False)

    class Meta:
        abstract = True
        ordering = ["-date"]


class Honour(Holding):
    class Kind(models.TextChoices):
        CHINA_QUALITY_AWARD = "china_quality_award", _("China Quality Award")
        PROVINCIAL_QUALITY_AWARD = "provincial_quality_award", _("Provincial government quality award")
        MUNICIPAL_QUALITY_AWARD = "municipal_quality_award", _("Municipal government quality award")
        OTHER = "other", _("Other honour")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="honours"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=128)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    history = HistoricalRecords()

    class Meta(Holding.Meta):
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self) -> str:
        return bracketed(self.title, self.year)


class Designation(Holding):
    class Kind(models.TextChoices):
        NATIONAL_LITTLE_GIANT = "national_little_giant", _("National specialised and innovative 'little giant'")
        PROVINCIAL_SPECIALISED = "provincial_specialised", _("Provincial specialised and innovative enterprise")
        HIGH_TECH = "high_tech", _("High-tech enterprise")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="designations"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    history = HistoricalRecords()

    class Meta(Holding.Meta):
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind"], name="designation_unique_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Trademark(Holding):
    class Kind(models.TextChoices):
        WELL_KNOWN = "well_known", _("Well-known trademark")
        MADRID = "madrid", _("Madrid international registration")
        GI = "gi", _("Geographical-indication trademark")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="trademarks"
    )
    name = models.CharField(_("mark"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    registration_number = models.CharField(_("registration number"), max_length=32, blank=True)
    history = HistoricalRecords()

    class Meta(Holding.Meta):
        verbose_name = _("trademark")
        verbose_name_plural = _("trademarks")

    def __str__(self) -> str:
        return bracketed(self.name, self.get_kind_display())


class GIProduct(Holding):
    """A geographical-indication product, protected for a region and often tied to a cluster."""

    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="gi_products")
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), null=True, blank=True, on_delete=models.PROTECT, related_name="gi_products"
    )
    history = HistoricalRecords()

    class Meta(Holding.Meta):
        verbose_name = _("geographical-indication product")
        verbose_name_plural = _("geographical-indication products")

    def __str__(self) -> str:
        return self.name


class Standard(TimeStampedModel):
    class Level(models.TextChoices):
        INTERNATIONAL = "international", _("International")
        NATIONAL = "national", _("National")
        INDUSTRY = "industry", _("Industry")
        LOCAL = "local", _("Local")
        GROUP = "group", _("Group")
        ENTERPRISE = "enterprise", _("Enterprise")

    number = models.CharField(_("standard number"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    synthetic = models.BooleanField(_("synthetic sample"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        if self.number and self.level:
            self.number = normalise_standard_number(self.number)
            try:
                validate_standard_number(self.number, self.level)
            except ValidationError as error:
                raise ValidationError({"number": error}) from None


class StandardRole(Holding):
    """An enterprise's part in drafting a standard."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead drafter")
        PARTICIPANT = "participant", _("Participant")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="standard_roles"
    )
    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT)
    history = HistoricalRecords()

    class Meta(Holding.Meta):
        verbose_name = _("standard drafted")
        verbose_name_plural = _("standards drafted")
        constraints = [models.UniqueConstraint(fields=["enterprise", "standard"], name="standard_role_unique")]

    def __str__(self) -> str:
        return bracketed(self.standard.number, self.get_role_display())


class StandardizationPilot(Holding):
    class Level(models.TextChoices):
        NATIONAL = "national", pgettext_lazy("pilot level", "National")
        PROVINCIAL = "provincial", pgettext_lazy("pilot level", "Provincial")

    class Status(models.TextChoices):
        BUILDING = "building", _("Building")
        AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")

    name = models.CharField(_("name"), max_length=128)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.BUILDING)
    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="pilots")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.PROTECT, related_name="pilots"
    )
    history = HistoricalRecords()

    class Meta(Holding.Meta):
        verbose_name = _("standardization pilot")
        verbose_name_plural = _("standardization pilots")

    def __str__(self) -> str:
        return self.name


class FormSubmission(models.Model):
    """A form page that was saved: its one-time token, who sent it, and the page its record is on.

    See `config.once`: a page sent again with the same token makes nothing twice.
    """

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(_("address"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.token} → {self.url}"


class ApiToken(models.Model):
    """A key another government system uses to read the API as one user, and see what that user sees.

    Only the SHA-256 digest of the secret is kept: the token itself is shown once, when it is made. Its
    public prefix finds the row, so the secret is compared in constant time rather than looked up.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=128, help_text=_("Which system uses the token, and who runs it."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
