"""Large list exports as jobs: start one from a request, write it in the worker, delete expired files.

The request stores what the list view was asked (the list's URL name and its filters) and who asked;
the worker rebuilds the same rows from the list's registered `ListExport` as that user, writes the
whole file to a temporary file, and only then stores it: a job that fails stores nothing and is
marked failed with its error, so no export is ever a partial file.
"""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.encoding import force_str

from clusters.models import User
from config.exports import ListExport, list_export, replay_request, write_csv, write_xlsx

from .models import ExportFile

logger = logging.getLogger(__name__)


def export_start(*, user: User, export: ListExport, fmt: str, query: str, total: int = 0) -> ExportFile:
    """Record the export and queue its job once the record is committed.

    Asking again for the same list, filters and format while its export is still being made (a reload, a
    second click) answers with that export instead of queuing another.
    """
    from .tasks import run_export

    now = timezone.now()
    waiting = ExportFile.objects.filter(
        owner=user,
        list_name=export.name,
        query=query,
        format=fmt,
        status__in=(ExportFile.Status.PENDING, ExportFile.Status.RUNNING),
        expires_at__gt=now,
    ).first()
    if waiting is not None:
        return waiting
    job = ExportFile.objects.create(
        owner=user,
        list_name=export.name,
        title=force_str(export.title),
        query=query,
        format=fmt,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        total=total,
        filename=f"{export.stem}-{timezone.localdate(now):%Y%m%d}.{fmt}",
        expires_at=now + datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS),
    )
    transaction.on_commit(lambda: run_export.enqueue(export_id=job.pk))
    return job


def _progress(job: ExportFile):
    def report(rows: int) -> None:
        ExportFile.objects.filter(pk=job.pk).update(rows=rows)

    return report


def export_write(*, export_id: int) -> ExportFile:
    """Write the export's file (in the worker). On any error the job is marked failed and the error raised."""
    job = ExportFile.objects.select_related("owner").get(pk=export_id)
    # Claim the job in one statement: of two workers running copies of it, only one moves it out of pending.
    claimed = ExportFile.objects.filter(pk=job.pk, status=ExportFile.Status.PENDING).update(
        status=ExportFile.Status.RUNNING, rows=0
    )
    if not claimed:
        job.refresh_from_db()
        return job  # already run (a job queued twice runs once)
    try:
        with translation.override(job.language):
            export = list_export(job.list_name)
            if not job.owner.is_active or not job.owner.has_perm(export.permission):
                raise PermissionError(translation.gettext("You may no longer download this list."))
            rows = export.rows(replay_request(job.owner, job.query))
            with tempfile.TemporaryFile() as handle:
                if job.format == ExportFile.Format.CSV:
                    write_csv(rows, export.columns, handle, progress=_progress(job))
                else:
                    write_xlsx(rows, export.columns, handle, export.title, progress=_progress(job))
                handle.seek(0)
                job.refresh_from_db(fields=["rows"])
                job.file.save(job.filename, File(handle), save=False)
    except Exception as error:
        logger.exception("Export %s failed", export_id)
        ExportFile.objects.filter(pk=job.pk).update(
            status=ExportFile.Status.FAILED, error=str(error) or error.__class__.__name__, finished_at=timezone.now()
        )
        raise
    job.status = ExportFile.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "finished_at"])
    return job


def export_retry(*, export_id: int) -> bool:
    """Set a failed export back to waiting for its job; False when it is not failed (or is gone or expired)."""
    return bool(
        ExportFile.objects.filter(pk=export_id, status=ExportFile.Status.FAILED, expires_at__gt=timezone.now()).update(
            status=ExportFile.Status.PENDING, error="", rows=0, finished_at=None
        )
    )


def exports_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the expired exports and their files; returns how many were deleted."""
    count = 0
    for job in ExportFile.objects.expired(now).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
