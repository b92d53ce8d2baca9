"""The ticket list: a total order for every sort, numbered pages, and date filters as local days."""

import datetime
import re
import zoneinfo

import pytest
from django.forms.renderers import get_default_renderer
from django.urls import reverse

from assistance.filters import TicketFilter
from assistance.models import PRIORITY_RANK, Priority, Ticket
from clusters.rendering import QUICK_RENDERER

from .factories import TicketFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _numbers(client, **params) -> list[str]:
    response = client.get(reverse("assistance:ticket-list"), params)
    assert response.status_code == 200
    return [t["number"] for t in response.context["page"].object_list]


def test_sorting_by_priority_breaks_ties_newest_first_and_pages_never_overlap(client_for, manager, enterprise):
    opened = datetime.datetime(2025, 3, 1, 9, tzinfo=SHANGHAI)
    # Many tickets share a priority and even an opening time: only the id can order them.
    for i in range(30):
        TicketFactory(enterprise=enterprise, priority=(Priority.HIGH, Priority.LOW)[i % 2], opened_at=opened)
    client = client_for(manager)
    first = _numbers(client, ordering="priority", per_page=25)
    second = _numbers(client, ordering="priority", per_page=25, page=2)
    assert not set(first) & set(second)
    expected = list(
        Ticket.objects.order_by(
            "priority",  # "high" sorts before "low" by its code as by its rank
            "-opened_at",
            "-id",
        ).values_list("number", flat=True)
    )
    assert first + second == expected
    reverse_order = _numbers(client, ordering="-priority", per_page=25) + _numbers(
        client, ordering="-priority", per_page=25, page=2
    )
    assert reverse_order == expected[::-1]


def test_the_list_offers_numbered_pages_first_last_and_page_sizes(client_for, manager, enterprise, settings):
    settings.PAGINATE_BY = 25
    for _ in range(60):
        TicketFactory(enterprise=enterprise)
    response = client_for(manager).get(reverse("assistance:ticket-list"), {"page": 2})
    html = response.content.decode()
    assert re.search(r'href="\?page=1"', html)
    assert 'href="?page=last"' in html
    assert 'href="?page=3"' in html
    assert 'href="?per_page=50"' in html and 'href="?per_page=100"' in html
    last = client_for(manager).get(reverse("assistance:ticket-list"), {"page": "last"})
    assert last.context["page"].number == 3
    assert len(last.context["page"].object_list) == 10


def test_a_date_filter_takes_the_whole_local_day_and_nothing_of_the_next(client_for, manager, enterprise):
    late = TicketFactory(enterprise=enterprise, opened_at=datetime.datetime(2025, 6, 30, 23, 59, 59, tzinfo=SHANGHAI))
    TicketFactory(enterprise=enterprise, opened_at=datetime.datetime(2025, 7, 1, 0, 0, tzinfo=SHANGHAI))
    early = TicketFactory(enterprise=enterprise, opened_at=datetime.datetime(2025, 6, 1, 0, 0, tzinfo=SHANGHAI))
    TicketFactory(enterprise=enterprise, opened_at=datetime.datetime(2025, 5, 31, 23, 59, 59, tzinfo=SHANGHAI))
    listed = _numbers(client_for(manager), opened_after="2025-06-01", opened_before="2025-06-30")
    assert sorted(listed) == sorted([late.number, early.number])


def test_the_filter_form_is_drawn_exactly_as_djangos_own_widget_templates_draw_it(rf, manager, enterprise):
    TicketFactory(enterprise=enterprise)
    data = {"status": ["new", "assigned"], "q": 'a "quoted" <b>', "opened_after": "2025-01-01", "overdue": "true"}
    request = rf.get("/", data)
    request.user = manager
    quick = TicketFilter(request.GET, queryset=Ticket.objects.all(), request=request).form
    assert quick.renderer is QUICK_RENDERER
    plain = TicketFilter(request.GET, queryset=Ticket.objects.all(), request=request).form
    plain.renderer = get_default_renderer()  # Django's own, drawing from its widget templates
    for name in quick.fields:
        assert str(quick[name]) == str(plain[name]), name


def test_the_priority_rank_is_computed_only_when_the_list_sorts_by_it(rf, manager, enterprise):
    TicketFactory(enterprise=enterprise)
    request = rf.get("/")
    request.user = manager
    base = Ticket.objects.order_by("-opened_at", "-id")
    default = TicketFilter({}, queryset=base, request=request).qs
    by_priority = TicketFilter({"ordering": "priority"}, queryset=base, request=request).qs
    rank_test = '"assistance_ticket"."priority" = urgent'  # the rank's first WHEN, as the SQL shows it
    assert rank_test in str(Ticket.objects.annotate(rank=PRIORITY_RANK).query)
    assert rank_test not in str(default.query)
    assert rank_test in str(by_priority.query).split(" ORDER BY ")[1]
    assert list(by_priority) == list(default)


def test_filtering_by_several_statuses_adds_no_distinct(rf, manager, enterprise):
    # A DISTINCT over every column would sort all matching tickets before the first page is read.
    TicketFactory(enterprise=enterprise, status=Ticket.Status.NEW)
    request = rf.get("/", {"status": [Ticket.Status.NEW, Ticket.Status.ASSIGNED]})
    request.user = manager
    tickets = TicketFilter(request.GET, queryset=Ticket.objects.order_by("-opened_at", "-id"), request=request).qs
    assert "DISTINCT" not in str(tickets.query).upper()
    assert [t.status for t in tickets] == [Ticket.Status.NEW]
