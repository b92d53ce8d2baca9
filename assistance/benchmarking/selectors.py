"""Reads of benchmarking campaigns, their participants and indicators, within the viewer's jurisdiction.

A campaign belongs to its cluster's county; so do its participants and their indicators.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from clusters.models import Enterprise, User
from clusters.selectors import in_jurisdiction, visible_enterprises

from .models import Campaign, Indicator, Participation, reached_q

CAMPAIGN_ORDER = ("-year", "title", "pk")
PARTICIPATION_ORDER = ("enterprise__name", "pk")


def visible_campaigns(*, user: User) -> QuerySet[Campaign]:
    return in_jurisdiction(queryset=Campaign.objects.all(), user=user, region="cluster__county")


def visible_participations(*, user: User) -> QuerySet[Participation]:
    return in_jurisdiction(queryset=Participation.objects.all(), user=user, region="campaign__cluster__county")


def visible_indicators(*, user: User) -> QuerySet[Indicator]:
    return in_jurisdiction(
        queryset=Indicator.objects.all(), user=user, region="participation__campaign__cluster__county"
    )


def _participant_counts(*, reached: bool = False) -> Coalesce:
    rows = Participation.objects.filter(campaign=OuterRef("pk"))
    if reached:
        rows = rows.filter(reached_q())
    counted = rows.order_by().values("campaign").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    """The visible campaigns with their cluster, how many take part and how many reached their benchmark."""
    return (
        visible_campaigns(user=user)
        .select_related("cluster", "cluster__county")
        .annotate(participant_count=_participant_counts(), reached_count=_participant_counts(reached=True))
        .order_by(*CAMPAIGN_ORDER)
    )


def get_campaign_for_user(*, user: User, pk: int) -> Campaign:
    """The campaign if its cluster is in the user's jurisdiction, else 404."""
    return get_object_or_404(visible_campaigns(user=user).select_related("cluster", "cluster__county"), pk=pk)


def get_rw_campaign_for_user(*, user: User, pk: int) -> Campaign:
    """The campaign as `get_campaign_for_user` finds it, or 403 when the user may not add participants."""
    campaign = get_campaign_for_user(user=user, pk=pk)
    if not user.has_perm("assistance.add_participation"):
        raise PermissionDenied
    return campaign


def campaign_participations(*, user: User, campaign: Campaign) -> QuerySet[Participation]:
    """A campaign's participants with their computed outcomes, by enterprise name."""
    return (
        visible_participations(user=user)
        .filter(campaign=campaign)
        .select_related("enterprise")
        .with_outcome()
        .order_by(*PARTICIPATION_ORDER)
    )


def get_participation_for_user(*, user: User, pk: int) -> Participation:
    """The participation with its outcome if its campaign is in the user's jurisdiction, else 404."""
    rows = visible_participations(user=user).select_related("campaign", "campaign__cluster", "enterprise")
    return get_object_or_404(rows.with_outcome(), pk=pk)


def get_rw_participation_for_user(*, user: User, pk: int) -> Participation:
    """The participation as `get_participation_for_user` finds it, or 403 when the user may not change it."""
    participation = get_participation_for_user(user=user, pk=pk)
    if not user.has_perm("assistance.change_participation"):
        raise PermissionDenied
    return participation


def participation_indicators(*, participation: Participation) -> QuerySet[Indicator]:
    """A participation's indicators with whether each is met and its gap, area by area."""
    return participation.indicators.with_outcome().order_by("area", "pk")


def enterprise_participations(*, user: User, enterprise: Enterprise) -> QuerySet[Participation]:
    """The campaigns an enterprise takes part in, newest first, with their outcomes (its overview page)."""
    return (
        visible_participations(user=user)
        .filter(enterprise=enterprise)
        .select_related("campaign", "campaign__cluster")
        .with_outcome()
        .order_by("-campaign__year", "campaign__title", "pk")
    )


def participant_choices(*, user: User, campaign: Campaign) -> QuerySet[Enterprise]:
    """The enterprises that may join a campaign: those of its cluster that the user may see."""
    return visible_enterprises(user=user).filter(cluster=campaign.cluster_id).order_by("name", "pk")
