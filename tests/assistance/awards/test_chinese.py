"""Award pages in Chinese: a step says what happened to whose application, the timeline names a reviewer
assignment as such, and an approved award's source names the cycle and the enterprise, not a database id."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from assistance.awards import services
from clusters.models import Honour
from tests.factories import HonourFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _step(client, application, action, data):
    url = reverse("assistance:application-step", args=[application.pk, action])
    response = client.post(url, data, follow=True, **ZH)
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_rejecting_says_whose_application_in_which_cycle(client_for, manager, make_application, enterprise, cycle):
    application = make_application("pending_decision")
    said = _step(client_for(manager), application, "reject", {"reject-reason": "得分未达标准"})
    assert said == [f"{enterprise.name}的{cycle}申报不予通过。"]


def test_accepting_names_the_reviewers(client_for, manager, make_application, reviewers, enterprise, cycle):
    for n, reviewer in enumerate(reviewers):
        reviewer.last_name, reviewer.first_name = ("陈", "赵")[n], "思远"
        reviewer.save()
    application = make_application("submitted", reviewers=[])
    data = {"accept-reviewers": [r.pk for r in reviewers], "accept-lead": reviewers[0].pk}
    said = _step(client_for(manager), application, "accept", data)
    assert said == [f"{enterprise.name}的{cycle}申报已受理，评审专家：陈思远、赵思远。"]


def test_the_timeline_names_a_reviewer_assignment_and_reads_old_to_new(
    client_for, manager, make_application, reviewers
):
    application = make_application("submitted", reviewers=[])
    services.application_accept(application_id=application.pk, user=manager, reviewers=reviewers)
    body = client_for(manager).get(application.get_absolute_url(), **ZH).content.decode()
    timeline = body[body.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert f"<strong>已指派评审专家</strong>：{reviewers[0].display_name}" in timeline
    assert "已提交 →</span> <strong>评审中</strong>" in timeline
    assert "←" not in timeline


def test_an_approved_award_is_sourced_to_the_cycle_and_enterprise_not_an_id(manager, make_application, enterprise):
    application = make_application("pending_decision")
    with translation.override("zh-hans"):
        services.application_decide(application_id=application.pk, user=manager, outcome="approved", reason="优秀")
    honour = Honour.objects.get()
    assert honour.source == f"{application.cycle}授奖决定（{enterprise.name}申报）"
    assert "号申报" not in honour.source


def test_the_migration_renames_sources_that_named_the_application_by_its_id(
    manager, make_application, enterprise, cycle
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("assistance.migrations.0016_name_award_sources_by_cycle_and_enterprise")
    application = make_application("pending_decision")
    services.application_decide(application_id=application.pk, user=manager, outcome="approved", reason="优秀")
    honour = Honour.objects.get()
    honour.source = f"{cycle}第{application.pk}号申报的授奖决定"
    honour.save()
    kept = HonourFactory(enterprise=enterprise, source="报道")

    migration.name_sources(apps, None)

    honour.refresh_from_db()
    kept.refresh_from_db()
    assert honour.source == f"{cycle}授奖决定（{enterprise.name}申报）"
    assert kept.source == "报道"
    migration.number_sources(apps, None)
    honour.refresh_from_db()
    assert honour.source == f"{cycle}第{application.pk}号申报的授奖决定"
