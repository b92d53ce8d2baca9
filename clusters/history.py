"""The enterprise page's history panel: who changed the enterprise's record, what and when, newest first."""

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import Enterprise
from .panels import section_page
from .services import ENTERPRISE_FIELDS

# The related rows each change names, read with the records, so a page of changes costs the same queries
# however many there are.
RELATED = ("history_user", "county", "cluster")


def enterprise_history(*, enterprise: Enterprise) -> QuerySet:
    """The enterprise's recorded versions, newest first, in a total order."""
    return enterprise.history.select_related(*RELATED).order_by("-history_date", "-history_id")


def _shown(record: Model, name: str) -> str:
    field = record._meta.get_field(name)
    if field.is_relation:
        related = getattr(record, name)
        return str(related) if related is not None else "—"
    value = getattr(record, field.attname)
    if field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value) if value not in (None, "") else "—"


def changes(record: Model, previous: Model | None) -> list[dict]:
    """The fields an edit changed against the version before it, each with its old and new value as shown."""
    if previous is None:
        return []
    found = []
    for name in ENTERPRISE_FIELDS:
        attname = record._meta.get_field(name).attname
        if getattr(record, attname) != getattr(previous, attname):
            field = Enterprise._meta.get_field(name)
            found.append({"field": field.verbose_name, "old": _shown(previous, name), "new": _shown(record, name)})
    return found


def history_panel(request: HttpRequest, enterprise: Enterprise, page_param: str) -> dict:
    """A page of the record's versions, each with what it changed; one row more is read for the page's oldest."""
    records = enterprise_history(enterprise=enterprise)
    page = section_page(request, records, param=page_param)
    rows = list(page.object_list)
    before = None
    if rows:
        last = rows[-1]
        before = records.filter(
            Q(history_date__lt=last.history_date) | Q(history_date=last.history_date, history_id__lt=last.history_id)
        ).first()
    # No versions at all for a record loaded in bulk (no history kept at the time).
    older = [*rows[1:], before] if rows else []
    page.object_list = [
        {"record": record, "changes": changes(record, previous)} for record, previous in zip(rows, older, strict=True)
    ]
    return {"page": page}
