"""The Chinese interface reads as the bureau's own: Django's words stay Django's, nothing is left in English,
figures are grouped in threes, and filters start from "all"."""

import gettext
from decimal import Decimal
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from clusters.admin import group_label, permission_label
from clusters.filters import ClusterFilter
from tests.factories import UserFactory

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _catalog(path: Path) -> dict:
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def _their_catalogs() -> list[Path]:
    """The Simplified Chinese catalogs of Django itself and of every installed app but ours."""
    ours = {"clusters", "assistance", "reports", "config"}
    paths = [Path(django.__file__).parent / "conf" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"]
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in ours:
            continue
        mo = Path(config.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if mo.exists():
            paths.append(mo)
    return paths


def test_no_project_message_without_a_context_overrides_a_django_or_app_message_with_another_translation():
    ours = _catalog(Path(settings.BASE_DIR) / "config" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo")
    theirs = _their_catalogs()
    assert any("contrib/admin" in str(path) for path in theirs)
    clashes = []
    for path in theirs:
        for msgid, msgstr in _catalog(path).items():
            if msgid and msgid in ours and ours[msgid] != msgstr:
                clashes.append((msgid, ours[msgid], msgstr, path.parts[-5]))
    assert clashes == []


@pytest.mark.django_db
def test_the_admin_index_and_a_change_list_say_修改_not_变化(client, admin_user):
    client.force_login(admin_user)
    for url in (reverse("admin:index"), reverse("admin:assistance_ticket_changelist")):
        body = client.get(url, **ZH).content.decode()
        assert "变化" not in body
    assert "修改" in client.get(reverse("admin:index"), **ZH).content.decode()


@pytest.mark.django_db
def test_the_project_keeps_its_own_words_under_their_contexts(client, manager):
    client.force_login(manager)
    body = client.get(reverse("clusters:cluster-list"), **ZH).content.decode()
    assert ">筛选<" in body
    assert ">重置<" in body
    with translation.override("zh-hans"):
        assert translation.pgettext("difference", "Change") == "变化"
        assert translation.gettext("Change") == "修改"
        assert translation.gettext("Clear") == "清除"


@pytest.mark.django_db
def test_the_admin_names_the_lockout_and_job_apps_and_their_records_in_chinese(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("admin:index"), **ZH).content.decode()
    for english in ("Axes", "Access attempts", "Tasks Database Backend", "Task Results", "Model name"):
        assert english not in body
    assert "登录锁定" in body
    assert "后台任务" in body
    assert "登录尝试" in body


@pytest.mark.django_db
def test_role_groups_show_their_chinese_names_and_keep_their_internal_ones(client, admin_user, inspector):
    assert sorted(Group.objects.values_list("name", flat=True)) == ["inspector", "manager", "reviewer"]
    with translation.override("zh-hans"):
        assert [group_label(g) for g in Group.objects.order_by("name")] == ["帮扶人员", "科室负责人", "评审专家"]
    client.force_login(admin_user)
    body = client.get(reverse("admin:clusters_user_change", args=[inspector.pk]), **ZH).content.decode()
    assert "帮扶人员</option>" in body
    assert "inspector</option>" not in body
    listing = client.get(reverse("admin:clusters_user_changelist"), **ZH).content.decode()
    assert "科室负责人" in listing  # the role filter


@pytest.mark.django_db
def test_permissions_read_in_chinese_on_the_admin_user_page(client, admin_user, inspector):
    with translation.override("zh-hans"):
        add_ticket = Permission.objects.select_related("content_type").get(codename="add_ticket")
        assert permission_label(add_ticket) == "帮扶 | 帮扶工单 | 可以新增帮扶工单"
        manage = Permission.objects.select_related("content_type").get(codename="manage_ticket")
        assert "Can " not in permission_label(manage)
    client.force_login(admin_user)
    body = client.get(reverse("admin:clusters_user_change", args=[inspector.pk]), **ZH).content.decode()
    assert "Can add" not in body
    assert "Can view" not in body
    assert "可以查看帮扶工单" in body
    group = Group.objects.get(name="inspector")
    body = client.get(reverse("admin:auth_group_change", args=[group.pk]), **ZH).content.decode()
    assert "Can add" not in body


@pytest.mark.django_db
def test_the_admin_pickers_explain_themselves_in_chinese(client, admin_user):
    client.force_login(admin_user)
    script = client.get(reverse("admin:jsi18n"), **ZH).content.decode()
    assert "\\u9009\\u4e2d\\u8981\\u6dfb\\u52a0\\u7684" in script or "选中要添加的" in script  # 选中要添加的%s


@pytest.mark.django_db
def test_the_history_page_names_its_changes_column_and_shows_no_none(client, admin_user, enterprise):
    client.force_login(admin_user)
    body = client.get(reverse("admin:clusters_enterprise_history", args=[enterprise.pk]), **ZH).content.decode()
    assert "变更内容" in body
    assert "Changes" not in body
    assert "None" not in body


@pytest.mark.django_db
def test_the_lockout_message_axes_keeps_is_chinese_too():
    from axes.helpers import get_lockout_message

    with translation.override("zh-hans"):
        assert str(get_lockout_message()) == "登录失败次数过多，账户已暂时锁定，请稍后再试。"


def _filter_form(user):
    request = RequestFactory().get("/")
    request.user = user
    return ClusterFilter({}, request=request).form


@pytest.mark.django_db
def test_yes_no_filters_start_from_all_and_sorting_says_descending_in_chinese(manager):
    with translation.override("zh-hans"):
        form = _filter_form(manager)
        featured = [str(label) for value, label in form.fields["featured"].widget.choices]
        assert featured == ["全部", "是", "否"]
        ordering = [str(label) for value, label in form.fields["ordering"].choices]
        assert ordering[:3] == ["默认排序", "名称", "名称（降序）"]
        level = [str(label) for value, label in form.fields["level"].choices]
        assert level[0] == "全部"


@pytest.mark.django_db
def test_a_list_page_shows_no_dashes_and_no_unknown(client, manager):
    client.force_login(manager)
    body = client.get(reverse("clusters:cluster-list"), **ZH).content.decode()
    assert "---------" not in body
    assert "未知" not in body
    assert "(descending)" not in body


def _render(source: str, **context) -> str:
    with translation.override("zh-hans"):
        return Template("{% load figures %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [(29833, "29,833"), (Decimal("12600000.00"), "12,600,000"), (Decimal("2.90"), "2.9"), (7, "7"), (None, "")],
)
def test_figures_are_grouped_in_threes_in_chinese(value, shown):
    assert _render("{{ v|figure }}", v=value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(12600000, "1,260万元"), (Decimal("125000.00"), "12.5万元"), (9800, "9,800元"), (None, "")],
)
def test_money_in_yuan_is_said_in_10k_yuan(value, shown):
    assert _render("{{ v|yuan }}", v=value) == shown


def test_only_the_figures_filters_group_numbers_not_every_rendered_number():
    assert settings.USE_THOUSAND_SEPARATOR is False
    with translation.override("zh-hans"):
        assert Template("{{ v }}").render(Context({"v": 29833})) == "29833"


@pytest.mark.django_db
def test_a_cluster_page_groups_its_yearly_figures(client, manager, cluster):
    from clusters.models import ClusterIndicator

    ClusterIndicator.objects.create(cluster=cluster, year=2021, enterprise_count=29833, output_value="12600000.00")
    client.force_login(manager)
    body = client.get(cluster.get_absolute_url(), **ZH).content.decode()
    assert "29,833" in body
    assert "12,600,000" in body
    assert "12600000.00" not in body


@pytest.mark.django_db
def test_people_are_named_by_their_name_not_their_user_name():
    named = UserFactory(username="staff_team2_a", last_name="王", first_name="立新")
    unnamed = UserFactory(username="staff_team2_b")
    assert str(named) == "王立新"
    assert str(unnamed) == "staff_team2_b"


@pytest.mark.django_db
def test_a_models_own_permission_reads_in_the_language_asked_whatever_language_it_was_stored_in():
    manage = Permission.objects.select_related("content_type").get(codename="manage_ticket")
    Permission.objects.filter(pk=manage.pk).update(name="可分派、关闭、重开和取消帮扶工单")  # stored under Chinese
    manage.refresh_from_db()
    with translation.override("en"):
        assert permission_label(manage).endswith("| Can assign, close, reopen and cancel help tickets")
    with translation.override("zh-hans"):
        assert permission_label(manage).endswith("| 可分派、关闭、重开和取消帮扶工单")
