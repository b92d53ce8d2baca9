"""Reading an uploaded spreadsheet (.xlsx or .csv) into plain text cells, and writing the blank templates.

Everything downstream works on text: a cell is what a person typed, trimmed, with Excel's numbers and
dates turned back into the text they show (2021 rather than 2021.0, 2021-10-25 rather than a datetime),
so that the cells can be kept as JSON between the preview and the confirmation.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Chinese Excel saves "CSV" in the system's code page (GBK; GB 18030 is its superset); others save UTF-8,
# often with a byte-order mark.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class ImportFileError(Exception):
    """The file cannot be read as a spreadsheet at all (as opposed to a row with a bad value)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    title: str
    headers: list[str]
    # (the row's number in the spreadsheet, its cells)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"title": self.title, "headers": self.headers, "rows": [[n, cells] for n, cells in self.rows]}

    @classmethod
    def from_json(cls, data: dict) -> "Sheet":
        return cls(data["title"], data["headers"], [(n, cells) for n, cells in data["rows"]])

    def records(self) -> list[tuple[int, dict[str, str]]]:
        """Each row as {header: cell}; a row shorter than the header row has empty cells."""
        out = []
        for number, cells in self.rows:
            padded = cells + [""] * (len(self.headers) - len(cells))
            out.append((number, {h: c for h, c in zip(self.headers, padded, strict=False) if h}))
        return out


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalise_header(value: str) -> str:
    """A header as the templates spell it: no spaces, no required-column star."""
    return "".join(value.split()).rstrip("*＊")


def read_spreadsheet(handle, name: str) -> list[Sheet]:
    """The sheets of an uploaded .xlsx or .csv file, each with its header row and its non-empty rows."""
    data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        return _read_xlsx(data)
    if extension == "csv":
        return _read_csv(data)
    raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


# What openpyxl raises on a file that is a zip but not a workbook, or a workbook with broken parts
# (read-only sheets are parsed lazily, so this can come while the rows are read).
BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
    OSError,
)


def _read_xlsx(data: bytes) -> list[Sheet]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [_sheet(sheet.title, sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
        finally:
            workbook.close()
    except BROKEN_WORKBOOK:
        raise ImportFileError(_("The file is not an Excel workbook that can be read (.xlsx).")) from None


def _read_csv(data: bytes) -> list[Sheet]:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK text."))
    try:
        return [_sheet("CSV", csv.reader(io.StringIO(text, newline="")))]
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None


def _sheet(title: str, rows) -> Sheet:
    """The first non-empty row is the header row; empty rows below it are skipped, their numbers kept."""
    sheet = None
    for number, values in enumerate(rows, start=1):
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if sheet is None:
            sheet = Sheet(title, [normalise_header(cell) for cell in cells])
            continue
        sheet.rows.append((number, cells))
        if len(sheet.rows) > MAX_ROWS:
            raise ImportFileError(_("A sheet may hold at most %(count)d rows.") % {"count": MAX_ROWS})
    return sheet or Sheet(title, [])


def write_template(sheets: list[tuple[str, list, list[str]]]) -> bytes:
    """A workbook with, per sheet, the header row (required columns in bold) and one example row,
    and a last sheet that explains every column."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    notes = []
    for title, columns, example in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([column.header for column in columns])
        sheet.append(example)
        for cell, column in zip(sheet[1], columns, strict=True):
            cell.font = Font(bold=column.required)
            sheet.column_dimensions[cell.column_letter].width = max(12, len(column.header) * 2 + 4)
        notes.extend(
            (title, column.header, _("Yes") if column.required else "", str(column.help)) for column in columns
        )
    explained = workbook.create_sheet(_("Column notes"))
    explained.append([_("Worksheet"), _("Column name"), _("Required column"), _("What to enter")])
    for cell in explained[1]:
        cell.font = Font(bold=True)
    for row in notes:
        explained.append(list(row))
    explained.column_dimensions["D"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
