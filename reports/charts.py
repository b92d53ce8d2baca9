"""Charts drawn on the server as SVG: no script, no network, and they print.

Each chart is paired with a table of the same numbers on the page. A chart is laid out for the width it is shown
at (its viewBox is that width in CSS pixels, and CSS only ever shrinks it), so that its text keeps its size of
12 px; labels that would run into each other are wrapped, turned or thinned, and axes go in steps of 1, 2 or
5 x 10^n (whole numbers for counts).
"""

import math
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d"]

WIDTH = 540  # CSS px: fits the narrowest column a report gives a chart at 1366 px, and the printed page
FONT_SIZE = 12
LINE_HEIGHT = 15
PLOT_HEIGHT = 160
MAX_LINES = 3  # a category label wraps onto this many lines at most before it is turned instead
TURNED_MAX = 120  # px: a turned label longer than this is cut short (the table beside the chart has it whole)
LABEL_GAP = 8  # px between upright labels, for fonts a little wider than the rule of thumb
SIN45 = math.sqrt(0.5)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


# --- Text -------------------------------------------------------------------------------------------


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The approximate advance of `text`: a Chinese character one em, anything else 0.55 em."""
    return sum(size if _wide(c) else 0.55 * size for c in text)


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """`text` in lines no wider than `width`: Chinese breaks between any two characters, other text at spaces
    (a word longer than the line stays whole, and so overflows: the caller checks)."""
    tokens: list[tuple[str, bool]] = []  # (token, whether a space comes before it)
    word, spaced = "", False
    for char in text:
        if char.isspace() or _wide(char):
            if word:
                tokens.append((word, spaced))
                word, spaced = "", False
            if char.isspace():
                spaced = True
            else:
                tokens.append((char, spaced))
                spaced = False
        else:
            word += char
    if word:
        tokens.append((word, spaced))
    lines, line = [], ""
    for token, space in tokens:
        candidate = f"{line} {token}" if line and space else line + token
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = token
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines or [""]


def balanced_wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """`wrap`, on as few lines, but with lines of about the same length ("质量技术/帮扶" rather than "质量技术帮/扶")."""
    lines = wrap(text, width, size)
    if len(lines) < 2:
        return lines
    narrower = text_width(text, size) / len(lines)
    while narrower < width:
        shorter = wrap(text, narrower, size)
        if len(shorter) == len(lines):
            return shorter
        narrower += size / 2
    return lines


def shorten(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text`, cut with an ellipsis when wider than `width`."""
    if text_width(text, size) <= width:
        return text
    room = width - text_width("…", size)
    kept = ""
    for char in text:
        if text_width(kept + char, size) > room:
            break
        kept += char
    return kept.rstrip() + "…"


# --- Axes -------------------------------------------------------------------------------------------


def _whole(values: list[float]) -> bool:
    return all(float(v).is_integer() for v in values)


def nice_ticks(peak: float, *, integer: bool, most: int = 5) -> list[float]:
    """Nought and up to `most` equal steps of 1, 2 or 5 x 10^n reaching `peak`; steps of at least 1 for counts."""
    if peak <= 0:
        return [0, 1]
    exponent = math.floor(math.log10(peak / most))
    while True:
        for multiple in (1, 2, 5):
            step = multiple * 10.0**exponent
            if integer and step < 1:
                continue
            count = math.ceil(peak / step - 1e-9)
            if count <= most:
                digits = max(0, -exponent)
                return [round(i * step) if digits == 0 else round(i * step, digits) for i in range(count + 1)]
        exponent += 1


def _tick_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _value_text(value: float) -> str:
    return f"{value:g}"


# --- Layout -----------------------------------------------------------------------------------------


@dataclass
class Label:
    """Text at (x, y): one line per entry, centred on x, or turned 45 degrees and ending at (x, y)."""

    x: float
    y: float
    lines: list[str]
    anchor: str = "middle"
    turned: bool = False
    colour: str = "#212529"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Layout:
    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    ticks: list[float]
    labels: list[Label] = field(default_factory=list)  # every piece of text but the title
    bars: list[Bar] = field(default_factory=list)
    swatches: list[tuple[float, float, str]] = field(default_factory=list)  # legend squares: x, y, colour
    points_x: list[float] = field(default_factory=list)  # a line chart's points, one per label

    @property
    def bottom(self) -> float:
        return self.top + self.plot_height

    def y_of(self, value: float) -> float:
        return self.bottom - self.plot_height * (value / self.ticks[-1])


def _frame(series: list[Series], width: float, plot_height: float) -> Layout:
    values = [v for s in series for v in s.values]
    ticks = nice_ticks(max(values, default=0), integer=_whole(values))
    left = max(text_width(_tick_text(t)) for t in ticks) + 10
    top = FONT_SIZE  # room for the top tick's label, centred on its line
    layout = Layout(width, 0, left, top, width - left - 10, plot_height, ticks)
    for tick in ticks:
        y = layout.y_of(tick)
        layout.labels.append(Label(left - 4, y + 0.35 * FONT_SIZE, [_tick_text(tick)], "end", colour="#6c757d"))
    return layout


def _legend(layout: Layout, series: list[Series], y: float) -> float:
    """The legend in rows from `y` (the top of the first row); returns where it ends."""
    x, row = layout.left, y
    for k, s in enumerate(series):
        item = 14 + text_width(s.name)
        if x > layout.left and x + item > layout.width - 4:
            x, row = layout.left, row + LINE_HEIGHT + 4
        layout.swatches.append((x, row + 2, PALETTE[k % len(PALETTE)]))
        layout.labels.append(Label(x + 14, row + 0.8 * FONT_SIZE + 1, [s.name], "start"))
        x += item + 16
    return row + LINE_HEIGHT if series else y


def _upright(labels: list[str], slot: float) -> bool:
    """Whether the labels fit under their groups without turning: on one line, or wrapped."""
    room = slot - LABEL_GAP
    return all(
        len(lines) <= MAX_LINES and all(text_width(line) <= room for line in lines)
        for lines in (balanced_wrap(str(label), room) for label in labels)
    )


def _category_axis(layout: Layout, labels: list[str], slot: float) -> float:
    """Labels under the groups: on one line if they fit, wrapped if that fits, else turned (and thinned when even
    turned they would touch). Returns the height they take below the plot."""
    room = slot - LABEL_GAP
    first = layout.bottom + 4 + FONT_SIZE
    centres = [layout.left + (g + 0.5) * slot for g in range(len(labels))]
    if all(text_width(label) <= room for label in labels):
        layout.labels.extend(Label(x, first, [label]) for x, label in zip(centres, labels, strict=True))
        return FONT_SIZE + 8
    if _upright(labels, slot):
        wrapped = [balanced_wrap(label, room) for label in labels]
        layout.labels.extend(Label(x, first, lines) for x, lines in zip(centres, wrapped, strict=True))
        return max(len(lines) for lines in wrapped) * LINE_HEIGHT + 6
    every = max(1, math.ceil((FONT_SIZE + 3) / (slot * SIN45)))
    reach = 0.0
    for g, (x, label) in enumerate(zip(centres, labels, strict=True)):
        if g % every:
            continue
        short = shorten(label, TURNED_MAX)
        layout.labels.append(Label(x, layout.bottom + 4 + 0.6 * FONT_SIZE, [short], "end", turned=True))
        reach = max(reach, text_width(short) * SIN45)
    return reach + 0.8 * FONT_SIZE + 10


def _turned_overhang(labels: list[str], slot: float) -> float:
    """How far turned labels would reach left of where the plot starts."""
    return max(
        (
            min(text_width(str(label)), TURNED_MAX) * SIN45 + 0.6 * FONT_SIZE - (g + 0.5) * slot
            for g, label in enumerate(labels)
        ),
        default=0,
    )


def bar_layout(labels: list[str], series: list[Series], *, width: float = WIDTH, plot_height: float = PLOT_HEIGHT):
    """Where everything of a grouped bar chart goes; the SVG and the PNG are both drawn from it."""
    layout = _frame(series, width, plot_height)
    groups = max(len(labels), 1)
    for _ in range(3):  # turned labels may need the plot to start further right, which narrows the groups
        slot = layout.plot_width / groups
        needed = _turned_overhang(labels, slot) + 4
        if _upright(labels, slot) or needed <= layout.left:
            break
        layout.plot_width -= needed - layout.left
        for label in layout.labels:
            label.x += needed - layout.left
        layout.left = needed
    slot = layout.plot_width / groups
    bar_w = max(1.0, min(18.0, slot * 0.8 / max(len(series), 1)))
    for g, label in enumerate(labels):
        x0 = layout.left + g * slot + (slot - bar_w * len(series)) / 2
        for k, s in enumerate(series):
            value = s.values[g] if g < len(s.values) else 0
            y = layout.y_of(value)
            layout.bars.append(
                Bar(
                    x0 + k * bar_w,
                    y,
                    max(bar_w - 1, bar_w * 0.7),
                    layout.bottom - y,
                    PALETTE[k % len(PALETTE)],
                    f"{s.name} {label}: {_value_text(value)}",
                )
            )
    axis = _category_axis(layout, [str(label) for label in labels], slot)
    layout.height = _legend(layout, series, layout.bottom + axis + 4) + 6
    return layout


def line_layout(labels: list[str], series: list[Series], *, width: float = WIDTH, plot_height: float = PLOT_HEIGHT):
    """Where everything of a line chart goes: one point per label (`points_x`), the labels thinned to fit."""
    layout = _frame(series, width, plot_height)
    widest = max((text_width(str(label)) for label in labels), default=0)
    # The first and last points stand in from the ends, so that their labels clear the value axis and the edge.
    inset = widest / 2 + 2
    span = max(layout.plot_width - 2 * inset, 0)
    step = span / max(len(labels) - 1, 1)
    layout.points_x = [layout.left + inset + g * step for g in range(len(labels))]
    every = max(1, math.ceil((widest + LABEL_GAP) / step)) if len(labels) > 1 and step else 1
    for g, label in enumerate(labels):
        if g % every == 0:
            layout.labels.append(Label(layout.points_x[g], layout.bottom + 4 + FONT_SIZE, [str(label)]))
    layout.height = _legend(layout, series, layout.bottom + FONT_SIZE + 16) + 6
    return layout


# --- SVG --------------------------------------------------------------------------------------------


def _description(labels: list[str], series: list[Series]) -> str:
    return "; ".join(
        f"{s.name}: " + ", ".join(f"{label} {_value_text(v)}" for label, v in zip(labels, s.values, strict=False))
        for s in series
    )


def _svg(layout: Layout, title: str, description: str, body: list[str]) -> SafeString:
    w, h = round(layout.width), math.ceil(layout.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {w} {h}" '
        f'width="{w}" height="{h}"><title>{escape(title)}</title><desc>{escape(description)}</desc>'
    ]
    for tick in layout.ticks:
        y = layout.y_of(tick)
        parts.append(
            f'<line x1="{layout.left:.1f}" x2="{layout.left + layout.plot_width:.1f}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
        )
    parts.extend(body)
    for x, y, colour in layout.swatches:
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{colour}"/>')
    for label in layout.labels:
        turn = f' transform="rotate(-45 {label.x:.1f} {label.y:.1f})"' if label.turned else ""
        lines = "".join(
            f'<tspan x="{label.x:.1f}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
            for i, line in enumerate(label.lines)
        )
        parts.append(
            f'<text x="{label.x:.1f}" y="{label.y:.1f}" font-size="{FONT_SIZE}" text-anchor="{label.anchor}" '
            f'fill="{label.colour}"{turn}>{lines}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def bar_chart(labels: list[str], series: list[Series], *, title: str, width: float = WIDTH) -> SafeString:
    """Grouped vertical bars, one group per label."""
    layout = bar_layout(labels, series, width=width)
    bars = [
        f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.1f}" height="{b.height:.1f}" fill="{b.colour}">'
        f"<title>{escape(b.title)}</title></rect>"
        for b in layout.bars
    ]
    return _svg(layout, title, _description(labels, series), bars)


def line_chart(labels: list[str], series: list[Series], *, title: str, width: float = WIDTH) -> SafeString:
    """Lines over time, one per series, with a dot at each value."""
    layout = line_layout(labels, series, width=width)
    body = []
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = [(x, layout.y_of(v)) for x, v in zip(layout.points_x, s.values, strict=False)]
        body.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>'
        )
        body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in points)
    return _svg(layout, title, _description(labels, series), body)


# --- PNG --------------------------------------------------------------------------------------------


def _png(width: int, height: int, rows: list[bytearray]) -> bytes:
    """An 8-bit RGB PNG of the given rows of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _rgb(colour: str) -> bytes:
    return bytes.fromhex(colour.lstrip("#"))


def bar_chart_png(labels: list[str], series: list[Series], *, scale: int = 3, width: float = WIDTH) -> bytes:
    """The bars of `bar_chart` as a PNG, for a document that cannot show SVG: bars, grid lines and the legend's
    swatches in the same places and colours (the same layout), without the text (which needs a font
    rasteriser); the document shows the figures in a table beside it."""
    layout = bar_layout(labels, series, width=width)
    w, h = round(layout.width) * scale, math.ceil(layout.height) * scale
    rows = [bytearray(b"\xff" * (w * 3)) for _ in range(h)]

    def fill(x0: float, y0: float, x1: float, y1: float, colour: bytes) -> None:
        a, b = max(0, round(x0 * scale)), min(w, round(x1 * scale))
        for y in range(max(0, round(y0 * scale)), min(h, round(y1 * scale))):
            rows[y][a * 3 : b * 3] = colour * (b - a)

    grid = _rgb("#dee2e6")
    for tick in layout.ticks:
        y = layout.y_of(tick)
        fill(layout.left, y, layout.left + layout.plot_width, y + 1 / scale * max(1, scale // 2), grid)
    for bar in layout.bars:
        fill(bar.x, bar.y, bar.x + bar.width, bar.y + bar.height, _rgb(bar.colour))
    for x, y, colour in layout.swatches:
        fill(x, y, x + 10, y + 10, _rgb(colour))
    return _png(w, h, rows)
