"""Reads of the 专利伯乐 selection, under the jurisdiction and the blind-review rules."""

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, FloatField, Max, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from clusters.models import User
from clusters.selectors import in_jurisdiction

from . import services
from .models import RUBRIC, Nomination, NominationReview, PatentSelection

# Every list of nominations: newest selection first, then latest submitted; the id makes it total.
NOMINATION_ORDER = ("-selection__year", "-submitted_at", "-pk")
SUBMITTED = Q(reviews__withdrawn_at__isnull=True, reviews__submitted_at__isnull=False)
RELATED = ("selection", "selection__region", "region", "nominee_expert", "nominee_user", "nominated_by")


def is_reviewer_only(*, user: User) -> bool:
    return user.has_perm("assistance.review_nomination") and not user.has_perm("assistance.view_nomination")


def can_see_selection(*, user: User) -> bool:
    return user.has_perm("assistance.view_nomination") or user.has_perm("assistance.review_nomination")


def visible_selections(*, user: User) -> QuerySet[PatentSelection]:
    """Selections organised in the user's jurisdiction, below it, or by a bureau above it (a city's
    selection is every county's)."""
    if user.jurisdiction_id is None:
        return PatentSelection.objects.all() if user.is_superuser else PatentSelection.objects.none()
    mine = user.jurisdiction_id
    above = Q(region=mine) | Q(region__children=mine) | Q(region__children__children=mine)
    below = in_jurisdiction(queryset=PatentSelection.objects.all(), user=user, region="region")
    return PatentSelection.objects.filter(
        Q(pk__in=below.values("pk")) | Q(pk__in=PatentSelection.objects.filter(above).values("pk"))
    )


def visible_reviews(*, user: User) -> QuerySet[NominationReview]:
    """A reviewer's own assignments that they have not withdrawn from; never anyone else's."""
    return NominationReview.objects.filter(reviewer=user, withdrawn_at__isnull=True)


def visible_nominations(*, user: User) -> QuerySet[Nomination]:
    """Nominations whose content the user may see: staff those of nominees in their jurisdiction;
    reviewers those assigned to them, once they have declared no conflict of interest."""
    if user.has_perm("assistance.view_nomination"):
        return in_jurisdiction(queryset=Nomination.objects.all(), user=user, region="region")
    if user.has_perm("assistance.review_nomination"):
        declared = visible_reviews(user=user).filter(no_conflict_declared_at__isnull=False)
        return Nomination.objects.filter(pk__in=declared.values("nomination"))
    return Nomination.objects.none()


def with_scores(*, queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Mean, lowest and highest submitted review totals and their count, in SQL."""
    return queryset.annotate(
        review_count=Count("reviews", filter=SUBMITTED),
        mean_score=Avg("reviews__total", filter=SUBMITTED, output_field=FloatField()),
        min_score=Min("reviews__total", filter=SUBMITTED),
        max_score=Max("reviews__total", filter=SUBMITTED),
    )


def nomination_list(*, user: User) -> QuerySet[Nomination]:
    """The nominations the user may list; only staff rows carry review scores (reviews are blind)."""
    if is_reviewer_only(user=user):
        return Nomination.objects.none()
    return with_scores(queryset=visible_nominations(user=user).select_related(*RELATED))


def get_nomination_for_user(*, user: User, pk: int) -> Nomination:
    """The nomination if the user's list would show it, else 404."""
    return get_object_or_404(nomination_list(user=user), pk=pk)


def get_rw_nomination_for_user(*, user: User, pk: int) -> Nomination:
    """The nomination as `get_nomination_for_user` finds it, or 403 when the user neither nominates nor manages."""
    nomination = get_nomination_for_user(user=user, pk=pk)
    if not services.nomination_roles(user, nomination):
        raise PermissionDenied
    return nomination


def selection_list(*, user: User) -> QuerySet[PatentSelection]:
    mine = Q(nominations__in=visible_nominations(user=user).values("pk"))
    return (
        visible_selections(user=user)
        .select_related("region")
        .annotate(
            nomination_count=Count("nominations", filter=mine, distinct=True),
            selected_count=Count(
                "nominations", filter=mine & Q(nominations__status=Nomination.Status.SELECTED), distinct=True
            ),
        )
    )


def get_selection_for_user(*, user: User, pk: int) -> PatentSelection:
    return get_object_or_404(selection_list(user=user), pk=pk)


def selection_status_counts(*, user: User, selection: PatentSelection) -> list[tuple[str, int]]:
    """How many of the selection's nominations the user may see are in each status, every status listed."""
    counts = dict(
        visible_nominations(user=user)
        .filter(selection=selection)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [(label, counts.get(value, 0)) for value, label in Nomination.Status.choices]


def reviews_side_by_side(*, nomination: Nomination) -> dict:
    """Every submitted review of the nomination with its scores per criterion, for managers only."""
    reviews = list(
        nomination.reviews.filter(withdrawn_at__isnull=True, submitted_at__isnull=False)
        .select_related("reviewer")
        .order_by("pk")
    )
    rows = []
    for criterion in RUBRIC:
        scores = [getattr(review, f"score_{criterion.code}") for review in reviews]
        values = [s for s in scores if s is not None]
        rows.append(
            {
                "criterion": criterion,
                "scores": scores,
                "mean": sum(values) / len(values) if values else None,
                "min": min(values) if values else None,
                "max": max(values) if values else None,
            }
        )
    totals = [review.total for review in reviews]
    return {
        "reviews": reviews,
        "rows": rows,
        "mean": sum(totals) / len(totals) if totals else None,
    }


def my_reviews(*, user: User) -> QuerySet[NominationReview]:
    return (
        visible_reviews(user=user)
        .select_related("nomination__selection", "nomination__nominee_expert", "nomination__nominee_user")
        .order_by("nomination__selection__closes_at", "pk")
    )


def reviews_due(*, user: User) -> QuerySet[NominationReview]:
    return my_reviews(user=user).filter(nomination__status=Nomination.Status.UNDER_REVIEW, submitted_at__isnull=True)


def get_review_for_user(*, user: User, pk: int) -> NominationReview:
    """The reviewer's own live assignment, else 404."""
    return get_object_or_404(my_reviews(user=user), pk=pk)


def published_results(*, user: User, year: int | None = None) -> QuerySet[Nomination]:
    """The selected nominations of published selections the user may see: open to every signed-in user."""
    selections = visible_selections(user=user).filter(published_at__isnull=False)
    if year is not None:
        selections = selections.filter(year=year)
    return (
        Nomination.objects.filter(selection__in=selections.values("pk"), status=Nomination.Status.SELECTED)
        .select_related(*RELATED, "decision")
        .order_by("-selection__year", "selection__pk", "decision__decided_at", "pk")
    )


def patent_selection_results(user: User, year: int) -> dict:
    """The headline figures of the year's 专利伯乐 selections for the programme summary.

    `selections` and `published` count the selections the user may see; `nominations` and `selected`
    count the nominations in their jurisdiction; `winners` are the published results (name,
    organisation, selection), open to every signed-in user.
    """
    selections = visible_selections(user=user).filter(year=year)
    figures = selections.aggregate(
        selections=Count("pk", distinct=True),
        published=Count("pk", filter=Q(published_at__isnull=False), distinct=True),
    )
    nominations = visible_nominations(user=user).filter(selection__in=selections.values("pk"))
    figures |= nominations.order_by().aggregate(
        nominations=Count("pk"),
        selected=Count("pk", filter=Q(status=Nomination.Status.SELECTED)),
    )
    figures["winners"] = [
        {"name": n.nominee_name, "organisation": n.nominee_organisation, "selection": n.selection.title}
        for n in published_results(user=user, year=year)
    ]
    figures["year"] = year
    return figures
