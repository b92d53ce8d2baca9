"""What the walk through every page in both languages found, each held in place: the history page says
labels, not codes; admin shows steps by their names; counts are grouped; the words that join records'
names follow the page's language; nothing of Django's or simple-history's own English shows in Chinese."""

import datetime
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from assistance.models import Expert, Priority, TicketEvent
from clusters.admin import permission_label
from clusters.filters import ClusterFilter
from clusters.models import Enterprise, Honour
from clusters.seeding.common import CHANGE_REASON
from clusters.wording import bracketed, listing
from tests.assistance.awards.factories import AwardApplicationFactory, AwardCycleFactory
from tests.assistance.factories import SupportTeamFactory, TicketFactory

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _label(choice, language="zh-hans") -> str:
    with translation.override(language):
        return str(choice.label)


@pytest.mark.django_db
def test_the_history_page_names_fields_by_their_verbose_names_and_choices_by_their_labels(
    client, admin_user, enterprise
):
    enterprise.size = Enterprise.Size.LARGE
    enterprise.is_leading = True
    enterprise.save()
    client.force_login(admin_user)
    body = client.get(reverse("admin:clusters_enterprise_history", args=[enterprise.pk]), **ZH).content.decode()
    changes = body.split('id="change-history"')[1]
    assert _label(Enterprise.Size.LARGE) in changes
    assert "规模" in changes or "企业规模" in changes
    for code in ("large", "True", "False", "is_leading"):
        assert code not in changes


@pytest.mark.django_db
def test_the_ticket_history_page_says_a_blank_assignee_as_a_dash_and_the_priority_by_its_label(
    client, admin_user, enterprise, inspector
):
    team = SupportTeamFactory(region=enterprise.county, members=[inspector])
    ticket = TicketFactory(enterprise=enterprise, priority=Priority.NORMAL)
    ticket.priority, ticket.team, ticket.assignee = Priority.HIGH, team, inspector
    ticket.save()
    client.force_login(admin_user)
    body = client.get(reverse("admin:assistance_ticket_history", args=[ticket.pk]), **ZH).content.decode()
    changes = body.split('id="change-history"')[1]
    assert _label(Priority.NORMAL) in changes and _label(Priority.HIGH) in changes
    assert "normal" not in changes and "high" not in changes
    assert "Deleted" not in changes and "pk=None" not in changes
    assert "—" in changes


@pytest.mark.django_db
def test_versions_written_by_the_seed_loader_say_so_in_words(client, admin_user, enterprise):
    enterprise._change_reason = CHANGE_REASON
    enterprise.address = "河北省迁安市"
    enterprise.save()
    client.force_login(admin_user)
    body = client.get(reverse("admin:clusters_enterprise_history", args=[enterprise.pk]), **ZH).content.decode()
    assert "随初始数据载入" in body
    assert CHANGE_REASON not in body


@pytest.mark.django_db
def test_the_application_event_admin_page_shows_the_step_by_its_label_not_its_code(client, admin_user, enterprise):
    application = AwardApplicationFactory(enterprise=enterprise, status="submitted")
    event = application.events.filter(action="submit").get()
    client.force_login(admin_user)
    body = client.get(reverse("admin:assistance_applicationevent_change", args=[event.pk]), **ZH).content.decode()
    assert '<div class="readonly">提交</div>' in body or ">提交<" in body
    assert ">submit<" not in body
    listing_body = client.get(reverse("admin:assistance_applicationevent_changelist"), **ZH).content.decode()
    assert ">submit<" not in listing_body


@pytest.mark.django_db
def test_the_ticket_event_admin_page_shows_the_action_by_its_label_not_its_code(
    client, admin_user, enterprise, inspector, manager
):
    from assistance.services import ticket_assign

    team = SupportTeamFactory(region=enterprise.county, members=[inspector])
    ticket = TicketFactory(enterprise=enterprise)
    ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector)
    event = TicketEvent.objects.get(ticket=ticket, action="assign")
    client.force_login(admin_user)
    body = client.get(reverse("admin:assistance_ticketevent_change", args=[event.pk]), **ZH).content.decode()
    assert ">assign<" not in body
    assert ">分派<" in body


def test_list_counts_are_grouped_in_threes_in_chinese():
    with translation.override("zh-hans"):
        panel = render_to_string("assistance/panels/cluster_visits.html", {"data": {"count": 29833, "latest": []}})
        trainings = render_to_string(
            "assistance/panels/cluster_trainings.html", {"data": {"count": 29833, "latest": []}}
        )
        opts = SimpleNamespace(verbose_name="帮扶工单", verbose_name_plural="帮扶工单")
        admin_pages = Template('{% include "admin/pagination.html" %}').render(
            Context({"cl": SimpleNamespace(result_count=29833, opts=opts, formset=None)})
        )
    assert "共走访 29,833 次" in panel
    assert "29,833" in trainings
    assert "29,833 帮扶工单" in admin_pages


def test_a_list_of_many_pages_groups_its_page_count_too():
    paginator = SimpleNamespace(count=36000, num_pages=1200, per_page=30, ELLIPSIS="…")
    page = SimpleNamespace(
        paginator=paginator,
        number=1,
        has_previous=lambda: False,
        has_next=lambda: True,
        next_page_number=lambda: 2,
        elided_range=[1, 2, "…", 1200],
        sizes=[30, 100],
    )
    with translation.override("zh-hans"):
        shown = render_to_string("_pagination.html", {"page": page}, request=RequestFactory().get("/"))
    assert "共 36,000 条记录" in shown
    assert "共1,200页" in shown


@pytest.mark.django_db
def test_descending_orders_are_named_in_the_language_of_the_page(manager):
    request = RequestFactory().get("/")
    request.user = manager
    for language, descending in (("zh-hans", "名称（降序）"), ("en", "Name (descending)"), ("zh-hans", "名称（降序）")):
        with translation.override(language):
            labels = [str(label) for value, label in ClusterFilter({}, request=request).form.fields["ordering"].choices]
        assert descending in labels, language


@pytest.mark.django_db
def test_the_words_that_join_records_follow_the_language(enterprise):
    expert = Expert.objects.create(name="王立新", organisation="唐山市计量测试所")
    cycle = AwardCycleFactory(year=2022)
    honour = Honour.objects.create(
        enterprise=enterprise,
        kind=Honour.Kind.PROVINCIAL_QUALITY_AWARD,
        title="河北省政府质量奖",
        year=2021,
        date=datetime.date(2021, 5, 1),
    )
    with translation.override("zh-hans"):
        assert listing(["甲", "乙"]) == "甲、乙"
        assert str(expert) == "王立新（唐山市计量测试所）"
        assert str(cycle) == f"2022年{cycle.programme.name}"
        assert str(honour) == "河北省政府质量奖（2021）"
    with translation.override("en"):
        assert listing(["甲", "乙"]) == "甲, 乙"
        assert bracketed("a", "b") == "a (b)"
        assert str(expert) == "王立新 (唐山市计量测试所)"
        assert str(cycle) == f"2022 {cycle.programme.name}"
        assert str(honour) == "河北省政府质量奖 (2021)"


@pytest.mark.django_db
def test_a_visit_page_in_english_joins_its_inspectors_with_commas(client, inspector, enterprise):
    from tests.assistance.factories import VisitFactory

    visit = VisitFactory(enterprise=enterprise, inspectors=[inspector], date=timezone.localdate())
    client.force_login(inspector)
    body = client.get(visit.get_absolute_url(), **EN).content.decode()
    assert f"Visit: {enterprise.name} ({visit.date:%Y-%m-%d})" in body
    assert "（" not in body.split("<main")[1].split("</main>")[0].replace(enterprise.name, "")


@pytest.mark.django_db
def test_the_permissions_of_history_records_read_in_chinese():
    with translation.override("zh-hans"):
        ticket = Permission.objects.select_related("content_type").get(codename="add_historicalticket")
        assert permission_label(ticket) == "帮扶 | 帮扶工单变更历史 | 可以新增帮扶工单变更历史"
        experts = Permission.objects.select_related("content_type").get(codename="view_historicalvisit_experts")
        label = permission_label(experts)
    assert "historical" not in label.lower()
    assert "变更历史" in label


@pytest.mark.django_db
def test_the_admin_says_yes_no_and_search_in_chinese_and_names_the_system(client, admin_user, cluster):
    client.force_login(admin_user)
    body = client.get(reverse("admin:clusters_cluster_changelist"), **ZH).content.decode()
    assert 'alt="True"' not in body and 'alt="False"' not in body
    assert 'alt="是"' in body or 'alt="否"' in body
    assert 'alt="Search"' not in body
    assert "Django" not in body.split("<title>")[1].split("</title>")[0]
    assert "重点区域质量提升" in body.split("<title>")[1].split("</title>")[0]


@pytest.mark.django_db
def test_the_admin_calendar_heads_its_columns_with_chinese_weekdays(client, admin_user):
    client.force_login(admin_user)
    script = client.get(reverse("admin:jsi18n"), **ZH).content.decode()
    catalog = json.loads(script.split("const newcatalog = ")[1].split(";\n")[0])
    assert catalog["one letter Sunday\x04S"] == "日"
    assert catalog["one letter Monday\x04M"] == "一"


@pytest.mark.django_db
def test_the_programme_summary_marks_its_chinese_paragraph_as_chinese(client, manager):
    client.force_login(manager)
    body = client.get(reverse("reports:summary"), **EN).content.decode()
    if 'id="summary-paragraph"' in body:
        assert 'id="summary-paragraph" lang="zh-Hans"' in body


def test_the_button_that_dismisses_a_message_is_named_in_the_pages_language():
    message = SimpleNamespace(level_tag="success", extra_tags="", message="已保存。")
    with translation.override("zh-hans"):
        html = render_to_string("_messages.html", {"messages": [message]})
    assert 'aria-label="关闭"' in html
    assert "Close" not in html
