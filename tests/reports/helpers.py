"""Reading pages and downloads in the report tests."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from assistance.notifications.services import inbox_changed


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
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, data or {})
        assert response.status_code == 200
        content_of(response)
    return len(context.captured_queries)


SVG = "{http://www.w3.org/2000/svg}"


def _advance(text: str, size: float) -> float:
    """The rule of thumb for the width of text: a Chinese character one em, anything else 0.55 em."""
    import unicodedata

    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.55 * size for c in text)


def text_boxes(svg: str) -> list[tuple[int, list[tuple[float, float]], str, float]]:
    """Every line of text in a chart as (its text element's number, the four corners of its box, the text, its
    font size), turned as the element is turned."""
    import math
    import re
    import xml.etree.ElementTree as ET

    boxes = []
    for number, element in enumerate(ET.fromstring(svg).iter(f"{SVG}text")):
        size = float(element.get("font-size"))
        x, y = float(element.get("x")), float(element.get("y"))
        anchor = element.get("text-anchor", "start")
        angle, cx, cy = 0.0, 0.0, 0.0
        if turn := re.fullmatch(r"rotate\(([-\d.]+) ([-\d.]+) ([-\d.]+)\)", element.get("transform", "")):
            angle, cx, cy = (float(v) for v in turn.groups())
        lines = element.findall(f"{SVG}tspan") or [element]
        line_y = y
        for line in lines:
            line_y += float(line.get("dy", 0))
            text = line.text or ""
            width = _advance(text, size)
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            corners = [(left, line_y - 0.8 * size), (left + width, line_y - 0.8 * size)]
            corners += [(left + width, line_y + 0.2 * size), (left, line_y + 0.2 * size)]
            if angle:
                c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
                corners = [
                    (cx + (px - cx) * c - (py - cy) * s, cy + (px - cx) * s + (py - cy) * c) for px, py in corners
                ]
            boxes.append((number, corners, text, size))
    return boxes


def _overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Whether two convex boxes overlap by more than half a pixel (separating axes)."""
    for box in (a, b):
        for i in range(4):
            (x1, y1), (x2, y2) = box[i], box[(i + 1) % 4]
            nx, ny = y1 - y2, x2 - x1
            length = (nx * nx + ny * ny) ** 0.5 or 1
            pa = [(px * nx + py * ny) / length for px, py in a]
            pb = [(px * nx + py * ny) / length for px, py in b]
            if min(max(pa), max(pb)) - max(min(pa), min(pb)) <= 0.5:
                return False
    return True


def overlapping_text(svg: str) -> list[tuple[str, str]]:
    """The pairs of texts of a chart whose boxes overlap (lines of the same text element are not compared)."""
    boxes = text_boxes(svg)
    return [
        (a[2], b[2])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] != b[0] and a[2] and b[2] and _overlap(a[1], b[1])
    ]


def rendered_font_sizes(svg: str) -> list[float]:
    """The font size of every text of a chart as drawn: its size in the viewBox times the scale of its width."""
    import re
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    view_width = float(root.get("viewBox").split()[2])
    width = float(re.fullmatch(r"[\d.]+", root.get("width")).group())
    return [float(t.get("font-size")) * width / view_width for t in root.iter(f"{SVG}text")]
