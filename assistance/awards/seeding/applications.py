"""The award applications of ``seeds/awards.toml``: each one planned and checked whole, then written.

An application's versions, reviewer assignments, reviews, decision and timeline are worked out
and checked before anything is written; an application people have worked on since it was seeded
is left as it is.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from clusters.models import Enterprise, Honour, User
from clusters.seeding import CHANGE_REASON, SeedError, SeedReport, Sources, upsert

from ...seeding import TANGSHAN_TZ
from ..models import (
    ApplicationEvent,
    ApplicationRevision,
    AwardApplication,
    AwardCycle,
    DeadlineException,
    Decision,
    Review,
    ReviewerAssignment,
    ReviewScore,
    RubricCategory,
)
from ..services import APPLICATIONS, reviewer_conflict
from .common import _get, local

S = AwardApplication.Status
OUTCOME_ACTIONS = {"approved": "approve", "rejected": "reject"}


@dataclass(frozen=True)
class EventSpec:
    action: str
    from_status: str
    to_status: str
    actor: User | None
    at: dt.datetime
    note: str = ""


@dataclass(frozen=True)
class ReviewSpec:
    reviewer: User
    declared: dt.datetime | None
    scores: tuple[int, ...]
    comment: str
    recommendation: str
    submitted: dt.datetime | None


@dataclass
class ApplicationPlan:
    """One application of awards.toml with its whole timeline, checked before anything is written."""

    cycle: AwardCycle
    enterprise: Enterprise
    prepared_by: User
    status: str
    values: dict[str, Any]
    submissions: list[dt.datetime]
    accepted: dt.datetime | None
    accepted_by: User | None
    reviewers: list[User]
    reviews: dict[int, ReviewSpec]
    events: list[EventSpec]
    decision: dict[str, Any] | None
    exception: dict[str, Any] | None
    honour: Honour | None = None
    categories: list[RubricCategory] = field(default_factory=list)


def _label(spec: Mapping[str, Any]) -> str:
    return f"{spec['enterprise']} ({spec['programme']} {spec['year']})"


def plan_application(
    spec: Mapping[str, Any],
    cycles: Mapping[tuple[str, int], AwardCycle],
    enterprises: Mapping[str, Enterprise],
    users: Mapping[str, User],
    sources: Sources,
) -> ApplicationPlan:
    """Work out the application's versions, assignments, reviews and timeline, and check them."""
    label = _label(spec)
    cycle = _get(cycles, (spec["programme"], spec["year"]), "cycle")
    enterprise = _get(enterprises, spec["enterprise"], "enterprise")
    preparer = _get(users, spec["prepared_by"], "user")
    categories = list(cycle.rubric.categories.all())
    created = local(spec["created"])
    submissions = [local(at) for at in spec.get("submitted", [])]
    returns = spec.get("returned", [])
    if len(returns) not in (max(len(submissions) - 1, 0), len(submissions)):
        raise SeedError(f"{label}: every return must come between two submissions (or after the last).")

    chain: list[EventSpec] = []
    status = S.DRAFT

    def step(action: str, actor: User | None, at: dt.datetime, note: str = "") -> None:
        """Add the event of one action; its statuses come from the lifecycle table, as the services take it."""
        nonlocal status
        if chain and at < chain[-1].at:
            raise SeedError(f"{label}: its {action} at {at} comes before the {chain[-1].action} before it.")
        if action == "create":
            from_status, to_status = "", S.DRAFT
        elif action == "assign":
            from_status = to_status = status
        else:
            try:
                from_status, to_status = status, APPLICATIONS.next_status(action, status)
            except ValidationError as error:
                raise SeedError(f"{label}: its {action} is not a step the lifecycle takes from {status!r}.") from error
        chain.append(EventSpec(action, from_status, to_status, actor, at, note))
        status = to_status

    step("create", preparer, created)
    for number, submitted in enumerate(submissions, start=1):
        step("submit", preparer, submitted, f"第{number}版")
        if number <= len(returns):
            back = returns[number - 1]
            step("return", _get(users, back["by"], "user"), local(back["at"]), back["reason"])

    exception = None
    if "exception" in spec:
        exception = {
            "by": _get(users, spec["exception"]["by"], "user"),
            "at": local(spec["exception"]["at"]),
            "until": local(spec["exception"]["until"]),
            "reason": spec["exception"]["reason"],
        }
    for submitted in submissions:
        in_time = cycle.opens_at <= submitted <= cycle.closes_at
        excused = exception and submitted >= cycle.opens_at and exception["at"] <= submitted <= exception["until"]
        if not (in_time or excused):
            raise SeedError(f"{label}: the submission at {submitted} is outside the cycle and has no exception.")

    reviewers = [_get(users, name, "user") for name in spec.get("reviewers", [])]
    accepted = local(spec["accepted"]) if "accepted" in spec else None
    accepted_by = None
    if accepted is not None:
        if status != S.SUBMITTED or len(reviewers) < 2 or len(set(reviewers)) != len(reviewers):
            raise SeedError(f"{label}: only a submitted application is accepted, with two or more distinct reviewers.")
        accepted_by = _get(users, spec.get("accepted_by", "staff_manager"), "user")
        for index, reviewer in enumerate(reviewers):
            if reviewer_conflict(reviewer, enterprise):
                raise SeedError(f"{label}: {reviewer.username} belongs to the enterprise and may not review it.")
            step("assign", accepted_by, accepted + dt.timedelta(seconds=index), reviewer.display_name)
        step("accept", accepted_by, accepted + dt.timedelta(seconds=len(reviewers)))
    elif reviewers:
        raise SeedError(f"{label}: reviewers are given but the application was never accepted.")

    reviews: dict[int, ReviewSpec] = {}
    for review in spec.get("reviews", []):
        reviewer = _get(users, review["reviewer"], "user")
        if reviewer not in reviewers or reviewer.pk in reviews:
            raise SeedError(f"{label}: {reviewer.username} reviews it without being assigned (or twice).")
        scores = tuple(review.get("scores", ()))
        if len(scores) != len(categories) or any(
            not 0 <= score <= c.max_points for score, c in zip(scores, categories, strict=True)
        ):
            raise SeedError(f"{label}: {reviewer.username}'s scores do not fit the rubric {cycle.rubric}.")
        declared = local(review["declared"]) if "declared" in review else None
        submitted = local(review["submitted"]) if "submitted" in review else None
        if declared is None or declared < accepted or (submitted and submitted < declared):
            raise SeedError(f"{label}: {reviewer.username} must declare after assignment and before submitting.")
        if submitted and review.get("recommendation") not in Review.Recommendation.values:
            raise SeedError(f"{label}: {reviewer.username}'s submitted review needs a recommendation.")
        reviews[reviewer.pk] = ReviewSpec(
            reviewer, declared, scores, review.get("comment", ""), review.get("recommendation", ""), submitted
        )
    done = [r.submitted for r in reviews.values() if r.submitted]
    if accepted is not None and len(done) == len(reviewers):
        step("complete", None, max(done))

    decision = None
    if "decision" in spec:
        decision = {
            "outcome": spec["decision"]["outcome"],
            "by": _get(users, spec["decision"]["by"], "user"),
            "at": local(spec["decision"]["at"]),
            "reason": spec["decision"]["reason"],
        }
        if status != S.PENDING_DECISION or decision["outcome"] not in OUTCOME_ACTIONS:
            raise SeedError(f"{label}: only an application pending decision is approved or rejected.")
        step(OUTCOME_ACTIONS[decision["outcome"]], decision["by"], decision["at"], decision["reason"])
    if "withdrawn" in spec:
        withdrawn = spec["withdrawn"]
        if status in AwardApplication.FINAL:
            raise SeedError(f"{label}: a decided application cannot be withdrawn.")
        step("withdraw", _get(users, withdrawn["by"], "user"), local(withdrawn["at"]), withdrawn["reason"])
    if status != spec["status"]:
        raise SeedError(f"{label}: its timeline ends {status!r}, but awards.toml says {spec['status']!r}.")

    events = list(chain)
    if exception:
        before = [e for e in chain if e.at <= exception["at"]]
        if not before:
            raise SeedError(f"{label}: its deadline exception comes before the application was created.")
        held = before[-1].to_status
        note = f"{exception['reason']}（{timezone.localtime(exception['until'], TANGSHAN_TZ):%Y-%m-%d %H:%M}）"
        events.append(EventSpec("exception", held, held, exception["by"], exception["at"], note))
        events.sort(key=lambda e: e.at)

    values = {
        "prepared_by": preparer,
        "status": status,
        "self_assessment": spec["self_assessment"],
        "self_score": spec.get("self_score"),
        "submitted_at": submissions[-1] if submissions else None,
        "synthetic": spec.get("synthetic", False),
        "source": sources.for_record(spec),
    }
    return ApplicationPlan(
        cycle=cycle,
        enterprise=enterprise,
        prepared_by=preparer,
        status=status,
        values=values,
        submissions=submissions,
        accepted=accepted,
        accepted_by=accepted_by,
        reviewers=reviewers,
        reviews=reviews,
        events=events,
        decision=decision,
        exception=exception,
        categories=categories,
    )


def registry_honour(plan: ApplicationPlan) -> Honour:
    """The honour the registry seeds already hold for an approved application; the seeds never add one."""
    programme = plan.cycle.programme
    award = {
        "enterprise": plan.enterprise,
        "kind": programme.honour_kind,
        "title": programme.name,
        "year": plan.cycle.year,
    }
    honours = list(Honour.objects.filter(**award))
    if len(honours) != 1:
        raise SeedError(
            f"{plan.enterprise.name} should hold exactly one {programme.name} of {plan.cycle.year} in the registry "
            f"(holdings.toml) for its approved application; it holds {len(honours)}."
        )
    honour = honours[0]
    decided_on = timezone.localtime(plan.decision["at"], TANGSHAN_TZ).date()
    if honour.date != decided_on:
        raise SeedError(
            f"The decision on {plan.enterprise.name} ({decided_on}) and its honour ({honour.date}) must agree on the date."
        )
    claimed = Decision.objects.filter(honour=honour).exclude(
        application__enterprise=plan.enterprise, application__cycle=plan.cycle
    )
    if claimed.exists():
        raise SeedError(f"The honour of {plan.enterprise.name} is already claimed by another decision.")
    return honour


def _seeded_elsewhere(application: AwardApplication, plan: ApplicationPlan, demo_keys: set) -> bool:
    """Whether people have worked on the application since it was seeded: its timeline holds other events."""
    seeded = {(e.action, e.at) for e in plan.events} | demo_keys
    return any((action, at) not in seeded for action, at in application.events.values_list("action", "at"))


def load_application(plan: ApplicationPlan, demo_keys: set, report: SeedReport) -> AwardApplication | None:
    lookup = {"enterprise": plan.enterprise, "cycle": plan.cycle}
    existing = AwardApplication.objects.filter(**lookup).first()
    if existing is not None and not existing.source:
        raise SeedError(
            f"The application of {plan.enterprise.name} in {plan.cycle} was not made by the seeds; "
            "the seeds will not overwrite it."
        )
    if existing is not None and _seeded_elsewhere(existing, plan, demo_keys):
        report.record(AwardApplication, "unchanged")
        return None
    application = upsert(AwardApplication, lookup, plan.values, report)

    revisions = []
    for number, submitted in enumerate(plan.submissions, start=1):
        values = {
            "self_assessment": plan.values["self_assessment"],
            "self_score": plan.values["self_score"],
            "created_by": plan.prepared_by,
            "created_at": submitted,
        }
        revisions.append(upsert(ApplicationRevision, {"application": application, "number": number}, values, report))
    for event in plan.events:
        values = {
            "from_status": event.from_status,
            "to_status": event.to_status,
            "actor": event.actor,
            "note": event.note,
        }
        upsert(ApplicationEvent, {"application": application, "action": event.action, "at": event.at}, values, report)
    if plan.exception:
        values = {
            "granted_by": plan.exception["by"],
            "reason": plan.exception["reason"],
            "created_at": plan.exception["at"],
        }
        upsert(DeadlineException, {"application": application, "until": plan.exception["until"]}, values, report)

    for index, reviewer in enumerate(plan.reviewers):
        review = plan.reviews.get(reviewer.pk)
        values = {
            "is_lead": index == 0,
            "assigned_by": plan.accepted_by,
            "no_conflict_declared_at": review.declared if review else None,
            "withdrawn_at": None,
            "withdrawn_reason": "",
        }
        assignment = upsert(ReviewerAssignment, {"application": application, "reviewer": reviewer}, values, report)
        if review is None:
            continue
        values = {
            "revision": revisions[-1],
            "total": sum(review.scores),
            "comment": review.comment,
            "recommendation": review.recommendation,
            "submitted_at": review.submitted,
        }
        saved = upsert(Review, {"assignment": assignment}, values, report)
        for category, score in zip(plan.categories, review.scores, strict=True):
            upsert(ReviewScore, {"review": saved, "category": category}, {"score": score, "comment": ""}, report)

    if plan.decision:
        values = {
            "outcome": plan.decision["outcome"],
            "reason": plan.decision["reason"],
            "decided_by": plan.decision["by"],
            "decided_at": plan.decision["at"],
            "honour": plan.honour,
        }
        upsert(Decision, {"application": application}, values, report)
    return application


def load_demo_assignments(
    specs: Sequence[Mapping[str, Any]],
    cycles: Mapping[tuple[str, int], AwardCycle],
    enterprises: Mapping[str, Enterprise],
    users: Mapping[str, User],
    report: SeedReport,
) -> None:
    """Demo reviewers join a sample application under review, if the demo users exist.

    The assignment is only created when missing, never changed: what the demo reviewer did with it stays.
    """
    demo = {u.username: u for u in User.objects.filter(username__in=[s["username"] for s in specs])}
    for spec in specs:
        user = demo.get(spec["username"])
        if user is None:
            continue
        cycle = _get(cycles, (spec["programme"], spec["year"]), "cycle")
        application = AwardApplication.objects.filter(
            enterprise=_get(enterprises, spec["enterprise"], "enterprise"), cycle=cycle
        ).first()
        if application is None or application.status != S.UNDER_REVIEW:
            continue
        if reviewer_conflict(user, application.enterprise):
            raise SeedError(f"Demo reviewer {user.username} belongs to {application.enterprise.name}.")
        manager = _get(users, spec["by"], "user")
        at = local(spec["at"])
        if not ReviewerAssignment.objects.filter(application=application, reviewer=user).exists():
            assignment = ReviewerAssignment(application=application, reviewer=user, is_lead=False, assigned_by=manager)
            assignment._change_reason = CHANGE_REASON
            assignment.save()
            report.record(ReviewerAssignment, "created")
        values = {
            "from_status": S.UNDER_REVIEW,
            "to_status": S.UNDER_REVIEW,
            "actor": manager,
            "note": user.display_name,
        }
        upsert(ApplicationEvent, {"application": application, "action": "assign", "at": at}, values, report)
