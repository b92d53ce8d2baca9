"""The cluster report's chain diagram and change, and the manager's box of measures due or overdue."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports.chain_diagram import ChainBox, chain_diagram
from tests.assistance.plans.factories import ChainLinkFactory, MeasureFactory, PlanFactory
from tests.factories import EnterpriseFactory, UserFactory

from .helpers import SVG, count_queries, download_rows, overlapping_text, rendered_font_sizes, text_boxes

LONG = "高端装备制造用超高强度耐磨钢板及其精密加工与表面处理"


def _columns(per_column: int, name: str = "链环") -> list:
    return [
        (label, [ChainBox(f"{name}{i}", f"{i}家企业", weak=i % 2 == 0) for i in range(per_column)])
        for label in ("上游", "中游", "下游")
    ]


@pytest.mark.parametrize(
    "columns",
    [
        _columns(1),
        _columns(6),
        _columns(4, name=LONG),
        [("上游", []), ("中游", [ChainBox("炼钢", "3家企业", True)]), ("下游", [])],
        [("Upstream", [ChainBox("Iron ore and coke supply for blast furnaces", "12 enterprises", True)])] * 3,
    ],
    ids=["one", "six-each", "long-names", "empty-columns", "english"],
)
def test_the_chain_text_is_at_least_11_px_never_overlaps_and_stays_inside(columns):
    svg = chain_diagram(columns, title="产业链", weak_label="短板弱项")
    root = ET.fromstring(svg)
    view = [float(v) for v in root.get("viewBox").split()]
    assert (float(root.get("width")), float(root.get("height"))) == (view[2], view[3]), "drawn at its own size"
    assert min(rendered_font_sizes(svg)) >= 11
    assert overlapping_text(svg) == []
    for _, corners, text, _ in text_boxes(svg):
        for x, y in corners:
            assert -1 <= x <= view[2] + 1 and -1 <= y <= view[3] + 1, text


def test_each_label_stays_inside_its_box_and_boxes_do_not_overlap():
    svg = chain_diagram(_columns(5, name=LONG), title="产业链", weak_label="短板弱项")
    root = ET.fromstring(svg)
    rects = [
        (
            float(r.get("x")),
            float(r.get("y")),
            float(r.get("x")) + float(r.get("width")),
            float(r.get("y")) + float(r.get("height")),
        )
        for r in root.iter(f"{SVG}rect")
    ]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], "two boxes overlap"
    for _, corners, text, _ in text_boxes(svg):
        if text in ("上游", "中游", "下游"):
            continue
        assert any(
            all(r[0] - 0.5 <= x <= r[2] + 0.5 and r[1] - 0.5 <= y <= r[3] + 0.5 for x, y in corners) for r in rects
        ), f"{text} is outside every box"


def test_weak_links_are_marked_in_words_and_with_a_red_border():
    svg = chain_diagram(
        [("上游", [ChainBox("铁矿石", "1家企业")]), ("中游", [ChainBox("电工钢", "2家企业", True)]), ("下游", [])],
        title="产业链",
        weak_label="短板弱项",
    )
    root = ET.fromstring(svg)
    weak = [r for r in root.iter(f"{SVG}rect") if r.get("stroke") == "#dc3545"]
    assert [r.find(f"{SVG}title").text for r in weak] == ["电工钢"]
    assert "短板弱项" in [t.text for t in root.iter(f"{SVG}tspan")]
    assert root.find(f"{SVG}desc").text.startswith("上游：铁矿石（1家企业）；中游：电工钢（2家企业，短板弱项）")


def test_the_diagrams_description_is_punctuated_in_the_language_of_the_page():
    with translation.override("en"):
        svg = chain_diagram(
            [("Upstream", [ChainBox("Ore", "1 enterprise")]), ("Midstream", [ChainBox("Steel", "2", True)])],
            title="Chain",
            weak_label="weak link",
        )
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert desc == "Upstream: Ore (1 enterprise); Midstream: Steel (2, weak link)"


def test_chain_names_are_escaped():
    svg = chain_diagram([("上游", [ChainBox("<script>x</script>", "1")])], title="a&b", weak_label="w")
    assert "<script>" not in svg
    ET.fromstring(svg)


@pytest.fixture
def chain(cluster, enterprise):
    ChainLinkFactory(cluster=cluster, year=2020, segment="midstream", name="电工钢", weak=True, note="产能不足")
    ChainLinkFactory(cluster=cluster, year=2020, segment="downstream", name="初级加工")
    ChainLinkFactory(cluster=cluster, year=2021, segment="midstream", name="电工钢", enterprises=[enterprise])
    ChainLinkFactory(cluster=cluster, year=2021, segment="downstream", name="深加工", weak=True, note="企业少")


@pytest.mark.django_db
def test_the_cluster_report_draws_the_latest_chain_with_a_table_and_the_change(client_for, inspector, cluster, chain):
    response = client_for(inspector).get(reverse("reports:cluster", args=[cluster.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="chart chain-diagram"' in page
    assert response.context["chain"]["year"] == 2021
    assert [link.name for link in response.context["chain"]["links"]] == ["电工钢", "深加工"]
    change = response.context["change"]
    assert (change["added"], change["removed"], change["weak_fixed"], change["weak_new"]) == (
        ["深加工"],
        ["初级加工"],
        ["电工钢"],
        ["深加工"],
    )
    assert 'id="chain-links"' in page and 'id="chain-change"' in page


@pytest.mark.django_db
def test_the_cluster_report_shows_the_chain_of_the_year_asked_and_downloads_it(client_for, manager, cluster, chain):
    client = client_for(manager)
    response = client.get(reverse("reports:cluster", args=[cluster.pk]), {"chain_year": 2020})
    assert response.context["chain"]["year"] == 2020
    rows = download_rows(
        client.get(
            reverse("reports:cluster", args=[cluster.pk]), {"chain_year": 2020, "export": "csv", "table": "chain"}
        )
    )
    assert rows[0][:3] == ["环节", "链环", "短板弱项"]
    assert [row[1] for row in rows[1:]] == ["电工钢", "初级加工"]


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["abc", "1800"])
def test_a_bad_chain_year_is_a_400(client_for, manager, cluster, year):
    assert (
        client_for(manager).get(reverse("reports:cluster", args=[cluster.pk]), {"chain_year": year}).status_code == 400
    )


@pytest.mark.django_db
def test_the_chain_counts_only_enterprises_the_viewer_may_see(client_for, inspector, cluster, city):
    # An enterprise of the cluster registered in another county is not the 迁安市 inspector's to count.
    elsewhere = EnterpriseFactory(cluster=cluster, county=UserFactory(jurisdiction=city).jurisdiction)
    ChainLinkFactory(
        cluster=cluster, year=2021, name="炼钢", enterprises=[elsewhere, EnterpriseFactory(cluster=cluster)]
    )
    response = client_for(inspector).get(reverse("reports:cluster", args=[cluster.pk]))
    assert [link.enterprise_count for link in response.context["chain"]["links"]] == [1]


@pytest.mark.django_db
def test_the_cluster_report_costs_the_same_queries_for_5_links_as_for_50(client_for, manager, cluster):
    client = client_for(manager)

    def links(start, n):
        for i in range(start, start + n):
            for year in (2020, 2021):
                ChainLinkFactory(
                    cluster=cluster,
                    year=year,
                    name=f"环节{i}",
                    segment=("upstream", "midstream", "downstream")[i % 3],
                    weak=i % 3 == 0,
                    enterprises=[EnterpriseFactory(cluster=cluster)],
                )

    links(0, 5)
    url = reverse("reports:cluster", args=[cluster.pk])
    few = count_queries(client, url)
    links(5, 45)
    assert count_queries(client, url) == few


@pytest.mark.django_db
def test_the_manager_home_lists_measures_due_within_30_days_or_overdue_and_its_figure_opens_them(
    client_for, manager, city, other_county
):
    today = timezone.localdate()
    plan = PlanFactory(region=city)
    MeasureFactory(plan=plan, title="已逾期", deadline=today - datetime.timedelta(days=2))
    MeasureFactory(plan=plan, title="将到期", deadline=today + datetime.timedelta(days=30))
    MeasureFactory(plan=plan, title="尚早", deadline=today + datetime.timedelta(days=31))
    MeasureFactory(plan=plan, title="已完成", status="done", deadline=today - datetime.timedelta(days=2))
    client = client_for(manager)
    box = client.get(reverse("home")).context["manager"]["measures"]
    assert box["count"] == 2
    assert [m.title for m in box["rows"]] == ["已逾期", "将到期"]
    listed = client.get(box["url"])
    assert listed.context["page"].paginator.count == 2
    page = client.get(reverse("home")).content.decode()
    assert box["url"].replace("&", "&amp;") in page or box["url"] in page
    assert reverse("assistance:measure-detail", args=[box["rows"][0].pk]) in page


@pytest.mark.django_db
def test_the_measures_box_counts_only_the_managers_jurisdiction_and_the_plans_above_it(
    client_for, county, other_county, city
):
    other_manager = UserFactory(jurisdiction=other_county, groups=["manager"])
    MeasureFactory(plan=PlanFactory(region=county), deadline=timezone.localdate())
    MeasureFactory(plan=PlanFactory(region=city), title="市级举措", deadline=timezone.localdate())
    box = client_for(other_manager).get(reverse("home")).context["manager"]["measures"]
    assert [m.title for m in box["rows"]] == ["市级举措"]
