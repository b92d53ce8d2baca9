"""A cluster's industrial chain as a server-side SVG: three columns of boxes, upstream → midstream → downstream.

Drawn like the other charts (reports/charts.py): no script, no network, laid out for the width it is shown at,
text of 12 px wrapped inside its box, boxes stacked so that no two labels meet; the page shows the same links
in a table beside it. A weak link (短板弱项) has a red dashed border and says so in words, not only in colour.
"""

import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from clusters.wording import bracketed, clauses, labelled, listing, note_parts

from .charts import FONT_SIZE, LINE_HEIGHT, shorten, wrap

WIDTH = 620
MARGIN = 4
ARROW_GAP = 26  # px between columns, room for the arrow
PAD = 6
BOX_GAP = 8
HEADER = 22
MAX_NAME_LINES = 3
WEAK = "#dc3545"


@dataclass(frozen=True)
class ChainBox:
    name: str
    detail: str  # e.g. "3家企业"
    weak: bool = False


@dataclass
class _Text:
    x: float
    y: float
    lines: list[str]
    colour: str = "#212529"
    anchor: str = "start"


def _name_lines(name: str, room: float) -> list[str]:
    lines = wrap(name, room)
    if len(lines) > MAX_NAME_LINES:
        lines = [*lines[: MAX_NAME_LINES - 1], shorten("".join(lines[MAX_NAME_LINES - 1 :]), room)]
    return [shorten(line, room) for line in lines]


def chain_diagram(
    columns: list[tuple[str, list[ChainBox]]],
    *,
    title: str,
    weak_label: str,
    empty_label: str = "—",
    width: float = WIDTH,
) -> SafeString:
    """The chain's three columns (label, boxes) left to right, each box its link's name, detail and weak flag."""
    column_width = (width - 2 * MARGIN - ARROW_GAP * (len(columns) - 1)) / max(len(columns), 1)
    room = column_width - 2 * PAD
    texts: list[_Text] = []
    rects: list[str] = []
    bottom = HEADER
    for index, (label, boxes) in enumerate(columns):
        left = MARGIN + index * (column_width + ARROW_GAP)
        texts.append(_Text(left + column_width / 2, FONT_SIZE + 2, [shorten(label, column_width)], anchor="middle"))
        y = HEADER + 4
        if not boxes:
            texts.append(_Text(left + column_width / 2, y + FONT_SIZE, [empty_label], "#6c757d", "middle"))
            y += LINE_HEIGHT + BOX_GAP
        for box in boxes:
            name = _name_lines(box.name, room)
            extra = [shorten(box.detail, room)] + ([shorten(weak_label, room)] if box.weak else [])
            height = PAD * 2 + (len(name) + len(extra)) * LINE_HEIGHT
            stroke = (
                f'stroke="{WEAK}" stroke-width="2" stroke-dasharray="5 3" fill="#fff5f5"'
                if box.weak
                else ('stroke="#0d6efd" stroke-width="1" fill="#f8f9fa"')
            )
            rects.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{column_width:.1f}" height="{height:.1f}" rx="4" {stroke}>'
                f"<title>{escape(box.name)}</title></rect>"
            )
            line_y = y + PAD + 0.8 * FONT_SIZE + 1
            texts.append(_Text(left + PAD, line_y, name))
            line_y += len(name) * LINE_HEIGHT
            texts.append(_Text(left + PAD, line_y, [extra[0]], "#495057"))
            if box.weak:
                texts.append(_Text(left + PAD, line_y + LINE_HEIGHT, [extra[1]], WEAK))
            y += height + BOX_GAP
        bottom = max(bottom, y)
    arrows = []
    for index in range(len(columns) - 1):
        x0 = MARGIN + (index + 1) * column_width + index * ARROW_GAP + 4
        x1 = x0 + ARROW_GAP - 8
        mid = FONT_SIZE / 2 + 3
        arrows.append(
            f'<line x1="{x0:.1f}" y1="{mid:.1f}" x2="{x1 - 5:.1f}" y2="{mid:.1f}" stroke="#6c757d" stroke-width="2"/>'
            f'<polygon points="{x1:.1f},{mid:.1f} {x1 - 6:.1f},{mid - 4:.1f} {x1 - 6:.1f},{mid + 4:.1f}" fill="#6c757d"/>'
        )
    w, h = round(width), math.ceil(bottom + MARGIN)
    description = clauses(
        labelled(label, listing(_box_words(b, weak_label) for b in boxes) or empty_label) for label, boxes in columns
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chain-diagram" role="img" viewBox="0 0 {w} {h}" '
        f'width="{w}" height="{h}"><title>{escape(title)}</title><desc>{escape(description)}</desc>',
        *rects,
        *arrows,
    ]
    for text in texts:
        lines = "".join(
            f'<tspan x="{text.x:.1f}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
            for i, line in enumerate(text.lines)
        )
        parts.append(
            f'<text x="{text.x:.1f}" y="{text.y:.1f}" font-size="{FONT_SIZE}" text-anchor="{text.anchor}" '
            f'fill="{text.colour}">{lines}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def _box_words(box: ChainBox, weak_label: str) -> str:
    """A link as the diagram's description says it: 名称（3家企业，短板弱项）."""
    return bracketed(box.name, note_parts([box.detail, weak_label] if box.weak else [box.detail]))
