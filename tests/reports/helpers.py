"""Reading pages and downloads in the report tests."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def download_rows(response) -> list[list[str]]:
    """The rows of a CSV or Excel download as text, header first; empty cells as ""."""
    content = content_of(response)
    if response["Content-Type"].startswith("text/csv"):
        assert content.startswith(b"\xef\xbb\xbf"), "a CSV download starts with a UTF-8 byte-order mark"
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def count_queries(client, url, data=None) -> int:
    """How many queries a page (or a download, read to the end) costs."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, data or {})
        assert response.status_code == 200
        content_of(response)
    return len(context.captured_queries)
