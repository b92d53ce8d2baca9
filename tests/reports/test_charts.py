"""Server-side SVG charts: well-formed, escaped, one bar per value, no script and no network."""

import re
import xml.etree.ElementTree as ET

from reports.charts import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _bars(root: ET.Element) -> list[ET.Element]:
    """The bars: rectangles that carry a tooltip; legend swatches carry none."""
    return [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]


def test_a_bar_chart_has_one_bar_per_value():
    svg = bar_chart(
        ["2020", "2021", "2022"],
        [Series("荣誉", [1, 2, 3]), Series("标准", [0, 5, 4])],
        title="每年新增",
    )
    bars = _bars(_parse(svg))
    assert len(bars) == 6
    titles = [bar.find(f"{SVG}title").text for bar in bars]
    assert titles == ["荣誉 2020: 1", "标准 2020: 0", "荣誉 2021: 2", "标准 2021: 5", "荣誉 2022: 3", "标准 2022: 4"]


def test_bar_heights_follow_the_values():
    bars = _bars(_parse(bar_chart(["a", "b", "c"], [Series("n", [2, 4, 0])], title="t")))
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[2] == 0
    assert heights[1] == 2 * heights[0] > 0


def test_labels_titles_and_series_names_are_escaped():
    evil = '<script>alert("x")</script>'
    for chart in (bar_chart, line_chart):
        svg = chart([evil, "b & c"], [Series(evil, [1, 2])], title=evil)
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        assert "b &amp; c" in svg
        root = _parse(svg)  # still well-formed XML
        assert root.find(f"{SVG}title").text == evil


def test_a_line_chart_has_one_line_per_series_with_a_point_per_value():
    svg = line_chart(
        ["2026-01", "2026-02", "2026-03", "2026-04"],
        [Series("新开", [3, 0, 5, 1]), Series("办结", [1, 2, 2, 4])],
        title="每月工单",
    )
    lines = list(_parse(svg).iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert [len(line.get("points").split()) for line in lines] == [4, 4]


def test_charts_need_nothing_from_the_network_and_run_no_script():
    for svg in (
        bar_chart(["a"], [Series("n", [1])], title="t"),
        line_chart(["a", "b"], [Series("n", [1, 2])], title="t"),
    ):
        assert "<script" not in svg
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", svg)
        assert 'role="img"' in svg


def test_charts_of_nothing_still_draw():
    for chart in (bar_chart, line_chart):
        root = _parse(chart([], [Series("n", [])], title="空"))
        assert root.find(f"{SVG}title").text == "空"
    assert _bars(_parse(bar_chart(["a", "b"], [Series("n", [0, 0])], title="零"))) != []
