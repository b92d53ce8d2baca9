"""Benchmarking (对标达标) in the browser: a manager enrols an enterprise in the sample campaign and records
its indicators, the outcome is computed from the values; the report shares the results per cluster and
per area and lists the gaps, largest first; a county inspector elsewhere does not reach the campaign; the
enterprise's page lists its campaigns."""

import pytest
from django.urls import reverse

from assistance.benchmarking.models import Campaign, Indicator, Participation
from clusters.models import Enterprise
from tests.e2e.conftest import sign_in, submit
from tests.e2e.test_content_security_policy import _visit_all, violations  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
CAMPAIGN = "迁西精品钢产业集群对标达标活动（样例）"
CLUSTER = "迁西精品钢产业集群"
NEWCOMER = "迁西精品钢样例企业04"  # of the campaign's cluster, not taking part yet
REACHED = "迁西精品钢样例企业01"  # every seeded indicator met


def _submit(page, button):
    submit(page, button, errors=".alert-danger, .invalid-feedback, .text-danger")


def _fill_indicator(page, row: int, *, area, name, unit, baseline, target, achieved, direction):
    prefix = f"indicators-{row}"
    page.select_option(f"select[name={prefix}-area]", area)
    page.fill(f"input[name={prefix}-name]", name)
    page.fill(f"input[name={prefix}-unit]", unit)
    page.fill(f"input[name={prefix}-baseline]", baseline)
    page.fill(f"input[name={prefix}-target]", target)
    page.fill(f"input[name={prefix}-achieved]", achieved)
    page.select_option(f"select[name={prefix}-direction]", direction)


def _indicator_row(page, name: str):
    return page.locator(".indicator-table tbody tr", has_text=name)


def test_a_manager_enrols_an_enterprise_and_its_outcome_follows_the_values_entered(seeded, page):
    campaign = Campaign.objects.get(title=CAMPAIGN)
    sign_in(page, seeded.url, "manager_tangshan", reverse("assistance:benchmarking-list"), DESKTOP)
    assert page.locator("h1").inner_text() == "对标达标活动"
    row = page.locator(".campaign-table tbody tr", has_text=CAMPAIGN)
    assert row.locator("td").nth(3).inner_text() == "3"  # participants
    assert row.locator("td").nth(4).inner_text() == "1"  # reached their benchmark
    row.locator("a", has_text=CAMPAIGN).click()
    page.wait_for_url(f"**{reverse('assistance:benchmarking-campaign', args=[campaign.pk])}")
    participants = page.locator(".participant-table tbody tr")
    assert participants.count() == 3
    assert "达标" in participants.filter(has_text=REACHED).locator("td").last.inner_text()

    # The manager adds an enterprise of the cluster with its benchmark.
    enterprise = Enterprise.objects.get(name=NEWCOMER)
    page.select_option("select[name=enterprise]", str(enterprise.pk))
    page.select_option("select[name=benchmark_kind]", "enterprise")
    page.select_option("select[name=benchmark_scope]", "domestic")
    page.fill("input[name=benchmark_name]", "国内精品钢领先企业（样例）")
    _submit(page, page.locator("form:has(select[name=enterprise]) [type=submit]"))
    participation = Participation.objects.get(campaign=campaign, enterprise=enterprise)
    assert page.url.endswith(reverse("assistance:benchmarking-participation", args=[participation.pk]))
    assert page.locator(".alert-success", has_text="参与企业已添加，请录入其对标指标。").count() == 1
    assert page.locator("h1 .badge").inner_text() == "尚无指标"
    # The form takes the values only: nobody types whether an indicator is met.
    fields = page.locator("form.indicator-formset [name^='indicators-0-']:not([type=hidden])")
    names = {name.removeprefix("indicators-0-") for name in fields.evaluate_all("els => els.map(e => e.name)")}
    assert names == {"area", "name", "unit", "baseline", "target", "achieved", "direction", "DELETE"}

    # Two indicators: the quality one reaches its target, the brand one (lower is better) does not yet.
    _fill_indicator(
        page, 0, area="quality", name="产品一次检验合格率", unit="%", baseline="96", target="98.5", achieved="99",
        direction="higher",
    )  # fmt: skip
    _fill_indicator(
        page, 1, area="brand", name="客户质量投诉数", unit="件/年", baseline="10", target="4", achieved="6",
        direction="lower",
    )  # fmt: skip
    _submit(page, page.locator("form.indicator-formset button[type=submit]"))
    assert page.locator(".alert-success", has_text="对标指标已保存。").count() == 1
    assert page.locator("h1 .badge").inner_text() == "未达标"
    quality = _indicator_row(page, "产品一次检验合格率")
    assert quality.locator("td").first.inner_text() == "产品质量"
    assert quality.locator("td").last.inner_text() == "达标"
    complaints = _indicator_row(page, "客户质量投诉数")
    assert "越低越好" in complaints.inner_text()
    assert complaints.locator("td").last.inner_text() == "未达标"
    assert complaints.locator("td").nth(5).inner_text() == "33%"  # (4 - 6) / (4 - 10): a third still to go
    assert "1 / 2" in page.locator("dl").inner_text()
    assert not Participation.objects.with_outcome().get(pk=participation.pk).reached

    # The complaints fall to 3: the outcome turns to 达标, from the value alone.
    row = page.locator("form.indicator-formset tbody tr", has=page.locator("input[value=客户质量投诉数]"))
    row.locator("input[name$=-achieved]").fill("3")
    _submit(page, page.locator("form.indicator-formset button[type=submit]"))
    assert page.locator("h1 .badge").inner_text() == "达标"
    assert _indicator_row(page, "客户质量投诉数").locator("td").last.inner_text() == "达标"
    assert "2 / 2" in page.locator("dl").inner_text()
    outcome = Participation.objects.with_outcome().get(pk=participation.pk)
    assert (outcome.reached, outcome.met_count, outcome.indicator_count) == (True, 2, 2)
    assert str(Indicator.objects.get(participation=participation, name="客户质量投诉数").achieved) == "3.0000"

    # Back on the campaign, the new participant counts among those who reached their benchmark.
    page.locator(".breadcrumb a", has_text=CAMPAIGN).click()
    page.wait_for_url(f"**{reverse('assistance:benchmarking-campaign', args=[campaign.pk])}")
    newcomer = page.locator(".participant-table tbody tr", has_text=NEWCOMER)
    assert newcomer.locator("td").nth(2).inner_text() == "2 / 2"
    assert newcomer.locator("td").last.inner_text() == "达标"
    page.goto(f"{seeded.url}{reverse('assistance:benchmarking-list')}")
    row = page.locator(".campaign-table tbody tr", has_text=CAMPAIGN)
    assert [row.locator("td").nth(i).inner_text() for i in (3, 4)] == ["4", "2"]


def test_an_indicator_whose_target_does_not_improve_is_refused_with_a_reason(seeded, page):
    participation = Participation.objects.get(campaign__title=CAMPAIGN, enterprise__name=REACHED)
    path = reverse("assistance:benchmarking-participation", args=[participation.pk])
    sign_in(page, seeded.url, "manager_tangshan", path, DESKTOP)
    extra = participation.indicators.count()  # the first empty row
    _fill_indicator(
        page, extra, area="innovation", name="新产品产值率", unit="%", baseline="12", target="10", achieved="",
        direction="higher",
    )  # fmt: skip
    with page.expect_navigation():
        page.locator("form.indicator-formset button[type=submit]").click()
    assert "该指标越高越好，目标值须高于基准值。" in page.locator("form.indicator-formset").inner_text()
    assert not participation.indicators.filter(name="新产品产值率").exists()


def test_the_report_shares_the_outcomes_per_cluster_and_area_and_lists_the_gaps_largest_first(seeded, page):
    sign_in(page, seeded.url, "manager_tangshan", reverse("assistance:benchmarking-list"), DESKTOP)
    page.locator("a", has_text="对标达标报告").click()
    page.wait_for_url(f"**{reverse('reports:benchmarking')}")
    assert page.locator("h1").inner_text() == "对标达标报告"
    totals = page.locator("#benchmarking-totals").inner_text()
    assert "参与企业\n3" in totals and "达标企业\n1" in totals and "33.3%" in totals

    cluster = page.locator("#benchmarking-clusters tbody tr", has_text=CLUSTER)
    assert cluster.locator("td").all_inner_texts() == [CLUSTER, "3", "1", "33.3%"]
    areas = {
        cells[0]: cells[1:]
        for cells in (row.locator("td").all_inner_texts() for row in page.locator("#benchmarking-areas tbody tr").all())
    }
    assert areas == {
        "产品质量": ["3", "2", "66.7%"],
        "技术创新": ["3", "2", "66.7%"],
        "标准水平": ["3", "1", "33.3%"],
        "品牌建设": ["3", "2", "66.7%"],
    }
    assert page.locator("svg").count() >= 2  # a bar chart beside each table

    gaps = page.locator("#benchmarking-gaps tbody tr")
    shares = [int(text.rstrip("%")) for text in gaps.locator("td:last-child").all_inner_texts()]
    assert shares == sorted(shares, reverse=True)
    assert shares == [100, 100, 50, 43, 20]
    first = gaps.first.inner_text()
    assert "迁西精品钢样例企业03" in first and "—" in first  # not measured yet: the whole distance to go
    assert REACHED not in page.locator("#benchmarking-gaps").inner_text()
    # Each gap links to its participant's page.
    gaps.nth(2).locator("a").click()
    page.wait_for_selector("h1:has-text('迁西精品钢样例企业02')")
    assert page.locator("h1 .badge").inner_text() == "未达标"


def test_an_inspector_of_another_county_does_not_reach_the_campaign(seeded, page):
    campaign = Campaign.objects.get(title=CAMPAIGN)
    participation = campaign.participations.order_by("pk").first()
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:benchmarking-list"), DESKTOP)
    assert page.locator("a", has_text=CAMPAIGN).count() == 0
    for path in (
        reverse("assistance:benchmarking-campaign", args=[campaign.pk]),
        reverse("assistance:benchmarking-participation", args=[participation.pk]),
    ):
        response = page.goto(f"{seeded.url}{path}")
        assert response.status == 404, path
        assert CAMPAIGN not in page.content()


def test_the_enterprise_page_lists_its_campaigns_with_their_outcome(seeded, page):
    enterprise = Enterprise.objects.get(name=REACHED)
    sign_in(page, seeded.url, "manager_tangshan", reverse("clusters:enterprise-detail", args=[enterprise.pk]), DESKTOP)
    panel = page.locator("#panel-benchmarking")
    assert panel.locator("h2").inner_text().startswith("对标达标活动")
    item = panel.locator("li", has_text=CAMPAIGN)
    assert item.count() == 1
    assert item.locator(".badge").inner_text() == "达标"
    assert "EN 10025-2:2019" in item.inner_text()
    assert "4项指标中4项达标" in item.inner_text()
    item.locator("a", has_text=CAMPAIGN).click()
    page.wait_for_selector(f"h1:has-text('{REACHED}')")

    # An enterprise that never took part says so.
    other = Enterprise.objects.get(name=NEWCOMER)
    page.goto(f"{seeded.url}{reverse('clusters:enterprise-detail', args=[other.pk])}")
    assert "该企业尚未参与对标达标活动。" in page.locator("#panel-benchmarking").inner_text()


def test_the_benchmarking_pages_load_without_a_policy_violation(seeded, page, violations):  # noqa: F811
    campaign = Campaign.objects.get(title=CAMPAIGN)
    participation = campaign.participations.order_by("pk").first()
    paths = [
        reverse("assistance:benchmarking-list"),
        reverse("assistance:benchmarking-campaign-create"),
        reverse("assistance:benchmarking-campaign", args=[campaign.pk]),
        reverse("assistance:benchmarking-campaign-update", args=[campaign.pk]),
        reverse("assistance:benchmarking-participation", args=[participation.pk]),
        reverse("reports:benchmarking"),
        reverse("reports:benchmarking") + "?year=2021",
        reverse("clusters:enterprise-detail", args=[participation.enterprise_id]),
    ]
    sign_in(page, seeded.url, "manager_tangshan")
    _visit_all(page, seeded.url, paths, violations)
