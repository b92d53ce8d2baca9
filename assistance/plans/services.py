"""Writes of plans, measures, progress notes and chains; each one call, in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster, User

from ..attachments import check_upload, original_name, storage_name
from .models import ChainLink, ChainProject, Measure, MeasureProgress, Plan, Status

PLAN_FIELDS = ("region", "title", "document_number", "issuing_body", "start_date", "end_date", "description")
MEASURE_FIELDS = ("title", "description", "owner_unit", "team", "deadline", "status", "position")
LINK_FIELDS = ("segment", "name", "position", "weak", "note")
PROJECT_FIELDS = ("link", "kind", "title", "measure", "status", "note")


def _assign(instance, fields: tuple[str, ...], data: dict) -> None:
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


def _store_file(plan: Plan, upload: UploadedFile) -> None:
    kind = check_upload(upload)
    old = plan.file.name if plan.file else ""
    plan.file.save(storage_name(upload.name or ""), upload, save=False)
    plan.file_name = original_name(upload.name)
    plan.file_type = kind.content_type
    new = plan.file.name
    storage = plan.file.storage
    # The document it replaces is removed once the change commits, never before.
    if old and old != new:
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def plan_save(*, user: User, data: dict, plan: Plan | None = None, upload: UploadedFile | None = None) -> Plan:
    """Create or change a plan, with its document if one is sent (checked on its content first)."""
    plan = plan or Plan(created_by=user)
    _assign(plan, PLAN_FIELDS, data)
    if upload is not None:
        _store_file(plan, upload)
    try:
        plan.full_clean(exclude=["file", "created_by"])
        plan.save()
    except Exception:
        if upload is not None:
            plan.file.delete(save=False)
        raise
    return plan


@transaction.atomic
def measure_save(*, user: User, plan: Plan, data: dict, measure: Measure | None = None) -> Measure:
    """Create or change a measure of the plan with its clusters; a measure never moves to another plan."""
    if measure is not None:
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        before = measure.status
    else:
        measure, before = Measure(plan=plan), None
    _assign(measure, MEASURE_FIELDS, data)
    measure.full_clean(exclude=["plan"])
    measure.save()
    if "clusters" in data:
        measure.clusters.set(data["clusters"])
    if before is not None and before != measure.status:
        MeasureProgress.objects.create(
            measure=measure,
            date=timezone.localdate(),
            note=_("Status changed on editing the measure."),
            status=measure.status,
            author=user,
        )
    return measure


@transaction.atomic
def measure_report_progress(
    *, user: User, measure_id: int, date: datetime.date, note: str, status: str
) -> MeasureProgress:
    """Add a dated progress note, and move the measure to the status the note gives, with the row locked."""
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    measure = Measure.objects.select_for_update().get(pk=measure_id)
    entry = MeasureProgress.objects.create(measure=measure, date=date, note=note.strip(), status=status, author=user)
    if measure.status != status:
        measure.status = status
        measure.save(update_fields=["status", "updated_at"])
    return entry


def _check_enterprises(cluster: Cluster, enterprises) -> None:
    strangers = [e.name for e in enterprises if e.cluster_id != cluster.pk]
    if strangers:
        raise ValidationError(
            {
                "enterprises": _("Not enterprises of %(cluster)s: %(names)s.")
                % {"cluster": cluster.name, "names": "、".join(strangers)}
            }
        )


@transaction.atomic
def chain_link_save(*, user: User, cluster: Cluster, year: int, data: dict, link: ChainLink | None = None) -> ChainLink:
    """Create or change a link of the cluster's chain of the year; its enterprises must be the cluster's."""
    if link is not None:
        link = ChainLink.objects.select_for_update().get(pk=link.pk)
    else:
        link = ChainLink(cluster=cluster, year=year)
    _assign(link, LINK_FIELDS, data)
    if "enterprises" in data:
        _check_enterprises(link.cluster, data["enterprises"])
    link.full_clean()
    link.save()
    if "enterprises" in data:
        link.enterprises.set(data["enterprises"])
    return link


@transaction.atomic
def chain_project_save(*, user: User, data: dict, project: ChainProject | None = None) -> ChainProject:
    """Create or change a project that extends or fills the chain at one of its links."""
    project = ChainProject.objects.select_for_update().get(pk=project.pk) if project else ChainProject()
    _assign(project, PROJECT_FIELDS, data)
    project.full_clean()
    project.save()
    return project
