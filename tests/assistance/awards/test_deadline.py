"""Submissions close at the cycle's closing time, unless a manager recorded an exception for the application."""

import datetime

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assistance.awards import services
from assistance.awards.models import AwardApplication, DeadlineException

from .factories import AwardApplicationFactory, AwardCycleFactory

pytestmark = pytest.mark.django_db

S = AwardApplication.Status
MINUTE = datetime.timedelta(minutes=1)
TZ = timezone.get_current_timezone()


@pytest.fixture
def spring_cycle(db):
    """Submissions from 2031-03-01 08:00 to 2031-05-31 17:00, Tangshan time."""
    return AwardCycleFactory(
        year=2031,
        opens_at=datetime.datetime(2031, 3, 1, 8, 0, tzinfo=TZ),
        closes_at=datetime.datetime(2031, 5, 31, 17, 0, tzinfo=TZ),
    )


@pytest.fixture
def draft(spring_cycle, enterprise, inspector):
    return AwardApplicationFactory(cycle=spring_cycle, enterprise=enterprise, prepared_by=inspector)


def _submit(application, user, at):
    return services.application_submit(application_id=application.pk, user=user, at=at)


def _state(application) -> tuple:
    application = AwardApplication.objects.get(pk=application.pk)
    return application.status, application.submitted_at, application.revisions.count(), application.events.count()


def test_a_submission_up_to_the_closing_time_is_accepted(draft, inspector, spring_cycle):
    submitted = _submit(draft, inspector, spring_cycle.closes_at)
    assert submitted.status == S.SUBMITTED
    assert submitted.submitted_at == spring_cycle.closes_at
    assert submitted.revisions.get().created_at == spring_cycle.closes_at
    assert submitted.events.get(action="submit").at == spring_cycle.closes_at


def test_a_submission_after_the_closing_time_is_refused(draft, inspector, spring_cycle):
    before = _state(draft)
    with pytest.raises(ValidationError) as refused:
        _submit(draft, inspector, spring_cycle.closes_at + MINUTE)
    assert refused.value.code == "deadline"
    assert "2031-05-31 17:00" in refused.value.messages[0]
    assert _state(draft) == before
    assert list(draft.events.values_list("action", flat=True)) == ["create"]


def test_a_submission_before_the_cycle_opens_is_refused(draft, inspector, spring_cycle):
    before = _state(draft)
    with pytest.raises(ValidationError) as refused:
        _submit(draft, inspector, spring_cycle.opens_at - MINUTE)
    assert refused.value.code == "not_open"
    assert _state(draft) == before


def test_a_managers_exception_lets_this_application_be_submitted_until_it_ends(
    draft, inspector, manager, spring_cycle, cycle, other_enterprise
):
    other = AwardApplicationFactory(cycle=spring_cycle, enterprise=other_enterprise, prepared_by=inspector)
    closed = spring_cycle.closes_at
    until = closed + datetime.timedelta(days=3)
    exception = services.deadline_exception_grant(
        application_id=draft.pk, user=manager, reason="企业因疫情封控未能按时报送", until=until, at=closed + MINUTE
    )
    assert (exception.granted_by, exception.until, exception.created_at) == (manager, until, closed + MINUTE)
    event = draft.events.get(action="exception")
    assert event.actor == manager and "企业因疫情封控未能按时报送" in event.note and "2031-06-03 17:00" in event.note

    # The exception is for this application only.
    with pytest.raises(ValidationError):
        _submit(other, inspector, closed + datetime.timedelta(days=1))
    submitted = _submit(draft, inspector, closed + datetime.timedelta(days=1))
    assert submitted.status == S.SUBMITTED


def test_an_exception_that_has_ended_no_longer_helps(draft, inspector, manager, spring_cycle):
    closed = spring_cycle.closes_at
    services.deadline_exception_grant(
        application_id=draft.pk, user=manager, reason="补交材料", until=closed + datetime.timedelta(days=1), at=closed
    )
    before = _state(draft)
    with pytest.raises(ValidationError) as refused:
        _submit(draft, inspector, closed + datetime.timedelta(days=1, minutes=1))
    assert refused.value.code == "deadline"
    assert _state(draft) == before


def test_a_returned_application_needs_an_exception_after_the_closing_time(draft, inspector, manager, spring_cycle):
    closed = spring_cycle.closes_at
    _submit(draft, inspector, closed - datetime.timedelta(days=2))
    services.application_return(application_id=draft.pk, user=manager, reason="补充财务报表", at=closed - MINUTE)
    returned = AwardApplication.objects.get(pk=draft.pk)
    with pytest.raises(ValidationError):
        _submit(returned, inspector, closed + datetime.timedelta(hours=1))
    services.deadline_exception_grant(
        application_id=draft.pk, user=manager, reason="退回修改", until=closed + datetime.timedelta(days=2), at=closed
    )
    assert _submit(returned, inspector, closed + datetime.timedelta(hours=1)).status == S.SUBMITTED
    assert list(returned.revisions.values_list("number", flat=True)) == [1, 2]


def test_only_a_manager_grants_an_exception(draft, inspector, spring_cycle):
    with pytest.raises(PermissionDenied):
        services.deadline_exception_grant(
            application_id=draft.pk,
            user=inspector,
            reason="自己给自己延期",
            until=spring_cycle.closes_at + datetime.timedelta(days=1),
            at=spring_cycle.closes_at,
        )
    assert not DeadlineException.objects.exists()


@pytest.mark.parametrize(
    ("reason", "until_days", "code"),
    [("", 1, "reason"), ("  ", 1, "reason"), ("迟交", 0, "until"), ("迟交", -1, "until")],
)
def test_an_exception_needs_a_reason_and_a_future_end(draft, manager, spring_cycle, reason, until_days, code):
    at = spring_cycle.closes_at
    with pytest.raises(ValidationError) as refused:
        services.deadline_exception_grant(
            application_id=draft.pk,
            user=manager,
            reason=reason,
            until=at + datetime.timedelta(days=until_days),
            at=at,
        )
    assert refused.value.code == code
    assert not DeadlineException.objects.exists()
    assert not draft.events.filter(action="exception").exists()


def test_no_exception_for_a_closed_application(make_application, manager):
    approved = make_application("approved")
    with pytest.raises(ValidationError):
        services.deadline_exception_grant(
            application_id=approved.pk,
            user=manager,
            reason="迟交",
            until=timezone.now() + datetime.timedelta(days=1),
        )


# --- Through the pages ------------------------------------------------------------------------


@pytest.fixture
def late(enterprise, inspector):
    """A draft in a cycle that closed yesterday."""
    closed = AwardCycleFactory(
        opens_at=timezone.now() - datetime.timedelta(days=60), closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    return AwardApplicationFactory(cycle=closed, enterprise=enterprise, prepared_by=inspector)


def _messages(response, level):
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == level]


def test_the_page_refuses_a_late_submission_until_a_manager_grants_an_exception(client_for, late, inspector, manager):
    submit = reverse("assistance:application-step", args=[late.pk, "submit"])
    response = client_for(inspector).post(submit)
    assert response.status_code == 302
    assert _messages(response, messages.ERROR)
    late.refresh_from_db()
    assert late.status == S.DRAFT

    exception_url = reverse("assistance:application-exception", args=[late.pk])
    assert client_for(manager).get(exception_url).status_code == 200
    until = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(manager).post(exception_url, {"until": until, "reason": "系统故障导致未能提交"})
    assert response.status_code == 302
    assert response.url == late.get_absolute_url()
    page = client_for(manager).get(late.get_absolute_url()).content.decode()
    assert "系统故障导致未能提交" in page

    response = client_for(inspector).post(submit)
    late.refresh_from_db()
    assert late.status == S.SUBMITTED


def test_inspectors_may_not_open_the_exception_form(client_for, late, inspector):
    url = reverse("assistance:application-exception", args=[late.pk])
    assert client_for(inspector).get(url).status_code == 403
    assert client_for(inspector).post(url, {"until": "2099-01-01T00:00", "reason": "x"}).status_code == 403
    assert not DeadlineException.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"until": "", "reason": "迟交"},
        {"until": "not a date", "reason": "迟交"},
        {"until": "2000-01-01T00:00", "reason": "迟交"},
        {"until": "2099-01-01T00:00", "reason": ""},
        {"until": "2099-13-45T99:99", "reason": "迟交"},
    ],
)
def test_the_exception_form_shows_errors_for_bad_input(client_for, late, manager, data):
    response = client_for(manager).post(reverse("assistance:application-exception", args=[late.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not DeadlineException.objects.exists()
