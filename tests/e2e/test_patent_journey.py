"""The annual 专利伯乐 selection in the browser: a county inspector nominates a colleague with the evidence
the records hold, the manager assigns two reviewers, each declares no conflict and scores blind, the
manager selects the nominee and publishes the results, which every signed-in user can read."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assistance.patents.models import Nomination, NominationReview, PatentSelection
from clusters.models import User
from tests.e2e.conftest import sign_in, submit
from tests.e2e.test_content_security_policy import _visit_all, violations  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
SELECTION = "2021年度唐山市“专利伯乐”评选"
NOMINEE = "staff_team2_b"  # 样例人员06 of 迁安市, who resolved a patent ticket in 2021
NOMINATOR = "王立新"  # inspector_qianan's name, which the reviewers never see
STATEMENT = "（样例）全年牵头办理迁安市知识产权类工单，指导企业完成发明专利申请和专利权质押登记。"
SECOND_REVIEWER = "reviewer_expert01"  # 样例专家01, in the seeded reviewer pool


@pytest.fixture
def selection(seeded):
    """The seeded 2021 selection, its deadline extended so that it takes nominations today."""
    selection = PatentSelection.objects.get(title=SELECTION)
    selection.closes_at = timezone.now() + datetime.timedelta(days=30)
    selection.save()
    return selection


@pytest.fixture
def second_reviewer(seeded):
    user = User.objects.get(username=SECOND_REVIEWER)
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    return user


def _success(page) -> str:
    """The message the last step left (the page's own boxes, such as a decision, are not messages)."""
    return page.locator(".alert-success[role=alert]").inner_text()


def _review(page, base_url, username, scores, comment):
    """A reviewer finds the assignment on their list, declares no conflict, scores blind and submits."""
    sign_in(page, base_url, username, reverse("assistance:patent-selection-list"), DESKTOP)
    assigned = page.locator("#my-nomination-reviews li")
    assert assigned.count() == 1
    # Until the declaration the list names no one.
    assert "待声明" in assigned.inner_text()
    assigned.locator("a").click()
    page.wait_for_url(re.compile(r"/patents/reviews/\d+/$"))
    assert page.locator("h1").inner_text() == "利益冲突声明"
    assert STATEMENT not in page.content()
    page.check("input[name=declare-conflict][value=no]")
    submit(page, page.locator("form:has(input[name=declare-conflict]) button[type=submit]"))
    assert _success(page) == "您已声明不存在利益冲突，现在可以对该提名评分。"

    # The nomination is open to the reviewer now: the statement and the evidence frozen at submission, but
    # neither who nominated the person nor anything of another review.
    assert STATEMENT in page.content()
    assert page.locator("#evidence-snapshot").inner_text().split() == [
        "办结的知识产权工单", "1", "帮扶企业数", "1", "授课培训次数", "0",
    ]  # fmt: skip
    assert NOMINATOR not in page.content()
    assert "提名人" not in page.content()
    for code, score in scores.items():
        page.fill(f"input[name=score_{code}]", str(score))
    page.fill("textarea[name=comment]", comment)
    page.select_option("select[name=recommendation]", "select")
    submit(page, page.locator("#review-form button[name=submit]"))
    assert _success(page) == "您的评审意见已提交。"
    assert page.locator("#review-form").count() == 0
    total = sum(scores.values())
    assert page.locator("#my-review tr.fw-bold td").inner_text() == f"{total} / 100"
    return total


def test_a_nominee_is_nominated_reviewed_blind_selected_and_published(seeded, selection, second_reviewer, page):
    page.on("dialog", lambda dialog: dialog.accept())
    base = seeded.url
    nominee = User.objects.get(username=NOMINEE)

    # The 迁安 inspector nominates a colleague of the county, saves the draft and sees the evidence.
    sign_in(page, base, "inspector_qianan", reverse("assistance:patent-selection-list"), DESKTOP)
    row = page.locator("tr", has_text=SELECTION)
    assert "进行中" in row.locator(".badge").first.inner_text()
    row.locator("a", has_text=SELECTION).click()
    page.wait_for_url(f"**{reverse('assistance:patent-selection-detail', args=[selection.pk])}")
    page.locator("a.btn", has_text="提名").click()
    page.wait_for_url(f"**{reverse('assistance:nomination-create', args=[selection.pk])}")
    page.select_option("select[name=nominee_user]", str(nominee.pk))
    page.fill("textarea[name=statement]", STATEMENT)
    submit(page, page.locator("form:has(textarea[name=statement]) [type=submit]"))
    nomination = Nomination.objects.get(selection=selection, nominee_user=nominee)
    nomination_path = reverse("assistance:nomination-detail", args=[nomination.pk])
    assert page.url == f"{base}{nomination_path}"
    assert _success(page) == "提名草稿已保存。"
    assert page.locator(".alert-success[role=alert] .btn-close").get_attribute("aria-label") == "关闭"
    assert page.locator("h1").inner_text() == f"样例人员06 · {SELECTION}"
    assert page.locator(".badge", has_text="草稿").count() == 1
    assert page.locator("#evidence-live").inner_text().split() == [
        "办结的知识产权工单", "1", "帮扶企业数", "1", "授课培训次数", "0",
    ]  # fmt: skip
    assert page.locator("#evidence-tickets li").count() == 1
    assert "提交提名时自动统计。" in page.content()
    assert nomination.status == Nomination.Status.DRAFT and nomination.nominated_by.username == "inspector_qianan"

    submit(page, page.locator("form[data-step=submit] button[type=submit]"))
    assert _success(page) == "对样例人员06的提名已连同佐证材料提交。"
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert (nomination.evidence["tickets"], nomination.evidence["enterprises"]) == (1, 1)
    ticket_number = nomination.evidence["ticket_numbers"][0]
    assert ticket_number in page.locator("#evidence-tickets").inner_text()
    assert page.locator("#evidence-snapshot").count() == 1
    # The nominator cannot accept their own nomination.
    assert page.locator("form[data-step=accept]").count() == 0

    # The 唐山 manager accepts it and assigns two reviewers from the pool.
    sign_in(page, base, "manager_tangshan", nomination_path, DESKTOP)
    accept = page.locator("form[data-step=accept]")
    first_reviewer = User.objects.get(username="reviewer")
    for reviewer in (first_reviewer, second_reviewer):
        accept.locator(f"input[name=accept-reviewers][value='{reviewer.pk}']").check()
    submit(page, accept.locator("button[type=submit]"))
    assert _success(page) == "对样例人员06的提名已受理并进入评审。"
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.UNDER_REVIEW
    assert set(nomination.reviews.values_list("reviewer__username", flat=True)) == {"reviewer", SECOND_REVIEWER}
    reviewers = page.locator("#nomination-reviewers").inner_text()
    assert reviewers.count("待声明") == 2

    # Each reviewer declares no conflict and scores blind.
    first_total = _review(
        page, base, "reviewer", {"impact": 34, "reach": 20, "expertise": 15, "example": 12}, "专利帮扶成效明显。"
    )
    # A reviewer reaches the nomination only through their own review page.
    page.goto(f"{base}{nomination_path}")
    page.wait_for_url(re.compile(r"/patents/reviews/\d+/$"))
    assert page.locator("#nomination-table").count() == 0
    response = page.goto(f"{base}{reverse('assistance:nomination-list')}")
    assert response.status == 403

    second_total = _review(
        page, base, SECOND_REVIEWER, {"impact": 30, "reach": 18, "expertise": 16, "example": 13}, "覆盖企业较多。"
    )
    # The second reviewer sees their own total, never the first one's comment or total.
    assert "专利帮扶成效明显。" not in page.content()
    assert str(first_total) not in page.locator("#my-review").inner_text()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING_DECISION
    assert sorted(NominationReview.objects.filter(nomination=nomination).values_list("total", flat=True)) == sorted(
        [first_total, second_total]
    )

    # The manager reads both reviews side by side and selects the nominee with a reason.
    sign_in(page, base, "manager_tangshan", nomination_path, DESKTOP)
    side_by_side = page.locator("#reviews-side-by-side")
    header = side_by_side.locator("thead").inner_text()
    assert first_reviewer.display_name in header and second_reviewer.display_name in header
    totals = side_by_side.locator("tbody tr.fw-bold td").all_inner_texts()
    assert totals[:2] == [str(first_total), str(second_total)]
    assert totals[2] == f"{(first_total + second_total) / 2:.1f}"
    select = page.locator("form[data-step=select]")
    select.locator("textarea[name=select-reason]").fill("两位评审专家均建议入选，佐证材料属实。")
    submit(page, select.locator("button[type=submit]"))
    assert _success(page) == "样例人员06已入选。"
    assert "两位评审专家均建议入选" in page.locator(".alert-success:not([role=alert])").inner_text()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SELECTED
    assert nomination.decision.decided_by.username == "manager_tangshan"

    # Publishing waits for every nomination of the selection to be decided or withdrawn.
    selection_path = reverse("assistance:patent-selection-detail", args=[selection.pk])
    page.goto(f"{base}{selection_path}")
    publish = page.locator("form[action$='/publish/'] button[type=submit]")
    with page.expect_navigation():
        publish.click()
    assert page.locator(".alert-danger[role=alert]").inner_text() == "还有2个提名尚未作出决定。"
    selection.refresh_from_db()
    assert selection.published_at is None
    for waiting in Nomination.objects.filter(selection=selection, status=Nomination.Status.SUBMITTED):
        page.goto(f"{base}{reverse('assistance:nomination-detail', args=[waiting.pk])}")
        withdraw = page.locator("form[data-step=withdraw]")
        withdraw.locator("textarea[name=withdraw-reason]").fill("样例提名，本次不参加评审。")
        submit(page, withdraw.locator("button[type=submit]"))
        assert _success(page) == f"对{waiting.nominee_name}的提名已撤回。"
    page.goto(f"{base}{selection_path}")
    submit(page, page.locator("form[action$='/publish/'] button[type=submit]"))
    assert _success(page) == f"{SELECTION}的结果已公布。"
    assert page.locator("form[action$='/publish/']").count() == 0
    selection.refresh_from_db()
    assert selection.published_by.username == "manager_tangshan" and selection.published_at is not None

    # Every signed-in user, here an inspector of another county, reads the published results.
    sign_in(page, base, "inspector_fengrun", reverse("assistance:patent-selection-list"), DESKTOP)
    page.locator(".nav-pills a", has_text="评选结果").click()
    page.wait_for_url(f"**{reverse('assistance:patent-results')}")
    results = page.locator("#patent-results tbody tr")
    assert results.count() == 1
    cells = results.first.locator("td").all_inner_texts()
    assert cells[:3] == ["样例人员06", nominee.organisation, SELECTION]
    assert cells[3] == timezone.localtime(selection.published_at).strftime("%Y-%m-%d")


def test_the_patent_pages_load_without_a_policy_violation(seeded, selection, page, violations):  # noqa: F811
    nomination = Nomination.objects.filter(selection=selection, status=Nomination.Status.SUBMITTED).first()
    draft = Nomination.objects.get(selection=selection, status=Nomination.Status.DRAFT)
    paths = [
        reverse("assistance:patent-selection-list"),
        reverse("assistance:patent-selection-detail", args=[selection.pk]),
        reverse("assistance:nomination-create", args=[selection.pk]),
        reverse("assistance:nomination-list"),
        reverse("assistance:nomination-detail", args=[nomination.pk]),
        reverse("assistance:nomination-detail", args=[draft.pk]),
        reverse("assistance:nomination-update", args=[draft.pk]),
        reverse("assistance:patent-results"),
        reverse("assistance:patent-results") + "?year=2021",
    ]
    sign_in(page, seeded.url, "manager_tangshan")
    _visit_all(page, seeded.url, paths, violations)

    # The reviewer's pages: the list, the declaration, and the scoring form once declared.
    reviewer = User.objects.get(username="reviewer")
    review = NominationReview.objects.create(nomination=nomination, reviewer=reviewer)
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.UNDER_REVIEW)
    review_path = reverse("assistance:nomination-review", args=[review.pk])
    sign_in(page, seeded.url, "reviewer")
    _visit_all(page, seeded.url, [reverse("assistance:patent-selection-list"), review_path], violations)
    page.check("input[name=declare-conflict][value=no]")
    with page.expect_navigation():
        page.locator("form:has(input[name=declare-conflict]) button[type=submit]").click()
    assert page.locator("#review-form").count() == 1
    assert violations == []
