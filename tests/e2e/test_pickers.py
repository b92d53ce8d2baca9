"""The searchable pickers on a 375-px phone: found by typing, big enough for a thumb, in Chinese, under the CSP."""

import re

import pytest
from django.urls import reverse

from assistance.models import Visit
from clusters.models import Enterprise, User
from tests.assistance.factories import TicketFactory
from tests.e2e.conftest import pick, search_picker, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
ENTERPRISE = "首钢智新迁安电磁材料有限公司"


@pytest.fixture
def violations(page):
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return found


def _height(locator) -> float:
    return locator.evaluate("e => e.getBoundingClientRect().height")


def test_an_inspector_picks_the_enterprise_and_its_open_ticket_by_typing_on_a_phone(seeded, page, violations):
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    other = Enterprise.objects.filter(county=enterprise.county).exclude(pk=enterprise.pk).order_by("pk").first()
    ticket = TicketFactory(enterprise=enterprise, title="压力表检定周期咨询", status="assigned")
    TicketFactory(enterprise=other, title="压力表送检安排", status="assigned")
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:visit-create"), PHONE)

    # The page holds no list of enterprises: the picker's select has only its empty choice.
    assert page.locator("select[name=enterprise] option").count() == 1
    selection = page.locator("select[name=enterprise] + .select2-container .select2-selection")
    assert _height(selection) >= 44
    selection.click()
    search = page.locator(".select2-container--open .select2-search__field").first
    assert search.evaluate("e => getComputedStyle(e).fontSize") == "16px"
    search_picker(page, "智新迁安")
    row = page.locator(".select2-results__option[aria-selected]", has_text=ENTERPRISE)
    assert _height(row) >= 44
    assert page.locator(".select2-results__option[aria-selected]").count() == 1
    row.click()
    assert page.locator("select[name=enterprise]").input_value() == str(enterprise.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The tickets picker searches the chosen enterprise's open tickets only; its messages are in Chinese.
    page.locator("details summary").click()
    tickets = page.locator("select[name=tickets_worked] + .select2-container .select2-selection")
    tickets.click()
    search_picker(page, "压力表")
    assert page.locator(".select2-results__option[aria-selected]").all_inner_texts() == [
        f"{ticket.number} {ticket.title}（{ENTERPRISE}）"
    ]
    search_picker(page, "没有这样的求助")
    assert page.locator(".select2-results__message").inner_text() == "未找到结果"
    page.keyboard.press("Escape")
    pick(page, "select[name=tickets_worked]", ticket.number, typed=ticket.number[-6:])

    page.fill("[name=purpose]", "入企帮扶：压力表检定")
    page.click("form.visit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/assistance/visits/\d+/$"))
    visit = Visit.objects.get(purpose="入企帮扶：压力表检定")
    assert visit.enterprise == enterprise
    assert list(visit.tickets_worked.all()) == [ticket]
    assert list(visit.inspectors.all()) == [User.objects.get(username="inspector_qianan")]
    assert violations == []


def test_an_invalid_visit_comes_back_with_the_enterprise_still_picked(seeded, page, violations):
    sign_in(page, seeded.url, "inspector_qianan", reverse("assistance:visit-create"), PHONE)
    pick(page, "select[name=enterprise]", ENTERPRISE, typed="首钢")
    page.click("form.visit-form button[type=submit]")  # no purpose: the form comes back with an error
    page.locator(".invalid-feedback").first.wait_for()
    picked = page.locator("select[name=enterprise] + .select2-container .select2-selection__rendered")
    assert ENTERPRISE in picked.inner_text()
    assert violations == []
