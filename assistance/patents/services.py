"""专利伯乐 nominations: one call per lifecycle step, each through the engine with the nomination locked.

The table below is the selection's own; the engine (`assistance.lifecycle`) is the awards' one, and the
reviewers follow the same rules (`assistance.reviewing`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.editing import touch
from clusters.models import Region, User
from clusters.selectors import scope_region_ids

from .. import reviewing
from ..lifecycle import Lifecycle, Requirement, Transition, transition
from ..models import Expert
from .evidence import evidence_snapshot
from .models import RUBRIC, Nomination, NominationDecision, NominationReview, PatentSelection

N = Nomination.Status
MANAGER, NOMINATOR, INSPECTOR = "manager", "nominator", "inspector"

RETURN_REASON = Requirement("reason", gettext_lazy("Say why the nomination is returned."), "reason")
DECISION_REASON = Requirement("reason", gettext_lazy("Give the reason for the decision."), "reason")

# The whole nomination lifecycle. "complete" is taken by the system when the last review is in.
STEPS: tuple[Transition, ...] = (
    transition("submit", {N.DRAFT, N.RETURNED}, N.SUBMITTED, NOMINATOR, INSPECTOR),
    transition("return", {N.SUBMITTED}, N.RETURNED, MANAGER, requires=[RETURN_REASON]),
    transition("accept", {N.SUBMITTED}, N.UNDER_REVIEW, MANAGER),
    transition("complete", {N.UNDER_REVIEW}, N.PENDING_DECISION),
    transition("select", {N.PENDING_DECISION}, N.SELECTED, MANAGER, requires=[DECISION_REASON]),
    transition("decline", {N.PENDING_DECISION}, N.NOT_SELECTED, MANAGER, requires=[DECISION_REASON]),
    transition(
        "withdraw",
        {N.DRAFT, N.SUBMITTED, N.RETURNED, N.UNDER_REVIEW, N.PENDING_DECISION},
        N.WITHDRAWN,
        MANAGER,
        NOMINATOR,
    ),
)
STEP_LABELS = {
    "create": gettext_lazy("created"),
    "submit": gettext_lazy("Submit"),
    "return": gettext_lazy("Return for changes"),
    "accept": gettext_lazy("Accept and assign reviewers"),
    "complete": gettext_lazy("All reviews in"),
    "select": gettext_lazy("Select"),
    "decline": gettext_lazy("Do not select"),
    "withdraw": gettext_lazy("Withdraw"),
    "assign": gettext_lazy("Reviewer assigned"),
    "conflict": gettext_lazy("Reviewer declared a conflict"),
}
DECISION_ACTIONS = {NominationDecision.Outcome.SELECTED: "select", NominationDecision.Outcome.NOT_SELECTED: "decline"}


def nomination_roles(user: User, nomination: Nomination) -> set[str]:
    roles = set()
    if user.has_perm("assistance.manage_nomination"):
        roles.add(MANAGER)
    if user.has_perm("assistance.change_nomination"):
        roles.add(INSPECTOR)
        if nomination.nominated_by_id == user.pk:
            roles.add(NOMINATOR)
    return roles


NOMINATIONS = Lifecycle(
    model=Nomination,
    transitions=STEPS,
    roles=nomination_roles,
    state_error=gettext_lazy("A nomination that is %(status)s cannot be moved this way."),
    role_error=gettext_lazy("Your role may not take this step on this nomination."),
    related=("selection", "nominee_expert", "nominee_user"),
    on_save=touch,
)


def allowed_steps(user: User, nomination: Nomination) -> list[str]:
    return NOMINATIONS.allowed(user, nomination)


def _in_scope(user: User, region_id: int) -> bool:
    scope = scope_region_ids(user=user)
    return scope is None or region_id in scope


def nominee_region(*, user: User, selection: PatentSelection, nominee_user: User | None) -> Region:
    """The nomination's region: a staff member's jurisdiction; for an expert (who serves wherever they are
    asked), the nominating bureau's."""
    if nominee_user is not None:
        if nominee_user.jurisdiction_id is None:
            raise ValidationError(_("%(user)s has no jurisdiction."), code="region", params={"user": nominee_user})
        return nominee_user.jurisdiction
    return user.jurisdiction or selection.region


def _within(region: Region, ancestor: Region) -> bool:
    while region is not None:
        if region.pk == ancestor.pk:
            return True
        region = region.parent
    return False


@transaction.atomic
def nomination_create(
    *,
    user: User,
    selection: PatentSelection,
    nominee_expert: Expert | None = None,
    nominee_user: User | None = None,
    statement: str = "",
    at=None,
) -> Nomination:
    """Start a draft nomination of one expert or one staff member, in a selection that takes nominations now."""
    at = at or timezone.now()
    if not user.has_perm("assistance.add_nomination"):
        raise PermissionDenied
    if (nominee_expert is None) == (nominee_user is None):
        raise ValidationError(
            _("Nominate either an expert or a staff member, not both and not neither."), code="nominee"
        )
    if not selection.is_open(at):
        raise ValidationError(
            _("%(selection)s takes nominations from %(opens)s to %(closes)s only."),
            code="closed",
            params={
                "selection": selection,
                "opens": timezone.localtime(selection.opens_at).strftime("%Y-%m-%d %H:%M"),
                "closes": timezone.localtime(selection.closes_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
    if nominee_user is not None and nominee_user.pk == user.pk:
        raise ValidationError(_("You cannot nominate yourself."), code="self")
    region = nominee_region(user=user, selection=selection, nominee_user=nominee_user)
    if not _within(region, selection.region):
        raise ValidationError(
            _("%(region)s is outside %(selection)s."), code="region", params={"region": region, "selection": selection}
        )
    if not _in_scope(user, region.pk):
        raise ValidationError(_("This nominee is outside your jurisdiction."), code="scope")
    duplicate = ValidationError(
        _("This person is already nominated in %(selection)s."), code="duplicate", params={"selection": selection}
    )
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                selection=selection,
                nominee_expert=nominee_expert,
                nominee_user=nominee_user,
                region=region,
                statement=statement,
                nominated_by=user,
                updated_by=user,
            )
    except IntegrityError:
        raise duplicate from None
    NOMINATIONS.record(nomination, action="create", from_status="", user=user, at=at)
    return nomination


@transaction.atomic
def nomination_update(*, nomination_id: int, user: User, statement: str) -> Nomination:
    """Change the statement of a draft or returned nomination."""
    nomination = NOMINATIONS.lock(nomination_id)
    if INSPECTOR not in nomination_roles(user, nomination):
        raise PermissionDenied(_("You may not edit this nomination."))
    if not nomination.is_editable:
        raise ValidationError(_("Only a draft or a returned nomination can be edited."), code="state")
    nomination.statement = statement
    touch(nomination, user)
    nomination.save()
    return nomination


def nomination_submit(*, nomination_id: int, user: User, at=None) -> Nomination:
    """Submit (again) while the selection is open, freezing the evidence the records hold now."""
    with NOMINATIONS.step(nomination_id, action="submit", user=user, at=at) as step:
        nomination, now = step.record, step.at
        if not nomination.selection.is_open(now):
            raise ValidationError(
                _("Nominations closed at %(closes)s."),
                code="deadline",
                params={"closes": timezone.localtime(nomination.selection.closes_at).strftime("%Y-%m-%d %H:%M")},
            )
        if not nomination.statement.strip():
            raise ValidationError(_("Write the statement before submitting."), code="empty")
        nomination.evidence = evidence_snapshot(nomination, at=now)
        nomination.submitted_at = now
    return nomination


def nomination_return(*, nomination_id: int, user: User, reason: str, at=None) -> Nomination:
    with NOMINATIONS.step(nomination_id, action="return", user=user, at=at, reason=reason) as step:
        step.note = reason.strip()
    return step.record


def reviews_self(reviewer: User, nomination: Nomination) -> bool:
    """A reviewer can never review a nomination of themselves."""
    return reviewer.pk in nomination.nominee_users


def _assign(nomination: Nomination, *, reviewer: User, user: User, at=None) -> NominationReview:
    if not reviewer.has_perm("assistance.review_nomination"):
        raise ValidationError(_("%(user)s is not a reviewer."), code="not_reviewer", params={"user": reviewer})
    if reviews_self(reviewer, nomination):
        raise ValidationError(
            _("%(user)s is the nominee and can never review this nomination."),
            code="self_review",
            params={"user": reviewer.display_name},
        )
    if nomination.reviews.filter(reviewer=reviewer).exists():
        raise ValidationError(
            _("%(user)s is already assigned to this nomination."), code="duplicate", params={"user": reviewer}
        )
    review = NominationReview.objects.create(nomination=nomination, reviewer=reviewer, assigned_by=user)
    NOMINATIONS.record(nomination, action="assign", user=user, note=reviewer.display_name, at=at)
    return review


def nomination_accept(*, nomination_id: int, user: User, reviewers, at=None) -> Nomination:
    """A manager accepts the nomination for review and assigns at least two reviewers."""
    with NOMINATIONS.step(nomination_id, action="accept", user=user, at=at) as step:
        reviewers = list(dict.fromkeys(reviewers))
        reviewing.check_reviewers(reviewers)
        for reviewer in reviewers:
            _assign(step.record, reviewer=reviewer, user=user, at=step.at)
    return step.record


@transaction.atomic
def nomination_assign_reviewer(*, nomination_id: int, user: User, reviewer: User, at=None) -> NominationReview:
    """Add a reviewer to a nomination under review (for example after a declared conflict)."""
    nomination = NOMINATIONS.lock(nomination_id)
    if MANAGER not in nomination_roles(user, nomination):
        raise PermissionDenied(_("Only a manager assigns reviewers."))
    if nomination.status != N.UNDER_REVIEW:
        raise ValidationError(_("Reviewers are assigned while the nomination is under review."), code="state")
    return _assign(nomination, reviewer=reviewer, user=user, at=at)


def _complete_if_reviewed(nomination: Nomination, at=None) -> None:
    active = nomination.reviews.filter(withdrawn_at__isnull=True)
    if nomination.status != N.UNDER_REVIEW or active.count() < reviewing.MIN_REVIEWERS:
        return
    if not active.filter(submitted_at__isnull=True).exists():
        NOMINATIONS.apply(nomination, action="complete", user=None, at=at, system=True)


def _lock_review(review_id: int, user: User) -> NominationReview:
    review = NominationReview.objects.select_for_update(of=("self",)).filter(pk=review_id).first()
    if review is None or review.reviewer_id != user.pk:
        raise PermissionDenied
    return review


def _lock_under_review(review: NominationReview, user: User) -> Nomination:
    nomination = NOMINATIONS.lock(review.nomination_id)
    if reviews_self(user, nomination):
        raise PermissionDenied(_("You can never review a nomination of yourself."))
    if nomination.status != N.UNDER_REVIEW:
        raise ValidationError(_("This nomination is no longer under review."), code="state")
    return nomination


@transaction.atomic
def review_declare(*, review_id: int, user: User, conflict: bool, note: str = "", at=None) -> NominationReview:
    """The reviewer declares whether they have a conflict of interest; a conflict withdraws them."""
    now = at or timezone.now()
    # The review first, then the nomination: the order every step that takes both follows.
    review = _lock_review(review_id, user)
    reviewing.check_may_declare(review, user)
    nomination = _lock_under_review(review, user)
    reviewing.declare(review, conflict=conflict, note=note, at=now)
    if conflict:
        NOMINATIONS.record(nomination, action="conflict", user=user, note=(note or "").strip(), at=now)
        _complete_if_reviewed(nomination, at=now)
    return review


@transaction.atomic
def review_save(
    *, review_id: int, user: User, scores: dict, comment: str, recommendation: str, submit: bool, at=None
) -> NominationReview:
    """Save the reviewer's scores; submitting locks the review and may complete the nomination's review."""
    now = at or timezone.now()
    review = _lock_review(review_id, user)
    reviewing.check_may_score(review, user)
    nomination = _lock_under_review(review, user)
    reviewing.check_not_submitted(review)
    review.total = reviewing.checked_total(
        RUBRIC, scores, submit=submit, recommendation=recommendation, choices=NominationReview.Recommendation.values
    )
    for criterion in RUBRIC:
        setattr(review, f"score_{criterion.code}", scores.get(criterion.code))
    review.comment = comment
    review.recommendation = recommendation or ""
    review.submitted_at = now if submit else None
    review.save()
    if submit:
        _complete_if_reviewed(nomination, at=now)
    return review


def nomination_decide(*, nomination_id: int, user: User, outcome: str, reason: str, at=None) -> NominationDecision:
    """The one final decision, by a manager; no more are selected than the selection's quota."""
    action = DECISION_ACTIONS.get(outcome)
    if action is None:
        NOMINATIONS.require("select", {"reason": reason})
        raise ValidationError(_("Unknown outcome."), code="outcome")

    def not_decided(nomination: Nomination) -> None:
        if NominationDecision.objects.filter(nomination=nomination).exists():
            raise ValidationError(_("This nomination has already been decided."), code="decided")
        if reviews_self(user, nomination):
            raise PermissionDenied(_("You cannot decide a nomination of yourself."))

    with NOMINATIONS.step(
        nomination_id, action=action, user=user, at=at, check=not_decided, reason=reason, note=reason.strip()
    ) as step:
        nomination, now = step.record, step.at
        if outcome == NominationDecision.Outcome.SELECTED:
            # The selection's row lock orders concurrent selections, so the quota holds.
            selection = PatentSelection.objects.select_for_update().get(pk=nomination.selection_id)
            if selection.nominations.filter(status=N.SELECTED).count() >= selection.quota:
                raise ValidationError(
                    _("The quota of %(quota)s is already filled."), code="quota", params={"quota": selection.quota}
                )
        try:
            with transaction.atomic():
                decision = NominationDecision.objects.create(
                    nomination=nomination, outcome=outcome, reason=reason.strip(), decided_by=user, decided_at=now
                )
        except IntegrityError:
            raise ValidationError(_("This nomination has already been decided."), code="decided") from None
    return decision


def nomination_withdraw(*, nomination_id: int, user: User, reason: str = "", at=None) -> Nomination:
    with NOMINATIONS.step(nomination_id, action="withdraw", user=user, at=at, note=(reason or "").strip()) as step:
        pass
    return step.record


@transaction.atomic
def selection_publish(*, selection_id: int, user: User, at=None) -> PatentSelection:
    """A manager publishes the results once every nomination is decided or withdrawn."""
    if not user.has_perm("assistance.manage_nomination"):
        raise PermissionDenied(_("Only a manager publishes the results."))
    selection = PatentSelection.objects.select_for_update().get(pk=selection_id)
    if selection.published_at:
        raise ValidationError(_("The results are already published."), code="published")
    waiting = selection.nominations.filter(status__in=Nomination.UNDECIDED).count()
    if waiting:
        raise ValidationError(_("%(n)s nominations are still undecided."), code="undecided", params={"n": waiting})
    if not selection.nominations.filter(status=N.SELECTED).exists():
        raise ValidationError(_("Nobody is selected yet: there is nothing to publish."), code="empty")
    selection.published_at = at or timezone.now()
    selection.published_by = user
    selection.save()
    return selection
