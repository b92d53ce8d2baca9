"""The ticket pages in Chinese: steps say what happened to which ticket, labels read naturally, people are
named by their names, and closing asks first as cancelling does."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assistance import services
from assistance.models import TicketEvent
from tests.factories import UserFactory

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _post(client, ticket, action, data=None):
    url = reverse("assistance:ticket-transition", args=[ticket.pk, action])
    response = client.post(url, data or {}, follow=True, **ZH)
    assert response.redirect_chain[0][1] == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def named_inspector(inspector):
    inspector.last_name, inspector.first_name = "王", "立新"
    inspector.save()
    return inspector


def test_assigning_says_which_ticket_went_to_which_team_and_person(
    client_for, manager, enterprise, team, named_inspector
):
    ticket = TicketFactory(enterprise=enterprise)
    said = _post(client_for(manager), ticket, "assign", {"assign-team": team.pk, "assign-assignee": named_inspector.pk})
    assert said == [f"工单 {ticket.number} 已分派给迁安市第一入企帮扶工作组（王立新）。"]


def test_each_step_names_the_ticket_and_what_happened(client_for, manager, inspector, ticket):
    assert _post(client_for(inspector), ticket, "start") == [f"工单 {ticket.number} 已开始处理。"]
    said = _post(client_for(inspector), ticket, "wait")
    assert said == [f"工单 {ticket.number} 已转为等待{ticket.enterprise.name}答复，服务时限暂停计时。"]
    assert _post(client_for(inspector), ticket, "resume")[0].startswith(
        f"工单 {ticket.number} 已恢复处理，截止时间顺延至 "
    )
    said = _post(client_for(inspector), ticket, "resolve", {"resolve-resolution": "已上门检定"})
    assert said == [f"工单 {ticket.number} 已解决，待科室负责人确认关闭。"]
    assert _post(client_for(manager), ticket, "close") == [f"工单 {ticket.number} 已关闭。"]


def test_cancelling_says_which_ticket_was_cancelled(client_for, manager, ticket):
    said = _post(client_for(manager), ticket, "cancel", {"cancel-reason": "企业已自行解决"})
    assert said == [f"工单 {ticket.number} 已取消。"]


def test_no_step_message_reads_like_a_machine(client_for, manager, ticket):
    said = _post(client_for(manager), ticket, "cancel", {"cancel-reason": "重复提交"})
    assert "已完成" not in said[0]
    assert "：" not in said[0]


def test_the_assign_error_names_the_person_not_the_user_name(client_for, manager, enterprise, team, county):
    stranger = UserFactory(
        username="inspector_fengrun", last_name="李", first_name="明", jurisdiction=county, groups=["inspector"]
    )
    ticket = TicketFactory(enterprise=enterprise)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=stranger)
    assert refused.value.messages == [f"李明不是{team}的成员。"]


def test_the_ticket_page_labels_read_naturally(client_for, manager, inspector, ticket):
    ticket.description = "计量器具无法按期检定"
    ticket.save()
    services.ticket_start(ticket_id=ticket.pk, user=inspector)
    services.ticket_resolve(ticket_id=ticket.pk, user=inspector, resolution="已检定")
    services.ticket_close(ticket_id=ticket.pk, user=manager)
    body = client_for(manager).get(ticket.get_absolute_url(), **ZH).content.decode()
    assert "问题描述" in body
    assert "简介" not in body
    for label in ("受理时间", "解决时间", "关闭时间"):
        assert f">{label}</dt>" in body


def test_the_timeline_reads_from_the_old_status_to_the_new(client_for, manager, inspector, ticket):
    services.ticket_start(ticket_id=ticket.pk, user=inspector)
    body = client_for(manager).get(ticket.get_absolute_url(), **ZH).content.decode()
    timeline = body[body.index('id="timeline"') :]
    assert "已分派 →</span> <strong>处理中</strong>" in timeline
    assert "←" not in timeline


def test_attachments_and_visits_on_the_timeline_take_a_full_width_colon(client_for, manager, inspector, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("检定证书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.attachment_add(user=inspector, upload=upload, ticket=ticket)
    body = client_for(manager).get(ticket.get_absolute_url(), **ZH).content.decode()
    assert "附件：<a" in body
    assert "附件: " not in body


def test_closing_asks_for_confirmation_as_cancelling_does_and_the_buttons_say_what_they_do(
    client_for, manager, inspector, ticket
):
    services.ticket_start(ticket_id=ticket.pk, user=inspector)
    services.ticket_resolve(ticket_id=ticket.pk, user=inspector, resolution="已检定")
    body = client_for(manager).get(ticket.get_absolute_url(), **ZH).content.decode()
    close_form = re.search(r'<form[^>]*data-action="close"[^>]*>', body).group(0)
    assert 'data-confirm="确定关闭该工单吗？关闭后不能重开，也不能再修改。"' in close_form
    cancel_form = re.search(r'<form[^>]*data-action="cancel"[^>]*>', body)
    assert cancel_form is None  # a resolved ticket is no longer open
    assert ">关闭工单</button>" in body


def test_the_cancel_button_says_cancel_the_ticket(client_for, manager, ticket):
    body = client_for(manager).get(ticket.get_absolute_url(), **ZH).content.decode()
    assert ">取消工单</button>" in body
    assert re.search(r'<form[^>]*data-action="cancel"[^>]*data-confirm=', body)


def test_the_assignee_filter_and_picker_list_people_by_name(client_for, manager, named_inspector, ticket):
    body = client_for(manager).get(reverse("assistance:ticket-list"), **ZH).content.decode()
    options = re.search(r'<select name="assignee".*?</select>', body, re.S).group(0)
    assert "王立新" in options
    assert ">inspector<" not in options


def test_the_ticket_form_asks_for_a_choice_in_words(client_for, inspector):
    body = client_for(inspector).get(reverse("assistance:ticket-create"), **ZH).content.decode()
    assert "---------" not in body
    assert "请选择" in body


def test_ticket_events_in_admin_show_labels_not_codes(client_for, admin_user, manager, enterprise, team, inspector):
    ticket = TicketFactory(enterprise=enterprise)
    services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector)
    event = TicketEvent.objects.filter(ticket=ticket, action="assign").get()
    with translation.override("zh-hans"):
        assert str(event) == f"{ticket.number}：新建 → 已分派"
    body = client_for(admin_user).get(reverse("admin:assistance_ticketevent_changelist"), **ZH).content.decode()
    assert "分派" in body
    assert ">assign<" not in body
    assert "new → assigned" not in body
