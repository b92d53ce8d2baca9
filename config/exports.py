"""Streaming CSV and Excel downloads of any list, with the filters the user applied.

Rows are read from the database in chunks and written out as they come, so memory stays flat
however many rows there are: CSV streams straight to the client; Excel is written row by row by
openpyxl's write-only workbook into a temporary file, which is then streamed from disk.
"""

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
# Characters a worksheet's name may not hold.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
# A cell starting with one of these is run as a formula when a spreadsheet opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any] | str

    def get(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        value = row
        for part in self.value.split("."):
            value = None if value is None else getattr(value, part)
        return value() if callable(value) else value


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers and dates stay typed, times in local time, the rest text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    return force_str(value)


def _rows(rows: Iterable, columns: list[Column]) -> Iterator[list]:
    for row in rows:
        yield [_cell(column.get(row)) for column in columns]


def _iterate(queryset: QuerySet | Iterable) -> Iterable:
    if isinstance(queryset, QuerySet):
        return queryset.iterator(chunk_size=CHUNK_SIZE)
    return queryset


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{extension}"


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # shown as text, as Excel does for a leading apostrophe
    return value


def _xlsx_cell(sheet, value: Any) -> Any:
    """Text stays text: no formulas, and without the control characters a worksheet cannot hold."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(rows: QuerySet | Iterable, columns: list[Column], stem: str) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([force_str(c.header) for c in columns])
        for values in _rows(_iterate(rows), columns):
            yield writer.writerow([_csv_cell(v) for v in values])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    return response


def xlsx_response(rows: QuerySet | Iterable, columns: list[Column], stem: str, title: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=SHEET_TITLE_FORBIDDEN.sub(" ", force_str(title))[:31] or "Sheet1")
    sheet.append([force_str(c.header) for c in columns])
    for values in _rows(_iterate(rows), columns):
        sheet.append([_xlsx_cell(sheet, v) for v in values])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(stem, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_requested(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in EXPORT_FORMATS else None


def export_response(fmt: str, rows, columns: list[Column], *, stem: str, title: str) -> HttpResponse:
    if fmt == "csv":
        return csv_response(rows, columns, stem)
    return xlsx_response(rows, columns, stem, title)
