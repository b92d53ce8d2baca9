"""Award applications: one call per lifecycle step, each in one transaction with the application row locked."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.editing import StaleEdit as StaleEdit  # the edit view catches it from here
from clusters.editing import check_version, lock_for_edit, touch
from clusters.models import Enterprise, Honour, User

from .. import reviewing
from ..lifecycle import Lifecycle, Requirement, Transition, transition
from ..models import Attachment
from ..notifications.models import Notification
from ..notifications.services import notify
from ..services import attachment_store
from .models import (
    ApplicationRevision,
    AwardApplication,
    AwardCycle,
    DeadlineException,
    Decision,
    Review,
    ReviewerAssignment,
    ReviewScore,
)

A = AwardApplication.Status
MANAGER, PREPARER, INSPECTOR = "manager", "preparer", "inspector"


RETURN_REASON = Requirement("reason", gettext_lazy("Say why the application is returned."), "reason")
DECISION_REASON = Requirement("reason", gettext_lazy("Give the reason for the decision."), "reason")

# The whole application lifecycle. "complete" is taken by the system when the last review is in.
STEPS: tuple[Transition, ...] = (
    transition("submit", {A.DRAFT, A.RETURNED}, A.SUBMITTED, PREPARER, INSPECTOR),
    transition("return", {A.SUBMITTED}, A.RETURNED, MANAGER, requires=[RETURN_REASON]),
    transition("accept", {A.SUBMITTED}, A.UNDER_REVIEW, MANAGER),
    transition("complete", {A.UNDER_REVIEW}, A.PENDING_DECISION),
    transition("approve", {A.PENDING_DECISION}, A.APPROVED, MANAGER, requires=[DECISION_REASON]),
    transition("reject", {A.PENDING_DECISION}, A.REJECTED, MANAGER, requires=[DECISION_REASON]),
    transition(
        "withdraw",
        {A.DRAFT, A.SUBMITTED, A.RETURNED, A.UNDER_REVIEW, A.PENDING_DECISION},
        A.WITHDRAWN,
        MANAGER,
        PREPARER,
    ),
)
STEP_LABELS = {
    "create": gettext_lazy("created"),
    "submit": gettext_lazy("Submit"),
    "return": gettext_lazy("Return for changes"),
    "accept": gettext_lazy("Accept and assign reviewers"),
    "complete": gettext_lazy("All reviews in"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "withdraw": gettext_lazy("Withdraw"),
    "assign": gettext_lazy("Reviewer assigned"),
    "conflict": gettext_lazy("Reviewer declared a conflict"),
    "exception": gettext_lazy("Deadline exception granted"),
}
DECISION_ACTIONS = {Decision.Outcome.APPROVED: "approve", Decision.Outcome.REJECTED: "reject"}


def application_roles(user: User, application: AwardApplication) -> set[str]:
    roles = set()
    if user.has_perm("assistance.manage_application"):
        roles.add(MANAGER)
    if user.has_perm("assistance.change_awardapplication"):
        roles.add(INSPECTOR)
        if application.prepared_by_id == user.pk:
            roles.add(PREPARER)
    return roles


APPLICATIONS = Lifecycle(
    model=AwardApplication,
    transitions=STEPS,
    roles=application_roles,
    state_error=gettext_lazy("An application that is %(status)s cannot be moved this way."),
    role_error=gettext_lazy("Your role may not take this step on this application."),
    related=("cycle", "enterprise"),
    on_save=touch,
)
USER_ACTIONS = APPLICATIONS.actions


def allowed_steps(user: User, application: AwardApplication) -> list[str]:
    return APPLICATIONS.allowed(user, application)


@transaction.atomic
def application_create(
    *, user: User, enterprise: Enterprise, cycle: AwardCycle, self_assessment: str = "", self_score=None, at=None
) -> AwardApplication:
    """Start a draft application prepared by the user, in a cycle that is taking applications (`at`, or now)."""
    at = at or timezone.now()
    if not cycle.is_open(at):
        raise ValidationError(
            _("%(cycle)s takes applications from %(opens)s to %(closes)s only: choose a cycle that is open now."),
            code="cycle_closed",
            params={
                "cycle": cycle,
                "opens": timezone.localtime(cycle.opens_at).strftime("%Y-%m-%d %H:%M"),
                "closes": timezone.localtime(cycle.closes_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
    if AwardApplication.objects.filter(enterprise=enterprise, cycle=cycle).exists():
        raise ValidationError(
            _("%(enterprise)s already has an application in %(cycle)s."),
            code="duplicate",
            params={"enterprise": enterprise, "cycle": cycle},
        )
    try:
        # Two people starting the same application at once: the unique constraint keeps one.
        with transaction.atomic():
            application = AwardApplication.objects.create(
                enterprise=enterprise,
                cycle=cycle,
                prepared_by=user,
                self_assessment=self_assessment,
                self_score=self_score,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(enterprise)s already has an application in %(cycle)s."),
            code="duplicate",
            params={"enterprise": enterprise, "cycle": cycle},
        ) from None
    APPLICATIONS.record(application, action="create", from_status="", user=user, at=at)
    return application


def can_edit_application(user: User, application: AwardApplication) -> bool:
    """Whether the user may change the application's self-assessment and documents now.

    Only a draft or a returned application changes: what was submitted is frozen in a revision, and a
    decided or withdrawn application is finished for good.
    """
    return application.is_editable and INSPECTOR in application_roles(user, application)


def _check_editable(user: User, application: AwardApplication, *, refusal: str, state: str) -> None:
    if INSPECTOR not in application_roles(user, application):
        raise PermissionDenied(refusal)
    if not application.is_editable:
        raise ValidationError(state, code="state")


def application_edit_check(*, user: User, application: AwardApplication) -> None:
    """Whether the user may edit the application as it is now: PermissionDenied, or a ValidationError saying why."""
    _check_editable(
        user,
        application,
        refusal=_("You may not edit this application."),
        state=_("Only a draft or a returned application can be edited."),
    )


@transaction.atomic
def application_update(
    *, application_id: int, user: User, version: int, self_assessment: str, self_score
) -> AwardApplication:
    """Edit the self-assessment of a draft or returned application, unless it changed since the editor
    loaded `version`; nothing is overwritten."""
    application = lock_for_edit(AwardApplication, application_id, "cycle", "enterprise")
    application_edit_check(user=user, application=application)
    check_version(
        application,
        version,
        gettext_lazy(
            "%(who)s changed this application at %(when)s, after you opened it. Your changes were not saved; "
            "reload the application and make them again."
        ),
    )
    application.self_assessment = self_assessment
    application.self_score = self_score
    touch(application, user)
    application.save()
    return application


@transaction.atomic
def application_attach(*, application_id: int, user: User, upload: UploadedFile) -> Attachment:
    """Check the file against the attachment rules and store it privately on a draft or returned application."""
    application = APPLICATIONS.lock(application_id)
    _check_editable(
        user,
        application,
        refusal=_("You may not add documents to this application."),
        state=_("Documents can be added only to a draft or a returned application."),
    )
    return attachment_store(user=user, upload=upload, application=application)


def deadline_open(application: AwardApplication, now: datetime.datetime) -> bool:
    cycle = application.cycle
    if cycle.opens_at <= now <= cycle.closes_at:
        return True
    return now >= cycle.opens_at and application.deadline_exceptions.filter(until__gte=now).exists()


def application_submit(*, application_id: int, user: User, at=None) -> AwardApplication:
    """Submit (again), freezing a new version; refused after the deadline unless a manager granted an exception."""
    with APPLICATIONS.step(application_id, action="submit", user=user, at=at) as step:
        application, now = step.record, step.at
        if not deadline_open(application, now):
            if now < application.cycle.opens_at:
                raise ValidationError(_("The cycle is not open for submissions yet."), code="not_open")
            raise ValidationError(
                _("Submissions closed at %(closes)s. A manager can grant an exception for this application."),
                code="deadline",
                params={"closes": timezone.localtime(application.cycle.closes_at).strftime("%Y-%m-%d %H:%M")},
            )
        if not application.self_assessment.strip():
            raise ValidationError(_("Write the self-assessment before submitting."), code="empty")
        number = application.revisions.count() + 1
        ApplicationRevision.objects.create(
            application=application,
            number=number,
            self_assessment=application.self_assessment,
            self_score=application.self_score,
            created_by=user,
            created_at=now,
        )
        application.submitted_at = now
        step.note = _("version %(n)s") % {"n": number}
    return application


def application_return(*, application_id: int, user: User, reason: str, at=None) -> AwardApplication:
    """Send a submitted application back to its preparer for changes, saying why."""
    with APPLICATIONS.step(application_id, action="return", user=user, at=at, reason=reason) as step:
        step.note = reason.strip()
        _notify_preparer(step.record, Notification.Kind.APPLICATION_RETURNED, _("returned"), reason.strip())
    return step.record


def reviewer_conflict(reviewer: User, enterprise: Enterprise) -> bool:
    """A reviewer can never review the enterprise they belong to."""
    organisations = {(reviewer.organisation or "").strip()}
    expert = getattr(reviewer, "expert", None) if hasattr(reviewer, "expert") else None
    if expert is not None:
        organisations.add(expert.organisation.strip())
    return enterprise.name.strip() in organisations


def _assign(application, *, reviewer: User, is_lead: bool, user: User, at=None) -> ReviewerAssignment:
    if not reviewer.has_perm("assistance.review_application"):
        raise ValidationError(_("%(user)s is not a reviewer."), code="not_reviewer", params={"user": reviewer})
    if reviewer_conflict(reviewer, application.enterprise):
        raise ValidationError(
            _("%(user)s belongs to %(enterprise)s and can never review its application."),
            code="own_enterprise",
            params={"user": reviewer.display_name, "enterprise": application.enterprise},
        )
    if application.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(
            _("%(user)s is already assigned to this application."), code="duplicate", params={"user": reviewer}
        )
    assignment = ReviewerAssignment.objects.create(
        application=application, reviewer=reviewer, is_lead=is_lead, assigned_by=user
    )
    APPLICATIONS.record(application, action="assign", user=user, note=reviewer.display_name, at=at)
    _notify_reviewer(assignment)
    return assignment


def application_accept(*, application_id: int, user: User, reviewers, lead: User | None = None, at=None):
    """A manager accepts the application as eligible and assigns at least two reviewers."""
    with APPLICATIONS.step(application_id, action="accept", user=user, at=at) as step:
        reviewers = list(dict.fromkeys(reviewers))
        reviewing.check_reviewers(reviewers, lead)
        lead = lead or reviewers[0]
        for reviewer in reviewers:
            _assign(step.record, reviewer=reviewer, is_lead=reviewer == lead, user=user, at=step.at)
    return step.record


@transaction.atomic
def application_assign_reviewer(*, application_id: int, user: User, reviewer: User, at=None) -> ReviewerAssignment:
    """Add a reviewer to an application under review (for example after a declared conflict)."""
    application = APPLICATIONS.lock(application_id)
    if MANAGER not in application_roles(user, application):
        raise PermissionDenied(_("Only a manager assigns reviewers."))
    if application.status != A.UNDER_REVIEW:
        raise ValidationError(_("Reviewers are assigned while the application is under review."), code="state")
    return _assign(application, reviewer=reviewer, is_lead=False, user=user, at=at)


def _complete_if_reviewed(application: AwardApplication, at=None) -> None:
    active = application.assignments.filter(withdrawn_at__isnull=True)
    if application.status != A.UNDER_REVIEW or active.count() < 2:
        return
    if (
        not active.filter(review__submitted_at__isnull=True).exists()
        and not active.filter(review__isnull=True).exists()
    ):
        APPLICATIONS.apply(application, action="complete", user=None, at=at, system=True)


@transaction.atomic
def assignment_declare(*, assignment_id: int, user: User, conflict: bool, note: str = "", at=None):
    """The reviewer declares whether they have a conflict of interest; a conflict withdraws the assignment."""
    now = at or timezone.now()
    assignment = ReviewerAssignment.objects.select_for_update(of=("self",)).get(pk=assignment_id)
    reviewing.check_may_declare(assignment, user)
    application = APPLICATIONS.lock(assignment.application_id)
    if application.status != A.UNDER_REVIEW:
        raise ValidationError(_("This application is no longer under review."), code="state")
    reviewing.declare(assignment, conflict=conflict, note=note, at=now)
    if not conflict:
        return assignment
    APPLICATIONS.record(application, action="conflict", user=user, note=note.strip(), at=now)
    notify(
        recipients=[assignment.assigned_by],
        kind=Notification.Kind.REVIEWER_CONFLICT,
        title=_("A reviewer declared a conflict of interest"),
        body=_("%(user)s declared a conflict on %(application)s; assign another reviewer.")
        % {"user": user.display_name, "application": application},
        link=reverse("assistance:application-detail", args=[application.pk]),
        target=application,
    )
    _complete_if_reviewed(application, at=now)
    return assignment


@transaction.atomic
def review_save(
    *,
    assignment_id: int,
    user: User,
    scores: dict,
    comments: dict,
    comment: str,
    recommendation: str,
    submit: bool,
    at=None,
) -> Review:
    """Save the reviewer's scores; submitting locks the review and may complete the application's review."""
    now = at or timezone.now()
    # The assignment first, then the application: the order every step that takes both follows.
    assignment = ReviewerAssignment.objects.select_for_update(of=("self",)).get(pk=assignment_id)
    reviewing.check_may_score(assignment, user)
    application = APPLICATIONS.lock(assignment.application_id)
    if application.status != A.UNDER_REVIEW:
        raise ValidationError(_("This application is no longer under review."), code="state")
    review = Review.objects.filter(assignment=assignment).first()
    reviewing.check_not_submitted(review)
    categories = list(application.cycle.rubric.categories.all())
    total = reviewing.checked_total(
        categories, scores, submit=submit, recommendation=recommendation, choices=Review.Recommendation.values
    )
    revision = application.revisions.order_by("-number").first()
    if review is None:
        review = Review(assignment=assignment, revision=revision)
    review.revision = revision
    review.comment = comment
    review.recommendation = recommendation or ""
    review.total = total
    review.submitted_at = now if submit else None
    review.save()
    for category in categories:
        if scores.get(category.code) is None:
            ReviewScore.objects.filter(review=review, category=category).delete()
            continue
        ReviewScore.objects.update_or_create(
            review=review,
            category=category,
            defaults={"score": scores[category.code], "comment": comments.get(category.code, "")},
        )
    if submit:
        _complete_if_reviewed(application, at=now)
    return review


def _record_honour(application: AwardApplication, now: datetime.datetime) -> Honour:
    """The registry's honour for the approved application.

    When the registry already holds this award (same enterprise, programme and year) and no decision
    claims it yet, for example because it was entered from a news report before the application was
    recorded here, the decision takes that row: counting the award twice would be wrong.
    """
    cycle = application.cycle
    award = {
        "enterprise": application.enterprise,
        "kind": cycle.programme.honour_kind,
        "title": cycle.programme.name,
        "year": cycle.year,
    }
    # No other application can claim the same award: one application per enterprise and cycle, and one
    # cycle per programme and year; the application's row lock is enough.
    existing = Honour.objects.filter(**award, decision__isnull=True).order_by("pk").first()
    if existing is not None:
        return existing
    return Honour.objects.create(
        **award,
        date=timezone.localtime(now).date(),
        source=_("Award decision of %(cycle)s on the application of %(enterprise)s")
        % {"cycle": cycle, "enterprise": application.enterprise.name},
    )


def application_decide(*, application_id: int, user: User, outcome: str, reason: str, at=None) -> Decision:
    """The one final decision. Approval records the honour in the registry."""
    action = DECISION_ACTIONS.get(outcome)
    if action is None:
        APPLICATIONS.require("approve", {"reason": reason})
        raise ValidationError(_("Unknown outcome."), code="outcome")

    def not_decided(application: AwardApplication) -> None:
        if Decision.objects.filter(application=application).exists():
            raise ValidationError(_("This application has already been decided."), code="decided")

    with APPLICATIONS.step(
        application_id, action=action, user=user, at=at, check=not_decided, reason=reason, note=reason.strip()
    ) as step:
        application, now = step.record, step.at
        honour = _record_honour(application, now) if outcome == Decision.Outcome.APPROVED else None
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    application=application,
                    outcome=outcome,
                    reason=reason.strip(),
                    decided_by=user,
                    decided_at=now,
                    honour=honour,
                )
        except IntegrityError:
            raise ValidationError(_("This application has already been decided."), code="decided") from None
        what = decision.get_outcome_display()
        _notify_preparer(application, Notification.Kind.APPLICATION_DECIDED, what, reason.strip())
    return decision


def application_withdraw(*, application_id: int, user: User, reason: str = "", at=None) -> AwardApplication:
    with APPLICATIONS.step(application_id, action="withdraw", user=user, at=at, note=(reason or "").strip()) as step:
        pass
    return step.record


@transaction.atomic
def deadline_exception_grant(*, application_id: int, user: User, reason: str, until, at=None) -> DeadlineException:
    """A manager lets this one application be submitted after the cycle closed, until the given time."""
    application = APPLICATIONS.lock(application_id)
    if MANAGER not in application_roles(user, application):
        raise PermissionDenied(_("Only a manager grants deadline exceptions."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the exception."), code="reason")
    now = at or timezone.now()
    if until <= now:
        raise ValidationError(_("The exception must end in the future."), code="until")
    if application.status in AwardApplication.FINAL:
        raise ValidationError(_("This application is already closed."), code="state")
    exception = DeadlineException.objects.create(
        application=application, granted_by=user, reason=reason.strip(), until=until, created_at=now
    )
    APPLICATIONS.record(
        application,
        action="exception",
        user=user,
        note=f"{reason.strip()}（{timezone.localtime(until):%Y-%m-%d %H:%M}）",
        at=now,
    )
    return exception


def _notify_reviewer(assignment: ReviewerAssignment) -> None:
    notify(
        recipients=[assignment.reviewer],
        kind=Notification.Kind.REVIEW_ASSIGNED,
        title=_("An award application was assigned to you for review"),
        body=_("Please review %(application)s.") % {"application": assignment.application},
        link=reverse("assistance:review", args=[assignment.pk]),
        target=assignment,
    )


def _notify_preparer(application: AwardApplication, kind: str, what: str, reason: str) -> None:
    notify(
        recipients=[application.prepared_by],
        kind=kind,
        title=_("Award application %(what)s") % {"what": what},
        body=_("%(application)s: %(what)s.\n%(reason)s") % {"application": application, "what": what, "reason": reason},
        link=reverse("assistance:application-detail", args=[application.pk]),
        target=application,
    )
