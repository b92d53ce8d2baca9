"""A provincial quality award application, from the inspector's draft to the honour in the registry."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from assistance.awards.models import AwardApplication, AwardCycle, AwardProgramme, Review, Rubric
from clusters.models import Honour, Region, User
from tests.e2e.conftest import pick, sign_in, submit
from tests.e2e.guide import guide_shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
ENTERPRISE = "首钢智新迁安电磁材料有限公司"
RUBRIC = "GB/T 19580-2012 卓越绩效评价准则"
SELF_ASSESSMENT = "公司以卓越绩效模式为框架，取向硅钢产品质量持续提升，顾客满意度逐年提高。"


@pytest.fixture
def cycle(seeded):
    """An open 河北省政府质量奖 cycle of next year."""
    now = timezone.now()
    return AwardCycle.objects.create(
        programme=AwardProgramme.objects.get(code="hebei-provincial"),
        year=timezone.localdate().year + 1,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        quota=3,
        rubric=Rubric.objects.get(name=RUBRIC, version=1),
    )


@pytest.fixture
def second_reviewer(seeded):
    user = User.objects.create(
        username="reviewer_two",
        last_name="刘",
        first_name="明",
        organisation="河北省质量奖评审专家库",
        jurisdiction=Region.objects.get(name="唐山市"),
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


def _review(page, base_url, username, scores, recommendation):
    """A reviewer declares no conflict, reads the self-assessment, scores every category and submits."""
    sign_in(page, base_url, username, reverse("assistance:award-home"), DESKTOP)
    first = username == "reviewer"  # the guide's pictures are the first reviewer's
    if first:
        guide_shot(page, "reviewer-home")
    page.locator("a[href*='/awards/reviews/']", has_text=ENTERPRISE).click()
    page.wait_for_url(re.compile(r"/awards/reviews/\d+/$"))
    # Before declaring, the reviewer does not see the application.
    assert SELF_ASSESSMENT not in page.content()
    page.check("input[name=conflict][value=no]")
    if first:
        guide_shot(page, "reviewer-declare")
    submit(page, page.locator("form:has(input[name=conflict]) button[type=submit]"))

    assert SELF_ASSESSMENT in page.content()
    total = page.locator("#running-total")
    assert total.inner_text() == "0"
    running = 0
    for code, score in scores.items():
        page.fill(f"input[name=score_{code}]", str(score))
        running += score
        assert total.inner_text() == str(running)
    page.fill("textarea[name=comment]", f"{username}：领导、战略与结果部分证据充分。")
    page.select_option("select[name=recommendation]", recommendation)
    if first:
        guide_shot(page, "reviewer-score", show=page.locator("#review-form button[name=submit]"))
    submit(page, page.locator("#review-form button[name=submit]"))
    # The submitted review is locked and shows the reviewer's own total.
    assert page.locator("#review-form").count() == 0
    assert page.locator("#my-review tr.fw-bold").inner_text().split()[-3] == str(running)
    if first:
        guide_shot(page, "reviewer-submitted")
    return running


def test_a_provincial_quality_award_application_is_reviewed_and_approved(seeded, cycle, second_reviewer, page):
    page.on("dialog", lambda dialog: dialog.accept())
    base = seeded.url
    first_reviewer = User.objects.get(username="reviewer")
    categories = list(cycle.rubric.categories.order_by("position"))
    assert len(categories) == 7

    # The 迁安 inspector prepares the application and submits it.
    sign_in(page, base, "inspector_qianan", reverse("assistance:application-create"), DESKTOP)
    page.select_option("select[name=cycle]", str(cycle.pk))
    pick(page, "select[name=enterprise]", ENTERPRISE, typed="首钢智新")
    page.fill("textarea[name=self_assessment]", SELF_ASSESSMENT)
    page.fill("input[name=self_score]", "820")
    submit(page, page.locator("form:has(select[name=cycle]) [type=submit]"))
    page.wait_for_url(re.compile(r"/awards/applications/\d+/$"))
    application = AwardApplication.objects.get(cycle=cycle)
    assert application.enterprise.name == ENTERPRISE
    assert application.status == AwardApplication.Status.DRAFT
    application_path = reverse("assistance:application-detail", args=[application.pk])
    assert page.url == f"{base}{application_path}"
    submit(page, page.locator("form[data-step=submit] button[type=submit]"))
    application.refresh_from_db()
    assert application.status == AwardApplication.Status.SUBMITTED

    # The 唐山 manager accepts it and assigns the two reviewers.
    sign_in(page, base, "manager_tangshan", application_path, DESKTOP)
    accept = page.locator("form[data-step=accept]")
    for reviewer in (first_reviewer, second_reviewer):
        pick(page, "form[data-step=accept] select[name=accept-reviewers]", reviewer.display_name)
    guide_shot(page, "manager-accept-application", show=accept)
    submit(page, accept.locator("button[type=submit]"))
    application.refresh_from_db()
    assert application.status == AwardApplication.Status.UNDER_REVIEW
    assert set(application.assignments.values_list("reviewer__username", flat=True)) == {"reviewer", "reviewer_two"}

    # Each reviewer declares no conflict, scores every category and submits.
    first_scores = {c.code: c.max_points * 8 // 10 for c in categories}
    second_scores = {c.code: c.max_points * 7 // 10 for c in categories}
    first_total = _review(page, base, "reviewer", first_scores, "approve")
    second_total = _review(page, base, "reviewer_two", second_scores, "approve")
    assert sorted(Review.objects.filter(assignment__application=application).values_list("total", flat=True)) == sorted(
        [first_total, second_total]
    )
    application.refresh_from_db()
    assert application.status == AwardApplication.Status.PENDING_DECISION

    # The manager sees both reviews side by side and approves with a reason.
    sign_in(page, base, "manager_tangshan", application_path, DESKTOP)
    side_by_side = page.locator("#reviews-side-by-side")
    header = side_by_side.locator("thead").inner_text()
    assert first_reviewer.display_name in header
    assert second_reviewer.display_name in header
    assert side_by_side.locator("tbody tr").count() == len(categories) + 2
    totals = side_by_side.locator("tbody tr.fw-bold td").all_inner_texts()
    assert sorted(totals[:2]) == sorted([str(first_total), str(second_total)])
    approve = page.locator("form[data-step=approve]")
    guide_shot(page, "manager-side-by-side", show=side_by_side)
    approve.locator("textarea[name=approve-reason]").fill("两位评审均建议授奖，得分在名额范围内。")
    guide_shot(page, "manager-decide", show=approve)
    submit(page, approve.locator("button[type=submit]"))
    application.refresh_from_db()
    assert application.status == AwardApplication.Status.APPROVED
    assert page.locator(".alert-success", has_text="两位评审均建议授奖").count() == 1

    # The honour is now in the registry, on the enterprise's page.
    page.locator("dl a", has_text=ENTERPRISE).click()
    page.wait_for_selector(f"h1:has-text('{ENTERPRISE}')")
    honours = page.locator("#holdings li.list-group-item", has_text="河北省政府质量奖").filter(has_text=f"{cycle.year}")
    assert honours.count() == 1
    assert Honour.objects.filter(enterprise=application.enterprise, year=cycle.year, title="河北省政府质量奖").exists()

    # The cycle's page and its report rank the application within the quota.
    page.goto(f"{base}{reverse('assistance:cycle-detail', args=[cycle.pk])}")
    assert ENTERPRISE in page.locator("main").inner_text()
    guide_shot(page, "manager-cycle-detail")
    page.goto(f"{base}{reverse('reports:award-cycle', args=[cycle.pk])}")
    assert page.locator("a", has_text="Excel").count() >= 1
    guide_shot(page, "manager-award-report")
