"""The report charts as Chromium draws them at 1366 px and on an A4 page: text of a readable size that does not
run together."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import TicketCategory
from clusters.models import Enterprise
from tests.assistance.factories import TicketFactory
from tests.e2e.conftest import sign_in
from tests.factories import HonourFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
A4_PAGE = {"width": 703, "height": 1000}  # 210 mm less the print margins, at 96 px to the inch

# Each text of each chart: its box as drawn, whether it is turned, and its font size as drawn.
MEASURE = """() => [...document.querySelectorAll('svg.chart')].flatMap((svg, chart) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {chart, text: t.textContent, turned: t.hasAttribute('transform'), left: r.left, top: r.top,
            right: r.right, bottom: r.bottom, height: r.height, size: parseFloat(t.getAttribute('font-size')) * scale};
  });
})"""


def _at(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def _overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    """Upright texts of the same chart whose drawn boxes overlap by more than a pixel each way."""
    upright = [t for t in texts if not t["turned"] and t["text"]]
    return [
        (a["text"], b["text"])
        for i, a in enumerate(upright)
        for b in upright[i + 1 :]
        if a["chart"] == b["chart"]
        and min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
    ]


def _assert_readable(texts: list[dict]) -> None:
    assert texts, "the page has charts"
    small = [(t["text"], round(t["size"], 1)) for t in texts if t["size"] < 11]
    assert small == []
    low = [(t["text"], t["height"]) for t in texts if not t["turned"] and t["text"] and t["height"] < 11]
    assert low == []
    assert _overlaps(texts) == []


@pytest.fixture
def busy_year(seeded):
    """Two years of tickets in every category, and a cluster whose records skip years."""
    enterprise = Enterprise.objects.filter(cluster__isnull=False).order_by("pk").first()
    for month in range(1, 13):
        for year in (2024, 2025):
            for category in TicketCategory.objects.order_by("pk"):
                TicketFactory(enterprise=enterprise, category=category, opened_at=_at(year, month, 10, 9))
    HonourFactory(enterprise=enterprise, date=datetime.date(2016, 5, 5))
    return enterprise.cluster


def test_the_service_report_charts_are_readable_at_1366_px_and_in_print(page, seeded, busy_year):
    path = reverse("reports:service") + "?since=2024-01-01&until=2025-12-31"
    sign_in(page, seeded.url, "manager_tangshan", path, WIDE)
    texts = page.evaluate(MEASURE)
    _assert_readable(texts)
    page.emulate_media(media="print")
    page.set_viewport_size(A4_PAGE)
    _assert_readable(page.evaluate(MEASURE))


def test_the_cluster_report_charts_are_readable_at_1366_px_and_in_print(page, seeded, busy_year):
    path = reverse("reports:cluster", args=[busy_year.pk])
    sign_in(page, seeded.url, "manager_tangshan", path, WIDE)
    texts = page.evaluate(MEASURE)
    _assert_readable(texts)
    page.emulate_media(media="print")
    page.set_viewport_size(A4_PAGE)
    _assert_readable(page.evaluate(MEASURE))
