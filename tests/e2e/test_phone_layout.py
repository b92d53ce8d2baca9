"""The lists on a 375-px phone: cards or a sideways-scrolling table, never a page wider than the screen;
on a desktop the same lists are still tables."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from assistance.awards.models import AwardCycle
from assistance.models import SupportTeam, Ticket
from clusters.models import Cluster, Enterprise, User
from tests.assistance.factories import TicketFactory
from tests.e2e.conftest import search_picker, sign_in
from tests.e2e.guide import guide_shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
ENTERPRISE = "首钢智新迁安电磁材料有限公司"
CLUSTER = "迁安市钢铁产业集群"
OVERDUE_TITLE = "能源计量器具检定周期与送检机构选择咨询"

# Every table of a page is either turned into cards or scrolls sideways inside its wrapper on a phone;
# a table marked neither way, a page wider than the screen, or a card or cell whose text runs past its
# edge is reported.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) problems.push(`page ${root.scrollWidth} > ${window.innerWidth}`);
  const tables = [...document.querySelectorAll("main table")];
  for (const table of tables) {
    if (!table.matches(".table-cards, .table-scroll")) problems.push(`plain table: ${table.outerHTML.slice(0, 80)}`);
  }
  // What could hide text: a box that clips or scrolls its overflow, and every card and cell.
  const boxes = [...document.querySelectorAll("main *")].filter(e => getComputedStyle(e).overflowX !== "visible");
  boxes.push(...document.querySelectorAll("main table tr, main table td, main table th"));
  for (const element of boxes) {
    if (!element.clientWidth || element.scrollWidth <= element.clientWidth + 1) continue;
    const scroller = element.matches(".table-responsive") && element.querySelector(":scope > table.table-scroll");
    if (!scroller) problems.push(`clipped ${element.tagName}.${element.className}: ${element.textContent.trim().slice(0, 40)}`);
  }
  // A column squeezed to a character or two a line.
  for (const cell of document.querySelectorAll("main table td")) {
    if (cell.textContent.trim().length >= 3 && cell.clientWidth < 48) problems.push(`squeezed: ${cell.textContent.trim().slice(0, 40)}`);
  }
  const cards = [...document.querySelectorAll("main table.table-cards > tbody > tr")];
  for (const card of cards) {
    const style = getComputedStyle(card);
    if (style.display !== "flex") problems.push(`row not a card: ${card.textContent.trim().slice(0, 40)}`);
    const box = card.getBoundingClientRect();
    if (box.left < 0 || box.right > window.innerWidth) problems.push(`card off screen: ${box.left}-${box.right}`);
  }
  for (const head of document.querySelectorAll("main table.table-cards > thead")) {
    if (head.getBoundingClientRect().height) problems.push("column heads shown above cards");
  }
  return {problems, tables: tables.length, cards: cards.length};
}"""

TABLE_LAYOUT = """() => [...document.querySelectorAll("main table")].map(table => ({
  display: getComputedStyle(table).display,
  head: table.tHead ? getComputedStyle(table.tHead).display : "table-header-group",
  row: table.tBodies[0].rows.length ? getComputedStyle(table.tBodies[0].rows[0]).display : "table-row",
}))"""


@pytest.fixture
def work(seeded):
    """Seed-like work in 迁安: an overdue ticket of the 迁安 inspector and their team, and a fresh one."""
    inspector = User.objects.get(username="inspector_qianan")
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    team = SupportTeam.objects.get(clusters__name=CLUSTER)
    overdue = TicketFactory(
        enterprise=enterprise,
        title=OVERDUE_TITLE,
        status=Ticket.Status.ASSIGNED,
        team=team,
        assignee=inspector,
        due_at=timezone.now() - datetime.timedelta(days=3),
    )
    TicketFactory(
        enterprise=enterprise, title="标准体系建设辅导", status=Ticket.Status.ASSIGNED, team=team, assignee=inspector
    )
    return {"url": seeded.url, "overdue": overdue, "team": team, "cluster": Cluster.objects.get(name=CLUSTER)}


def _pages(work) -> list[tuple[str, str]]:
    manager, inspector = "manager_tangshan", "inspector_qianan"
    return [
        (manager, reverse("assistance:ticket-list")),
        (manager, reverse("assistance:visit-list")),
        (manager, reverse("clusters:cluster-list")),
        (manager, reverse("clusters:enterprise-list")),
        (manager, reverse("clusters:cluster-detail", args=[work["cluster"].pk])),
        (manager, reverse("assistance:training-list")),
        (manager, reverse("assistance:team-list")),
        (manager, reverse("assistance:team-detail", args=[work["team"].pk])),
        (manager, reverse("assistance:application-list")),
        (manager, reverse("assistance:cycle-list")),
        (manager, reverse("assistance:cycle-detail", args=[AwardCycle.objects.order_by("pk").first().pk])),
        (manager, reverse("home")),
        (inspector, reverse("home")),
        (inspector, reverse("assistance:home")),
    ]


def _open(page, work, username: str, path: str, viewport: dict, signed_in: str | None) -> None:
    if username == signed_in:
        page.goto(f"{work['url']}{path}")
    else:
        sign_in(page, work["url"], username, path, viewport)


def test_every_list_fits_a_phone_screen_as_cards_or_a_sideways_scrolling_table(work, page):
    signed_in = None
    for username, path in _pages(work):
        _open(page, work, username, path, PHONE, signed_in)
        signed_in = username
        layout = page.evaluate(LAYOUT_PROBLEMS)
        assert layout["tables"], f"{username} {path}: no list shown"
        assert layout["problems"] == [], f"{username} {path}"


def _report_pages(work) -> list[str]:
    cycle = AwardCycle.objects.filter(applications__status="approved").order_by("pk").first()
    return [
        reverse("reports:service"),
        reverse("reports:cluster", args=[work["cluster"].pk]),
        reverse("reports:summary"),
        reverse("reports:award-cycle", args=[cycle.pk]),
    ]


def test_every_report_table_fits_a_phone_screen_as_a_sideways_scrolling_table(work, page):
    pages = _report_pages(work)
    sign_in(page, work["url"], "manager_tangshan", pages[0], PHONE)
    for path in pages:
        page.goto(f"{work['url']}{path}")
        layout = page.evaluate(LAYOUT_PROBLEMS)
        assert layout["tables"] >= 2, f"{path}: no report table shown"
        assert layout["problems"] == [], path
    # On a desktop the same tables are plain tables.
    page.set_viewport_size(DESKTOP)
    for path in pages:
        page.goto(f"{work['url']}{path}")
        for table in page.evaluate(TABLE_LAYOUT):
            assert (table["display"], table["head"], table["row"]) == ("table", "table-header-group", "table-row"), path
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"], path


def test_a_ticket_card_shows_number_title_enterprise_status_and_due_on_a_phone(work, page):
    ticket = work["overdue"]
    sign_in(page, work["url"], "manager_tangshan", f"{reverse('assistance:ticket-list')}?q={ticket.number}", PHONE)
    card = page.locator("table.ticket-table > tbody > tr", has_text=ticket.number)
    assert card.count() == 1
    with translation.override(settings.LANGUAGE_CODE):
        status = str(ticket.get_status_display())
    text = card.inner_text()
    for shown in (
        ticket.number,
        OVERDUE_TITLE,
        ENTERPRISE,
        status,
        timezone.localtime(ticket.due_at).strftime("%Y-%m-%d"),
        "逾期",
    ):
        assert shown in text
    # The number and the status badge share the card's first line, the title comes under them.
    number = card.locator("td.ticket-number").bounding_box()
    badge = card.locator("td.ticket-status .badge").bounding_box()
    title = card.locator("td.ticket-title").bounding_box()
    assert abs(number["y"] - badge["y"]) < number["height"]
    assert badge["x"] > number["x"] + number["width"]
    assert title["y"] >= number["y"] + number["height"] - 1
    assert badge["x"] + badge["width"] <= PHONE["width"]
    # The overdue card is marked as such.
    assert "table-danger" in card.get_attribute("class")
    guide_shot(page, "inspector-ticket-card-phone")


def test_on_a_desktop_the_lists_are_still_tables(work, page):
    signed_in = None
    for username, path in _pages(work):
        _open(page, work, username, path, DESKTOP, signed_in)
        signed_in = username
        tables = page.evaluate(TABLE_LAYOUT)
        assert tables, f"{username} {path}"
        for table in tables:
            assert (table["display"], table["head"], table["row"]) == ("table", "table-header-group", "table-row")
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


def test_the_cluster_list_scrolls_sideways_on_a_phone_with_the_cluster_names_fixed(work, page):
    sign_in(page, work["url"], "manager_tangshan", reverse("clusters:cluster-list"), PHONE)
    wrapper = page.locator(".table-responsive:has(> table.cluster-table)")
    assert wrapper.evaluate("e => e.scrollWidth > e.clientWidth")
    first = page.locator("table.cluster-table > tbody > tr").first.locator("td").first
    before = first.bounding_box()["x"]
    wrapper.evaluate("e => { e.scrollLeft = 200; }")
    assert wrapper.evaluate("e => e.scrollLeft") > 0
    assert first.bounding_box()["x"] == before
    # The figures stay on one line each rather than a character a line.
    figure = page.locator("table.cluster-table > tbody > tr").first.locator("td").nth(2)
    lines = figure.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
    )
    assert lines == 1


def _box(locator) -> dict:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height, width: r.width}; }"
    )


def test_the_visit_form_pickers_are_thumb_sized_and_open_inside_the_screen(work, page):
    sign_in(page, work["url"], "inspector_qianan", reverse("assistance:visit-create"), PHONE)
    page.locator("details summary").click()
    assert _box(page.locator("details summary"))["height"] >= 44
    for name in ("enterprise", "inspectors", "experts", "tickets_worked"):
        selection = page.locator(f"select[name={name}] + .select2-container .select2-selection")
        selection.scroll_into_view_if_needed()
        assert _box(selection)["height"] >= 44, name
        selection.click()
        dropdown = page.locator(".select2-container--open .select2-dropdown")
        dropdown.wait_for()
        page.locator(".select2-results__option.loading-results").wait_for(state="detached")
        box = _box(dropdown)
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], name
        assert box["top"] >= 0 and box["bottom"] <= PHONE["height"], name
        for row in page.locator(".select2-results__option[aria-selected]").all()[:5]:
            assert _box(row)["height"] >= 44, name
        if name == "enterprise":  # the tickets picker offers the chosen enterprise's tickets only
            search_picker(page, "智新迁安")
            page.locator(".select2-results__option[aria-selected]", has_text=ENTERPRISE).click()
        else:
            page.keyboard.press("Escape")
    # The signed-in inspector is already chosen; the cross that removes them is a thumb's size.
    remove = page.locator("select[name=inspectors] + .select2-container .select2-selection__choice__remove").first
    box = _box(remove)
    assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_list_printed_from_a_phone_keeps_its_table(work, page):
    sign_in(page, work["url"], "manager_tangshan", reverse("assistance:ticket-list"), PHONE)
    assert page.evaluate(TABLE_LAYOUT)[0]["row"] == "flex"
    page.emulate_media(media="print")
    (table,) = page.evaluate(TABLE_LAYOUT)
    assert (table["display"], table["head"], table["row"]) == ("table", "table-header-group", "table-row")


def test_the_benchmark_indicator_form_is_a_card_per_indicator_on_a_phone(work, page):
    from assistance.benchmarking.models import Participation

    participation = Participation.objects.order_by("pk").first()
    path = reverse("assistance:benchmarking-participation", args=[participation.pk])
    sign_in(page, work["url"], "manager_tangshan", path, PHONE)
    layout = page.evaluate(LAYOUT_PROBLEMS)
    assert layout["problems"] == [], path
    inputs = page.locator("table.indicator-forms input[type=number]")
    assert inputs.count() >= 3
    # Each value box takes the card's width, not a few characters of a squeezed column.
    assert min(inputs.nth(i).bounding_box()["width"] for i in range(3)) > 250
    # Each box says what it is: its column's name before it, as the column heads are hidden.
    labels = page.locator("table.indicator-forms > tbody > tr").first.evaluate(
        "row => [...row.cells].map(cell => getComputedStyle(cell, '::before').content)"
    )
    heads = page.locator("table.indicator-forms > thead th").all_inner_texts()
    assert labels == [f'"{head}："' for head in heads]
