"""Plans in the browser: a manager follows a measure from the home page and records its progress; a county
inspector reads the city's plan without a way to change it; the cluster report draws the chain."""

import pytest
from django.urls import reverse

from assistance.plans.models import Measure, MeasureProgress, Plan
from clusters.models import Cluster
from tests.e2e.conftest import sign_in
from tests.e2e.test_content_security_policy import _visit_all, violations  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PLAN = "唐山市区域质量提升实施方案(2020-2022年)"
MEASURE = "（示例）质量基础设施“一站式”服务试点"


def test_a_manager_opens_a_due_measure_from_home_and_records_its_progress(seeded, page):
    sign_in(page, seeded.url, "manager_tangshan", "/", DESKTOP)
    box = page.locator("#measures-due")
    assert "天内到期或已逾期的举措" in box.inner_text()
    box.locator("a", has_text=MEASURE).click()
    measure = Measure.objects.get(title=MEASURE)
    page.wait_for_url(f"**{reverse('assistance:measure-detail', args=[measure.pk])}")
    assert "逾期" in page.locator("#measure-status").inner_text()

    page.fill("textarea[name=note]", "试点检测中心通过验收")
    page.select_option("select[name=status]", "done")
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_url(f"**{reverse('assistance:measure-detail', args=[measure.pk])}")
    assert "进展已填报。" in page.content()
    assert "试点检测中心通过验收" in page.locator("#measure-progress").inner_text()
    assert "逾期" not in page.locator("#measure-status").inner_text()
    assert MeasureProgress.objects.filter(measure=measure, status="done").count() == 1


def test_a_county_inspector_reads_the_city_plan_without_a_way_to_change_it(seeded, page):
    plan = Plan.objects.get(title=PLAN)
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:plan-list"), DESKTOP)
    page.locator("a", has_text=PLAN).click()
    page.wait_for_url(f"**{reverse('assistance:plan-detail', args=[plan.pk])}")
    assert "只读" in page.locator("main, body").first.inner_text()
    assert page.locator("a", has_text="添加举措").count() == 0
    assert page.locator("progress#plan-done-bar").count() == 1


def test_the_cluster_report_draws_the_steel_chain_beside_its_table(seeded, page):
    cluster = Cluster.objects.get(name="迁安市钢铁产业集群")
    sign_in(page, seeded.url, "manager_tangshan", reverse("reports:cluster", args=[cluster.pk]), DESKTOP)
    diagram = page.locator("svg.chain-diagram")
    diagram.wait_for()
    assert diagram.bounding_box()["width"] > 300
    assert "（示例）钢材深加工" in page.locator("#chain-links").inner_text()
    assert "（示例）电工钢等高端板材" in page.locator(".chain-change").inner_text()  # the weak link fixed in 2021


def test_the_plan_and_chain_pages_load_without_a_policy_violation(seeded, page, violations):  # noqa: F811
    plan = Plan.objects.get(title=PLAN)
    measure = Measure.objects.get(title=MEASURE)
    cluster = Cluster.objects.get(name="迁安市钢铁产业集群")
    paths = [
        reverse("assistance:plan-list"),
        reverse("assistance:plan-detail", args=[plan.pk]),
        reverse("assistance:plan-create"),
        reverse("assistance:plan-update", args=[plan.pk]),
        reverse("assistance:measure-list"),
        reverse("assistance:measure-detail", args=[measure.pk]),
        reverse("assistance:measure-create", args=[plan.pk]),
        reverse("assistance:measure-update", args=[measure.pk]),
        reverse("assistance:chain-detail", args=[cluster.pk]),
        reverse("assistance:chain-link-create", args=[cluster.pk]) + "?year=2021",
        reverse("assistance:chain-project-create", args=[cluster.pk]) + "?year=2021",
    ]
    sign_in(page, seeded.url, "manager_tangshan")
    _visit_all(page, seeded.url, paths, violations)
