"""Charts drawn on the server as SVG: no script, no network, and they print.

Each chart is paired with a table of the same numbers on the page.
"""

import struct
import zlib
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#ffc107", "#6c757d"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(labels: list[str], series: list[Series], *, title: str, height: int = 220) -> SafeString:
    """Grouped vertical bars, one group per label."""
    width = max(320, 60 + len(labels) * (18 * len(series) + 14))
    top, bottom, left = 24, 44, 40
    plot_h = height - top - bottom
    peak = _nice_max(max((v for s in series for v in s.values), default=0))
    group_w = (width - left - 10) / max(len(labels), 1)
    bar_w = max(4.0, min(18.0, (group_w - 8) / max(len(series), 1)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for i in range(5):
        y = top + plot_h * i / 4
        value = peak * (4 - i) / 4
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#6c757d">{value:g}</text>'
        )
    for g, label in enumerate(labels):
        x0 = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for k, s in enumerate(series):
            value = s.values[g] if g < len(s.values) else 0
            h = plot_h * (value / peak) if peak else 0
            x, y = x0 + k * bar_w, top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(s.name)} {escape(str(label))}: {value:g}</title></rect>'
            )
        parts.append(
            f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
            f'text-anchor="middle" fill="#212529">{escape(str(label))}</text>'
        )
    parts.extend(_legend(series, left, height - 12))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def line_chart(labels: list[str], series: list[Series], *, title: str, height: int = 220) -> SafeString:
    """Lines over time, one per series."""
    width = max(360, 60 + len(labels) * 36)
    top, bottom, left = 24, 44, 40
    plot_h = height - top - bottom
    peak = _nice_max(max((v for s in series for v in s.values), default=0))
    step = (width - left - 20) / max(len(labels) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for i in range(5):
        y = top + plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#6c757d">'
            f"{peak * (4 - i) / 4:g}</text>"
        )
    every = max(1, len(labels) // 12)
    for g, label in enumerate(labels):
        if g % every == 0:
            parts.append(
                f'<text x="{left + g * step:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">'
                f"{escape(str(label))}</text>"
            )
    for k, s in enumerate(series):
        points = " ".join(
            f"{left + g * step:.1f},{top + plot_h - plot_h * (v / peak):.1f}" for g, v in enumerate(s.values)
        )
        colour = PALETTE[k % len(PALETTE)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
    parts.extend(_legend(series, left, height - 12))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def _legend(series: list[Series], x: float, y: float) -> list[str]:
    parts = []
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" font-size="11">{escape(s.name)}</text>')
        x += 24 + 12 * len(s.name)
    return parts


def _png(width: int, height: int, rows: list[bytearray]) -> bytes:
    """An 8-bit RGB PNG of the given rows of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _rgb(colour: str) -> bytes:
    return bytes.fromhex(colour.lstrip("#"))


def bar_chart_png(labels: list[str], series: list[Series], *, scale: int = 3, height: int = 220) -> bytes:
    """The bars of `bar_chart` as a PNG, for a document that cannot show SVG: bars, grid lines and the legend's
    swatches in the same places and colours, without the text (which needs a font rasteriser); the document
    shows the figures in a table beside it."""
    width = max(320, 60 + len(labels) * (18 * len(series) + 14))
    top, bottom, left = 24, 44, 40
    plot_h = height - top - bottom
    peak = _nice_max(max((v for s in series for v in s.values), default=0))
    group_w = (width - left - 10) / max(len(labels), 1)
    bar_w = max(4.0, min(18.0, (group_w - 8) / max(len(series), 1)))
    w, h = width * scale, height * scale
    rows = [bytearray(b"\xff" * (w * 3)) for _ in range(h)]

    def fill(x0: float, y0: float, x1: float, y1: float, colour: bytes) -> None:
        a, b = max(0, round(x0 * scale)), min(w, round(x1 * scale))
        for y in range(max(0, round(y0 * scale)), min(h, round(y1 * scale))):
            rows[y][a * 3 : b * 3] = colour * (b - a)

    grid = _rgb("#dee2e6")
    for i in range(5):
        y = top + plot_h * i / 4
        fill(left, y, width - 10, y + 1 / scale * max(1, scale // 2), grid)
    for g in range(len(labels)):
        x0 = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for k, s in enumerate(series):
            value = s.values[g] if g < len(s.values) else 0
            bar_h = plot_h * (value / peak) if peak else 0
            x = x0 + k * bar_w
            fill(x, top + plot_h - bar_h, x + bar_w - 1, top + plot_h, _rgb(PALETTE[k % len(PALETTE)]))
    x = left
    for k, s in enumerate(series):
        fill(x, height - 21, x + 10, height - 11, _rgb(PALETTE[k % len(PALETTE)]))
        x += 24 + 12 * len(s.name)
    return _png(w, h, rows)
