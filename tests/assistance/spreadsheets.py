"""Spreadsheets for the import tests, written with openpyxl as a county's Excel would save them."""

import csv
import io

from openpyxl import Workbook

from assistance.imports.planning import ENTERPRISE_COLUMNS, HOLDING_KINDS

ENTERPRISE_HEADERS = [column.header for column in ENTERPRISE_COLUMNS]
HOLDING_HEADERS = {kind.name: [column.header for column in kind.columns] for kind in HOLDING_KINDS}


def enterprise_row(name: str, code: str, county: str = "迁安市", cluster: str = "", **cells) -> list[str]:
    """A row of the enterprise template; `cells` by field name (size="中型", is_leading="是", …)."""
    values = {"name": name, "credit_code": code, "county": county, "cluster": cluster, **cells}
    return [values.get(column.field, "") for column in ENTERPRISE_COLUMNS]


def xlsx_bytes(sheets: dict[str, tuple[list[str], list[list]]]) -> bytes:
    """A workbook of {title: (headers, rows)}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def enterprises_xlsx(rows: list[list], headers: list[str] = ENTERPRISE_HEADERS) -> bytes:
    return xlsx_bytes({"企业": (headers, rows)})


def csv_bytes(rows: list[list], encoding: str, headers: list[str] = ENTERPRISE_HEADERS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
