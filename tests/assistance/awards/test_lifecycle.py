"""The application lifecycle table, cell by cell, through the step view; and the rules around each step."""

import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from assistance.awards import services
from assistance.awards.models import ApplicationEvent, AwardApplication, Decision, ReviewerAssignment
from assistance.awards.services import INSPECTOR, MANAGER, PREPARER, STEPS
from clusters.models import Honour
from tests.assistance.factories import ExpertFactory

from .factories import AwardApplicationFactory, review, reviewer_user

pytestmark = pytest.mark.django_db

S = AwardApplication.Status
SYSTEM = "system"

# The lifecycle as the issue states it: draft → submitted → returned (with a reason) → submitted again;
# submitted → under review (a manager accepts it and assigns reviewers) → pending decision (automatically)
# → approved or rejected (a manager); withdrawn at any point before the decision.
BEFORE_DECISION = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.UNDER_REVIEW, S.PENDING_DECISION)
DESIGN_EDGES = {
    ("submit", S.DRAFT, S.SUBMITTED, PREPARER),
    ("submit", S.DRAFT, S.SUBMITTED, INSPECTOR),
    ("submit", S.RETURNED, S.SUBMITTED, PREPARER),
    ("submit", S.RETURNED, S.SUBMITTED, INSPECTOR),
    ("return", S.SUBMITTED, S.RETURNED, MANAGER),
    ("accept", S.SUBMITTED, S.UNDER_REVIEW, MANAGER),
    ("complete", S.UNDER_REVIEW, S.PENDING_DECISION, SYSTEM),
    ("approve", S.PENDING_DECISION, S.APPROVED, MANAGER),
    ("reject", S.PENDING_DECISION, S.REJECTED, MANAGER),
    *{("withdraw", status, S.WITHDRAWN, MANAGER) for status in BEFORE_DECISION},
    *{("withdraw", status, S.WITHDRAWN, PREPARER) for status in BEFORE_DECISION},
}
USER_STEPS = ("submit", "return", "accept", "approve", "reject", "withdraw")

# Who tries each step, with the roles they hold on the test application (None: no access to applications).
ACTORS = {
    "manager": {MANAGER, INSPECTOR},
    "preparer": {PREPARER, INSPECTOR},
    "colleague": {INSPECTOR},
    "reviewer": None,
}


def _expected(action: str, status: str, actor: str) -> str:
    """The target status if the actor may take the step, else "forbidden" or "impossible"."""
    if ACTORS[actor] is None:
        return "forbidden"
    rows = [s for s in STEPS if s.action == action and status in s.sources]
    if not rows:
        return "impossible"
    for row in rows:
        if row.roles & ACTORS[actor]:
            return row.target
    return "forbidden"


CELLS = [
    pytest.param(action, status, actor, id=f"{action}-{status}-{actor}")
    for action in USER_STEPS
    for status in S.values
    for actor in ACTORS
]


@pytest.fixture
def users(manager, inspector, colleague, third_reviewer):
    return {"manager": manager, "preparer": inspector, "colleague": colleague, "reviewer": third_reviewer}


def _post_data(action: str, status: str, reviewers) -> tuple[dict, str]:
    """The form a step posts, and the note its event should carry."""
    if action == "accept":
        return {"accept-reviewers": [r.pk for r in reviewers]}, ""
    if action == "return":
        return {"return-reason": "缺少近三年财务报表"}, "缺少近三年财务报表"
    if action in ("approve", "reject"):
        return {f"{action}-reason": "评审组意见一致"}, "评审组意见一致"
    if action == "withdraw":
        return {"withdraw-reason": "企业决定明年再申报"}, "企业决定明年再申报"
    # The service writes the version note in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return {}, gettext("version %(n)s") % {"n": 2 if status == S.RETURNED else 1}


def _messages(response, level):
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == level]


def _step_url(application, action):
    return reverse("assistance:application-step", args=[application.pk, action])


def test_the_lifecycle_table_is_the_one_the_issue_describes():
    table = {
        (s.action, source, s.target, role) for s in STEPS for source in s.sources for role in (s.roles or {SYSTEM})
    }
    assert table == DESIGN_EDGES


@pytest.mark.parametrize(("action", "status", "actor"), CELLS)
def test_each_step_from_each_status_by_each_role_follows_the_table(
    client_for, users, make_application, reviewers, action, status, actor
):
    user = users[actor]
    application = make_application(status)
    events_before = list(application.events.values_list("pk", flat=True))
    data, note = _post_data(action, status, reviewers if status == S.SUBMITTED else [users["reviewer"], reviewers[0]])
    expected = _expected(action, status, actor)

    response = client_for(user).post(_step_url(application, action), data)

    after = AwardApplication.objects.get(pk=application.pk)
    if expected == "forbidden":
        assert response.status_code == 403
    elif expected == "impossible":
        assert response.status_code == 302
        assert response.url == application.get_absolute_url()
        assert _messages(response, messages.ERROR)
    else:
        assert response.status_code == 302
        assert response.url == application.get_absolute_url()
        assert not _messages(response, messages.ERROR)
        assert _messages(response, messages.SUCCESS)
        assert after.status == expected
        new = list(after.events.exclude(pk__in=events_before).order_by("at", "pk"))
        event = new[-1]
        assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
            action,
            user,
            status,
            expected,
            note,
        )
        extra = {"accept": ["assign", "assign"]}.get(action, [])
        assert [e.action for e in new] == [*extra, action]
        return
    assert (after.status, after.updated_at) == (application.status, application.updated_at)
    assert list(after.events.values_list("pk", flat=True)) == events_before
    assert Decision.objects.filter(application=application).exists() == (status in (S.APPROVED, S.REJECTED))


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("actor", ["manager", "preparer", "colleague"])
def test_the_application_page_offers_exactly_the_allowed_steps(client_for, users, make_application, status, actor):
    application = make_application(status)
    body = client_for(users[actor]).get(application.get_absolute_url()).content.decode()
    offered = set(re.findall(r'data-step="(\w+)"', body))
    expected = {a for a in USER_STEPS if _expected(a, status, actor) not in ("forbidden", "impossible")}
    assert offered == expected


@pytest.mark.parametrize("action", USER_STEPS)
def test_steps_refuse_get(client_for, manager, make_application, action):
    application = make_application("submitted")
    assert client_for(manager).get(_step_url(application, action)).status_code == 405


def test_an_unknown_step_is_not_found(client_for, manager, make_application):
    application = make_application("under_review")
    assert client_for(manager).post(_step_url(application, "complete")).status_code == 404
    assert client_for(manager).post(_step_url(application, "explode")).status_code == 404


def test_the_last_submitted_review_moves_the_application_to_pending_decision(make_application):
    application = make_application("under_review")
    first, second = application.assignments.all()

    review(first)
    review(second, submit=False)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW

    review(second)
    application.refresh_from_db()
    assert application.status == S.PENDING_DECISION
    event = application.events.get(action="complete")
    assert (event.from_status, event.to_status, event.actor) == (S.UNDER_REVIEW, S.PENDING_DECISION, None)


def test_a_declared_conflict_waits_for_a_replacement_before_the_review_is_complete(
    make_application, manager, third_reviewer
):
    application = make_application("under_review")
    first, second = application.assignments.all()
    review(first)
    services.assignment_declare(assignment_id=second.pk, user=second.reviewer, conflict=True, note="曾为该企业咨询")
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW

    replacement = services.application_assign_reviewer(
        application_id=application.pk, user=manager, reviewer=third_reviewer
    )
    review(replacement)
    application.refresh_from_db()
    assert application.status == S.PENDING_DECISION


def test_accepting_needs_two_reviewers(client_for, manager, make_application, reviewer):
    application = make_application("submitted")
    response = client_for(manager).post(_step_url(application, "accept"), {"accept-reviewers": [reviewer.pk]})
    assert _messages(response, messages.ERROR)
    with pytest.raises(ValidationError):
        services.application_accept(application_id=application.pk, user=manager, reviewers=[reviewer, reviewer])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not application.assignments.exists()


def test_accepting_names_a_lead_reviewer(client_for, manager, make_application, reviewers):
    application = make_application("submitted")
    data = {"accept-reviewers": [r.pk for r in reviewers], "accept-lead": reviewers[1].pk}
    client_for(manager).post(_step_url(application, "accept"), data)
    leads = ReviewerAssignment.objects.filter(application=application, is_lead=True)
    assert [a.reviewer for a in leads] == [reviewers[1]]
    assert application.assignments.count() == 2


def test_the_lead_reviewer_is_one_of_the_reviewers(manager, make_application, reviewers, third_reviewer):
    application = make_application("submitted")
    with pytest.raises(ValidationError):
        services.application_accept(
            application_id=application.pk, user=manager, reviewers=reviewers, lead=third_reviewer
        )
    assert not application.assignments.exists()


def test_a_reviewer_of_the_applicant_enterprise_can_never_be_assigned(
    client_for, manager, make_application, enterprise, reviewers, third_reviewer
):
    insider = reviewer_user(username="insider", organisation=enterprise.name)
    application = make_application("submitted")

    response = client_for(manager).post(
        _step_url(application, "accept"), {"accept-reviewers": [reviewers[0].pk, insider.pk]}
    )

    assert _messages(response, messages.ERROR)
    application.refresh_from_db()
    # One transaction: the first reviewer's assignment is not left behind either.
    assert application.status == S.SUBMITTED
    assert not application.assignments.exists()
    assert not application.events.filter(action="assign").exists()

    services.application_accept(application_id=application.pk, user=manager, reviewers=reviewers)
    with pytest.raises(ValidationError):
        services.application_assign_reviewer(application_id=application.pk, user=manager, reviewer=insider)
    assert not application.assignments.filter(reviewer=insider).exists()


def test_an_expert_of_the_applicant_enterprise_can_never_be_assigned(manager, make_application, reviewers):
    insider = reviewer_user(username="insider-expert")
    application = make_application("under_review")
    ExpertFactory(user=insider, organisation=application.enterprise.name)
    with pytest.raises(ValidationError):
        services.application_assign_reviewer(application_id=application.pk, user=manager, reviewer=insider)


def test_only_reviewers_can_be_assigned(manager, make_application, colleague, reviewer):
    application = make_application("submitted")
    with pytest.raises(ValidationError):
        services.application_accept(application_id=application.pk, user=manager, reviewers=[reviewer, colleague])


def test_adding_a_reviewer_is_for_managers_while_under_review(
    client_for, manager, inspector, make_application, third_reviewer
):
    application = make_application("under_review")
    url = reverse("assistance:application-add-reviewer", args=[application.pk])
    assert client_for(inspector).post(url, {"reviewer": third_reviewer.pk}).status_code == 403
    assert client_for(manager).get(url).status_code == 405
    response = client_for(manager).post(url, {"reviewer": third_reviewer.pk})
    assert response.status_code == 302
    assert application.assignments.filter(reviewer=third_reviewer, is_lead=False).exists()
    assert application.events.filter(action="assign", note=third_reviewer.display_name).exists()

    submitted = make_application("submitted", enterprise=AwardApplicationFactory().enterprise)
    with pytest.raises(ValidationError):
        services.application_assign_reviewer(application_id=submitted.pk, user=manager, reviewer=third_reviewer)
    with pytest.raises(PermissionDenied):
        services.application_assign_reviewer(application_id=application.pk, user=inspector, reviewer=third_reviewer)


def test_returning_and_deciding_need_a_reason(client_for, manager, make_application):
    submitted = make_application("submitted")
    response = client_for(manager).post(_step_url(submitted, "return"), {"return-reason": "  "})
    assert _messages(response, messages.ERROR)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    with pytest.raises(ValidationError):
        services.application_return(application_id=submitted.pk, user=manager, reason=" ")

    pending = make_application("pending_decision", enterprise=AwardApplicationFactory().enterprise)
    response = client_for(manager).post(_step_url(pending, "approve"), {"approve-reason": ""})
    assert _messages(response, messages.ERROR)
    with pytest.raises(ValidationError):
        services.application_decide(application_id=pending.pk, user=manager, outcome="approved", reason="\n")
    pending.refresh_from_db()
    assert pending.status == S.PENDING_DECISION
    assert not Decision.objects.exists()


def test_a_returned_application_is_edited_and_submitted_again_as_a_new_version(
    client_for, inspector, manager, make_application
):
    application = make_application("returned")
    edit = reverse("assistance:application-update", args=[application.pk])
    data = {"self_assessment": "补充了财务报表。", "self_score": "750", "version": application.version}
    response = client_for(inspector).post(edit, data)
    assert response.status_code == 302

    services.application_submit(application_id=application.pk, user=inspector)

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    versions = list(application.revisions.values_list("number", "self_assessment", "self_score"))
    assert versions == [(1, "企业导入卓越绩效管理模式，质量管理体系运行有效。", 720), (2, "补充了财务报表。", 750)]
    assert [e.action for e in application.events.order_by("at", "pk")] == ["create", "submit", "return", "submit"]
    assert application.events.get(action="return").note == "缺少财务报表"


def test_a_submitted_application_cannot_be_edited(client_for, inspector, make_application):
    application = make_application("submitted")
    edit = reverse("assistance:application-update", args=[application.pk])
    page = client_for(inspector).get(edit)
    assert page.status_code == 302
    assert page.url == application.get_absolute_url()
    response = client_for(inspector).post(edit, {"self_assessment": "偷偷改动", "self_score": "999"})
    assert response.status_code == 302
    assert _messages(response, messages.ERROR)
    application.refresh_from_db()
    assert application.self_assessment != "偷偷改动"
    with pytest.raises(ValidationError):
        services.application_update(
            application_id=application.pk,
            user=inspector,
            version=application.version,
            self_assessment="x",
            self_score=1,
        )


def test_a_review_is_tied_to_the_version_it_scored(make_application, manager, inspector, reviewers):
    application = make_application("under_review")
    assignment = application.assignments.first()
    saved = review(assignment)
    assert saved.revision.number == 1
    assert saved.revision.self_assessment == application.self_assessment


def test_withdrawing_is_possible_before_the_decision_only(make_application, inspector):
    approved = make_application("approved")
    with pytest.raises(ValidationError):
        services.application_withdraw(application_id=approved.pk, user=inspector)
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


def test_a_colleague_may_not_withdraw_someone_elses_application(make_application, colleague):
    application = make_application("submitted")
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application_id=application.pk, user=colleague)


def test_an_enterprise_applies_once_per_cycle(client_for, inspector, make_application, cycle, enterprise):
    make_application()
    with pytest.raises(ValidationError):
        services.application_create(user=inspector, enterprise=enterprise, cycle=cycle)
    response = client_for(inspector).post(
        reverse("assistance:application-create"),
        {"cycle": cycle.pk, "enterprise": enterprise.pk, "self_assessment": "再次申报", "self_score": "700"},
    )
    assert response.status_code == 200
    assert AwardApplication.objects.filter(enterprise=enterprise, cycle=cycle).count() == 1


def test_an_inspector_prepares_a_draft(client_for, inspector, cycle, enterprise):
    response = client_for(inspector).post(
        reverse("assistance:application-create"),
        {"cycle": cycle.pk, "enterprise": enterprise.pk, "self_assessment": "卓越绩效自评", "self_score": "680"},
    )
    application = AwardApplication.objects.get()
    assert response.status_code == 302
    assert response.url == application.get_absolute_url()
    assert (application.status, application.prepared_by, application.self_score) == (S.DRAFT, inspector, 680)
    assert list(application.events.values_list("action", "actor")) == [("create", inspector.pk)]


def test_an_empty_self_assessment_cannot_be_submitted(inspector, cycle, enterprise):
    application = services.application_create(user=inspector, enterprise=enterprise, cycle=cycle)
    with pytest.raises(ValidationError):
        services.application_submit(application_id=application.pk, user=inspector)
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert not application.revisions.exists()


# --- Emails ---------------------------------------------------------------------------------


def test_reviewers_are_told_when_assigned(make_application, reviewers, django_capture_on_commit_callbacks):
    for index, user in enumerate(reviewers):
        user.email = f"expert{index}@example.com"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application("under_review")
    assigned = [m for m in mail.outbox if "expert" in m.to[0]]
    assert sorted(m.to[0] for m in assigned) == ["expert0@example.com", "expert1@example.com"]
    for message in assigned:
        assignment = application.assignments.get(reviewer__email=message.to[0])
        assert reverse("assistance:review", args=[assignment.pk]) in message.body


@pytest.mark.parametrize("status", ["returned", "approved", "rejected"])
def test_the_preparing_inspector_is_told_when_returned_or_decided(
    make_application, inspector, status, django_capture_on_commit_callbacks
):
    inspector.email = "inspector@example.com"
    inspector.save()
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(status)
    to_inspector = [m for m in mail.outbox if m.to == ["inspector@example.com"]]
    assert len(to_inspector) == 1
    assert application.get_absolute_url() in to_inspector[0].body
    assert ("缺少财务报表" if status == "returned" else "评审意见一致") in to_inspector[0].body


def test_the_manager_is_told_of_a_declared_conflict(
    client_for, make_application, manager, reviewer, django_capture_on_commit_callbacks
):
    manager.email = "manager@example.com"
    manager.save()
    application = make_application("under_review")
    assignment = application.assignments.get(reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            reverse("assistance:review", args=[assignment.pk]), {"conflict": "yes", "note": "曾在该企业任职"}
        )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None and assignment.withdrawn_reason == "曾在该企业任职"
    to_manager = [m for m in mail.outbox if m.to == ["manager@example.com"]]
    assert len(to_manager) == 1
    assert application.get_absolute_url() in to_manager[0].body
    event = application.events.get(action="conflict")
    assert (event.actor, event.note) == (reviewer, "曾在该企业任职")


def test_no_honour_before_the_decision(make_application):
    make_application("pending_decision")
    assert not Honour.objects.exists()
    assert not ApplicationEvent.objects.filter(action__in=["approve", "reject"]).exists()
