"""CSV and Excel downloads of any list, with the filters the user applied.

Rows are read from the database in chunks and written out as they come, so memory stays flat
however many rows there are: CSV streams straight to the client; Excel is written row by row by
openpyxl's write-only workbook into a temporary file, which is then streamed from disk.

A list of EXPORT_ASYNC_THRESHOLD rows or more is not written inside the request (a proxy or gunicorn
would cut it short): the request records an export job and redirects to its page, and the worker
rebuilds the same filtered rows from the list's registered `ListExport` and stores the file
(reports.downloads).
"""

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
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


Progress = Callable[[int], None]


def _counted(values: Iterator[list], progress: Progress | None) -> Iterator[list]:
    """The rows unchanged; every CHUNK_SIZE rows (and at the end) `progress` hears how many have passed."""
    count = 0
    for count, row in enumerate(values, start=1):
        yield row
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    if progress:
        progress(count)


def write_csv(rows: QuerySet | Iterable, columns: list[Column], handle, progress: Progress | None = None) -> None:
    """The download's CSV (BOM, header, one line a row) into a binary file."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    text.write("\ufeff")
    writer.writerow([force_str(c.header) for c in columns])
    for values in _counted(_rows(_iterate(rows), columns), progress):
        writer.writerow([_csv_cell(v) for v in values])
    text.flush()
    text.detach()


def write_xlsx(
    rows: QuerySet | Iterable, columns: list[Column], handle, title: str, progress: Progress | None = None
) -> None:
    """The download's workbook, written row by row, into a binary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=SHEET_TITLE_FORBIDDEN.sub(" ", force_str(title))[:31] or "Sheet1")
    sheet.append([force_str(c.header) for c in columns])
    for values in _counted(_rows(_iterate(rows), columns), progress):
        sheet.append([_xlsx_cell(sheet, v) for v in values])
    workbook.save(handle)


def xlsx_response(rows: QuerySet | Iterable, columns: list[Column], stem: str, title: str) -> FileResponse:
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(rows, columns, handle, title)
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


# --- Lists exported by a job past the threshold ------------------------------------------------------


@dataclass(frozen=True)
class ListExport:
    """How a list's download is built, so that a worker can build it again from the request's query.

    `rows` takes a request (its user and GET are all it may read) and returns the filtered queryset,
    exactly as the list view filters it; `permission` is the one the list view requires.
    """

    name: str  # the list's URL name, e.g. "assistance:ticket-list"
    rows: Callable[[HttpRequest], QuerySet]
    columns: list[Column]
    stem: str
    title: str
    permission: str


LIST_EXPORTS: dict[str, ListExport] = {}
# Query parameters that say how to show the list, not which rows it holds.
NOT_FILTERS = ("export", "page")


def register_export(export: ListExport) -> ListExport:
    LIST_EXPORTS[export.name] = export
    return export


def list_export(name: str) -> ListExport:
    """The registered export of a list; the views that register them are imported with the URLs."""
    if name not in LIST_EXPORTS:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - imports every view module, which registers its lists
    return LIST_EXPORTS[name]


def filter_query(request: HttpRequest) -> str:
    """The list's filters from the request's query string, without the download and page parameters."""
    query = request.GET.copy()
    for key in NOT_FILTERS:
        query.pop(key, None)
    return query.urlencode()


def replay_request(user, query: str) -> HttpRequest:
    """A GET request of `user` with the list's filters, for building the list's rows outside a request."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = QueryDict(query)
    return request


def list_export_response(request: HttpRequest, export: ListExport, fmt: str, rows: QuerySet) -> HttpResponse:
    """Stream a small list; hand a large one (EXPORT_ASYNC_THRESHOLD rows or more) to the worker."""
    total = rows.count()
    if total < settings.EXPORT_ASYNC_THRESHOLD:
        return export_response(fmt, rows, export.columns, stem=export.stem, title=export.title)
    from reports.downloads import export_start  # config may import every app; reports imports config

    job = export_start(user=request.user, export=export, fmt=fmt, query=filter_query(request), total=total)
    return redirect(job)
