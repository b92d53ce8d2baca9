"""The selection's pages in Chinese: the steps say what happened to whom, the pages read in Chinese."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_selecting_says_who_was_selected(client_for, manager, make_nomination, expert):
    nomination = make_nomination("pending_decision")
    url = reverse("assistance:nomination-step", args=[nomination.pk, "select"])
    response = client_for(manager).post(url, {"select-reason": "成效突出"}, follow=True, **ZH)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"{expert.name}已入选。"]


def test_a_step_the_status_does_not_allow_is_refused_in_chinese(client_for, manager, make_nomination):
    nomination = make_nomination("selected")
    url = reverse("assistance:nomination-step", args=[nomination.pk, "withdraw"])
    response = client_for(manager).post(url, {}, follow=True, **ZH)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["处于“入选”状态的提名不能进行此操作。"]


def test_the_nomination_page_and_the_lists_read_in_chinese(client_for, manager, make_nomination, selection):
    nomination = make_nomination("pending_decision")
    client = client_for(manager)
    page = client.get(nomination.get_absolute_url(), **ZH).content.decode()
    for words in ("办结的知识产权工单", "帮扶企业数", "授课培训次数", "专利帮扶成效", "提交时的佐证", "评为入选"):
        assert words in page
    assert "“专利伯乐”评选" in client.get(reverse("assistance:patent-selection-list"), **ZH).content.decode()
    assert "“专利伯乐”评选结果" in client.get(reverse("assistance:patent-results"), **ZH).content.decode()


def test_the_link_to_the_results_does_not_read_as_the_publish_button(client_for, manager, make_nomination, selection):
    make_nomination("selected")
    page = client_for(manager).get(selection.get_absolute_url(), **ZH).content.decode()
    assert '<button class="btn btn-outline-success" type="submit">公布结果</button>' in page
    link = f'href="{reverse("assistance:patent-results")}">'
    assert f"{link}评选结果</a>" in page
    assert f"{link}公布结果</a>" not in page
