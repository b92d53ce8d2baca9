"""Reads that apply the jurisdiction rule: a user sees their region and what lies below it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import (
    Cluster,
    Designation,
    Enterprise,
    GIProduct,
    Honour,
    Region,
    StandardizationPilot,
    StandardRole,
    Trademark,
    User,
)


def scope_region_ids(*, user: User) -> QuerySet[Region] | None:
    """A subquery of the region ids the user may see, or None when they may see everything.

    A superuser without a jurisdiction sees every region; any other user without one sees nothing.
    """
    if user.jurisdiction_id is None:
        return None if user.is_superuser else Region.objects.none().values("pk")
    return Region.objects.within(user.jurisdiction_id).values("pk")


def in_jurisdiction(*, queryset: QuerySet, user: User, region: str) -> QuerySet:
    """The rows of `queryset` whose region (the lookup path `region`) lies in the user's jurisdiction."""
    scope = scope_region_ids(user=user)
    return queryset if scope is None else queryset.filter(**{f"{region}__in": scope})


def visible_regions(*, user: User) -> QuerySet[Region]:
    return in_jurisdiction(queryset=Region.objects.all(), user=user, region="pk")


def visible_counties(*, user: User) -> QuerySet[Region]:
    return visible_regions(user=user).filter(level=Region.Level.COUNTY).order_by("code", "name")


def visible_clusters(*, user: User) -> QuerySet[Cluster]:
    return in_jurisdiction(queryset=Cluster.objects.all(), user=user, region="county")


def visible_enterprises(*, user: User) -> QuerySet[Enterprise]:
    return in_jurisdiction(queryset=Enterprise.objects.all(), user=user, region="county")


def _count_by(model, path: str) -> Coalesce:
    """A correlated subquery counting `model` rows whose `path` is the outer row."""
    counts = model.objects.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def cluster_list(*, user: User) -> QuerySet[Cluster]:
    """Visible clusters with their county and the counts a list row shows, in one query."""
    return (
        visible_clusters(user=user)
        .select_related("county")
        .annotate(
            enterprise_count=_count_by(Enterprise, "cluster"),
            honour_count=_count_by(Honour, "enterprise__cluster"),
            designation_count=_count_by(Designation, "enterprise__cluster"),
            trademark_count=_count_by(Trademark, "enterprise__cluster"),
            standard_count=_count_by(StandardRole, "enterprise__cluster"),
            pilot_count=_count_by(StandardizationPilot, "cluster"),
        )
    )


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    """Visible enterprises with county, cluster and holding counts, in one query."""
    return (
        visible_enterprises(user=user)
        .select_related("county", "cluster")
        .annotate(
            honour_count=_count_by(Honour, "enterprise"),
            designation_count=_count_by(Designation, "enterprise"),
            trademark_count=_count_by(Trademark, "enterprise"),
            standard_count=_count_by(StandardRole, "enterprise"),
        )
    )


def get_cluster_for_user(*, user: User, pk: int) -> Cluster:
    """The cluster if the user's jurisdiction holds it, else 404."""
    return get_object_or_404(visible_clusters(user=user).select_related("county"), pk=pk)


def get_enterprise_for_user(*, user: User, pk: int) -> Enterprise:
    """The enterprise if the user's jurisdiction holds it, else 404."""
    return get_object_or_404(visible_enterprises(user=user).select_related("county", "cluster"), pk=pk)


def get_rw_enterprise_for_user(*, user: User, pk: int) -> Enterprise:
    """The enterprise as `get_enterprise_for_user` finds it, or 403 when the user may not change enterprises."""
    enterprise = get_enterprise_for_user(user=user, pk=pk)
    if not user.has_perm("clusters.change_enterprise"):
        raise PermissionDenied
    return enterprise


def cluster_holdings(*, cluster: Cluster) -> dict:
    """Everything a cluster's page lists, each kind in one query."""
    return {
        "honours": Honour.objects.filter(enterprise__cluster=cluster).select_related("enterprise"),
        "designations": Designation.objects.filter(enterprise__cluster=cluster).select_related("enterprise"),
        "trademarks": Trademark.objects.filter(enterprise__cluster=cluster).select_related("enterprise"),
        "standard_roles": StandardRole.objects.filter(enterprise__cluster=cluster)
        .select_related("standard", "enterprise")
        .order_by("-date", "standard__number"),
        "pilots": StandardizationPilot.objects.filter(cluster=cluster).select_related("enterprise"),
        "gi_products": GIProduct.objects.filter(cluster=cluster).select_related("region"),
        "indicators": cluster.indicators.order_by("-year"),
    }


def enterprise_holdings(*, enterprise: Enterprise) -> dict:
    return {
        "honours": enterprise.honours.all(),
        "designations": enterprise.designations.all(),
        "trademarks": enterprise.trademarks.all(),
        "standard_roles": enterprise.standard_roles.select_related("standard").order_by("-date", "standard__number"),
        "pilots": enterprise.pilots.select_related("cluster"),
    }


def has_designation(*, kind: str) -> Exists:
    return Exists(Designation.objects.filter(enterprise=OuterRef("pk"), kind=kind))
