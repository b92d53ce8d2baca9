"""A metrology ticket raised on a phone during a visit, from the visit to its closing."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assistance.models import SupportTeam, Ticket
from clusters.models import User
from tests.e2e.conftest import pick, sign_in
from tests.e2e.guide import guide_shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
ENTERPRISE = "首钢智新迁安电磁材料有限公司"
TICKET_TITLE = "能源计量器具检定周期不清"


def _act(page, action, shot=None, **fields):
    """Fill the fields of the ticket action form (names prefixed with the action) and take the action.

    A searchable picker takes the label of its row; a plain select, the value of its option. `shot` names
    the guide's picture of the filled form, taken before the action.
    """
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        selector = f"form[data-action={action}] [name={action}-{name}]"
        field = page.locator(selector)
        if field.get_attribute("data-autocomplete-url"):
            pick(page, selector, value)
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if shot:
        guide_shot(page, shot, show=form)
    asked = []

    def confirm(dialog):  # a step that cannot be undone asks first; the person says yes
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.remove_listener("dialog", confirm)
    errors = page.locator(".alert-danger")
    assert errors.count() == 0, errors.all_inner_texts()
    return asked


def _labels(*statuses):
    with translation.override(settings.LANGUAGE_CODE):
        return [str(Ticket.Status(status).label) for status in statuses]


def test_a_metrology_ticket_raised_on_a_visit_is_assigned_worked_and_closed(seeded, page):
    base = seeded.url
    inspector = User.objects.get(username="inspector_qianan")
    team = SupportTeam.objects.get(clusters__name="迁安市钢铁产业集群")

    # The 迁安 inspector logs the visit on a phone and raises a metrology ticket inline.
    visit_form = reverse("assistance:visit-create")
    sign_in(page, base, "inspector_qianan", visit_form, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The enterprise picker finds the enterprise from a few characters of its name.
    pick(page, "select[name=enterprise]", ENTERPRISE, typed="智新迁安")
    page.fill("[name=purpose]", "入企帮扶：能源计量器具管理")
    page.fill("[name=findings]", "部分能源计量器具未按期检定，台账不全。")
    guide_shot(page, "inspector-visit-form-phone")
    ticket_fields = page.locator("#raise-ticket-fields")
    assert not ticket_fields.is_visible()
    page.check("input[name=raise_ticket]")
    ticket_fields.wait_for(state="visible")
    page.select_option("select[name=ticket_category]", label="计量")
    page.fill("[name=ticket_title]", TICKET_TITLE)
    page.fill("[name=ticket_description]", "企业请求协助梳理能源计量器具检定周期并联系检定机构。")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    guide_shot(page, "inspector-visit-ticket-phone", show=page.locator("form.visit-form button[type=submit]"))
    page.click("form.visit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/assistance/visits/\d+/$"))
    guide_shot(page, "inspector-visit-saved-phone", show=page.locator("table tbody tr", has_text=TICKET_TITLE))

    # The visit page lists the ticket it raised.
    raised = page.locator("table tbody tr", has_text=TICKET_TITLE)
    assert raised.count() == 1
    assert "计量" in raised.inner_text()
    assert ENTERPRISE in raised.inner_text()
    ticket = Ticket.objects.get(title=TICKET_TITLE)
    assert ticket.category.name == "计量"
    assert ticket.raised_in_visit is not None
    assert ticket.created_by == inspector
    ticket_path = reverse("assistance:ticket-detail", args=[ticket.pk])
    assert raised.locator("a").first.get_attribute("href") == ticket_path
    assert ticket.number in raised.inner_text()

    # The 唐山 manager, at a desk, gives the ticket to the inspector's team and to the inspector.
    sign_in(page, base, "manager_tangshan", ticket_path, DESKTOP)
    _act(
        page,
        "assign",
        shot="manager-assign-ticket",
        team=str(team.pk),
        assignee=inspector.display_name,
        note="请迁安组跟进。",
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.team, ticket.assignee) == (Ticket.Status.ASSIGNED, team, inspector)

    # The inspector, on the phone again, starts the work and resolves it.
    sign_in(page, base, "inspector_qianan", ticket_path, PHONE)
    assert page.locator("form[data-action=assign]").count() == 0
    _act(page, "start", shot="inspector-ticket-start-phone")
    _act(
        page,
        "resolve",
        shot="inspector-ticket-resolve-phone",
        resolution="已协助企业建立计量器具台账并联系唐山市计量测试所完成检定。",
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert page.locator("form[data-action=close]").count() == 0

    # The manager closes it.
    sign_in(page, base, "manager_tangshan", ticket_path, DESKTOP)
    assert _act(page, "close", shot="manager-close-ticket", note="企业确认问题已解决。"), "closing asks first"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert page.locator("form[data-action]").count() == 0

    # The timeline shows opening, then the four steps in order; the status is closed.
    events = page.locator("#timeline > li:has(strong) > strong").all_inner_texts()
    assert events == _labels("new", "assigned", "in_progress", "resolved", "closed")
    (closed,) = _labels("closed")
    assert page.locator("span.badge", has_text=closed).count() >= 1
    assert "已协助企业建立计量器具台账" in page.content()
    guide_shot(page, "manager-ticket-closed", show=page.locator("#timeline"))
