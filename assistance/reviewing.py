"""The blind-review rules that every reviewed workflow shares (award applications, patent nominations).

An assignment is any row with `reviewer_id`, `no_conflict_declared_at`, `withdrawn_at` and
`withdrawn_reason`; a rubric is any sequence of criteria with `code`, `name` and `max_points`. The
rules: at least two reviewers; a reviewer declares, once, whether they have a conflict of interest
before they see what they review (a conflict withdraws them); only the reviewer scores, only after
declaring no conflict, each criterion within its points, everything scored and a recommendation chosen
before submitting, and a submitted review never changes. What a reviewer may see of other reviews
(nothing) is each workflow's selectors' business: they list a reviewer's own rows only.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

MIN_REVIEWERS = 2


def check_reviewers(reviewers: Sequence[Any], lead: Any = None) -> None:
    """Refuse fewer than two reviewers, or a lead who is not one of them."""
    if len(reviewers) < MIN_REVIEWERS:
        raise ValidationError(_("Assign at least two reviewers."), code="too_few")
    if lead is not None and lead not in reviewers:
        raise ValidationError(_("The lead reviewer must be one of the reviewers."), code="lead")


def check_may_declare(assignment, user) -> None:
    """Only the assigned reviewer declares, and only once."""
    if assignment.reviewer_id != user.pk:
        raise PermissionDenied
    if assignment.withdrawn_at or assignment.no_conflict_declared_at:
        raise ValidationError(_("You have already made your declaration."), code="declared")


def declare(assignment, *, conflict: bool, note: str, at: datetime.datetime) -> None:
    """Record the declaration on the (locked) assignment: a conflict withdraws the reviewer, with its note."""
    if conflict:
        assignment.withdrawn_at = at
        assignment.withdrawn_reason = (note or "").strip()
    else:
        assignment.no_conflict_declared_at = at
    assignment.save()


def check_may_score(assignment, user) -> None:
    """Only the assigned, not withdrawn reviewer scores, and only after declaring no conflict."""
    if assignment.reviewer_id != user.pk or assignment.withdrawn_at:
        raise PermissionDenied
    if not assignment.no_conflict_declared_at:
        raise ValidationError(_("Declare that you have no conflict of interest first."), code="declare")


def check_not_submitted(review) -> None:
    if review is not None and review.submitted_at:
        raise ValidationError(_("A submitted review cannot be changed."), code="locked")


def checked_total(
    criteria: Iterable[Any], scores: Mapping[str, int | None], *, submit: bool, recommendation: str, choices
) -> int:
    """The total of the scores, after refusing a score out of its range, or on submission a blank score
    or no recommendation among `choices`."""
    total = 0
    for criterion in criteria:
        value = scores.get(criterion.code)
        if value is None and submit:
            raise ValidationError(_("Score every category before submitting."), code="incomplete")
        if value is not None and not 0 <= value <= criterion.max_points:
            raise ValidationError(
                _("%(category)s takes 0 to %(max)s points."),
                code="range",
                params={"category": criterion.name, "max": criterion.max_points},
            )
        total += value or 0
    if submit and recommendation not in choices:
        raise ValidationError(_("Choose a recommendation before submitting."), code="recommendation")
    return total
