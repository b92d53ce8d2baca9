"""A new application goes only into an open cycle; declaring no conflict says so."""

import datetime

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assistance.awards import services
from assistance.awards.forms import ApplicationForm
from assistance.awards.models import AwardApplication

from .factories import AwardApplicationFactory, AwardCycleFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def closed_cycle(db):
    return AwardCycleFactory(year=2024, opens_at=timezone.now() - 90 * DAY, closes_at=timezone.now() - DAY)


@pytest.fixture
def coming_cycle(db):
    return AwardCycleFactory(year=2027, opens_at=timezone.now() + DAY, closes_at=timezone.now() + 60 * DAY)


def _messages(response, level):
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == level]


def test_the_new_application_form_offers_only_the_open_cycles(inspector, cycle, closed_cycle, coming_cycle):
    offered = set(ApplicationForm(user=inspector).fields["cycle"].queryset)
    assert offered == {cycle}


def test_the_page_lists_only_the_open_cycle(client_for, inspector, cycle, closed_cycle):
    html = client_for(inspector).get(reverse("assistance:application-create")).content.decode()
    assert f'value="{cycle.pk}"' in html
    assert f'value="{closed_cycle.pk}"' not in html


def test_posting_a_closed_cycle_is_a_form_error_and_saves_nothing(client_for, inspector, enterprise, closed_cycle):
    response = client_for(inspector).post(
        reverse("assistance:application-create"),
        {"cycle": closed_cycle.pk, "enterprise": enterprise.pk, "self_assessment": "自评", "self_score": 700},
    )
    assert response.status_code == 200
    assert "该评审批次当前不受理申报" in " ".join(response.context["form"].errors["cycle"])
    assert not AwardApplication.objects.exists()


@pytest.mark.parametrize("which", ["closed_cycle", "coming_cycle"])
def test_the_service_refuses_a_cycle_that_is_not_open(request, inspector, enterprise, which):
    shut = request.getfixturevalue(which)
    with pytest.raises(ValidationError) as refused:
        services.application_create(user=inspector, enterprise=enterprise, cycle=shut)
    assert refused.value.code == "cycle_closed"
    assert timezone.localtime(shut.closes_at).strftime("%Y-%m-%d %H:%M") in refused.value.messages[0]
    assert not AwardApplication.objects.exists()


def test_an_application_made_while_the_cycle_was_open_still_edits_after_it_closed(
    client_for, inspector, enterprise, closed_cycle
):
    draft = AwardApplicationFactory(cycle=closed_cycle, enterprise=enterprise, prepared_by=inspector)
    form = ApplicationForm(user=inspector, instance=draft)
    assert list(form.fields["cycle"].queryset) == [closed_cycle]


def test_declaring_no_conflict_says_the_application_is_open_to_score(client_for, make_application, reviewer):
    assignment = make_application("under_review").assignments.get(reviewer=reviewer)
    response = client_for(reviewer).post(reverse("assistance:review", args=[assignment.pk]), {"conflict": "no"})
    assert response.status_code == 302
    assert _messages(response, messages.SUCCESS) == ["已声明无利益冲突，现在可以查看申报材料并评分。"]
    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is not None


def test_declaring_a_conflict_gives_no_success_message(client_for, make_application, reviewer):
    assignment = make_application("under_review").assignments.get(reviewer=reviewer)
    response = client_for(reviewer).post(
        reverse("assistance:review", args=[assignment.pk]), {"conflict": "yes", "note": "曾任该企业顾问"}
    )
    assert _messages(response, messages.SUCCESS) == []
    assert _messages(response, messages.INFO)


def test_with_no_open_cycle_the_page_says_so(client_for, inspector, closed_cycle):
    html = client_for(inspector).get(reverse("assistance:application-create")).content.decode()
    assert 'id="no-open-cycle"' in html and "目前没有开放申报的评审批次。" in html
    assert f'value="{closed_cycle.pk}"' not in html


def test_with_an_open_cycle_the_page_says_nothing_of_the_kind(client_for, inspector, cycle):
    html = client_for(inspector).get(reverse("assistance:application-create")).content.decode()
    assert 'id="no-open-cycle"' not in html
