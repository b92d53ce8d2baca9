"""Each page of the assistance app: it renders, lists only the jurisdiction, filters, and its forms save or explain."""

import datetime

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import Ticket, TicketCategory, Training
from tests.factories import EnterpriseFactory, UserFactory

from .factories import (
    ExpertFactory,
    SupportTeamFactory,
    TeamMembershipFactory,
    TicketFactory,
    TrainingFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

S = Ticket.Status


@pytest.fixture
def records(county, other_county, enterprise, other_enterprise, team, other_team, inspector, outsider, cluster):
    """A ticket, visit and training on each side of the county line."""
    visit = VisitFactory(enterprise=enterprise, team=team, inspectors=[inspector], purpose="迁安走访")
    other_visit = VisitFactory(enterprise=other_enterprise, team=other_team, inspectors=[outsider], purpose="丰润走访")
    return {
        "ticket": TicketFactory(
            enterprise=enterprise, team=team, assignee=inspector, status=S.ASSIGNED, title="迁安求助"
        ),
        "other_ticket": TicketFactory(enterprise=other_enterprise, title="丰润求助"),
        "visit": visit,
        "other_visit": other_visit,
        "training": TrainingFactory(region=county, title="迁安培训", clusters=[cluster]),
        "other_training": TrainingFactory(region=other_county, title="丰润培训"),
        "team": team,
        "other_team": other_team,
    }


def _pks(response):
    # A ticket list's rows are plain values (selectors.ticket_table_rows); other lists hold records.
    return {obj["pk"] if isinstance(obj, dict) else obj.pk for obj in response.context["page"].object_list}


def _page_urls(records):
    return [
        reverse("assistance:home"),
        reverse("assistance:ticket-list"),
        reverse("assistance:ticket-create"),
        records["ticket"].get_absolute_url(),
        reverse("assistance:ticket-update", args=[records["ticket"].pk]),
        reverse("assistance:visit-list"),
        reverse("assistance:visit-create"),
        records["visit"].get_absolute_url(),
        reverse("assistance:training-list"),
        reverse("assistance:training-create"),
        records["training"].get_absolute_url(),
        reverse("assistance:training-update", args=[records["training"].pk]),
        reverse("assistance:team-list"),
        records["team"].get_absolute_url(),
    ]


@pytest.mark.parametrize("user_name", ["inspector", "manager"])
def test_every_page_renders_for_inspectors_and_managers(request, client_for, records, user_name):
    client = client_for(request.getfixturevalue(user_name))
    for url in _page_urls(records):
        assert client.get(url).status_code == 200, url


def test_an_inspector_lists_only_records_of_their_county(client_for, inspector, records):
    client = client_for(inspector)
    assert _pks(client.get(reverse("assistance:ticket-list"))) == {records["ticket"].pk}
    assert _pks(client.get(reverse("assistance:visit-list"))) == {records["visit"].pk}
    assert _pks(client.get(reverse("assistance:training-list"))) == {records["training"].pk}
    assert _pks(client.get(reverse("assistance:team-list"))) == {records["team"].pk}
    body = client.get(reverse("assistance:ticket-list")).content.decode()
    assert "迁安求助" in body and "丰润求助" not in body


def test_a_manager_of_the_city_lists_both_counties(client_for, manager, records):
    client = client_for(manager)
    assert _pks(client.get(reverse("assistance:ticket-list"))) == {records["ticket"].pk, records["other_ticket"].pk}
    assert _pks(client.get(reverse("assistance:visit-list"))) == {records["visit"].pk, records["other_visit"].pk}
    assert _pks(client.get(reverse("assistance:training-list"))) == {
        records["training"].pk,
        records["other_training"].pk,
    }
    assert _pks(client.get(reverse("assistance:team-list"))) == {records["team"].pk, records["other_team"].pk}


def test_the_ticket_filters_offer_only_the_jurisdiction(client_for, inspector, records, county, team):
    form = client_for(inspector).get(reverse("assistance:ticket-list")).context["filter"].form
    assert list(form.fields["county"].queryset) == [county]
    assert list(form.fields["team"].queryset) == [team]
    assert list(form.fields["assignee"].queryset) == [inspector]


# Ticket list filters


@pytest.fixture
def tickets(enterprise, cluster, team, inspector):
    standards = TicketCategory.objects.get(code="standards")
    neighbour = EnterpriseFactory(name="迁安市轧钢设备有限公司", cluster=cluster)
    return {
        "new": TicketFactory(enterprise=enterprise, title="申请计量器具检定"),
        "assigned": TicketFactory(
            enterprise=neighbour, title="企业标准自我声明", category=standards, team=team, status=S.ASSIGNED
        ),
        "resolved": TicketFactory(
            enterprise=enterprise, title="商标注册咨询", status=S.RESOLVED, description="马德里国际注册"
        ),
        "late": TicketFactory(
            enterprise=neighbour, title="逾期求助", status=S.IN_PROGRESS, due_at=timezone.now() - datetime.timedelta(1)
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "new"}, {"new"}),
        ({"status": ["assigned", "resolved"]}, {"assigned", "resolved"}),
        ({"overdue": "true"}, {"late"}),
        ({"overdue": "false"}, {"new", "assigned", "resolved"}),
        ({"q": "计量"}, {"new"}),
        ({"q": "马德里"}, {"resolved"}),
        ({"q": "轧钢"}, {"assigned", "late"}),
        ({"q": "  "}, {"new", "assigned", "resolved", "late"}),
        ({"priority": "normal"}, {"new", "assigned", "resolved", "late"}),
        ({"priority": "urgent"}, set()),
    ],
)
def test_the_ticket_list_filters(client_for, inspector, tickets, params, expected):
    response = client_for(inspector).get(reverse("assistance:ticket-list"), params)
    assert response.status_code == 200
    assert _pks(response) == {tickets[name].pk for name in expected}


def test_the_ticket_list_filters_by_category_team_and_number(client_for, inspector, tickets, team):
    client = client_for(inspector)
    standards = TicketCategory.objects.get(code="standards")
    url = reverse("assistance:ticket-list")
    assert _pks(client.get(url, {"category": standards.pk})) == {tickets["assigned"].pk}
    assert _pks(client.get(url, {"team": team.pk})) == {tickets["assigned"].pk}
    number = tickets["late"].number
    assert _pks(client.get(url, {"q": number.lower()})) == {tickets["late"].pk}


def test_a_filter_value_outside_the_jurisdiction_is_an_error_not_a_leak(client_for, inspector, tickets, other_team):
    response = client_for(inspector).get(reverse("assistance:ticket-list"), {"team": other_team.pk})
    assert response.status_code == 200
    assert "team" in response.context["filter"].form.errors


def test_the_ticket_list_sorts_and_pages(client_for, inspector, tickets, settings):
    settings.PAGINATE_BY = 2
    client = client_for(inspector)
    first = client.get(reverse("assistance:ticket-list"), {"ordering": "due"})
    second = client.get(reverse("assistance:ticket-list"), {"ordering": "due", "page": 2})
    assert first.context["page"].object_list[0]["pk"] == tickets["late"].pk
    assert len(_pks(first) | _pks(second)) == 4


# Visit and training lists


def test_the_visit_list_searches_and_filters_by_date(client_for, inspector, enterprise):
    old = VisitFactory(enterprise=enterprise, date=datetime.date(2021, 10, 20), purpose="标准化帮扶")
    recent = VisitFactory(enterprise=enterprise, purpose="计量帮扶", findings="电能表")
    client = client_for(inspector)
    url = reverse("assistance:visit-list")
    assert _pks(client.get(url, {"q": "标准化"})) == {old.pk}
    assert _pks(client.get(url, {"q": "电能表"})) == {recent.pk}
    assert _pks(client.get(url, {"date_before": "2021-12-31"})) == {old.pk}
    assert _pks(client.get(url, {"date_after": "2022-01-01"})) == {recent.pk}


def test_the_training_list_filters_by_topic_cluster_and_search(client_for, inspector, county, cluster):
    quality = TrainingFactory(region=county, title="卓越绩效模式培训", clusters=[cluster])
    metrology = TrainingFactory(
        region=county, title="能源计量培训", category=TicketCategory.objects.get(code="metrology"), place="迁安宾馆"
    )
    client = client_for(inspector)
    url = reverse("assistance:training-list")
    assert _pks(client.get(url, {"category": metrology.category_id})) == {metrology.pk}
    assert _pks(client.get(url, {"cluster": cluster.pk})) == {quality.pk}
    assert _pks(client.get(url, {"q": "卓越"})) == {quality.pk}
    assert _pks(client.get(url, {"q": "宾馆"})) == {metrology.pk}


# Team pages


def test_the_team_list_counts_members_and_tickets(client_for, inspector, team, enterprise):
    TeamMembershipFactory(team=team, user=UserFactory())
    TicketFactory(enterprise=enterprise, team=team, status=S.ASSIGNED)
    TicketFactory(enterprise=enterprise, team=team, status=S.CLOSED)
    TicketFactory(enterprise=enterprise, team=team, status=S.CANCELLED)
    row = client_for(inspector).get(reverse("assistance:team-list")).context["page"].object_list[0]
    assert (row.member_count, row.open_tickets, row.resolved_tickets) == (2, 1, 1)


def test_a_team_of_another_region_i_belong_to_is_counted_in_full(client_for, inspector, other_team, outsider):
    TeamMembershipFactory(team=other_team, user=inspector)
    TeamMembershipFactory(team=other_team, user=UserFactory())
    rows = {t.pk: t for t in client_for(inspector).get(reverse("assistance:team-list")).context["page"].object_list}
    assert rows[other_team.pk].member_count == 3


def test_the_team_page_shows_members_experts_and_tickets(client_for, inspector, team, enterprise, cluster):
    expert = ExpertFactory(name="王工")
    team.experts.add(expert)
    team.clusters.add(cluster)
    TeamMembershipFactory(
        team=team, user=UserFactory(last_name="赵", first_name="六"), left_on=datetime.date(2022, 1, 1)
    )
    open_ticket = TicketFactory(enterprise=enterprise, team=team, status=S.ASSIGNED)
    done = TicketFactory(enterprise=enterprise, team=team, status=S.RESOLVED)
    response = client_for(inspector).get(team.get_absolute_url())
    body = response.content.decode()
    assert "王工" in body and cluster.name in body and "赵六" in body and "2022-01-01" in body
    assert [t["pk"] for t in response.context["open_tickets"]] == [open_ticket.pk]
    assert [t["pk"] for t in response.context["resolved_tickets"]] == [done.pk]


# My work


def test_my_work_shows_my_open_tickets_and_my_teams_waiting_ones(client_for, inspector, team, enterprise):
    mine = TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=S.IN_PROGRESS, title="我的求助")
    unstarted = TicketFactory(enterprise=enterprise, team=team, status=S.ASSIGNED, title="待处理的求助")
    reopened = TicketFactory(enterprise=enterprise, team=team, status=S.REOPENED, title="重新打开的求助")
    TicketFactory(enterprise=enterprise, team=team, assignee=inspector, status=S.CLOSED, title="已关闭")
    paused = TicketFactory(enterprise=enterprise, team=team, status=S.WAITING, waiting_since=timezone.now())
    visit = VisitFactory(enterprise=enterprise, inspectors=[inspector], purpose="我的走访")
    response = client_for(inspector).get(reverse("assistance:home"))
    assert [t["pk"] for t in response.context["my_tickets"]] == [mine.pk]
    team_tickets = {t["pk"] for t in response.context["team_tickets"]}
    assert team_tickets == {unstarted.pk, reopened.pk}
    assert paused.pk not in team_tickets  # waiting on the enterprise, not on someone of the team
    assert [v.pk for v in response.context["my_visits"]] == [visit.pk]
    assert "已关闭" not in response.content.decode()


def test_a_team_i_left_does_not_fill_my_work(client_for, inspector, county, enterprise):
    former = SupportTeamFactory(region=county)
    TeamMembershipFactory(team=former, user=inspector, left_on=datetime.date(2022, 1, 1))
    TicketFactory(enterprise=enterprise, team=former, status=S.ASSIGNED)
    assert list(client_for(inspector).get(reverse("assistance:home")).context["team_tickets"]) == []


# Forms


def _ticket_data(enterprise, category, /, **overrides):
    data = {
        "enterprise": enterprise.pk,
        "category": category.pk,
        "title": "  申请压力表检定  ",
        "description": "20台压力表",
        "channel": "window",
        "priority": "high",
        "partner": "",
    }
    data.update(overrides)
    return data


def test_an_inspector_opens_a_ticket(client_for, inspector, enterprise, category):
    client = client_for(inspector)
    response = client.post(reverse("assistance:ticket-create"), _ticket_data(enterprise, category))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    assert (ticket.title, ticket.priority, ticket.status, ticket.created_by) == (
        "申请压力表检定",
        "high",
        "new",
        inspector,
    )
    assert ticket.events.get().action == "create"
    assert any(ticket.number in m.message for m in messages.get_messages(response.wsgi_request))


def test_the_ticket_form_starts_with_the_enterprise_given(client_for, inspector, enterprise):
    response = client_for(inspector).get(reverse("assistance:ticket-create"), {"enterprise": enterprise.pk})
    assert response.context["form"]["enterprise"].value() == str(enterprise.pk)


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "   "), ("title", "长" * 201), ("category", ""), ("priority", "whenever"), ("enterprise", "")],
)
def test_a_bad_ticket_is_explained_and_not_saved(client_for, inspector, enterprise, category, field, value):
    response = client_for(inspector).post(
        reverse("assistance:ticket-create"), _ticket_data(enterprise, category, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback' in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_ticket_cannot_be_opened_for_an_enterprise_outside_the_jurisdiction(
    client_for, inspector, other_enterprise, category
):
    response = client_for(inspector).post(reverse("assistance:ticket-create"), _ticket_data(other_enterprise, category))
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_a_retired_category_is_not_offered_for_new_tickets_but_stays_on_old_ones(client_for, inspector, ticket):
    retired = ticket.category
    retired.active = False
    retired.save()
    client = client_for(inspector)
    assert retired not in client.get(reverse("assistance:ticket-create")).context["form"].fields["category"].queryset
    edit_form = client.get(reverse("assistance:ticket-update", args=[ticket.pk])).context["form"]
    assert retired in edit_form.fields["category"].queryset


def test_a_bad_edit_is_explained_and_not_saved(client_for, inspector, ticket):
    url = reverse("assistance:ticket-update", args=[ticket.pk])
    data = {"category": ticket.category_id, "title": "改", "channel": "phone", "priority": "normal"}
    response = client_for(inspector).post(url, {**data, "satisfaction": 9, "version": ticket.version})
    assert response.status_code == 200
    assert "satisfaction" in response.context["form"].errors
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def _training_data(county, category, /, **overrides):
    data = {
        "date": "2021-10-20",
        "title": "卓越绩效模式导入培训",
        "category": category.pk,
        "region": county.pk,
        "place": "迁安市",
        "attendee_count": 45,
    }
    data.update(overrides)
    return data


def test_an_inspector_records_a_training(client_for, inspector, county, cluster, enterprise, category):
    expert = ExpertFactory()
    data = _training_data(county, category, clusters=[cluster.pk], experts=[expert.pk], enterprises=[enterprise.pk])
    response = client_for(inspector).post(reverse("assistance:training-create"), data)
    training = Training.objects.get()
    assert response.status_code == 302
    assert response.url == training.get_absolute_url()
    assert (training.title, training.attendee_count, training.created_by) == ("卓越绩效模式导入培训", 45, inspector)
    assert (list(training.clusters.all()), list(training.experts.all()), list(training.enterprises.all())) == (
        [cluster],
        [expert],
        [enterprise],
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("date", "2021-13-01"), ("attendee_count", -1), ("category", "999999"), ("region", "")],
)
def test_a_bad_training_is_explained_and_not_saved(client_for, inspector, county, category, field, value):
    response = client_for(inspector).post(
        reverse("assistance:training-create"), _training_data(county, category, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Training.objects.exists()


def test_a_training_cannot_be_placed_in_another_county(client_for, inspector, other_county, category, other_cluster):
    client = client_for(inspector)
    response = client.post(reverse("assistance:training-create"), _training_data(other_county, category))
    assert "region" in response.context["form"].errors
    response = client.post(
        reverse("assistance:training-create"),
        _training_data(inspector.jurisdiction, category, clusters=[other_cluster.pk]),
    )
    assert "clusters" in response.context["form"].errors
    assert not Training.objects.exists()


def test_an_inspector_edits_a_training(client_for, inspector, county, category):
    training = TrainingFactory(region=county)
    url = reverse("assistance:training-update", args=[training.pk])
    data = _training_data(county, category, title="改过的培训", attendee_count=60, version=training.version)
    response = client_for(inspector).post(url, data)
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.title, training.attendee_count) == ("改过的培训", 60)
    assert training.history.count() == 2


def test_the_visit_page_shows_what_was_done(client_for, inspector, enterprise, team):
    expert = ExpertFactory(name="钱工")
    visit = VisitFactory(
        enterprise=enterprise,
        team=team,
        inspectors=[inspector],
        purpose="质量提升走访",
        findings="缺少质量手册",
    )
    visit.experts.add(expert)
    body = client_for(inspector).get(visit.get_absolute_url()).content.decode()
    for text in ("质量提升走访", "缺少质量手册", "钱工", team.name, enterprise.name):
        assert text in body


def test_the_ticket_page_shows_its_timeline(client_for, manager, inspector, ticket):
    services.ticket_start(ticket_id=ticket.pk, user=inspector, note="已联系企业")
    response = client_for(manager).get(ticket.get_absolute_url())
    kinds = [entry["kind"] for entry in response.context["timeline"]]
    assert kinds == ["event", "event"]
    assert "已联系企业" in response.content.decode()


def test_tickets_sort_by_priority_from_the_most_urgent(client_for, manager, enterprise):
    for priority in ("low", "urgent", "normal", "high"):
        TicketFactory(enterprise=enterprise, priority=priority)
    response = client_for(manager).get(reverse("assistance:ticket-list"), {"ordering": "priority"})
    priorities = dict(Ticket.objects.values_list("pk", "priority"))
    listed = [priorities[t["pk"]] for t in response.context["page"].object_list]
    assert listed == ["urgent", "high", "normal", "low"]
