"""Server-side SVG charts: well-formed, escaped, one bar per value, no script and no network."""

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from reports.charts import Series, balanced_wrap, bar_chart, line_chart, nice_ticks, text_width, wrap

from .helpers import overlapping_text, rendered_font_sizes, text_boxes

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


# --- Readable at the size they are drawn --------------------------------------------------------------

CATEGORIES = ["质量技术帮扶", "计量服务", "标准化服务", "认证认可", "知识产权与商标品牌建设", "检验检测", "其他"]
MONTHS = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]
YEARS = [str(year) for year in range(1995, 2027)]


def _ticks(svg: str) -> list[str]:
    """The labels of the value axis, from the bottom: the upright texts that end at the axis."""
    texts = _parse(svg).iter(f"{SVG}text")
    return [t.findtext(f"{SVG}tspan") for t in texts if t.get("text-anchor") == "end" and not t.get("transform")]


def _axis_labels(svg: str) -> list[str]:
    """The labels under the plot, each whole (its wrapped lines joined)."""
    return [
        "".join(span.text for span in t.iter(f"{SVG}tspan"))
        for t in _parse(svg).iter(f"{SVG}text")
        if t.get("text-anchor") == "middle" or t.get("transform")
    ]


def _nice(step: float) -> bool:
    exponent = math.floor(math.log10(step))
    return any(math.isclose(step, m * 10**exponent) for m in (1, 2, 5))


@pytest.mark.parametrize("peak", [1, 3, 7, 10, 15, 19, 47, 120, 999, 12345])
def test_count_axes_go_up_in_whole_nice_steps_from_nought_past_the_highest_count(peak):
    ticks = nice_ticks(peak, integer=True)
    assert ticks[0] == 0 and ticks[-1] >= peak and len(ticks) <= 6
    assert all(isinstance(t, int) for t in ticks)
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and _nice(steps.pop())


def test_a_chart_of_counts_labels_its_axis_in_whole_numbers():
    # The old axes divided a peak of 3 (or 15) in four: 0.75, 1.5 ... (or 3.75 ... 18.75).
    for values, expected in (([3, 1], ["0", "1", "2", "3"]), ([15, 2], ["0", "5", "10", "15"])):
        for chart in (bar_chart, line_chart):
            ticks = _ticks(chart(["a", "b"], [Series("n", values)], title="t"))
            assert sorted(ticks, key=int) == expected


def test_an_axis_of_fractions_still_goes_in_nice_steps():
    ticks = nice_ticks(0.75, integer=False)
    assert ticks[0] == 0 and ticks[-1] >= 0.75
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and _nice(steps.pop())
    assert _ticks(bar_chart(["a"], [Series("n", [0.75])], title="t")) == ["0", "0.2", "0.4", "0.6", "0.8"]


def test_widths_follow_the_rule_chinese_one_em_latin_about_half():
    assert text_width("计量服务", 12) == 48
    assert text_width("2026-01", 12) == pytest.approx(7 * 0.55 * 12)


def test_chinese_wraps_between_characters_and_latin_at_spaces():
    assert wrap("知识产权与商标品牌建设", 60) == ["知识产权与", "商标品牌建", "设"]
    assert balanced_wrap("质量技术帮扶", 60) == ["质量技", "术帮扶"]
    assert wrap("Quality and metrology", 80) == ["Quality and", "metrology"]
    assert wrap("Metrology", 10) == ["Metrology"], "a word is not broken"


def test_long_category_labels_wrap_under_their_bars_without_running_into_each_other():
    svg = bar_chart(CATEGORIES, [Series("工单", [19, 3, 5, 7, 2, 1, 0])], title="按类别")
    assert overlapping_text(svg) == []
    assert _axis_labels(svg) == CATEGORIES, "every label shows, whole"
    wrapped = [t for t in _parse(svg).iter(f"{SVG}text") if len(t.findall(f"{SVG}tspan")) > 1]
    assert wrapped, "the longest labels take more than one line"


def test_labels_too_long_to_wrap_are_turned_and_do_not_touch():
    many = [f"{name}{i}" for i in range(3) for name in CATEGORIES]
    svg = bar_chart(many, [Series("工单", list(range(len(many))))], title="按类别")
    assert overlapping_text(svg) == []
    assert any(t.get("transform") for t in _parse(svg).iter(f"{SVG}text"))


def test_every_year_of_a_long_range_is_a_group_and_the_year_labels_do_not_touch():
    series = [Series(name, [y % 4 for y in range(len(YEARS))]) for name in ("荣誉", "标准", "商标", "地理标志", "试点")]
    svg = bar_chart(YEARS, series, title="每年", width=620)
    assert overlapping_text(svg) == []
    assert {bar.find(f"{SVG}title").text.split()[1].rstrip(":") for bar in _bars(_parse(svg))} == set(YEARS)
    shown = _axis_labels(svg)
    assert shown[0] == "1995" and set(shown) <= set(YEARS)


def test_month_labels_are_thinned_to_fit_the_width():
    svg = line_chart(MONTHS, [Series("新开", list(range(24))), Series("办结", [3] * 24)], title="每月", width=640)
    assert overlapping_text(svg) == []
    shown = _axis_labels(svg)
    assert shown[0] == MONTHS[0] and 6 <= len(shown) < len(MONTHS)
    assert shown == MONTHS[:: MONTHS.index(shown[1])], "evenly"


def test_a_year_of_months_shows_every_month_when_there_is_room():
    svg = line_chart(MONTHS[:6], [Series("新开", [1, 2, 3, 4, 5, 6])], title="每月", width=640)
    assert _axis_labels(svg) == MONTHS[:6]


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart(CATEGORIES, [Series("工单", [19, 3, 5, 7, 2, 1, 0])], title="t"),
        bar_chart(
            YEARS, [Series(n, [1] * len(YEARS)) for n in ("荣誉", "标准", "商标", "地理标志", "试点")], title="t"
        ),
        line_chart(MONTHS, [Series("新开", [2] * 24), Series("办结", [1] * 24)], title="t", width=640),
        bar_chart(["a", "b"], [Series(f"很长的图例名称第{i}项", [1, 2]) for i in range(8)], title="t"),
    ],
    ids=["categories", "years", "months", "long-legend"],
)
def test_chart_text_is_at_least_11_px_as_drawn_and_stays_inside_the_chart(svg):
    root = _parse(svg)
    view = [float(v) for v in root.get("viewBox").split()]
    assert (float(root.get("width")), float(root.get("height"))) == (view[2], view[3]), "drawn at its own size"
    assert min(rendered_font_sizes(svg)) >= 11
    assert overlapping_text(svg) == []
    for _, corners, text, _ in text_boxes(svg):
        for x, y in corners:
            assert -1 <= x <= view[2] + 1 and -1 <= y <= view[3] + 1, text


def test_a_chart_says_what_it_shows_to_a_screen_reader():
    svg = bar_chart(["2020", "2021"], [Series("荣誉", [1, 2])], title="每年新增")
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "每年新增"
    assert root.find(f"{SVG}desc").text == "荣誉: 2020 1, 2021 2"
