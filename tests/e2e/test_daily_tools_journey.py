"""The everyday tools around the casework: an enterprise's file, the search box, the spreadsheet import,
the inbox, the API's documentation and the programme summary's Word report."""

import io
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from assistance.models import SupportTeam
from assistance.services import ticket_assign
from clusters.models import Enterprise, User
from tests.assistance.awards.factories import AwardApplicationFactory
from tests.assistance.factories import TicketFactory, VisitFactory
from tests.assistance.spreadsheets import enterprise_row, enterprises_xlsx
from tests.e2e.conftest import sign_in
from tests.e2e.guide import guide_shot
from tests.factories import make_credit_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 740}
ENTERPRISE = "首钢智新迁安电磁材料有限公司"


@pytest.fixture
def shougang(seeded):
    return Enterprise.objects.get(name=ENTERPRISE)


@pytest.fixture
def casework(shougang):
    """A ticket, a visit and an award application of 首钢智新."""
    inspector = User.objects.get(username="inspector_qianan")
    ticket = TicketFactory(enterprise=shougang, title="质量管理体系文件待完善", created_by=inspector)
    visit = VisitFactory(enterprise=shougang, purpose="入企帮扶：质量管理体系", inspectors=[inspector])
    application = AwardApplicationFactory(enterprise=shougang, prepared_by=inspector)
    return ticket, visit, application


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_manager_reads_an_enterprises_file_and_opens_a_ticket_for_it(seeded, page, shougang, casework):
    ticket, visit, application = casework
    path = reverse("clusters:enterprise-detail", args=[shougang.pk])
    sign_in(page, seeded.url, "manager_tangshan", path, DESKTOP)
    assert page.locator("h1").inner_text() == ENTERPRISE

    sections = {
        "#tickets": ("帮扶工单", ticket.number),
        "#visits": ("走访", visit.purpose),
        "#applications": ("质量奖申报", str(application.cycle.year)),
        "#history": ("档案变更记录", ""),
    }
    for anchor, (title, text) in sections.items():
        section = page.locator(f"section#panel-{anchor[1:]}")
        assert title in section.locator("h2").inner_text(), anchor
        rows = section.locator("li.list-group-item")
        assert rows.count() >= 1, anchor
        assert text in section.inner_text(), anchor

    # The button opens the ticket form with the enterprise already chosen.
    page.locator("a.btn", has_text="新建工单").first.click()
    page.wait_for_url(f"**{reverse('assistance:ticket-create')}?enterprise={shougang.pk}")
    assert page.locator("select[name=enterprise]").input_value() == str(shougang.pk)
    chosen = page.locator("select[name=enterprise] + .select2-container .select2-selection")
    assert ENTERPRISE in chosen.inner_text()

    # On a phone the file fits the screen's width.
    page.set_viewport_size(PHONE)
    page.goto(f"{seeded.url}{path}")
    assert _no_sideways_scroll(page)


def test_the_search_box_finds_an_enterprise_in_ones_own_county_only(seeded, page, shougang):
    sign_in(page, seeded.url, "manager_tangshan", "/", DESKTOP)
    box = page.locator("nav form[role=search] input[name=q]")
    box.fill("智新迁安")
    with page.expect_navigation():
        box.press("Enter")
    assert urlsplit(page.url).path == reverse("search")
    group = page.locator("section#results-enterprises")
    assert group.locator("h2").inner_text() == "企业"
    found = group.locator("a", has_text=ENTERPRISE)
    assert found.count() == 1
    found.click()
    page.wait_for_url(f"**{reverse('clusters:enterprise-detail', args=[shougang.pk])}")
    assert page.locator("h1").inner_text() == ENTERPRISE

    # The 丰润区 inspector searches the same words and finds nothing of 迁安市.
    sign_in(page, seeded.url, "inspector_fengrun", "/", DESKTOP)
    box = page.locator("nav form[role=search] input[name=q]")
    box.fill("智新迁安")
    with page.expect_navigation():
        box.press("Enter")
    assert ENTERPRISE not in page.locator("main").inner_text()
    assert page.locator("#no-results").count() == 1


def _upload(page, data: bytes, name: str) -> None:
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": data}
    )
    with page.expect_navigation():
        page.locator("form:has(input[name=file]) [type=submit]").click()


def test_a_manager_imports_enterprises_from_a_spreadsheet_only_once_it_has_no_error(seeded, page):
    sign_in(page, seeded.url, "manager_tangshan", reverse("clusters:enterprise-list"), DESKTOP)
    page.locator("a", has_text="从表格导入").click()
    page.wait_for_url(f"**{reverse('assistance:import-start')}")
    guide_shot(page, "admin-import-start")

    # The template downloads as a workbook.
    with page.expect_download() as caught:
        page.locator(f"a[href='{reverse('assistance:import-template', args=['enterprises'])}']").click()
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    headers = [
        cell.value for cell in next(load_workbook(io.BytesIO(download.path().read_bytes())).active.iter_rows(max_row=1))
    ]
    assert "统一社会信用代码" in headers

    # A file with a new enterprise and a row without a name: the preview shows both, and nothing may be imported.
    new_code = make_credit_code()
    bad = enterprises_xlsx([enterprise_row("迁安新材料科技有限公司", new_code), enterprise_row("", make_credit_code())])
    _upload(page, bad, "名单.xlsx")
    table = page.locator("table tbody")
    created = table.locator("tr.table-success")
    wrong = table.locator("tr.table-danger")
    assert created.count() == 1 and "新建" in created.inner_text()
    assert wrong.count() == 1 and "错误" in wrong.inner_text()
    assert wrong.locator("td").nth(1).inner_text() == "3"  # the spreadsheet's row number
    assert wrong.locator("td strong").first.inner_text() == "企业名称"  # the column at fault
    assert page.locator("form[action$='/confirm/']").count() == 0
    guide_shot(page, "admin-import-errors", show=wrong)
    # Sending the confirmation anyway is refused.
    preview_url = page.url
    with page.expect_navigation():
        page.evaluate(
            """url => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = url + 'confirm/';
                const csrf = document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode();
                form.appendChild(csrf);
                document.body.appendChild(form);
                form.submit();
            }""",
            urlsplit(preview_url).path,
        )
    assert page.url == preview_url
    assert page.locator(".alert-danger").count() >= 1
    assert not Enterprise.objects.filter(credit_code=new_code).exists()

    # The corrected file goes in on confirmation.
    page.goto(f"{seeded.url}{reverse('assistance:import-start')}")
    _upload(page, enterprises_xlsx([enterprise_row("迁安新材料科技有限公司", new_code)]), "名单.xlsx")
    guide_shot(page, "admin-import-preview")
    with page.expect_navigation():
        page.locator("form[action$='/confirm/'] button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("clusters:enterprise-list")
    assert page.locator(".alert-success").count() >= 1
    assert Enterprise.objects.get(credit_code=new_code).name == "迁安新材料科技有限公司"


def test_the_assignee_reads_the_assignment_in_the_inbox_and_lands_on_the_ticket(seeded, page, shougang):
    manager = User.objects.get(username="manager_tangshan")
    inspector = User.objects.get(username="inspector_qianan")
    team = SupportTeam.objects.get(clusters__name="迁安市钢铁产业集群")
    ticket = TicketFactory(enterprise=shougang, title="标准化良好行为创建咨询", created_by=manager)
    ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector)

    sign_in(page, seeded.url, "inspector_qianan", "/", DESKTOP)
    badge = page.locator("#inbox-unread")
    assert badge.count() == 1
    assert badge.inner_text().startswith("1")
    page.locator("#inbox-link").click()
    page.wait_for_url(f"**{reverse('assistance:inbox')}")
    unread = page.locator("#inbox-list li[data-unread]")
    assert unread.count() == 1
    assert ticket.number in unread.inner_text()
    with page.expect_navigation():
        unread.locator("form[action$='/open/'] button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("assistance:ticket-detail", args=[ticket.pk])
    assert page.locator("#inbox-unread").count() == 0


def test_the_api_documentation_renders_from_the_site_alone(seeded, page):
    requested: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    sign_in(page, seeded.url, "manager_tangshan", "/", DESKTOP)
    page.goto(f"{seeded.url}/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 1
    assert [
        text for text in console_errors if "Content Security Policy" in text or "Content-Security-Policy" in text
    ] == []
    server = urlsplit(seeded.url).netloc
    elsewhere = [
        url for url in requested if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != server
    ]
    assert elsewhere == []


def test_the_programme_summary_downloads_as_a_word_document(seeded, page):
    sign_in(page, seeded.url, "manager_tangshan", reverse("reports:summary"), DESKTOP)
    guide_shot(page, "manager-summary")
    with page.expect_download() as caught:
        page.locator("#summary-docx").click()
    download = caught.value
    assert download.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(download.path().read_bytes()))
    assert any(paragraph.text.strip() for paragraph in document.paragraphs)
