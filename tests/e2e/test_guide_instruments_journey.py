"""The user guide's pictures of the programme instruments: plans and measures, the chain analysis,
benchmarking and the 专利伯乐 selection, each opened by the role that does the work (a manager at a desk, an
inspector on a phone, a reviewer)."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.benchmarking.models import Campaign, Participation
from assistance.models import Expert
from assistance.patents import services as patent_services
from assistance.patents.models import Nomination, NominationReview, PatentSelection
from assistance.plans.models import ChainLink, Measure, Plan
from clusters.models import Cluster, Region, User
from tests.assistance.awards.factories import reviewer_user
from tests.e2e.conftest import pick, sign_in
from tests.e2e.guide import guide_shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
CITY_PLAN = "唐山市区域质量提升实施方案(2020-2022年)"
DUE_MEASURE = "（示例）质量基础设施“一站式”服务试点"
STEEL = "迁安市钢铁产业集群"
SHOUGANG = "首钢智新迁安电磁材料有限公司"


def _submit(page, form):
    with page.expect_navigation():
        form.locator("[type=submit]").last.click()


def _main_form(page):
    return page.locator("main form[method=post]").first


def test_a_manager_writes_a_plan_adds_a_measure_and_records_its_progress(seeded, page):
    sign_in(page, seeded.url, "manager_tangshan", "/", DESKTOP)
    box = page.locator("#measures-due")
    assert DUE_MEASURE in box.inner_text()
    guide_shot(page, "manager-measures-due", show=box)

    page.goto(f"{seeded.url}{reverse('assistance:plan-create')}")
    page.fill("[name=title]", "唐山市重点区域质量提升三年行动方案(2026-2028年)")
    page.fill("[name=document_number]", "唐市监〔2026〕12号")
    page.fill("[name=issuing_body]", "唐山市市场监督管理局")
    page.fill("[name=start_date]", "2026-01-01")
    page.fill("[name=end_date]", "2028-12-31")
    guide_shot(page, "manager-plan-form")
    _submit(page, _main_form(page))
    plan = Plan.objects.get(title__startswith="唐山市重点区域质量提升三年行动方案")
    assert urlsplit(page.url).path == reverse("assistance:plan-detail", args=[plan.pk])

    with page.expect_navigation():
        page.locator("a", has_text="添加举措").click()
    page.fill("[name=title]", "重点区域企业计量能力提升")
    page.fill("[name=owner_unit]", "唐山市市场监督管理局计量科")
    pick(page, "select[name=clusters]", STEEL, typed="迁安市钢铁")
    page.fill("[name=deadline]", "2026-12-31")
    guide_shot(page, "manager-measure-form")
    _submit(page, _main_form(page))
    measure = Measure.objects.get(plan=plan)
    assert urlsplit(page.url).path == reverse("assistance:measure-detail", args=[measure.pk])

    progress = _main_form(page)
    progress.locator("[name=note]").fill("完成重点企业能源计量器具摸底，形成问题清单。")
    progress.locator("select[name=status]").select_option("under_way")
    _submit(page, progress)
    assert "完成重点企业能源计量器具摸底" in page.locator("#measure-progress").inner_text()
    measure.refresh_from_db()
    assert measure.status == Measure.Status.UNDER_WAY
    guide_shot(page, "manager-measure-progress")

    city = Plan.objects.get(title=CITY_PLAN)
    page.goto(f"{seeded.url}{reverse('assistance:plan-detail', args=[city.pk])}")
    assert page.locator("#plan-progress").count() == 1
    guide_shot(page, "manager-plan-detail")


def test_an_inspector_reads_the_citys_plan_and_its_measures_on_a_phone(seeded, page):
    city = Plan.objects.get(title=CITY_PLAN)
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:plan-detail", args=[city.pk]), PHONE)
    assert page.locator(".plan-read-only").count() == 1
    assert page.locator("a", has_text="添加举措").count() == 0
    guide_shot(page, "inspector-plan-phone", show=page.locator("#plan-progress"))


def test_a_manager_records_the_chain_its_weak_links_and_projects_and_reads_it_in_the_cluster_report(seeded, page):
    cluster = Cluster.objects.get(name=STEEL)
    sign_in(page, seeded.url, "manager_tangshan", f"{reverse('assistance:chain-detail', args=[cluster.pk])}", DESKTOP)
    assert page.locator(".chain-columns .card").count() > 0
    guide_shot(page, "manager-chain")

    page.goto(f"{seeded.url}{reverse('assistance:chain-link-create', args=[cluster.pk])}?year=2021")
    page.select_option("select[name=segment]", "downstream")
    page.fill("[name=name]", "硅钢片冲压与铁芯制造")
    page.check("[name=weak]")
    page.fill("[name=note]", "本地缺少铁芯制造企业，电工钢产品多销往外地加工。")
    guide_shot(page, "manager-chain-link-form")
    _submit(page, _main_form(page))
    link = ChainLink.objects.get(cluster=cluster, year=2021, name="硅钢片冲压与铁芯制造")
    assert link.weak

    page.goto(f"{seeded.url}{reverse('assistance:chain-project-create', args=[cluster.pk])}?year=2021")
    page.select_option("select[name=link]", str(link.pk))
    page.select_option("select[name=kind]", "fill")
    page.fill("[name=title]", "引进铁芯制造项目")
    guide_shot(page, "manager-chain-project-form")
    _submit(page, _main_form(page))
    assert "引进铁芯制造项目" in page.locator(f"#chain-link-{link.pk}").inner_text()

    page.goto(f"{seeded.url}{reverse('reports:cluster', args=[cluster.pk])}")
    page.locator("svg.chain-diagram").wait_for()
    change = page.locator(".chain-change")
    assert "（示例）电工钢等高端板材" in change.inner_text()
    guide_shot(page, "manager-cluster-chain", show=page.locator("#cluster-chain"))


def test_a_manager_starts_a_benchmarking_campaign_and_an_inspector_records_the_achieved_values(seeded, page):
    sign_in(page, seeded.url, "manager_tangshan", reverse("assistance:benchmarking-campaign-create"), DESKTOP)
    cluster = Cluster.objects.get(name=STEEL)
    page.select_option("select[name=cluster]", str(cluster.pk))
    page.fill("[name=year]", str(timezone.localdate().year))
    page.fill("[name=title]", "迁安市钢铁产业集群对标达标活动")
    guide_shot(page, "manager-benchmarking-campaign")
    _submit(page, _main_form(page))
    campaign = Campaign.objects.get(title="迁安市钢铁产业集群对标达标活动")

    enrol = page.locator(f"form[action='{reverse('assistance:benchmarking-enrol', args=[campaign.pk])}']")
    enrol.locator("select[name=enterprise]").select_option(label=SHOUGANG)
    enrol.locator("select[name=benchmark_kind]").select_option("standard")
    enrol.locator("select[name=benchmark_scope]").select_option("international")
    enrol.locator("[name=benchmark_name]").fill("IEC 60404-8-7:2020")
    guide_shot(page, "manager-benchmarking-participant", show=enrol)
    _submit(page, enrol)
    participation = Participation.objects.get(campaign=campaign)
    assert urlsplit(page.url).path == reverse("assistance:benchmarking-participation", args=[participation.pk])

    rows = page.locator("form.indicator-formset tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    first.locator("select[name$=-area]").select_option("quality")
    first.locator("[name$=-name]").fill("铁损P1.7/50")
    first.locator("[name$=-unit]").fill("W/kg")
    first.locator("[name$=-baseline]").fill("1.05")
    first.locator("[name$=-target]").fill("0.90")
    first.locator("select[name$=-direction]").select_option("lower")
    second.locator("select[name$=-area]").select_option("standards")
    second.locator("[name$=-name]").fill("主导制定标准")
    second.locator("[name$=-unit]").fill("项")
    second.locator("[name$=-baseline]").fill("1")
    second.locator("[name$=-target]").fill("3")
    second.locator("[name$=-achieved]").fill("3")
    guide_shot(page, "manager-benchmarking-indicators", show=page.locator("form.indicator-formset"))
    _submit(page, page.locator("form.indicator-formset"))
    assert participation.indicators.count() == 2
    assert "未达标" in page.locator("h1").inner_text()

    # The inspector of the county records what the enterprise achieved, on a phone.
    sign_in(
        page,
        seeded.url,
        "inspector_qianan",
        reverse("assistance:benchmarking-participation", args=[participation.pk]),
        PHONE,
    )
    formset = page.locator("form.indicator-formset")
    achieved = formset.locator("[name$=-achieved]").first
    achieved.fill("0.88")
    guide_shot(page, "inspector-benchmarking-indicators-phone", show=achieved)
    _submit(page, formset)
    assert "达标" in page.locator("h1").inner_text() and "未达标" not in page.locator("h1").inner_text()
    guide_shot(page, "inspector-benchmarking-outcome-phone", show=page.locator(".indicator-table"))

    sign_in(page, seeded.url, "manager_tangshan", f"{reverse('reports:benchmarking')}?year=2021", DESKTOP)
    assert "迁西精品钢产业集群" in page.locator("main").inner_text()
    guide_shot(page, "manager-benchmarking-report")


def _open_selection() -> PatentSelection:
    now = timezone.now()
    return PatentSelection.objects.create(
        year=now.year,
        title=f"{now.year}年度唐山市“专利伯乐”评选",
        region=Region.objects.get(name="唐山市"),
        opens_at=now - datetime.timedelta(days=7),
        closes_at=now + datetime.timedelta(days=60),
        quota=10,
        description="面向帮扶企业开展专利挖掘、申报和保护工作的专家和工作人员。",
    )


def test_the_patent_helper_selection_from_nomination_to_published_results(seeded, page):
    page.on("dialog", lambda dialog: dialog.accept())
    # An administrator opens the year's selection in the administration pages.
    sign_in(page, seeded.url, "admin", reverse("admin:assistance_patentselection_add"), DESKTOP)
    for field in ("year", "title", "region", "opens_at", "closes_at", "quota"):
        assert page.locator(f".field-{field}").count() == 1, field
    guide_shot(page, "admin-patent-selection")
    selection = _open_selection()

    # An inspector nominates an expert on a phone and submits the nomination.
    expert = Expert.objects.filter(active=True).order_by("name").first()
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:nomination-create", args=[selection.pk]), PHONE)
    page.select_option("select[name=nominee_expert]", str(expert.pk))
    page.fill("[name=statement]", "全年入企指导专利挖掘与申报，帮助迁安市钢铁产业集群企业解决专利申报难题。")
    guide_shot(page, "inspector-nominate-phone", show=page.locator("[name=statement]"))
    _submit(page, _main_form(page))
    nomination = Nomination.objects.get(selection=selection)
    submit = page.locator("form[data-step=submit]")
    guide_shot(page, "inspector-nomination-submit-phone", show=submit)
    _submit(page, submit)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED

    # The manager accepts it and assigns two reviewers.
    second = reviewer_user(
        jurisdiction=Region.objects.get(name="唐山市"), username="reviewer_li", last_name="李", first_name="明远"
    )
    sign_in(
        page, seeded.url, "manager_tangshan", reverse("assistance:nomination-detail", args=[nomination.pk]), DESKTOP
    )
    accept = page.locator("form[data-step=accept]")
    for reviewer in (User.objects.get(username="reviewer"), second):
        accept.locator(f"input[name$=reviewers][value='{reviewer.pk}']").check()
    guide_shot(page, "manager-nomination-accept", show=accept)
    _submit(page, accept)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.UNDER_REVIEW

    # A reviewer declares no conflict, scores and submits.
    review = NominationReview.objects.get(nomination=nomination, reviewer__username="reviewer")
    sign_in(page, seeded.url, "reviewer", "/", DESKTOP)
    assert page.locator("#nomination-reviews-due").count() == 1
    with page.expect_navigation():
        page.locator("#nomination-reviews-due a").first.click()
    assert urlsplit(page.url).path == reverse("assistance:nomination-review", args=[review.pk])
    page.locator("input[name=declare-conflict][value=no]").check()
    guide_shot(page, "reviewer-nomination-declare")
    _submit(page, page.locator("main form").first)
    form = page.locator("#review-form")
    for name, value in (("impact", "34"), ("reach", "21"), ("expertise", "17"), ("example", "13")):
        form.locator(f"[name$={name}]").fill(value)
    form.locator("select[name$=recommendation]").select_option("select")
    guide_shot(page, "reviewer-nomination-score", show=form.locator("[type=submit]"))
    with page.expect_navigation():
        form.locator("button[name=submit]").click()
    review.refresh_from_db()
    assert review.submitted_at is not None

    # The second reviewer's review, through the same services, completes the review.
    other = NominationReview.objects.get(nomination=nomination, reviewer=second)
    patent_services.review_declare(review_id=other.pk, user=second, conflict=False)
    scores = {"impact": 32, "reach": 20, "expertise": 16, "example": 12}
    patent_services.review_save(
        review_id=other.pk, user=second, scores=scores, comment="", recommendation="select", submit=True
    )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING_DECISION

    # The manager reads the scores side by side, decides, and publishes the results.
    sign_in(
        page, seeded.url, "manager_tangshan", reverse("assistance:nomination-detail", args=[nomination.pk]), DESKTOP
    )
    select = page.locator("form[data-step=select]")
    select.locator("textarea").fill("两位评审均建议入选，得分在名额范围内。")
    guide_shot(page, "manager-nomination-decide", show=select)
    _submit(page, select)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SELECTED

    page.goto(f"{seeded.url}{reverse('assistance:patent-selection-detail', args=[selection.pk])}")
    publish = page.locator(f"form[action='{reverse('assistance:patent-selection-publish', args=[selection.pk])}']")
    guide_shot(page, "manager-patent-publish")
    _submit(page, publish)
    selection.refresh_from_db()
    assert selection.is_published
    page.goto(f"{seeded.url}{reverse('assistance:patent-results')}")
    assert re.search(expert.name, page.locator("main").inner_text())
    guide_shot(page, "manager-patent-results")
