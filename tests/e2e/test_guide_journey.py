"""What the other journeys leave out and the user guide shows: a ticket waiting on its enterprise, photos
of a visit, a training, the overdue tickets, the administrator's pages; and the guide itself: its "?"
links, and its print on A4."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import SupportTeam, Ticket, Training
from assistance.services import ticket_start
from clusters.models import Enterprise, User
from tests.assistance.factories import TicketFactory, VisitFactory
from tests.e2e.conftest import sign_in
from tests.e2e.guide import guide_shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
ENTERPRISE = "首钢智新迁安电磁材料有限公司"
CLUSTER = "迁安市钢铁产业集群"


@pytest.fixture
def inspector(seeded):
    return User.objects.get(username="inspector_qianan")


@pytest.fixture
def shougang(seeded):
    return Enterprise.objects.get(name=ENTERPRISE)


@pytest.fixture
def team(seeded):
    return SupportTeam.objects.get(clusters__name=CLUSTER)


def _submit(page, form):
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_an_inspector_puts_a_ticket_on_hold_for_the_enterprise_and_resumes_it_on_a_phone(
    seeded, page, inspector, shougang, team
):
    ticket = TicketFactory(
        enterprise=shougang,
        title="计量器具送检资料待企业补充",
        status=Ticket.Status.ASSIGNED,
        team=team,
        assignee=inspector,
    )
    ticket_start(ticket_id=ticket.pk, user=inspector)
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:ticket-detail", args=[ticket.pk]), PHONE)
    wait = page.locator("form[data-action=wait]")
    wait.locator("[name=wait-note]").fill("等待企业提供近三年检定证书。")
    guide_shot(page, "inspector-ticket-wait-phone", show=wait)
    _submit(page, wait)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.waiting_since is not None
    resume = page.locator("form[data-action=resume]")
    assert resume.count() == 1
    guide_shot(page, "inspector-ticket-resume-phone", show=resume)
    _submit(page, resume)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IN_PROGRESS


def test_an_inspector_attaches_a_photo_to_a_visit_and_an_iphone_photo_is_refused_with_the_way_out(
    seeded, page, inspector, shougang
):
    visit = VisitFactory(enterprise=shougang, purpose="入企帮扶：计量器具检查", inspectors=[inspector])
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:visit-detail", args=[visit.pk]), PHONE)
    photo = page.screenshot(type="jpeg", quality=60)  # a real JPEG, as a phone's camera writes
    upload = page.locator("form:has(input[type=file][name=file])")

    upload.locator("input[type=file]").set_input_files(
        {"name": "IMG_0412.HEIC", "mimeType": "image/heic", "buffer": photo}
    )
    _submit(page, upload)
    refusal = page.locator(".alert-danger, .invalid-feedback")
    assert "HEIC" in refusal.first.inner_text()
    guide_shot(page, "inspector-upload-heic-phone", show=refusal)

    upload = page.locator("form:has(input[type=file][name=file])")
    upload.locator("input[type=file]").set_input_files(
        {"name": "计量器具台账.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    _submit(page, upload)
    thumb = page.locator("img.attachment-thumb")
    assert thumb.count() == 1
    assert visit.attachments.count() == 1
    guide_shot(page, "inspector-upload-photo-phone", show=thumb)


def test_an_inspector_records_a_training(seeded, page, inspector):
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:training-create"), DESKTOP)
    page.fill("[name=date]", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.fill("[name=title]", "能源计量器具管理培训")
    page.select_option("select[name=category]", label="计量")
    page.fill("[name=place]", "迁安市市场监督管理局三楼会议室")
    page.fill("[name=attendee_count]", "36")
    guide_shot(page, "inspector-training-form")
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()
    assert re.search(r"/assistance/trainings/\d+/$", urlsplit(page.url).path)
    training = Training.objects.get(title="能源计量器具管理培训")
    assert (training.attendee_count, training.region_id) == (36, inspector.jurisdiction_id)


def test_the_dashboards_lead_to_the_work_and_the_manager_to_the_overdue_tickets(
    seeded, page, inspector, shougang, team
):
    overdue = TicketFactory(
        enterprise=shougang,
        title="能源计量器具检定周期与送检机构选择咨询",
        status=Ticket.Status.ASSIGNED,
        team=team,
        assignee=inspector,
        due_at=timezone.now() - datetime.timedelta(days=3),
    )
    sign_in(page, seeded.url, "inspector_qianan", "/", PHONE)
    assert overdue.number in page.locator("main").inner_text()
    guide_shot(page, "inspector-home-phone")

    sign_in(page, seeded.url, "manager_tangshan", "/", DESKTOP)
    guide_shot(page, "manager-home")
    figure = page.locator(".stat-card", has_text="逾期工单").locator("a")
    assert figure.inner_text() == "1"
    with page.expect_navigation():
        figure.click()
    assert urlsplit(page.url).path == reverse("assistance:ticket-list")
    rows = page.locator("table.ticket-table > tbody > tr")
    assert rows.count() == 1
    assert overdue.number in rows.first.inner_text()
    guide_shot(page, "manager-overdue")


def test_an_administrator_keeps_users_jurisdictions_reference_data_and_award_cycles_in_admin(seeded, page, inspector):
    sign_in(page, seeded.url, "admin", reverse("admin:index"), DESKTOP)
    guide_shot(page, "admin-index")
    page.goto(f"{seeded.url}{reverse('admin:clusters_user_changelist')}")
    assert page.locator("#result_list", has_text="inspector_qianan").count() == 1
    guide_shot(page, "admin-users")
    page.goto(f"{seeded.url}{reverse('admin:clusters_user_change', args=[inspector.pk])}")
    jurisdiction = page.locator(".field-jurisdiction")
    assert "迁安市" in jurisdiction.inner_text()
    guide_shot(page, "admin-user-jurisdiction", show=page.locator(".field-organisation"))
    page.goto(f"{seeded.url}{reverse('admin:assistance_servicelevel_changelist')}")
    assert page.locator("#result_list tbody tr").count() >= 4
    guide_shot(page, "admin-reference-data")
    page.goto(f"{seeded.url}{reverse('admin:assistance_awardcycle_add')}")
    for field in ("programme", "year", "opens_at", "closes_at", "quota", "rubric"):
        assert page.locator(f".field-{field}").count() == 1, field
    guide_shot(page, "admin-award-cycle")


def test_the_question_mark_opens_the_part_of_the_guide_about_the_page(seeded, page):
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:visit-create"), PHONE)
    with page.expect_navigation():
        page.locator("#help-link").click()
    assert urlsplit(page.url).path == reverse("help-page", args=["inspector"])
    assert urlsplit(page.url).fragment == "inspector-log-visit"
    heading = page.locator("h2#inspector-log-visit")
    assert heading.is_visible()
    # Bootstrap scrolls smoothly: the section's heading comes to the top of the screen (below its scroll
    # margin of 2.5rem, 40 px) and stays there.
    page.wait_for_function(
        "() => Math.abs(document.getElementById('inspector-log-visit').getBoundingClientRect().top) <= 48"
    )
    box = heading.bounding_box()
    assert abs(box["y"]) <= 48, "the section's heading is at the top of the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    guide_shot(page, "guide-help-phone")

    # The guide's images are served, and fit the phone's screen.
    for image in page.locator("img.guide-shot").all()[:3]:
        image.scroll_into_view_if_needed()
        assert image.evaluate("e => e.complete && e.naturalWidth > 0")
        assert image.bounding_box()["width"] <= PHONE["width"]

    # The navigation's 帮助 opens the guide's index.
    page.set_viewport_size(DESKTOP)
    page.locator("#main-nav a", has_text="帮助").click()
    page.wait_for_url(f"**{reverse('help')}")
    assert page.locator("article h1").count() == 1


def test_the_whole_guide_prints_on_a4_without_navigation_each_role_on_new_sheets(seeded, page):
    sign_in(page, seeded.url, "manager_tangshan", reverse("help-print"), DESKTOP)
    page.emulate_media(media="print")
    layout = page.evaluate(
        """() => ({
          nav: getComputedStyle(document.querySelector("nav.navbar")).display,
          breaks: [...document.querySelectorAll(".guide-part")].map(e => getComputedStyle(e).breakBefore),
          wide: [...document.querySelectorAll("img.guide-shot")].filter(
            i => i.getBoundingClientRect().width > document.querySelector("main").clientWidth + 1).length,
          images: document.querySelectorAll("img.guide-shot").length,
        })"""
    )
    assert layout["nav"] == "none"
    assert layout["breaks"][0] != "page" and set(layout["breaks"][1:]) == {"page"}
    assert layout["images"] > 10 and layout["wide"] == 0
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    sheets = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert sheets >= len(layout["breaks"]), "each part starts a sheet of its own"
