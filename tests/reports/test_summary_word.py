"""The programme summary as a Word report, its CSV and Excel tables, and the articles' rounding of its paragraph."""

import datetime
import io
import math
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from reports.charts import Series, bar_chart, bar_chart_png, bar_layout
from reports.summary import approximate, quality_summary, summary_paragraph
from reports.word import BODY_FONT, TITLE_FONT
from tests.assistance.factories import TicketFactory, TrainingFactory, VisitFactory
from tests.factories import EnterpriseFactory, HonourFactory, StandardRoleFactory, TrademarkFactory

from .helpers import content_of, count_queries, download_rows

pytestmark = pytest.mark.django_db

AS_OF = "2025-12-31"
QUERY = {"region": "130200", "as_of": AS_OF, "base_year": "2021"}
SVG_BLIP = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"


def _records(n: int, *, cluster, county) -> None:
    """n enterprises of the cluster, each with an award, a trademark, a standard, a solved ticket, a visit, a training."""
    for i in range(n):
        enterprise = EnterpriseFactory(cluster=cluster)
        HonourFactory(enterprise=enterprise, date=datetime.date(2021 + i % 3, 6, 1), year=2021 + i % 3)
        TrademarkFactory(enterprise=enterprise)
        StandardRoleFactory(enterprise=enterprise, date=datetime.date(2022, 9, 1))
        TicketFactory(
            enterprise=enterprise,
            status="resolved",
            resolved_at=timezone.make_aware(datetime.datetime(2022, 3, 1 + i % 20)),
        )
        VisitFactory(enterprise=enterprise, date=datetime.date(2022, 4, 1 + i % 20))
        TrainingFactory(region=county, clusters=[cluster], date=datetime.date(2022, 5, 1 + i % 20))


@pytest.fixture
def records(cluster, county):
    _records(12, cluster=cluster, county=county)


def _docx(client, **params):
    response = client.get(reverse("reports:summary"), {**QUERY, **params, "export": "docx"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="summary-130200-20251231.docx"'
    return Document(io.BytesIO(content_of(response)))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _table_figures(document) -> dict[str, list[str]]:
    """Every figure row of the document's figures tables: label -> the other cells."""
    figures = {}
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[0] != "指标" or len(header) != 4:
            continue
        for row in table.rows[1:]:
            cells = [c.text for c in row.cells]
            figures[cells[0]] = cells[1:]
    return figures


# --- The articles' rounding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (153, "150余"),
        (87, "80余"),
        (34, "30余"),
        (80, "80"),
        (150, "150"),
        (13, "10余"),
        (10, "10"),
        (9, "9"),
        (0, "0"),
        (999, "990余"),
        (1000, "1000"),
        (1234, "1200余"),
        (12345, "12000余"),
    ],
)
def test_a_count_is_rounded_down_as_the_articles_round_it(count, text):
    assert approximate(count) == text


def test_the_paragraph_rounds_only_the_counts_the_articles_round(city, cluster):
    summary = quality_summary(city, as_of=datetime.date(2025, 12, 31))
    summary["key_regions"] = {"total": 15, "provincial": 3, "municipal": 12}
    summary["honours"]["provincial_quality_award"] = 17
    summary["standards"]["national"] = 153
    summary["assistance"].update(tickets_resolved=87, trainings=34, support_teams=15)
    rounded = summary_paragraph(summary, rounding="articles")
    assert "唐山市15个重点区域（省级3个、市级12个）拥有省政府质量奖17项" in rounded
    assert "参与起草国际、国家、行业标准150余项" in rounded
    assert "成立入企帮扶工作组15个，现场解决企业问题80余项" in rounded
    assert "开展培训30余次" in rounded
    exact = summary_paragraph(summary)
    assert "标准153项" in exact and "问题87项" in exact and "培训34次" in exact
    assert summary_paragraph(summary, rounding="none") == exact


def test_the_page_rounds_the_paragraph_when_asked(client_for, manager, records):
    client = client_for(manager)
    page = client.get(reverse("reports:summary"), QUERY)
    assert "现场解决企业问题12项" in page.context["paragraph"]
    assert 'name="rounding"' in page.content.decode()
    rounded = client.get(reverse("reports:summary"), {**QUERY, "rounding": "articles"})
    assert "现场解决企业问题10余项" in rounded.context["paragraph"]
    assert rounded.context["form"]["rounding"].value()


# --- The Word report ----------------------------------------------------------------------------------


def test_the_word_report_has_the_title_the_paragraph_and_the_figures(client_for, manager, records):
    client = client_for(manager)
    page = client.get(reverse("reports:summary"), QUERY).context
    document = _docx(client)
    text = _text(document)
    assert document.paragraphs[0].text == "唐山市重点区域质量提升工作情况报告"
    assert document.paragraphs[1].text == "（截至2025年12月31日）"
    assert page["paragraph"] in text
    figures = _table_figures(document)
    assert len(page["rows"]) == len(figures) == 29
    for row in page["rows"]:
        change = "—" if row["change"] is None else f"{'+' if row['change'] >= 0 else ''}{row['change']}%"
        assert figures[str(row["label"])] == [str(row["base"]), str(row["value"]), change]
    assert figures["省政府质量奖"] == ["4", "12", "+200%"]
    assert figures["已解决工单"] == ["0", "12", "—"]
    assert "与2021年末相比：" in text and "已解决工单由无增至12" in text
    assert "省政府质量奖由4增至12（+200%）" in text


def test_the_word_report_has_the_service_and_award_parts_and_the_charts(client_for, manager, records):
    document = _docx(client_for(manager), rounding="articles")
    headings = [p.text for p in document.paragraphs if re.match(r"^[一二三四五六七八九十]、", p.text)]
    assert headings == [
        "一、总体情况",
        "二、重点区域",
        "三、质量奖",
        "四、标准、品牌与认定",
        "五、帮扶服务工作",
        "六、实施方案与对标达标",
        "七、与基准年比较",
        "八、图表",
    ]
    assert "现场解决企业问题10余项" in _text(document)
    captions = [p.text for p in document.paragraphs if p.text.startswith("图")]
    assert captions == ["图1 质量奖", "图2 标准（按级别）", "图3 商标与地理标志", "图4 帮扶服务工作"]
    blips = document.element.body.findall(".//" + qn("a:blip"))
    assert len(blips) == 4
    for blip in blips:
        png = document.part.related_parts[blip.get(qn("r:embed"))]
        assert png.content_type == "image/png" and png.blob.startswith(b"\x89PNG\r\n\x1a\n")
        svg = document.part.related_parts[blip.find(".//" + SVG_BLIP).get(qn("r:embed"))]
        assert svg.content_type == "image/svg+xml"
        assert svg.blob.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg')
        assert b'font-family="SimSun' in svg.blob
    # Every chart is followed by a table of its figures: now and at the end of the base year.
    service = [
        t for t in document.tables if [c.text for c in t.rows[0].cells] == ["指标", "2021年末", "截至2025-12-31"]
    ]
    assert len(service) == 4
    assert [c.text for c in service[-1].rows[2].cells] == ["已解决工单", "0", "12"]


def test_the_word_report_is_a4_portrait_with_official_margins_and_a_page_number(client_for, manager, records):
    document = _docx(client_for(manager))
    section = document.sections[0]
    size = section._sectPr.find(qn("w:pgSz"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")  # A4 in twentieths of a point
    assert section.orientation == WD_ORIENT.PORTRAIT
    margins = [
        round(m.cm, 2) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ]
    assert margins == [3.7, 3.5, 2.8, 2.6]
    footer = section.footer.paragraphs[0]._p
    assert [i.text.strip() for i in footer.iter(qn("w:instrText"))] == ["PAGE"]
    assert [f.get(qn("w:fldCharType")) for f in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def _east_asian(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_the_word_report_sets_chinese_fonts_as_east_asian_fonts(client_for, manager, records):
    document = _docx(client_for(manager))
    assert _east_asian(document.paragraphs[0].runs[0]) == TITLE_FONT == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("唐山市1个重点区域"))
    assert _east_asian(body.runs[0]) == BODY_FONT == "仿宋"
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    assert normal.get(qn("w:eastAsiaTheme")) is None
    defaults = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert defaults.get(qn("w:eastAsia")) == "仿宋" and defaults.get(qn("w:eastAsiaTheme")) is None
    cell = document.tables[0].rows[1].cells[0].paragraphs[0].runs[0]
    assert _east_asian(cell) == "宋体"
    header = document.tables[0].rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(cell.paragraphs[0].runs[0].bold for cell in header.cells)


def test_the_word_report_for_a_period_names_the_period(client_for, manager, records):
    document = _docx(client_for(manager), since="2022-01-01", base_year="")
    assert document.paragraphs[1].text == "（2022年1月1日至2025年12月31日）"
    assert "与基准年比较" not in _text(document)
    assert all(len(t.rows[0].cells) == 2 for t in document.tables)


def test_the_chart_picture_is_a_png_with_the_bars_in_their_colours():
    labels, series = ["甲", "乙"], [Series("a", [5, 0]), Series("b", [10, 2])]
    png = bar_chart_png(labels, series, scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    layout = bar_layout(labels, series)  # the SVG's layout: the picture has the SVG's size and places
    assert (width, height) == (round(layout.width), math.ceil(layout.height))
    svg = ET.fromstring(str(bar_chart(labels, series, title="t")))
    assert svg.get("viewBox") == f"0 0 {width} {height}"
    pixels = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    rows = [pixels[1 + y * (1 + width * 3) : (y + 1) * (1 + width * 3)] for y in range(height)]
    colours = {bytes(row[x * 3 : x * 3 + 3]) for row in rows for x in range(width)}
    assert {bytes.fromhex("0d6efd"), bytes.fromhex("198754"), b"\xff\xff\xff"} <= colours
    # The taller bar of the second series reaches the top of the plot; the first series' bar half as high.
    plot_top, plot_bottom = round(layout.top), round(layout.bottom)
    column = [bytes(rows[y][x * 3 : x * 3 + 3]) for x in range(width) for y in (plot_top + 1,)]
    assert bytes.fromhex("198754") in column and bytes.fromhex("0d6efd") not in column
    middle = [bytes(rows[(plot_top + plot_bottom) // 2 + 1][x * 3 : x * 3 + 3]) for x in range(width)]
    assert bytes.fromhex("0d6efd") in middle


# --- CSV and Excel ------------------------------------------------------------------------------------


def test_the_page_offers_csv_excel_and_word(client_for, manager, records):
    body = client_for(manager).get(reverse("reports:summary"), QUERY).content.decode()
    for fmt in ("csv", "xlsx", "docx"):
        assert re.search(rf'href="\?[^"]*export={fmt}', body), fmt
    assert 'id="summary-charts"' in body and body.count("<svg") >= 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_csv_and_excel_hold_the_figures_of_the_page(client_for, manager, records, fmt):
    client = client_for(manager)
    rows = client.get(reverse("reports:summary"), QUERY).context["rows"]
    downloaded = download_rows(client.get(reverse("reports:summary"), {**QUERY, "export": fmt}))
    assert downloaded[0] == ["指标", "统计值", "基准年", "变化（%）"]
    expected = [
        [str(r["label"]), str(r["value"]), str(r["base"]), "" if r["change"] is None else str(r["change"])]
        for r in rows
    ]
    assert downloaded[1:] == expected
    assert ["省政府质量奖", "12", "4", "200"] in downloaded


# --- Access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "csv", "xlsx"])
def test_an_inspector_of_another_county_gets_404_for_this_countys_report(client_for, outsider, county, records, fmt):
    response = client_for(outsider).get(
        reverse("reports:summary"), {"region": county.code, "as_of": AS_OF, "export": fmt}
    )
    assert response.status_code == 404


def test_a_county_inspector_downloads_their_own_countys_report(client_for, inspector, county, records):
    response = client_for(inspector).get(
        reverse("reports:summary"), {"region": county.code, "as_of": AS_OF, "export": "docx"}
    )
    assert response.status_code == 200
    assert Document(io.BytesIO(response.content)).paragraphs[0].text == "迁安市重点区域质量提升工作情况报告"
    assert client_for(inspector).get(reverse("reports:summary"), {**QUERY, "export": "docx"}).status_code == 404


def test_an_unknown_region_gets_404(client_for, manager, records):
    response = client_for(manager).get(reverse("reports:summary"), {**QUERY, "region": "999999", "export": "docx"})
    assert response.status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, records):
    response = client.get(reverse("reports:summary"), {**QUERY, "export": "docx"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_reviewer_gets_403(client_for, reviewer, records):
    assert client_for(reviewer).get(reverse("reports:summary"), {**QUERY, "export": "docx"}).status_code == 403


def test_a_bad_date_gives_the_page_with_the_error_not_a_file(client_for, manager, records):
    response = client_for(manager).get(reverse("reports:summary"), {**QUERY, "as_of": "2025-02-30", "export": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "as_of" in response.context["form"].errors


def test_the_word_report_costs_the_same_queries_for_5_rows_as_for_50(client_for, manager, cluster, county):
    client = client_for(manager)
    data = {**QUERY, "since": "2021-01-01", "export": "docx"}
    _records(5, cluster=cluster, county=county)
    few = count_queries(client, reverse("reports:summary"), data)
    _records(45, cluster=cluster, county=county)
    many = count_queries(client, reverse("reports:summary"), data)
    print(f"summary (docx): {few} queries with 5 rows, {many} with 50")
    assert few == many


# --- The command --------------------------------------------------------------------------------------


def test_the_command_writes_the_word_report(records, tmp_path):
    output = tmp_path / "report.docx"
    out = StringIO()
    call_command(
        "quality_summary",
        "--region",
        "130200",
        "--as-of",
        AS_OF,
        "--format",
        "docx",
        "--output",
        str(output),
        "--base-year",
        "2021",
        "--rounding",
        "articles",
        stdout=out,
    )
    document = Document(str(output))
    assert document.paragraphs[0].text == "唐山市重点区域质量提升工作情况报告"
    assert "现场解决企业问题10余项" in _text(document)
    assert _table_figures(document)["省政府质量奖"] == ["4", "12", "+200%"]


def test_the_command_refuses_a_word_report_without_a_file(records):
    with pytest.raises(CommandError, match="--output"):
        call_command("quality_summary", "--region", "130200", "--format", "docx")
    with pytest.raises(CommandError, match="--base-year"):
        call_command(
            "quality_summary", "--region", "130200", "--as-of", AS_OF, "--base-year", "2025", "--format", "text"
        )
