"""The programme summary as a Word report to the province: A4 portrait, official-document margins and fonts.

Layout after the habits of Chinese official documents (GB/T 9704): A4 portrait, margins 3.7 cm top,
3.5 cm bottom, 2.8 cm left, 2.6 cm right; the title in 方正小标宋简体 (二号, 22 pt), part headings in 黑体,
body text in 仿宋 (三号, 16 pt) with a first-line indent of two characters, tables in 宋体; the page
number centred in the footer as "— N —". East Asian fonts are set through `w:rFonts w:eastAsia`, which is
the attribute Word and WPS read for Chinese text.

Each chart is the page's SVG, which Word 2016 and later and WPS draw with their own fonts, with a PNG of
its bars as the picture older readers show; a table of the same figures follows every chart.
"""

import datetime
import io

from django.utils import formats
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .charts import Series, bar_chart, bar_chart_png
from .summary import ChartData, summary_sections

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(12)
LINE_SPACING = Pt(28)  # 固定值 28 磅, as official documents set it
CHART_WIDTH = Cm(15)
CHINESE_NUMERALS = "一二三四五六七八九十"
SVG_BLIP = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def _fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set a run's or style's fonts, East Asian first; theme fonts (which would win) are removed."""
    # The document defaults are a plain element to python-docx; runs and styles make their rPr when missing.
    r_pr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element.find(qn("w:rPr"))
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _run(paragraph, text: str, *, font: str, size, bold: bool = False):
    run = paragraph.add_run(text)
    _fonts(run._r, font)
    run.font.size = size
    run.bold = bold
    return run


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.footer_distance = Cm(2.8)
    # Every run inherits 仿宋: the defaults' theme fonts go, and Chinese is the text's East Asian language.
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _fonts(defaults, BODY_FONT)
    language = defaults.find(qn("w:rPr")).find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    _fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    spacing = normal.paragraph_format
    spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_SPACING
    spacing.space_before = spacing.space_after = Pt(0)
    _page_number(section.footer)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A field (PAGE, NUMPAGES) that Word computes when it lays the pages out."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        run = _run(paragraph, "", font=TABLE_FONT, size=Pt(14))
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _page_number(footer) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", font=TABLE_FONT, size=Pt(14))
    _field(paragraph, "PAGE", "1")
    _run(paragraph, " —", font=TABLE_FONT, size=Pt(14))


def _title(document, text: str, subtitle: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(36)
    paragraph.paragraph_format.space_after = Pt(6)
    _run(paragraph, text, font=TITLE_FONT, size=TITLE_SIZE)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(16)
    _run(paragraph, subtitle, font=BODY_FONT, size=BODY_SIZE)


def _heading(document, number: int, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, f"{CHINESE_NUMERALS[number - 1]}、{text}", font=HEADING_FONT, size=BODY_SIZE)


def _body(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _run(paragraph, text, font=BODY_FONT, size=BODY_SIZE)


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _run(paragraph, text, font=TABLE_FONT, size=TABLE_SIZE, bold=bold)


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    """A grid table whose first row is the header, repeated on every page the table runs onto."""
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    head_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head_pr.append(repeat)
    for cell, text in zip(head.cells, header, strict=True):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _cell(cell, text, align=WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.RIGHT)
    document.add_paragraph()


def _change(change: int | None) -> str:
    if change is None:
        return "—"
    return f"{'+' if change >= 0 else ''}{change}%"


def _figures_table(document, rows: list[dict], base_year: int | None) -> None:
    header = [_("Figure")]
    if base_year:
        header.append(_("End of %(base_year)s") % {"base_year": base_year})
    header.append(_("Counted"))
    if base_year:
        header.append(_("Change"))
    values = []
    for row in rows:
        line = [force_str(row["label"])]
        if base_year:
            line.append(str(row["base"]))
        line.append(str(row["value"]))
        if base_year:
            line.append(_change(row["change"]))
        values.append(line)
    _table(document, header, values)


def _comparison(rows: list[dict], base_year: int) -> str:
    """The base-year comparison as sentences: what grew, what fell, figure by figure."""
    parts = []
    for row in rows:
        then, now = row["base"], row["value"]
        if then == now:
            continue
        params = {"figure": force_str(row["label"]), "then": then, "now": now, "year": base_year}
        if then and row["change"] is not None:
            params["change"] = abs(row["change"])
            template = (
                _("%(figure)s rose from %(then)s to %(now)s (+%(change)s%%)")
                if now > then
                else _("%(figure)s fell from %(then)s to %(now)s (−%(change)s%%)")
            )
        else:
            template = _("%(figure)s rose from none to %(now)s")
        parts.append(template % params)
    if not parts:
        return _("Every figure is the same as at the end of %(year)s.") % {"year": base_year}
    return _("Compared with the end of %(year)s: %(changes)s.") % {"year": base_year, "changes": _("; ").join(parts)}


def _standalone_svg(svg: str) -> str:
    """The page's SVG (which carries its own size) with a Chinese font, as a file of its own."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.replace(
        "<svg ", '<svg font-family="SimSun, 宋体, sans-serif" ', 1
    )


def _chart(document, chart: ChartData, number: int) -> None:
    series = [Series(name, values) for name, values in chart.series]
    png = bar_chart_png(chart.labels, series)
    svg = _standalone_svg(str(bar_chart(chart.labels, series, title=chart.title)))
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.keep_with_next = True
    inline = paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)._inline
    # The SVG beside the PNG, as Word 2016 writes it: readers that know the extension draw the SVG.
    part = Part(
        document.part.package.next_partname("/word/media/chart%d.svg"),
        "image/svg+xml",
        svg.encode("utf-8"),
        document.part.package,
    )
    relationship = document.part.relate_to(part, RELATIONSHIP_TYPE.IMAGE)
    blip = inline.graphic.graphicData.pic.blipFill.blip
    extensions = OxmlElement("a:extLst")
    extension = OxmlElement("a:ext")
    extension.set("uri", SVG_BLIP)
    svg_blip = extension.makeelement(f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg_blip.set(qn("r:embed"), relationship)
    extension.append(svg_blip)
    extensions.append(extension)
    blip.append(extensions)
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    _run(
        caption,
        _("Figure %(number)s %(title)s") % {"number": number, "title": chart.title},
        font=HEADING_FONT,
        size=Pt(14),
    )
    header = [_("Figure"), *[name for name, _values in chart.series]]
    rows = [[label, *[str(values[i]) for _name, values in chart.series]] for i, label in enumerate(chart.labels)]
    _table(document, header, rows)


def _long_date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def summary_document(
    *,
    summary: dict,
    rows: list[dict],
    paragraph: str,
    base_year: int | None,
    charts: list[ChartData],
) -> bytes:
    """The Word report of a programme summary (`quality_summary`, its `summary_rows` and paragraph)."""
    document = Document()
    _setup(document)
    region = summary["region"]["name"]
    as_of = datetime.date.fromisoformat(summary["as_of"])
    since = datetime.date.fromisoformat(summary["since"]) if summary["since"] else None
    title = _("Report on the key-region quality improvement work of %(region)s") % {"region": region}
    if since:
        period = _("%(since)s to %(as_of)s") % {"since": _long_date(since), "as_of": _long_date(as_of)}
    else:
        period = _("As of %(date)s") % {"date": _long_date(as_of)}
    _title(document, title, f"（{period}）")
    core = document.core_properties
    core.title, core.subject, core.language = title, force_str(_("Programme summary")), "zh-CN"

    number = 1
    _heading(document, number, _("Overall situation"))
    _body(document, paragraph)
    for section_title, section_rows in summary_sections(rows):
        number += 1
        _heading(document, number, force_str(section_title))
        _figures_table(document, section_rows, base_year)
    if base_year:
        number += 1
        _heading(document, number, _("Comparison with the base year"))
        _body(document, _comparison(rows, base_year))
    if charts:
        number += 1
        _heading(document, number, _("Charts"))
        for i, chart in enumerate(charts, start=1):
            _chart(document, chart, i)
    handle = io.BytesIO()
    document.save(handle)
    return handle.getvalue()
