"""Reads of award cycles, applications and reviews, under the jurisdiction and blind-review rules."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from clusters.models import User
from clusters.selectors import in_jurisdiction

from ..models import Attachment
from . import services
from .models import AwardApplication, AwardCycle, Review, ReviewerAssignment

# The order of every list of applications: newest cycle first, then latest submitted; the id makes it total.
APPLICATION_ORDER = ("-cycle__year", "-submitted_at", "-pk")
SUBMITTED = Q(assignments__withdrawn_at__isnull=True, assignments__review__submitted_at__isnull=False)


def is_reviewer_only(*, user: User) -> bool:
    return user.has_perm("assistance.review_application") and not user.has_perm("assistance.view_awardapplication")


def visible_assignments(*, user: User) -> QuerySet[ReviewerAssignment]:
    """A reviewer's own assignments, those they have not withdrawn from (by a declared conflict or otherwise)."""
    return ReviewerAssignment.objects.filter(reviewer=user, withdrawn_at__isnull=True)


def assigned_applications(*, user: User) -> QuerySet[AwardApplication]:
    """The applications a reviewer is assigned to (and has not withdrawn from), whether or not declared yet.

    A subquery rather than a join, so that nothing computed over the application's assignments is
    narrowed to the reviewer's own row by accident.
    """
    return AwardApplication.objects.filter(pk__in=visible_assignments(user=user).values("application"))


def visible_applications(*, user: User) -> QuerySet[AwardApplication]:
    """Applications whose content the user may see: staff those of enterprises in their jurisdiction;
    reviewers those assigned to them, once they have declared no conflict of interest."""
    if user.has_perm("assistance.view_awardapplication"):
        return in_jurisdiction(queryset=AwardApplication.objects.all(), user=user, region="enterprise__county")
    if user.has_perm("assistance.review_application"):
        declared = visible_assignments(user=user).filter(no_conflict_declared_at__isnull=False)
        return AwardApplication.objects.filter(pk__in=declared.values("application"))
    return AwardApplication.objects.none()


def listed_applications(*, user: User) -> QuerySet[AwardApplication]:
    """The applications the user's list shows, without their scores: a reviewer's assigned ones, staff's visible ones."""
    if is_reviewer_only(user=user):
        return assigned_applications(user=user)
    return visible_applications(user=user)


def with_scores(*, queryset: QuerySet[AwardApplication]) -> QuerySet[AwardApplication]:
    """Mean, lowest and highest submitted review totals, their count, and the disagreement flag, in SQL."""
    spread = settings.REVIEW_DISAGREEMENT_POINTS
    return queryset.annotate(
        review_count=Count("assignments__review", filter=SUBMITTED),
        mean_score=Avg("assignments__review__total", filter=SUBMITTED, output_field=FloatField()),
        min_score=Min("assignments__review__total", filter=SUBMITTED),
        max_score=Max("assignments__review__total", filter=SUBMITTED),
    ).annotate(
        disagreement=ExpressionWrapper(
            Q(max_score__isnull=False) & Q(max_score__gt=F("min_score") + spread), output_field=BooleanField()
        )
    )


def application_list(*, user: User) -> QuerySet[AwardApplication]:
    """The applications the user may list. A reviewer's rows carry no scores at all: reviews are blind."""
    related = ("enterprise", "enterprise__cluster", "enterprise__county", "cycle", "cycle__programme", "prepared_by")
    if is_reviewer_only(user=user):
        return assigned_applications(user=user).select_related(*related)
    return with_scores(queryset=visible_applications(user=user).select_related(*related))


def get_application_for_user(*, user: User, pk: int) -> AwardApplication:
    """The application if the user's list would show it, else 404."""
    return get_object_or_404(application_list(user=user), pk=pk)


def get_rw_application_for_user(*, user: User, pk: int) -> AwardApplication:
    """The application as `get_application_for_user` finds it, or 403 when the user neither prepares nor manages."""
    application = get_application_for_user(user=user, pk=pk)
    if not services.application_roles(user, application):
        raise PermissionDenied
    return application


def visible_cycles(*, user: User) -> QuerySet[AwardCycle]:
    if is_reviewer_only(user=user):
        return AwardCycle.objects.filter(applications__in=assigned_applications(user=user)).distinct()
    return AwardCycle.objects.all()


def cycle_list(*, user: User) -> QuerySet[AwardCycle]:
    applications = Q(applications__in=visible_applications(user=user))
    decided = Q(applications__status__in=(AwardApplication.Status.APPROVED, AwardApplication.Status.REJECTED))
    reviewed = Q(
        applications__status__in=(
            AwardApplication.Status.PENDING_DECISION,
            AwardApplication.Status.APPROVED,
            AwardApplication.Status.REJECTED,
        )
    )
    return (
        visible_cycles(user=user)
        .select_related("programme", "rubric")
        .annotate(
            application_count=Count("applications", filter=applications, distinct=True),
            reviewed_count=Count("applications", filter=applications & reviewed, distinct=True),
            decided_count=Count("applications", filter=applications & decided, distinct=True),
        )
    )


def get_cycle_for_user(*, user: User, pk: int) -> AwardCycle:
    """The cycle if the user's list would show it, else 404."""
    return get_object_or_404(cycle_list(user=user), pk=pk)


def cycle_ranking(*, user: User, cycle: AwardCycle) -> list[AwardApplication]:
    """The cycle's reviewed applications by mean score, best first, with their rank in the whole cycle.

    The rank is counted over every application of the cycle, so that "within the quota" means the
    same to everyone; the user is shown only the rows they may see.
    """
    ranked = (
        with_scores(
            queryset=AwardApplication.objects.filter(
                cycle=cycle,
                status__in=(
                    AwardApplication.Status.UNDER_REVIEW,
                    AwardApplication.Status.PENDING_DECISION,
                    AwardApplication.Status.APPROVED,
                    AwardApplication.Status.REJECTED,
                ),
            ).select_related("enterprise", "enterprise__cluster", "cycle", "cycle__programme")
        )
        .filter(review_count__gt=0)
        .annotate(rank=Window(RowNumber(), order_by=[F("mean_score").desc(), F("pk").asc()]))
        .order_by("-mean_score", "pk")
    )
    visible = set(visible_applications(user=user).filter(cycle=cycle).values_list("pk", flat=True))
    return [application for application in ranked if application.pk in visible]


def cycle_status_counts(*, user: User, cycle: AwardCycle) -> list[tuple[str, int]]:
    """How many of the cycle's applications the user may see are in each status, every status listed."""
    counts = dict(
        visible_applications(user=user).filter(cycle=cycle).order_by().values_list("status").annotate(n=Count("pk"))
    )
    return [(label, counts.get(value, 0)) for value, label in AwardApplication.Status.choices]


def reviews_side_by_side(*, application: AwardApplication) -> dict:
    """Every submitted review with its per-category scores, for managers only."""
    reviews = list(
        Review.objects.filter(
            assignment__application=application, assignment__withdrawn_at__isnull=True, submitted_at__isnull=False
        )
        .select_related("assignment__reviewer", "revision")
        .prefetch_related("scores")
        .order_by("-assignment__is_lead", "pk")
    )
    categories = list(application.cycle.rubric.categories.all())
    by_review = [{score.category_id: score for score in review.scores.all()} for review in reviews]
    rows = []
    for category in categories:
        scores = [scores_of.get(category.pk) for scores_of in by_review]
        values = [s.score for s in scores if s is not None]
        rows.append(
            {
                "category": category,
                "scores": scores,
                "mean": sum(values) / len(values) if values else None,
                "min": min(values) if values else None,
                "max": max(values) if values else None,
            }
        )
    return {"reviews": reviews, "rows": rows}


def my_assignments(*, user: User) -> QuerySet[ReviewerAssignment]:
    return (
        visible_assignments(user=user)
        .select_related("application__enterprise", "application__cycle__programme", "review")
        .order_by("application__cycle__closes_at", "pk")
    )


def reviews_due(*, user: User) -> QuerySet[ReviewerAssignment]:
    """The reviewer's assignments still to be done: the application is under review and their review not submitted."""
    return (
        my_assignments(user=user)
        .filter(application__status=AwardApplication.Status.UNDER_REVIEW)
        .exclude(review__submitted_at__isnull=False)
    )


def get_assignment_for_user(*, user: User, pk: int) -> ReviewerAssignment:
    """The reviewer's own live assignment, else 404."""
    return get_object_or_404(my_assignments(user=user).select_related("application__cycle__rubric"), pk=pk)


def visible_documents(*, user: User) -> QuerySet[Attachment]:
    """Documents of the applications whose content the user may see (a reviewer's, once declared)."""
    return Attachment.objects.filter(application__in=visible_applications(user=user).values("pk"))


def get_document_for_user(*, user: User, pk: int) -> Attachment:
    """An application's document when its application is visible to the user, else 404."""
    return get_object_or_404(visible_documents(user=user), pk=pk)


def enterprise_applications(*, user: User, enterprise) -> QuerySet[AwardApplication]:
    """The enterprise's applications the user's list would show, newest first, with cycle and decision."""
    applications = listed_applications(user=user).filter(enterprise=enterprise)
    return applications.select_related("cycle__programme", "decision").order_by("-created_at", "-pk")


def cluster_applications(*, user: User, cluster) -> QuerySet[AwardApplication]:
    """Applications of the cluster's enterprises in the user's jurisdiction that their list would show."""
    applications = in_jurisdiction(
        queryset=listed_applications(user=user).filter(enterprise__cluster=cluster),
        user=user,
        region="enterprise__county",
    )
    return applications.select_related("enterprise", "cycle__programme", "decision").order_by("-created_at", "-pk")


IN_PROGRESS = (
    AwardApplication.Status.SUBMITTED,
    AwardApplication.Status.RETURNED,
    AwardApplication.Status.UNDER_REVIEW,
    AwardApplication.Status.PENDING_DECISION,
)


def application_counts(*, applications: QuerySet[AwardApplication]) -> dict[str, int]:
    """How many of the applications there are, in progress, approved and rejected, in one query."""
    return applications.order_by().aggregate(
        total=Count("pk"),
        in_progress=Count("pk", filter=Q(status__in=IN_PROGRESS)),
        approved=Count("pk", filter=Q(status=AwardApplication.Status.APPROVED)),
        rejected=Count("pk", filter=Q(status=AwardApplication.Status.REJECTED)),
    )
