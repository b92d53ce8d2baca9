"""Files derived from the records: list exports written by the worker and kept for a while."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def export_storage():
    """Private: an export is served only through the owner's download view."""
    return storages["private"]


class ExportFileQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExportFileQuerySet":
        """Only its owner sees an export; a superuser without a jurisdiction sees every one. A superuser tied to
        a region sees only their own: another user's file may hold rows outside that region."""
        if user.is_superuser and user.jurisdiction_id is None:
            return self
        return self.filter(owner=user)

    def expired(self, now=None) -> "ExportFileQuerySet":
        return self.filter(expires_at__lte=now or timezone.now())


class ExportFile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the worker")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_files", verbose_name=_("owner")
    )
    list_name = models.CharField(_("list"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    query = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("rows in the list"), default=0)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", storage=export_storage, blank=True, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = ExportFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_created")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_format_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:export-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows * 100 // self.total) if self.total else 0
