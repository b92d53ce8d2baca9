"""Writing an import: the preview kept for its importer, the one confirmation, and the command's run."""

import datetime
import uuid
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from clusters.editing import touch
from clusters.models import Enterprise, Standard, User
from config.freshness import records_changed

from ..models import SpreadsheetImport
from .planning import CHUNK, Action, ImportPlan, plan_import
from .reading import Sheet, read_spreadsheet

# An upload nobody confirmed is dropped after this long, when its importer uploads again.
KEEP_UNCONFIRMED = datetime.timedelta(days=1)


class ImportRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _reason(plan: ImportPlan) -> str:
    return _("Imported from %(file)s") % {"file": plan.file_name}


def import_apply(*, plan: ImportPlan, user: User | None) -> None:
    """Write what the plan says, in bulk, with a history row for each record written.

    Call it inside the transaction that made the plan with `lock=True`. New rows are inserted and changed
    rows updated a batch at a time (as bulk_create_with_history and bulk_update_with_history do), each
    batch in a few queries for the rows and one for their history, however many fields change.
    """
    assert not plan.has_errors, "a plan with errors is never written"
    reason = _reason(plan)
    history = {"batch_size": CHUNK, "default_user": user, "default_change_reason": reason}
    if plan.new_standards:
        bulk_create_with_history(plan.new_standards, Standard, **history)
    creates, updates, fields = defaultdict(list), defaultdict(list), defaultdict(set)
    for row in plan.rows:
        if row.action == Action.CREATE:
            creates[type(row.obj)].append(row.obj)
        elif row.action == Action.UPDATE:
            updates[type(row.obj)].append(row.obj)
            fields[type(row.obj)].update(row.fields)
    now = timezone.now()
    for model, objs in creates.items():
        bulk_create_with_history(objs, model, **history)
    for model, objs in updates.items():
        # Each changed field costs a CASE over the batch's rows; what every row gets alike (the time, the
        # editor, the next version) is one plain UPDATE per batch instead.
        stamp = {"updated_at": now}
        if model is Enterprise:
            stamp["version"] = F("version") + 1
            if user is not None:
                stamp["updated_by"] = user
        for obj in objs:
            obj.updated_at = now
            if model is Enterprise:
                touch(obj, user)  # an edit form opened before the import is then refused, not overwritten
        model._default_manager.bulk_update(objs, sorted(fields[model]), batch_size=CHUNK)
        for chunk in range(0, len(objs), CHUNK):
            model._default_manager.filter(pk__in=[obj.pk for obj in objs[chunk : chunk + CHUNK]]).update(**stamp)
        get_history_manager_for_model(model).bulk_history_create(objs, update=True, **history)
    # Bulk writes send no save signals: the kept figures and list counts learn of the change here.
    records_changed()


def import_file(*, user: User | None, handle, name: str, dry_run: bool = False) -> ImportPlan:
    """Read a file and import it at once if no row has an error (the management command's way)."""
    sheets = read_spreadsheet(handle, name)
    with transaction.atomic():
        plan = plan_import(user=user, sheets=sheets, file_name=name, lock=not dry_run)
        if not dry_run and not plan.has_errors:
            import_apply(plan=plan, user=user)
    return plan


def import_prepare(*, user: User, handle, name: str) -> SpreadsheetImport:
    """Read an upload and keep its cells and its preview for the importer, under a random token."""
    sheets = read_spreadsheet(handle, name)
    plan = plan_import(user=user, sheets=sheets, file_name=name)
    SpreadsheetImport.objects.filter(
        user=user, imported_at__isnull=True, created_at__lt=timezone.now() - KEEP_UNCONFIRMED
    ).delete()
    return SpreadsheetImport.objects.create(
        token=uuid.uuid4(),
        user=user,
        kind=plan.kind,
        file_name=name[:255],
        sheets=[sheet.to_json() for sheet in sheets],
        preview=plan.to_json(),
    )


@transaction.atomic
def import_confirm(*, upload_id: int, user: User) -> ImportPlan:
    """Import what the upload's preview showed, once, in one transaction.

    The rows are planned again from the kept cells with the matched records locked; if anything the
    preview showed has changed since (someone edited an enterprise, another import ran), nothing is
    written and the importer is asked to look at a fresh preview. A list with an error row is refused
    whole: a county's list goes in complete or not at all, so nobody has to work out later which of its
    rows are in the registry.
    """
    upload = SpreadsheetImport.objects.select_for_update().get(pk=upload_id, user=user)
    if upload.imported_at is not None:
        when = timezone.localtime(upload.imported_at).strftime("%Y-%m-%d %H:%M")
        raise ImportRefused(_("This file was already imported, at %(when)s.") % {"when": when})
    sheets = [Sheet.from_json(sheet) for sheet in upload.sheets]
    plan = plan_import(user=user, sheets=sheets, file_name=upload.file_name, lock=True)
    if plan.has_errors:
        raise ImportRefused(_("Nothing was imported: correct the rows with errors in the file and upload it again."))
    changed = ImportRefused(
        _(
            "Nothing was imported: the registry changed since the preview. Upload the file again to see what it would do now."
        )
    )
    if plan.signature() != upload.preview["signature"]:
        raise changed
    try:
        with transaction.atomic():
            import_apply(plan=plan, user=user)
    except IntegrityError:
        # A record the rows create was made meanwhile by someone else (a new row cannot be locked in advance).
        raise changed from None
    upload.imported_at = timezone.now()
    upload.save(update_fields=["imported_at"])
    return plan
