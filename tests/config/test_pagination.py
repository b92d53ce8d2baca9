"""Numbered pages, first and last, a choice of size, and the back half read from the end."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from clusters.models import Region
from config.pagination import PAGE_SIZES, paginate

pytestmark = pytest.mark.django_db

ROWS = 133  # five pages of 25 and a short sixth


@pytest.fixture
def regions():
    # Names repeat, so only the primary key makes the order total.
    Region.objects.bulk_create([Region(name=f"区{i % 7}", level=Region.Level.COUNTY) for i in range(ROWS)])
    return Region.objects.order_by("name", "pk")


def _page(regions, **params):
    return paginate(RequestFactory().get("/", params), regions)


def test_every_row_is_on_exactly_one_page_in_order_whichever_end_a_page_is_read_from(regions):
    for size in PAGE_SIZES:
        first = _page(regions, per_page=size)
        pages = [_page(regions, per_page=size, page=n) for n in range(1, first.paginator.num_pages + 1)]
        read = [region.pk for page in pages for region in page.object_list]
        assert read == list(regions.values_list("pk", flat=True)), f"{size} per page"


def test_the_last_page_is_read_with_an_offset_no_larger_than_the_first(regions):
    def offset(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            list(_page(regions, **params).object_list)
        rows = [q["sql"] for q in queries.captured_queries if "COUNT(" not in q["sql"]]
        found = re.search(r"OFFSET (\d+)", rows[-1])
        return int(found.group(1)) if found else 0

    assert offset(page=1) == 0
    assert offset(page="last") == 0
    assert offset(page=4) == ROWS - 4 * 25  # the fourth of six, read from the end: skips the rows after it
    assert offset(page=2) == 25


@pytest.mark.parametrize(
    ("asked", "number"),
    [("last", 6), ("2", 2), ("abc", 1), ("0", 1), ("-3", 1), ("1.5", 1), ("7", 6), (str(10**30), 6), ("", 1)],
)
def test_any_page_asked_for_gives_a_page(regions, asked, number):
    assert _page(regions, page=asked).number == number


@pytest.mark.parametrize(("asked", "size"), [("50", 50), ("100", 100), ("7", 25), ("10000", 25), ("x", 25)])
def test_only_the_offered_page_sizes_are_taken(regions, settings, asked, size):
    settings.PAGINATE_BY = 25
    assert _page(regions, per_page=asked).paginator.per_page == size


def test_the_page_list_is_numbered_with_first_and_last_elided_in_the_middle(regions, settings):
    settings.PAGINATE_BY = 10
    page = _page(regions, page=3)  # 14 pages
    assert page.elided_range == [1, 2, 3, 4, 5, page.paginator.ELLIPSIS, 14]


@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
def test_an_unordered_list_is_still_paginated_by_offset(regions):
    unordered = Region.objects.all().order_by()
    page = paginate(RequestFactory().get("/", {"page": "last"}), unordered)
    assert len(page.object_list) == ROWS % 25
