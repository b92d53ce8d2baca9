"""Reviews of nominations: the awards' blind-review rules, conflict declaration, and no self-review."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.patents import selectors, services
from assistance.patents.models import Expert, Nomination
from tests.assistance.awards.factories import reviewer_user

from .conftest import FULL_MARKS

pytestmark = pytest.mark.django_db


def _declare_and_score(review, scores=FULL_MARKS, *, submit=True, recommendation="select"):
    services.review_declare(review_id=review.pk, user=review.reviewer, conflict=False)
    return services.review_save(
        review_id=review.pk,
        user=review.reviewer,
        scores=scores,
        comment="",
        recommendation=recommendation,
        submit=submit,
    )


def test_accepting_needs_two_reviewers(make_nomination, manager, reviewer):
    nomination = make_nomination("submitted")
    with pytest.raises(ValidationError) as error:
        services.nomination_accept(nomination_id=nomination.pk, user=manager, reviewers=[reviewer])
    assert error.value.code == "too_few"
    nomination.refresh_from_db()
    assert nomination.status == "submitted" and not nomination.reviews.exists()


def test_a_reviewer_sees_nothing_of_the_nomination_before_declaring(make_nomination, reviewer):
    nomination = make_nomination("under_review")
    assert not selectors.visible_nominations(user=reviewer).filter(pk=nomination.pk).exists()
    review = nomination.reviews.get(reviewer=reviewer)
    services.review_declare(review_id=review.pk, user=reviewer, conflict=False)
    assert selectors.visible_nominations(user=reviewer).filter(pk=nomination.pk).exists()


def test_a_reviewer_cannot_score_before_declaring(make_nomination, reviewer):
    review = make_nomination("under_review").reviews.get(reviewer=reviewer)
    with pytest.raises(ValidationError) as error:
        services.review_save(
            review_id=review.pk, user=reviewer, scores=FULL_MARKS, comment="", recommendation="select", submit=True
        )
    assert error.value.code == "declare"


def test_a_declared_conflict_withdraws_the_reviewer_and_hides_the_nomination(make_nomination, reviewer):
    nomination = make_nomination("under_review")
    review = nomination.reviews.get(reviewer=reviewer)
    services.review_declare(review_id=review.pk, user=reviewer, conflict=True, note="曾与被提名人同一单位")
    review.refresh_from_db()
    assert review.withdrawn_at is not None and review.withdrawn_reason == "曾与被提名人同一单位"
    assert not selectors.my_reviews(user=reviewer).exists()
    assert not selectors.visible_nominations(user=reviewer).exists()
    assert nomination.events.filter(action="conflict").exists()


def test_a_declaration_is_made_once(make_nomination, reviewer):
    review = make_nomination("under_review").reviews.get(reviewer=reviewer)
    services.review_declare(review_id=review.pk, user=reviewer, conflict=False)
    with pytest.raises(ValidationError) as error:
        services.review_declare(review_id=review.pk, user=reviewer, conflict=True, note="改主意")
    assert error.value.code == "declared"


def test_only_the_assigned_reviewer_declares_or_scores(make_nomination, reviewer, second_reviewer):
    review = make_nomination("under_review").reviews.get(reviewer=reviewer)
    with pytest.raises(PermissionDenied):
        services.review_declare(review_id=review.pk, user=second_reviewer, conflict=False)
    with pytest.raises(PermissionDenied):
        services.review_save(
            review_id=review.pk, user=second_reviewer, scores={}, comment="", recommendation="", submit=False
        )


def test_a_reviewer_is_never_assigned_a_nomination_of_themselves(
    make_nomination, manager, reviewer, second_reviewer, city
):
    own = Expert.objects.create(name="评审兼专家", organisation="唐山市知识产权促进保护中心", user=reviewer)
    nomination = make_nomination("submitted", nominee_expert=own)
    with pytest.raises(ValidationError) as error:
        services.nomination_accept(nomination_id=nomination.pk, user=manager, reviewers=[reviewer, second_reviewer])
    assert error.value.code == "self_review"
    nomination.refresh_from_db()
    assert nomination.status == "submitted" and not nomination.reviews.exists()


def test_a_staff_reviewer_cannot_review_their_own_nomination_even_if_assigned_behind_the_rules(
    make_nomination, county, second_reviewer, third_reviewer
):
    staff_reviewer = reviewer_user(username="staffreviewer", jurisdiction=county, groups=["reviewer", "inspector"])
    nomination = make_nomination(
        "under_review", nominee_user=staff_reviewer, reviewed_by=[second_reviewer, third_reviewer]
    )
    # An assignment written past the service (by hand in the database) is still refused at every step.
    review = nomination.reviews.create(reviewer=staff_reviewer)
    with pytest.raises(PermissionDenied):
        services.review_declare(review_id=review.pk, user=staff_reviewer, conflict=False)


def test_scores_out_of_range_or_incomplete_are_refused(make_nomination, reviewer):
    review = make_nomination("under_review").reviews.get(reviewer=reviewer)
    services.review_declare(review_id=review.pk, user=reviewer, conflict=False)
    with pytest.raises(ValidationError) as error:
        services.review_save(
            review_id=review.pk,
            user=reviewer,
            scores={**FULL_MARKS, "impact": 41},
            comment="",
            recommendation="select",
            submit=False,
        )
    assert error.value.code == "range"
    with pytest.raises(ValidationError) as error:
        services.review_save(
            review_id=review.pk, user=reviewer, scores={"impact": 30}, comment="", recommendation="select", submit=True
        )
    assert error.value.code == "incomplete"
    with pytest.raises(ValidationError) as error:
        services.review_save(
            review_id=review.pk, user=reviewer, scores=FULL_MARKS, comment="", recommendation="", submit=True
        )
    assert error.value.code == "recommendation"


def test_a_draft_review_keeps_its_total_and_a_submitted_one_is_locked(make_nomination, reviewer):
    review = make_nomination("under_review").reviews.get(reviewer=reviewer)
    saved = _declare_and_score(review, {"impact": 30, "reach": 20}, submit=False)
    assert saved.total == 50 and saved.submitted_at is None
    submitted = services.review_save(
        review_id=review.pk, user=reviewer, scores=FULL_MARKS, comment="好", recommendation="select", submit=True
    )
    assert submitted.total == 100
    with pytest.raises(ValidationError) as error:
        services.review_save(
            review_id=review.pk, user=reviewer, scores=FULL_MARKS, comment="", recommendation="select", submit=True
        )
    assert error.value.code == "locked"


def test_the_last_review_in_moves_the_nomination_to_pending_decision(make_nomination, reviewer, second_reviewer):
    nomination = make_nomination("under_review")
    _declare_and_score(nomination.reviews.get(reviewer=reviewer))
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.UNDER_REVIEW
    _declare_and_score(nomination.reviews.get(reviewer=second_reviewer))
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING_DECISION
    assert nomination.events.filter(action="complete", actor=None).exists()


def test_a_reviewer_never_sees_another_review(make_nomination, reviewer, second_reviewer):
    nomination = make_nomination("under_review")
    _declare_and_score(nomination.reviews.get(reviewer=second_reviewer))
    services.review_declare(review_id=nomination.reviews.get(reviewer=reviewer).pk, user=reviewer, conflict=False)
    assert list(selectors.my_reviews(user=reviewer).values_list("reviewer", flat=True)) == [reviewer.pk]
    # The list of nominations with their scores is staff's; a reviewer lists nothing there.
    assert not selectors.nomination_list(user=reviewer).exists()


def test_a_manager_adds_a_reviewer_after_a_conflict(make_nomination, manager, reviewer, third_reviewer):
    nomination = make_nomination("under_review")
    services.review_declare(
        review_id=nomination.reviews.get(reviewer=reviewer).pk, user=reviewer, conflict=True, note="亲属"
    )
    services.nomination_assign_reviewer(nomination_id=nomination.pk, user=manager, reviewer=third_reviewer)
    assert nomination.reviews.filter(reviewer=third_reviewer, withdrawn_at=None).exists()


def test_only_a_manager_adds_a_reviewer(make_nomination, inspector, third_reviewer):
    nomination = make_nomination("under_review")
    with pytest.raises(PermissionDenied):
        services.nomination_assign_reviewer(nomination_id=nomination.pk, user=inspector, reviewer=third_reviewer)


def test_side_by_side_scores_list_every_submitted_review(make_nomination):
    nomination = make_nomination("pending_decision")
    table = selectors.reviews_side_by_side(nomination=nomination)
    assert len(table["reviews"]) == 2
    assert table["mean"] == 100
    assert [row["max"] for row in table["rows"]] == list(FULL_MARKS.values())
