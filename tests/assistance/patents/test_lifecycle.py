"""The nomination lifecycle: every allowed and refused transition, and who may take each step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.patents import services
from assistance.patents.models import Nomination

pytestmark = pytest.mark.django_db

S = Nomination.Status
ACTIONS = ("submit", "return", "accept", "complete", "select", "decline", "withdraw")
# Where each action may be taken from, and where it leads: the whole table, said once more for the test.
ALLOWED = {
    ("submit", S.DRAFT): S.SUBMITTED,
    ("submit", S.RETURNED): S.SUBMITTED,
    ("return", S.SUBMITTED): S.RETURNED,
    ("accept", S.SUBMITTED): S.UNDER_REVIEW,
    ("complete", S.UNDER_REVIEW): S.PENDING_DECISION,
    ("select", S.PENDING_DECISION): S.SELECTED,
    ("decline", S.PENDING_DECISION): S.NOT_SELECTED,
    **{("withdraw", s): S.WITHDRAWN for s in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.UNDER_REVIEW, S.PENDING_DECISION)},
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", S.values)
def test_the_table_allows_exactly_the_listed_transitions(action, status):
    if (action, status) in ALLOWED:
        assert services.NOMINATIONS.next_status(action, status) == ALLOWED[(action, status)]
    else:
        with pytest.raises(ValidationError):
            services.NOMINATIONS.next_status(action, status)


@pytest.mark.parametrize(
    ("status", "action", "role", "allowed"),
    [
        ("draft", "submit", "nominator", True),
        ("draft", "submit", "manager", True),
        ("draft", "submit", "read_only", False),
        ("draft", "submit", "reviewer", False),
        ("submitted", "return", "manager", True),
        ("submitted", "return", "nominator", False),
        ("submitted", "accept", "manager", True),
        ("submitted", "accept", "nominator", False),
        ("pending_decision", "select", "manager", True),
        ("pending_decision", "select", "nominator", False),
        ("pending_decision", "decline", "manager", True),
        ("pending_decision", "decline", "nominator", False),
        ("under_review", "withdraw", "nominator", True),
        ("under_review", "withdraw", "manager", True),
        ("under_review", "withdraw", "colleague", False),
        ("under_review", "complete", "manager", False),
        ("draft", "withdraw", "read_only", False),
    ],
)
def test_each_step_is_open_to_its_roles_only(request, make_nomination, status, action, role, allowed):
    nomination = make_nomination(status)
    user = request.getfixturevalue({"nominator": "inspector"}.get(role, role))
    if allowed:
        services.NOMINATIONS.check(user=user, record=nomination, action=action)
        assert action in services.allowed_steps(user, nomination)
    else:
        with pytest.raises(PermissionDenied):
            services.NOMINATIONS.check(user=user, record=nomination, action=action)
        assert action not in services.allowed_steps(user, nomination)


def test_a_nomination_walks_from_draft_to_selected_and_each_step_is_on_its_timeline(make_nomination):
    nomination = make_nomination("selected")
    assert nomination.status == S.SELECTED
    moves = list(nomination.events.exclude(from_status="").order_by("at", "pk").values_list("from_status", "to_status"))
    status_moves = [(a, b) for a, b in moves if a != b]
    assert status_moves == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "pending_decision"),
        ("pending_decision", "selected"),
    ]


def test_a_returned_nomination_is_submitted_again(make_nomination, inspector):
    nomination = make_nomination("returned")
    assert nomination.events.filter(action="return", note="请补充帮扶事例").exists()
    services.nomination_submit(nomination_id=nomination.pk, user=inspector)
    nomination.refresh_from_db()
    assert nomination.status == S.SUBMITTED


@pytest.mark.parametrize("status", ["selected", "not_selected", "withdrawn"])
def test_a_finished_nomination_cannot_be_withdrawn(make_nomination, manager, status):
    nomination = make_nomination(status)
    with pytest.raises(ValidationError):
        services.nomination_withdraw(nomination_id=nomination.pk, user=manager)


def test_returning_needs_a_reason(make_nomination, manager):
    nomination = make_nomination("submitted")
    with pytest.raises(ValidationError) as error:
        services.nomination_return(nomination_id=nomination.pk, user=manager, reason="  ")
    assert error.value.code == "reason"


def test_submission_needs_a_statement(make_nomination, inspector):
    nomination = make_nomination(statement="")
    with pytest.raises(ValidationError) as error:
        services.nomination_submit(nomination_id=nomination.pk, user=inspector)
    assert error.value.code == "empty"
    nomination.refresh_from_db()
    assert nomination.status == S.DRAFT


def test_submission_after_the_selection_closes_is_refused(make_nomination, inspector, selection):
    nomination = make_nomination()
    with pytest.raises(ValidationError) as error:
        services.nomination_submit(
            nomination_id=nomination.pk, user=inspector, at=selection.closes_at.replace(year=selection.year + 1)
        )
    assert error.value.code == "deadline"


def test_a_nomination_names_exactly_one_nominee(selection, inspector, expert, colleague):
    with pytest.raises(ValidationError):
        services.nomination_create(user=inspector, selection=selection)
    with pytest.raises(ValidationError):
        services.nomination_create(user=inspector, selection=selection, nominee_expert=expert, nominee_user=colleague)


def test_the_database_refuses_a_nomination_with_two_nominees(nomination, colleague):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=nomination.pk).update(nominee_user=colleague)


def test_the_same_person_is_nominated_once_per_selection(make_nomination, colleague):
    make_nomination(nominee_user=colleague)
    with pytest.raises(ValidationError) as error:
        make_nomination(nominee_user=colleague)
    assert error.value.code == "duplicate"


def test_nobody_nominates_themselves(selection, inspector):
    with pytest.raises(ValidationError) as error:
        services.nomination_create(user=inspector, selection=selection, nominee_user=inspector)
    assert error.value.code == "self"


def test_a_staff_nominee_outside_the_nominators_jurisdiction_is_refused(selection, inspector, outsider):
    with pytest.raises(ValidationError) as error:
        services.nomination_create(user=inspector, selection=selection, nominee_user=outsider)
    assert error.value.code == "scope"


def test_a_staff_nomination_lies_in_the_nominees_region(make_nomination, colleague, county):
    assert make_nomination(nominee_user=colleague).region == county


def test_the_edit_changes_only_a_draft_or_returned_nomination(make_nomination, inspector, colleague):
    submitted = make_nomination("submitted")
    with pytest.raises(ValidationError):
        services.nomination_update(nomination_id=submitted.pk, user=inspector, statement="改动")
    returned = make_nomination("returned", nominee_user=colleague)
    services.nomination_update(nomination_id=returned.pk, user=inspector, statement="补充了三家企业的事例")
    returned.refresh_from_db()
    assert returned.statement == "补充了三家企业的事例"
    assert returned.updated_by == inspector
