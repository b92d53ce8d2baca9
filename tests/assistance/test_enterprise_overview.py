"""The enterprise's file and the cluster's summary: the casework panels assistance adds to the registry's pages."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance.models import Ticket
from assistance.notifications.services import inbox_changed
from clusters import services as registry_services
from clusters.panels import enterprise_panels, register_enterprise_panel
from tests.factories import EnterpriseFactory, UserFactory
from tests.forms import posted

from .awards.factories import AwardApplicationFactory, reviewer_user
from .factories import TicketFactory, TrainingFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _panel(response, key):
    found = [panel for panel in response.context["panels"] if panel.key == key]
    return found[0].context if found else None


def _keys(response) -> list[str]:
    return [panel.key for panel in response.context["panels"]]


def _rows(response, key) -> list:
    return list(_panel(response, key)["page"].object_list)


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _queries(client, url) -> int:
    """The queries of a page with nothing kept from an earlier request (list counts are kept until a change)."""
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# Each section lists the enterprise's rows, newest first


def test_the_tickets_section_lists_the_enterprises_tickets_newest_first_with_the_overdue_flag(
    client_for, inspector, enterprise, other_enterprise
):
    old = TicketFactory(enterprise=enterprise, opened_at=_days_ago(30))
    late = TicketFactory(enterprise=enterprise, opened_at=_days_ago(10))
    new = TicketFactory(enterprise=enterprise, opened_at=_days_ago(1))
    Ticket.objects.filter(pk__in=[old.pk, new.pk]).update(due_at=_days_ago(-5))
    Ticket.objects.filter(pk=late.pk).update(due_at=_days_ago(1))
    TicketFactory(enterprise=other_enterprise)

    response = client_for(inspector).get(enterprise.get_absolute_url())

    rows = _rows(response, "tickets")
    assert rows == [new, late, old]
    assert [t.overdue for t in rows] == [False, True, False]
    body = response.content.decode()
    assert new.number in body and "逾期" in body


def test_the_visits_section_lists_the_enterprises_visits_newest_first(
    client_for, inspector, enterprise, other_enterprise, team
):
    first = VisitFactory(enterprise=enterprise, date=datetime.date(2021, 5, 1), team=team, purpose="计量器具检定")
    second = VisitFactory(enterprise=enterprise, date=datetime.date(2022, 5, 1), purpose="标准化良好行为")
    VisitFactory(enterprise=other_enterprise)

    response = client_for(inspector).get(enterprise.get_absolute_url())

    assert _rows(response, "visits") == [second, first]
    body = response.content.decode()
    assert "计量器具检定" in body and team.name in body


def test_the_trainings_section_lists_the_trainings_the_enterprise_attended_newest_first(
    client_for, inspector, enterprise, county
):
    older = TrainingFactory(region=county, date=datetime.date(2021, 3, 1), enterprises=[enterprise])
    newer = TrainingFactory(region=county, date=datetime.date(2022, 3, 1), enterprises=[enterprise])
    TrainingFactory(region=county, date=datetime.date(2023, 3, 1))

    response = client_for(inspector).get(enterprise.get_absolute_url())

    assert _rows(response, "trainings") == [newer, older]


def test_the_applications_section_lists_applications_newest_first_with_their_outcome(
    client_for, manager, inspector, reviewer, enterprise
):
    second_reviewer = reviewer_user(username="reviewer2")
    approved = AwardApplicationFactory(
        enterprise=enterprise, prepared_by=inspector, status="approved", manager=manager,
        reviewers=[reviewer, second_reviewer],
    )  # fmt: skip
    draft = AwardApplicationFactory(enterprise=enterprise, prepared_by=inspector)

    response = client_for(manager).get(enterprise.get_absolute_url())

    assert _rows(response, "applications") == [draft, approved]
    body = response.content.decode()
    assert "决定：已批准" in body
    assert "尚未提交" in body


def _edit(client, enterprise, **changes) -> None:
    url = reverse("clusters:enterprise-update", args=[enterprise.pk])
    response = client.post(url, posted(client.get(url).context["form"], **changes))
    assert response.status_code == 302


def test_the_history_section_says_who_changed_what_and_when_newest_first(client_for, inspector, manager, enterprise):
    _edit(client_for(manager), enterprise, address="迁安市钢城大街1号")
    _edit(client_for(inspector), enterprise, is_leading=True)

    response = client_for(inspector).get(enterprise.get_absolute_url())

    entries = _rows(response, "history")
    assert [entry["record"].history_user for entry in entries] == [inspector, manager, None]
    assert [c["new"] for c in entries[0]["changes"]] == ["是"]
    assert [(c["old"], c["new"]) for c in entries[1]["changes"]] == [("—", "迁安市钢城大街1号")]
    assert entries[2]["record"].history_type == "+" and entries[2]["changes"] == []
    body = response.content.decode()
    assert "迁安市钢城大街1号" in body and "建档" in body


def test_an_enterprise_loaded_in_bulk_without_versions_shows_an_empty_history(client_for, manager, enterprise):
    # Bulk loads (the scale data, a restore) write no history rows.
    enterprise.history.all().delete()

    response = client_for(manager).get(enterprise.get_absolute_url())

    assert response.status_code == 200
    assert _rows(response, "history") == []


def test_the_sections_come_in_their_registered_order_with_the_history_last(client_for, manager, enterprise):
    response = client_for(manager).get(enterprise.get_absolute_url())

    assert _keys(response) == ["tickets", "visits", "trainings", "applications", "benchmarking", "history"]


def test_an_empty_file_says_so_in_chinese(client_for, manager, enterprise):
    body = client_for(manager).get(enterprise.get_absolute_url()).content.decode()

    for heading in ("帮扶工单", "走访", "参加培训", "质量奖申报", "档案变更记录"):
        assert heading in body
    for empty in ("暂无帮扶工单", "暂无走访记录", "暂无参加培训记录", "暂无质量奖申报"):
        assert empty in body


# Pagination, one section at a time


def test_a_section_pages_on_its_own_and_keeps_the_other_sections_page(client_for, inspector, enterprise):
    tickets = [TicketFactory(enterprise=enterprise, opened_at=_days_ago(day)) for day in range(1, 13)]
    visits = [VisitFactory(enterprise=enterprise, date=datetime.date(2021, 1, day)) for day in range(1, 13)]
    client = client_for(inspector)

    first = client.get(enterprise.get_absolute_url())
    second = client.get(enterprise.get_absolute_url(), {"tickets_page": 2, "visits_page": 1})

    assert _rows(first, "tickets") == tickets[:10]
    assert _rows(second, "tickets") == tickets[10:]
    assert _rows(second, "visits") == list(reversed(visits))[:10]
    next_visits = _panel(second, "visits")["page"].next_url
    assert "visits_page=2" in next_visits and "tickets_page=2" in next_visits
    assert next_visits.endswith("#panel-visits")
    body = first.content.decode()
    assert 'href="?tickets_page=2#panel-tickets"' in body and 'href="?visits_page=2#panel-visits"' in body


@pytest.mark.parametrize("number", ["x", "-3", "99"])
def test_a_bad_section_page_number_shows_the_first_or_last_page(client_for, inspector, enterprise, number):
    tickets = [TicketFactory(enterprise=enterprise, opened_at=_days_ago(day)) for day in range(1, 13)]

    response = client_for(inspector).get(enterprise.get_absolute_url(), {"tickets_page": number})

    assert response.status_code == 200
    expected = tickets[10:] if number == "99" else tickets[:10]
    assert _rows(response, "tickets") == expected


# Jurisdiction and role


def test_a_user_of_another_county_gets_404_on_the_enterprise_page(client_for, outsider, enterprise):
    TicketFactory(enterprise=enterprise)

    assert client_for(outsider).get(enterprise.get_absolute_url()).status_code == 404


def test_a_user_of_another_county_gets_404_on_the_cluster_page(client_for, outsider, cluster):
    assert client_for(outsider).get(cluster.get_absolute_url()).status_code == 404


def test_trainings_organised_outside_the_viewers_jurisdiction_are_left_out(
    client_for, inspector, enterprise, county, other_county
):
    ours = TrainingFactory(region=county, enterprises=[enterprise])
    TrainingFactory(region=other_county, enterprises=[enterprise])

    response = client_for(inspector).get(enterprise.get_absolute_url())

    assert _rows(response, "trainings") == [ours]


def test_a_reviewer_sees_only_the_applications_assigned_to_them_and_no_casework(
    client_for, manager, inspector, reviewer, enterprise
):
    reviewer.user_permissions.add(Permission.objects.get(codename="view_enterprise"))
    second, third = reviewer_user(username="reviewer2"), reviewer_user(username="reviewer3")
    theirs = AwardApplicationFactory(
        enterprise=enterprise,
        prepared_by=inspector,
        status="under_review",
        manager=manager,
        reviewers=[reviewer, second],
    )
    AwardApplicationFactory(
        enterprise=enterprise, prepared_by=inspector, status="under_review", manager=manager, reviewers=[second, third]
    )
    AwardApplicationFactory(enterprise=enterprise, prepared_by=inspector)
    TicketFactory(enterprise=enterprise)
    VisitFactory(enterprise=enterprise)

    response = client_for(reviewer).get(enterprise.get_absolute_url())

    assert response.status_code == 200
    assert _rows(response, "applications") == [theirs]
    assert "tickets" not in _keys(response) and "visits" not in _keys(response)


def test_the_auditor_sees_the_file_but_no_buttons_to_create(client_for, read_only, enterprise):
    TicketFactory(enterprise=enterprise)

    response = client_for(read_only).get(enterprise.get_absolute_url())

    assert len(_rows(response, "tickets")) == 1
    assert response.context["panel_actions"] == []
    body = response.content.decode()
    assert reverse("assistance:ticket-create") not in body and reverse("assistance:visit-create") not in body


# Buttons to log a visit or open a ticket, with the enterprise chosen


def test_the_inspector_gets_buttons_that_open_the_forms_with_the_enterprise_chosen(client_for, inspector, enterprise):
    client = client_for(inspector)
    response = client.get(enterprise.get_absolute_url())

    urls = {action["url"] for action in response.context["panel_actions"]}
    ticket_url = f"{reverse('assistance:ticket-create')}?enterprise={enterprise.pk}"
    visit_url = f"{reverse('assistance:visit-create')}?enterprise={enterprise.pk}"
    assert urls == {ticket_url, visit_url}
    for url in (ticket_url, visit_url):
        form = client.get(url).content.decode()
        selected = re.search(r'<select name="enterprise".*?</select>', form, re.S).group(0)
        assert re.search(rf'<option value="{enterprise.pk}"[^>]*selected', selected), url


def test_a_create_form_does_not_choose_an_enterprise_of_another_county(
    client_for, inspector, other_enterprise, category
):
    client = client_for(inspector)
    form = client.get(reverse("assistance:ticket-create"), {"enterprise": other_enterprise.pk}).content.decode()
    assert other_enterprise.name not in form

    response = client.post(
        reverse("assistance:ticket-create"),
        {"enterprise": other_enterprise.pk, "category": category.pk, "title": "越权", "channel": "window"},
    )
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not Ticket.objects.filter(enterprise=other_enterprise).exists()


def test_a_visit_to_an_enterprise_of_another_county_is_refused_with_a_form_error(
    client_for, inspector, other_enterprise
):
    response = client_for(inspector).post(
        reverse("assistance:visit-create"),
        {"date": "2021-06-01", "enterprise": other_enterprise.pk, "inspectors": [inspector.pk], "purpose": "越权走访"},
    )

    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not other_enterprise.visits.exists()


def test_a_reviewer_may_not_open_the_create_forms(client_for, reviewer, enterprise):
    client = client_for(reviewer)
    for name in ("assistance:ticket-create", "assistance:visit-create"):
        assert client.get(reverse(name), {"enterprise": enterprise.pk}).status_code == 403


# The registry of panels


def test_a_panel_registered_later_takes_its_place_by_order_and_may_leave_itself_out(client_for, manager, enterprise):
    from clusters import panels

    before = dict(panels._ENTERPRISE_PANELS)
    try:
        register_enterprise_panel(
            key="benchmark",
            title="对标",
            template="clusters/panels/history.html",
            function=lambda request, obj, param: {"page": panels.section_page(request, obj.history.all(), param=param)},
            order=115,
        )
        register_enterprise_panel(
            key="hidden", title="不显示", template="x.html", function=lambda request, obj, param: None, order=1
        )
        assert [p.key for p in enterprise_panels()][:4] == ["hidden", "tickets", "visits", "benchmark"]

        response = client_for(manager).get(enterprise.get_absolute_url())

        assert _keys(response)[:3] == ["tickets", "visits", "benchmark"]
        assert "hidden" not in _keys(response)
    finally:
        panels._ENTERPRISE_PANELS.clear()
        panels._ENTERPRISE_PANELS.update(before)


# The cluster's summary


def test_the_cluster_page_counts_the_casework_of_its_enterprises(
    client_for, manager, inspector, reviewer, cluster, county, team
):
    one, two = EnterpriseFactory(cluster=cluster), EnterpriseFactory(cluster=cluster)
    TicketFactory(enterprise=one, status="in_progress")
    late = TicketFactory(enterprise=two, status="assigned")
    Ticket.objects.filter(pk=late.pk).update(due_at=_days_ago(1))
    TicketFactory(enterprise=two, status="resolved")
    TicketFactory(enterprise=one, status="closed")
    TicketFactory(enterprise=one, status="cancelled")
    VisitFactory(enterprise=one, date=datetime.date(2021, 1, 1))
    newest_visit = VisitFactory(enterprise=two, date=datetime.date(2022, 1, 1))
    TrainingFactory(region=county, enterprises=[one, two])
    TrainingFactory(region=county, clusters=[cluster])
    AwardApplicationFactory(enterprise=one, prepared_by=inspector)
    AwardApplicationFactory(
        enterprise=two, prepared_by=inspector, status="approved", manager=manager,
        reviewers=[reviewer, reviewer_user(username="reviewer2")],
    )  # fmt: skip

    response = client_for(manager).get(cluster.get_absolute_url())

    # The chain analysis contributes its own panel after the casework.
    assert _keys(response) == ["tickets", "visits", "trainings", "applications", "chain"]
    assert _panel(response, "tickets")["counts"] == {"total": 5, "open": 2, "overdue": 1, "resolved": 2}
    assert _panel(response, "visits")["count"] == 2
    assert _panel(response, "visits")["latest"][0] == newest_visit
    assert _panel(response, "trainings")["count"] == 2
    counts = _panel(response, "applications")["counts"]
    assert counts == {"total": 2, "in_progress": 0, "approved": 1, "rejected": 0}
    assert "集群企业帮扶概况" in response.content.decode()


def test_the_cluster_summary_shows_the_latest_five_newest_first(client_for, manager, cluster):
    enterprise = EnterpriseFactory(cluster=cluster)
    tickets = [TicketFactory(enterprise=enterprise, opened_at=_days_ago(day)) for day in range(1, 8)]

    response = client_for(manager).get(cluster.get_absolute_url())

    assert _panel(response, "tickets")["latest"] == tickets[:5]


def test_the_cluster_summary_finds_the_newest_five_across_its_enterprises(client_for, manager, cluster):
    # Twelve enterprises, their tickets interleaved in time; one enterprise has the two newest.
    enterprises = [EnterpriseFactory(cluster=cluster) for _ in range(12)]
    tickets = []
    for day in range(1, 37):
        owner = enterprises[0] if day <= 2 else enterprises[day % 12]
        tickets.append(TicketFactory(enterprise=owner, opened_at=_days_ago(day)))
    TicketFactory(enterprise=EnterpriseFactory(), opened_at=_days_ago(0))  # another cluster's newest

    response = client_for(manager).get(cluster.get_absolute_url())

    assert _panel(response, "tickets")["latest"] == tickets[:5]
    assert _panel(response, "tickets")["counts"]["total"] == 36


def test_the_cluster_summary_leaves_out_enterprises_of_another_county(
    client_for, inspector, cluster, other_county, county
):
    ours = EnterpriseFactory(cluster=cluster)
    elsewhere = EnterpriseFactory(cluster=cluster, county=other_county)
    TicketFactory(enterprise=ours)
    TicketFactory(enterprise=elsewhere)
    VisitFactory(enterprise=elsewhere)
    TrainingFactory(region=county, enterprises=[elsewhere])

    response = client_for(inspector).get(cluster.get_absolute_url())

    assert _panel(response, "tickets")["counts"]["total"] == 1
    assert [t.enterprise for t in _panel(response, "tickets")["latest"]] == [ours]
    assert _panel(response, "visits")["count"] == 0
    assert _panel(response, "trainings")["count"] == 0
    assert elsewhere.name not in response.content.decode()


def test_an_empty_cluster_summary_says_so_in_chinese(client_for, manager, cluster):
    body = client_for(manager).get(cluster.get_absolute_url()).content.decode()

    assert "本集群企业暂无帮扶工单" in body and "本集群企业暂无走访记录" in body


# Query counts stay the same as the rows grow


def _fill_enterprise(enterprise, n, *, county, manager, inspector, team):
    for i in range(n):
        TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status="assigned" if i % 2 else "resolved")
        visit = VisitFactory(enterprise=enterprise, team=team, inspectors=[inspector])
        TicketFactory(enterprise=enterprise, raised_in_visit=visit)
        TrainingFactory(region=county, enterprises=[enterprise])
        AwardApplicationFactory(enterprise=enterprise, prepared_by=inspector, status="submitted")
        enterprise.refresh_from_db()
        registry_services.enterprise_update(
            enterprise_id=enterprise.pk, user=manager, version=enterprise.version, data={"address": f"地址{i}"}
        )


def test_the_enterprise_page_costs_the_same_queries_with_2_or_20_rows_per_section(
    client_for, manager, inspector, enterprise, county, team
):
    client = client_for(manager)
    _fill_enterprise(enterprise, 2, county=county, manager=manager, inspector=inspector, team=team)
    few = _queries(client, enterprise.get_absolute_url())
    _fill_enterprise(enterprise, 18, county=county, manager=manager, inspector=inspector, team=team)
    many = _queries(client, enterprise.get_absolute_url())
    paged = _queries(client, enterprise.get_absolute_url() + "?tickets_page=2&history_page=2")

    assert few == many == paged
    print(f"enterprise page: {many} queries")


def test_the_cluster_page_costs_the_same_queries_with_2_or_20_rows_per_kind(
    client_for, manager, inspector, cluster, county, team
):
    client = client_for(manager)

    def fill(n):
        for _ in range(n):
            _fill_enterprise(
                EnterpriseFactory(cluster=cluster), 1, county=county, manager=manager, inspector=inspector, team=team
            )

    fill(2)
    few = _queries(client, cluster.get_absolute_url())
    fill(18)
    many = _queries(client, cluster.get_absolute_url())

    assert few == many
    print(f"cluster page: {many} queries")


def test_an_inspector_without_a_team_sees_the_same_file(client_for, enterprise, county):
    """The file is read through the jurisdiction rule only: membership of a team does not narrow it."""
    loner = UserFactory(username="loner", jurisdiction=county, groups=["inspector"])
    ticket = TicketFactory(enterprise=enterprise)

    response = client_for(loner).get(enterprise.get_absolute_url())

    assert _rows(response, "tickets") == [ticket]
