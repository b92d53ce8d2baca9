"""What importing a list would do, row by row: the rules of the import, in one place.

A sheet's rows are checked and matched against the registry (an enterprise by its unified social credit
code; a holding by its enterprise and what names it within the enterprise) without writing anything.
Each row is then one of: create, update (with the fields that change), unchanged, or error (naming the
column and the rule). The page's preview, its confirmation and the management command all use this.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from clusters.models import Cluster, Designation, Enterprise, Honour, Region, Standard, StandardRole, Trademark, User
from clusters.selectors import scope_region_ids
from clusters.validators import (
    credit_code_check_character,
    normalise_credit_code,
    normalise_standard_number,
    validate_credit_code,
    validate_standard_number,
)
from clusters.wording import listing

from .reading import Sheet

CHUNK = 500


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {
        CREATE: pgettext_lazy("import result", "Create"),
        UPDATE: pgettext_lazy("import result", "Update"),
        UNCHANGED: pgettext_lazy("import result", "Unchanged"),
        ERROR: pgettext_lazy("import result", "Error"),
    }
    ORDER = (CREATE, UPDATE, UNCHANGED, ERROR)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    help: str = ""


@dataclass
class PlannedRow:
    sheet: str
    number: int
    key: str = ""
    label: str = ""
    action: str = Action.UNCHANGED
    # (column, old value, new value) as the preview shows them
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    # (column, message)
    errors: list[tuple[str, str]] = field(default_factory=list)
    # (field, old, new) in stored form: what the confirmation compares with the preview
    diff: list[tuple[str, str, str]] = field(default_factory=list)
    obj: models.Model | None = None
    fields: set[str] = field(default_factory=set)

    def to_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.number,
            "key": self.key,
            "label": self.label,
            "action": self.action,
            "changes": [list(c) for c in self.changes],
            "errors": [list(e) for e in self.errors],
        }

    def signature(self) -> list:
        return [self.sheet, self.number, self.action, self.key, [list(d) for d in self.diff]]


@dataclass
class ImportPlan:
    kind: str
    file_name: str
    rows: list[PlannedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    new_standards: list[Standard] = field(default_factory=list)
    # What the rows so far matched, shared by the plan's sheets: enterprises and standards by their codes,
    # and the first row that named each record, for duplicates across sheets.
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    standards: dict[str, Standard] = field(default_factory=dict)
    seen: dict = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.action == Action.ERROR for row in self.rows)

    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(Action.ORDER, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def signature(self) -> list:
        return [row.signature() for row in self.rows]

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "file_errors": self.file_errors,
            "totals": self.totals(),
            "rows": [row.to_json() for row in self.rows],
            "signature": self.signature(),
        }


# The columns. Headers are fixed Chinese text: they are what the counties' spreadsheets hold.

CREDIT_CODE = Column(
    "credit_code", "统一社会信用代码", True, gettext_lazy("18 characters, as on the business licence.")
)
ENTERPRISE_COLUMNS = (
    Column("name", "企业名称", True, gettext_lazy("The enterprise's registered name.")),
    CREDIT_CODE,
    Column("county", "所属县区", True, gettext_lazy("The county or zone, by name (迁安市) or division code (130283).")),
    Column("cluster", "产业集群", False, gettext_lazy("The cluster's full name; it must lie in the county.")),
    Column("size", "企业规模", False, gettext_lazy("大型, 中型, 小型 or 微型; 小型 when left empty for a new one.")),
    Column("is_leading", "龙头企业", False, gettext_lazy("是 or 否.")),
    Column("address", "地址"),
    Column("contact_person", "联系人"),
    Column("contact_phone", "联系电话"),
    Column("source", "来源说明", False, gettext_lazy("Where the figures come from.")),
)
DATE_HELP = gettext_lazy("The date, as 2021-10-25.")
SOURCE_HELP = gettext_lazy("Where it comes from; the file's name when left empty.")

SIZES = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
NO = {"否", "N", "NO", "FALSE", "0", "×", "✗"}
HONOUR_KINDS = {
    "中国质量奖": "china_quality_award",
    "省政府质量奖": "provincial_quality_award",
    "市政府质量奖": "municipal_quality_award",
    "其他": "other",
}
TRADEMARK_KINDS = {"驰名商标": "well_known", "马德里国际注册": "madrid", "地理标志商标": "gi"}
DESIGNATION_KINDS = {
    "专精特新小巨人": "national_little_giant",
    "国家级专精特新小巨人": "national_little_giant",
    "省级专精特新": "provincial_specialised",
    "高新技术企业": "high_tech",
}
STANDARD_LEVELS = {"国际": "international", "国家": "national", "行业": "industry", "地方": "local", "团体": "group"}
STANDARD_LEVELS["企业"] = "enterprise"
ROLES = {"牵头": "lead", "参与": "participant"}

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def example_credit_code() -> str:
    first17 = "91130283MA0C00001"
    return first17 + credit_code_check_character(first17)


class RowErrors:
    """The errors of one row, each under the header of its column."""

    def __init__(self, row: PlannedRow, columns: Iterable[Column]):
        self.row = row
        self.headers = {column.field: column.header for column in columns}

    def add(self, field: str, message) -> None:
        self.row.errors.append((self.headers.get(field, ""), str(message)))

    def add_validation(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add("" if name == NON_FIELD_ERRORS else name, message)


def _missing() -> str:
    return _("This column is required; the cell is empty.")


def _choice(text: str, choices: dict[str, str], errors: RowErrors, field: str, suffixes: tuple = ()) -> str | None:
    """A choice by its Chinese name (or its stored value), or None with an error listing the accepted names."""
    value = text.strip()
    for suffix in suffixes:
        value = value.removesuffix(suffix) if value != suffix else value
    value = value.replace("“", "").replace("”", "").replace('"', "")
    if value in choices:
        return choices[value]
    if value in choices.values():
        return value
    errors.add(field, _("%(value)s is not one of: %(choices)s.") % {"value": text, "choices": listing(choices)})
    return None


def _yes_no(text: str, errors: RowErrors, field: str) -> bool | None:
    value = text.strip().upper()
    if value in YES:
        return True
    if value in NO:
        return False
    errors.add(field, _("%(value)s is not 是 or 否.") % {"value": text})
    return None


def _date(text: str, errors: RowErrors, field: str) -> datetime.date | None:
    match = _DATE.match(text.strip())
    try:
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    errors.add(field, _("%(value)s is not a date; write it as 2021-10-25.") % {"value": text})
    return None


def _year(text: str, errors: RowErrors, field: str) -> int | None:
    value = text.strip().removesuffix("年")
    if value.isdigit() and len(value) == 4:
        return int(value)
    errors.add(field, _("%(value)s is not a year; write it as 2021.") % {"value": text})
    return None


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


class Context:
    """What a plan reads from the registry once, for every row: counties, clusters, the rows it matches."""

    def __init__(self, *, user: User | None, file_name: str, lock: bool):
        self.user = user
        self.file_name = file_name
        self.lock = lock
        scope = scope_region_ids(user=user) if user is not None else None
        self.scope = None if scope is None else set(scope)
        self.jurisdiction = user.jurisdiction.name if user is not None and user.jurisdiction_id else ""
        self._counties = None

    def sees(self, region_id: int) -> bool:
        return self.scope is None or region_id in self.scope

    def locked(self, queryset: models.QuerySet) -> models.QuerySet:
        # The rows the import changes are locked until it commits; PostgreSQL cannot lock the nullable side
        # of an outer join, hence of=("self",).
        return queryset.select_for_update(of=("self",)) if self.lock else queryset

    def county(self, text: str, errors: RowErrors, field: str) -> Region | None:
        if self._counties is None:
            self._counties = defaultdict(list)
            for region in Region.objects.filter(level=Region.Level.COUNTY):
                self._counties[region.name].append(region)
                if region.code:
                    self._counties[region.code].append(region)
        candidates = self._counties.get(text.strip(), [])
        if not candidates:
            errors.add(field, _("No county or zone is called or coded %(value)s.") % {"value": text})
            return None
        visible = [region for region in candidates if self.sees(region.pk)]
        if not visible:
            errors.add(
                field,
                _("%(county)s is outside your jurisdiction (%(jurisdiction)s).")
                % {"county": candidates[0].name, "jurisdiction": self.jurisdiction},
            )
            return None
        if len(visible) > 1:
            errors.add(field, _("Several counties are called %(value)s; give the division code.") % {"value": text})
            return None
        return visible[0]

    def enterprises(self, codes: Iterable[str]) -> dict[str, Enterprise]:
        found = {}
        for chunk in _chunks(sorted(set(codes))):
            queryset = Enterprise.objects.filter(credit_code__in=chunk).select_related("county", "cluster")
            found.update((e.credit_code, e) for e in self.locked(queryset))
        return found


def _credit_code(cells: dict, errors: RowErrors) -> str:
    """The row's credit code, normalised, or "" with an error naming the rule it breaks."""
    code = normalise_credit_code(cells.get(CREDIT_CODE.header, ""))
    if not code:
        errors.add("credit_code", _missing())
        return ""
    try:
        validate_credit_code(code)
    except ValidationError as error:
        errors.add("credit_code", " ".join(error.messages))
        return ""
    return code


def _duplicate(seen: dict, key, row: PlannedRow, errors: RowErrors, field: str) -> bool:
    if key in seen:
        sheet, number = seen[key]
        if sheet == row.sheet:
            message = _("Duplicate: the same record is already on row %(row)s of this file.") % {"row": number}
        else:
            message = _("Duplicate: the same record is already on row %(row)s of sheet %(sheet)s.") % {
                "row": number,
                "sheet": sheet,
            }
        errors.add(field, message)
        return True
    seen[key] = (row.sheet, row.number)
    return False


def _check(obj: models.Model, errors: RowErrors, exclude: list[str]) -> None:
    """The model's own field rules (lengths, choices, dates) and its clean(); uniqueness is the plan's."""
    try:
        obj.clean_fields(exclude=exclude)
        obj.clean()
    except ValidationError as error:
        errors.add_validation(error)


def _apply_values(row: PlannedRow, obj: models.Model, values: dict, display: Callable, is_new: bool) -> None:
    """Set the row's values on the record; on an existing one, note each field that changes."""
    for name, value in values.items():
        if value is None:
            continue  # an empty optional cell keeps what the registry holds
        old = None if is_new else getattr(obj, name)
        if not is_new and old != value:
            header = row_header(obj, name)
            row.changes.append((header, display(obj, name, old), display(obj, name, value)))
            row.diff.append((name, _stored(old), _stored(value)))
            row.fields.add(name)
        setattr(obj, name, value)


def _stored(value) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    return "" if value is None else str(value)


HEADERS: dict[tuple[type, str], str] = {}


def row_header(obj: models.Model, name: str) -> str:
    return HEADERS.get((type(obj), name), str(obj._meta.get_field(name).verbose_name))


def _display(obj: models.Model, name: str, value) -> str:
    model_field = obj._meta.get_field(name)
    if model_field.choices and value:
        return str(dict(model_field.flatchoices).get(value, value))
    return _shown(value)


def _finish(row: PlannedRow, is_new: bool) -> None:
    if row.errors:
        row.action, row.obj, row.fields = Action.ERROR, None, set()
        row.changes, row.diff = [], []
    elif is_new:
        row.action = Action.CREATE
    elif row.changes:
        row.action = Action.UPDATE
    else:
        row.action, row.obj = Action.UNCHANGED, None


# Enterprises


def plan_enterprises(ctx: Context, plan: ImportPlan, sheet: Sheet) -> list[PlannedRow]:
    records = sheet.records()
    codes = [normalise_credit_code(cells.get(CREDIT_CODE.header, "")) for _, cells in records]
    existing = ctx.enterprises(code for code in codes if code)
    cluster_names = {cells.get("产业集群", "").strip() for _, cells in records} - {""}
    clusters = {}
    for chunk in _chunks(sorted(cluster_names)):
        clusters.update((c.name, c) for c in Cluster.objects.filter(name__in=chunk).select_related("county"))
    seen = plan.seen.setdefault("enterprises", {})
    return [_plan_enterprise(ctx, sheet, number, cells, existing, clusters, seen) for number, cells in records]


def _plan_enterprise(ctx, sheet, number, cells, existing, clusters, seen) -> PlannedRow:
    row = PlannedRow(sheet.title, number)
    errors = RowErrors(row, ENTERPRISE_COLUMNS)
    text = {column.field: cells.get(column.header, "").strip() for column in ENTERPRISE_COLUMNS}
    row.label = text["name"]
    for column in ENTERPRISE_COLUMNS:
        if column.required and column.field != "credit_code" and not text[column.field]:
            errors.add(column.field, _missing())
    code = _credit_code(cells, errors)
    row.key = code or normalise_credit_code(text["credit_code"])
    if code:
        _duplicate(seen, code, row, errors, "credit_code")
    county = ctx.county(text["county"], errors, "county") if text["county"] else None
    cluster = None
    if text["cluster"]:
        cluster = clusters.get(text["cluster"])
        if cluster is None:
            errors.add("cluster", _("No cluster is called %(value)s.") % {"value": text["cluster"]})
    values = {
        "name": text["name"] or None,
        "county": county,
        "cluster": cluster,
        "size": _choice(text["size"], SIZES, errors, "size", ("企业",)) if text["size"] else None,
        "is_leading": _yes_no(text["is_leading"], errors, "is_leading") if text["is_leading"] else None,
        **{name: text[name] or None for name in ("address", "contact_person", "contact_phone", "source")},
    }
    enterprise = existing.get(code) if code else None
    if enterprise is not None and not ctx.sees(enterprise.county_id):
        errors.add("credit_code", _("An enterprise outside your jurisdiction holds this credit code."))
    if row.errors:
        _finish(row, is_new=enterprise is None)
        return row
    is_new = enterprise is None
    if is_new:
        enterprise = Enterprise(credit_code=code, updated_by=ctx.user)
    _apply_values(row, enterprise, values, _display, is_new)
    # Foreign keys are resolved above, in bulk: the model's own check would query each one again.
    _check(enterprise, errors, exclude=["updated_by", "credit_code", "county", "cluster"])
    row.obj = enterprise
    _finish(row, is_new)
    return row


# Holdings: what an enterprise holds, each kind on its own sheet, keyed on the enterprise's credit code.


@dataclass(frozen=True)
class HoldingKind:
    name: str
    title: str  # the template's sheet title
    model: type[models.Model]
    columns: tuple[Column, ...]
    marker: str  # the header that tells a sheet of this kind from the others
    values: Callable  # (ctx, plan, text, errors) -> dict of the model's fields, or None
    key: Callable  # a holding's values -> what names it within its enterprise
    label: Callable  # a holding's values -> a short description
    example: tuple[str, ...]


def _source(ctx: Context, text: dict) -> str | None:
    return text["source"] or None


def _honour_values(ctx, plan, text, errors):
    return {
        "kind": _choice(text["kind"], HONOUR_KINDS, errors, "kind") if text["kind"] else None,
        "title": text["title"],
        "year": _year(text["year"], errors, "year") if text["year"] else None,
        "date": _date(text["date"], errors, "date") if text["date"] else None,
        "source": _source(ctx, text),
    }


def _trademark_values(ctx, plan, text, errors):
    return {
        "name": text["name"],
        "kind": _choice(text["kind"], TRADEMARK_KINDS, errors, "kind") if text["kind"] else None,
        "registration_number": text["registration_number"] or None,
        "date": _date(text["date"], errors, "date") if text["date"] else None,
        "source": _source(ctx, text),
    }


def _designation_values(ctx, plan, text, errors):
    return {
        "kind": _choice(text["kind"], DESIGNATION_KINDS, errors, "kind") if text["kind"] else None,
        "date": _date(text["date"], errors, "date") if text["date"] else None,
        "source": _source(ctx, text),
    }


def _standard_values(ctx, plan, text, errors):
    """The standard by its number; one not yet registered is created from the row's title, level and year."""
    number = normalise_standard_number(text["standard"])
    standard = plan.standards.get(number)
    if standard is None:
        level = _choice(text["level"], STANDARD_LEVELS, errors, "level", ("标准",)) if text["level"] else None
        year = _year(text["year"], errors, "year") if text["year"] else None
        for name in ("title", "level", "year"):
            if not text[name]:
                errors.add(name, _("Needed for a standard that is not registered yet."))
        if level and not row_has(errors, "standard"):
            try:
                validate_standard_number(number, level)
            except ValidationError as error:
                errors.add("standard", " ".join(error.messages))
        if not errors.row.errors:
            standard = Standard(number=number, title=text["title"], level=level, year=year)
            try:
                standard.clean_fields()
            except ValidationError as error:
                errors.add_validation(error)
                return None
            plan.standards[number] = standard
            plan.new_standards.append(standard)
    return {
        "standard": standard,
        "role": _choice(text["role"], ROLES, errors, "role", ("起草",)) if text["role"] else None,
        "date": _date(text["date"], errors, "date") if text["date"] else None,
        "source": _source(ctx, text),
    }


def row_has(errors: RowErrors, field: str) -> bool:
    return any(column == errors.headers[field] for column, _ in errors.row.errors)


def _kind_label(model, value) -> str:
    return str(dict(model._meta.get_field("kind").flatchoices).get(value, value or ""))


HOLDING_KINDS = (
    HoldingKind(
        name="honours",
        title="荣誉",
        model=Honour,
        columns=(
            CREDIT_CODE,
            Column("kind", "荣誉类别", True, gettext_lazy("中国质量奖, 省政府质量奖, 市政府质量奖 or 其他.")),
            Column("title", "荣誉名称", True, gettext_lazy("As on the certificate, e.g. 唐山市政府质量奖.")),
            Column("year", "年度", True, gettext_lazy("The award's year, e.g. 2021.")),
            Column("date", "日期", True, DATE_HELP),
            Column("source", "来源说明", False, SOURCE_HELP),
        ),
        marker="荣誉名称",
        values=_honour_values,
        key=lambda v: (v["title"], v["year"]),
        label=lambda v: f"{v['title']}（{v['year']}）",
        example=("市政府质量奖", "唐山市政府质量奖", "2021", "2021-10-25", ""),
    ),
    HoldingKind(
        name="standards",
        title="标准",
        model=StandardRole,
        columns=(
            CREDIT_CODE,
            Column("standard", "标准号", True, gettext_lazy("e.g. GB/T 19580-2012.")),
            Column("title", "标准名称", False, gettext_lazy("Needed when the standard is not registered yet.")),
            Column(
                "level",
                "标准级别",
                False,
                gettext_lazy("国际, 国家, 行业, 地方, 团体 or 企业; needed when the standard is not registered yet."),
            ),
            Column("year", "发布年份", False, gettext_lazy("Needed when the standard is not registered yet.")),
            Column("role", "角色", False, gettext_lazy("牵头 or 参与; 参与 when left empty for a new one.")),
            Column("date", "日期", True, DATE_HELP),
            Column("source", "来源说明", False, SOURCE_HELP),
        ),
        marker="标准号",
        values=_standard_values,
        key=lambda v: (v["standard"].number,),
        label=lambda v: v["standard"].number,
        example=("GB/T 19580-2012", "卓越绩效评价准则", "国家", "2012", "参与", "2012-03-09", ""),
    ),
    HoldingKind(
        name="trademarks",
        title="商标",
        model=Trademark,
        columns=(
            CREDIT_CODE,
            Column("name", "商标名称", True),
            Column("kind", "商标类别", True, gettext_lazy("驰名商标, 马德里国际注册 or 地理标志商标.")),
            Column("registration_number", "注册号"),
            Column("date", "日期", True, DATE_HELP),
            Column("source", "来源说明", False, SOURCE_HELP),
        ),
        marker="商标名称",
        values=_trademark_values,
        key=lambda v: (v["kind"], v["name"]),
        label=lambda v: v["name"],
        example=("首钢", "驰名商标", "1234567", "2020-06-01", ""),
    ),
    HoldingKind(
        name="designations",
        title="认定",
        model=Designation,
        columns=(
            CREDIT_CODE,
            Column("kind", "认定类别", True, gettext_lazy("专精特新小巨人, 省级专精特新 or 高新技术企业.")),
            Column("date", "日期", True, DATE_HELP),
            Column("source", "来源说明", False, SOURCE_HELP),
        ),
        marker="认定类别",
        values=_designation_values,
        key=lambda v: (v["kind"],),
        label=lambda v: _kind_label(Designation, v["kind"]),
        example=("高新技术企业", "2022-12-01", ""),
    ),
)
for _kind in HOLDING_KINDS:
    for _column in _kind.columns:
        if _column.field in {f.name for f in _kind.model._meta.get_fields()}:
            HEADERS[(_kind.model, _column.field)] = _column.header
for _column in ENTERPRISE_COLUMNS:
    HEADERS[(Enterprise, _column.field)] = _column.header


def _existing_key(kind: HoldingKind, holding: models.Model) -> tuple:
    values = {column.field: getattr(holding, column.field, None) for column in kind.columns[1:]}
    if kind.model is StandardRole:
        values["standard"] = holding.standard
    return kind.key(values)


def plan_holdings(ctx: Context, plan: ImportPlan, kind: HoldingKind, sheet: Sheet) -> list[PlannedRow]:
    records = sheet.records()
    codes = [normalise_credit_code(cells.get(CREDIT_CODE.header, "")) for _, cells in records]
    enterprises = plan.enterprises
    enterprises.update(ctx.enterprises(code for code in codes if code and code not in enterprises))
    visible_ids = sorted({e.pk for e in enterprises.values() if ctx.sees(e.county_id)})
    existing = {}
    for chunk in _chunks(visible_ids):
        holdings = kind.model.objects.filter(enterprise_id__in=chunk).order_by("pk")
        if kind.model is StandardRole:
            holdings = holdings.select_related("standard")
        for holding in ctx.locked(holdings):
            existing.setdefault((holding.enterprise_id, *_existing_key(kind, holding)), holding)
    if kind.model is StandardRole:
        numbers = sorted({normalise_standard_number(cells.get("标准号", "")) for _, cells in records} - {""})
        for chunk in _chunks(numbers):
            plan.standards.update((s.number, s) for s in Standard.objects.filter(number__in=chunk))
    seen = plan.seen.setdefault(kind.name, {})
    return [_plan_holding(ctx, plan, kind, sheet, number, cells, existing, seen) for number, cells in records]


def _plan_holding(ctx, plan, kind, sheet, number, cells, existing, seen) -> PlannedRow:
    row = PlannedRow(sheet.title, number)
    errors = RowErrors(row, kind.columns)
    text = {column.field: cells.get(column.header, "").strip() for column in kind.columns}
    for column in kind.columns:
        if column.required and column.field != "credit_code" and not text[column.field]:
            errors.add(column.field, _missing())
    code = _credit_code(cells, errors)
    row.key = code or normalise_credit_code(text["credit_code"])
    enterprise = plan.enterprises.get(code) if code else None
    if code and enterprise is None:
        errors.add("credit_code", _("No enterprise with this credit code is registered; import the enterprise first."))
    elif enterprise is not None and not ctx.sees(enterprise.county_id):
        errors.add("credit_code", _("An enterprise outside your jurisdiction holds this credit code."))
    values = kind.values(ctx, plan, text, errors)
    if row.errors or values is None:
        _finish(row, is_new=True)
        return row
    row.label = f"{enterprise.name}：{kind.label(values)}"
    if _duplicate(seen, (code, *kind.key(values)), row, errors, kind.columns[1].field):
        _finish(row, is_new=True)
        return row
    holding = existing.get((enterprise.pk, *kind.key(values)))
    is_new = holding is None
    if is_new:
        holding = kind.model(enterprise=enterprise)
        if values.get("source") is None:
            values["source"] = _("Imported from %(file)s") % {"file": ctx.file_name}
    _apply_values(row, holding, values, _display, is_new)
    _check(holding, errors, exclude=["enterprise", "standard"])
    row.obj = holding
    _finish(row, is_new)
    return row


# The file as a whole


def sheet_kind(sheet: Sheet) -> HoldingKind | str | None:
    """The kind of list a sheet holds, from its headers: a holding kind, "enterprises", or None (ignored)."""
    for kind in HOLDING_KINDS:
        if kind.marker in sheet.headers:
            return kind
    if "企业名称" in sheet.headers or "所属县区" in sheet.headers:
        return "enterprises"
    return None


def plan_import(*, user: User | None, sheets: list[Sheet], file_name: str, lock: bool = False) -> ImportPlan:
    """What importing these sheets would do, row by row; nothing is written.

    A file holds either enterprises or holdings (one sheet per kind of holding): holdings name their
    enterprise by credit code, and the enterprise must be registered first. With `lock`, the records the
    rows match stay locked until the transaction ends, so that what is written is what was planned.
    """
    kinds = [(sheet, sheet_kind(sheet)) for sheet in sheets]
    kinds = [(sheet, kind) for sheet, kind in kinds if kind is not None]
    holding = any(kind != "enterprises" for _, kind in kinds)
    plan = ImportPlan(kind="holdings" if holding else "enterprises", file_name=file_name)
    if not kinds:
        plan.file_errors.append(
            _(
                "No sheet has the columns of a template (企业名称 for enterprises; 荣誉名称, 标准号, 商标名称 or 认定类别 for holdings)."
            )
        )
        return plan
    if holding and any(kind == "enterprises" for _, kind in kinds):
        plan.file_errors.append(_("A file holds either enterprises or holdings; import the enterprises first."))
        return plan
    for sheet, kind in kinds:
        columns = ENTERPRISE_COLUMNS if kind == "enterprises" else kind.columns
        for column in columns:
            if column.required and column.header not in sheet.headers:
                plan.file_errors.append(
                    _("The sheet %(sheet)s has no column %(column)s.") % {"sheet": sheet.title, "column": column.header}
                )
    if plan.file_errors:
        return plan
    ctx = Context(user=user, file_name=file_name, lock=lock)
    for sheet, kind in kinds:
        if kind == "enterprises":
            plan.rows.extend(plan_enterprises(ctx, plan, sheet))
        else:
            plan.rows.extend(plan_holdings(ctx, plan, kind, sheet))
    if plan.has_errors:
        plan.new_standards = []
    return plan


def template_sheets(kind: str) -> list[tuple[str, tuple[Column, ...], list[str]]]:
    """The sheets of a blank template, each with its columns and one example row."""
    code = example_credit_code()
    if kind == "enterprises":
        example = ["唐山示例钢铁有限公司", code, "迁安市", "迁安市钢铁产业集群", "中型", "否", "迁安市示例路1号"]
        return [("企业", ENTERPRISE_COLUMNS, [*example, "张三", "0315-0000000", ""])]
    return [(k.title, k.columns, [code, *k.example]) for k in HOLDING_KINDS]
