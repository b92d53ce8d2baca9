"""Reads that apply the jurisdiction rule: a user sees their region and what lies below it."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

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


def regions_within(region: Region) -> QuerySet[Region]:
    """The region and every region below it (province, city and county: three levels)."""
    return Region.objects.filter(Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk))


def scope_region_ids(user: User) -> QuerySet | None:
    """A subquery of the region ids the user may see, or None when they may see everything.

    A superuser without a jurisdiction sees every region; any other user without one sees nothing.
    """
    if user.jurisdiction_id is None:
        return None if user.is_superuser else Region.objects.none().values("pk")
    return Region.objects.filter(
        Q(pk=user.jurisdiction_id) | Q(parent_id=user.jurisdiction_id) | Q(parent__parent_id=user.jurisdiction_id)
    ).values("pk")


def visible_regions(user: User) -> QuerySet[Region]:
    scope = scope_region_ids(user)
    regions = Region.objects.all()
    return regions if scope is None else regions.filter(pk__in=scope)


def visible_counties(user: User) -> QuerySet[Region]:
    return visible_regions(user).filter(level=Region.Level.COUNTY).order_by("code", "name")


def visible_clusters(user: User) -> QuerySet[Cluster]:
    scope = scope_region_ids(user)
    clusters = Cluster.objects.all()
    return clusters if scope is None else clusters.filter(county__in=scope)


def visible_enterprises(user: User) -> QuerySet[Enterprise]:
    scope = scope_region_ids(user)
    enterprises = Enterprise.objects.all()
    return enterprises if scope is None else enterprises.filter(county__in=scope)


def _count_by(model, path: str) -> Coalesce:
    """A correlated subquery counting `model` rows whose `path` is the outer row."""
    counts = model.objects.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def cluster_list(user: User) -> QuerySet[Cluster]:
    """Visible clusters with their county and the counts a list row shows, in one query."""
    return (
        visible_clusters(user)
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


def enterprise_list(user: User) -> QuerySet[Enterprise]:
    """Visible enterprises with county, cluster and holding counts, in one query."""
    return (
        visible_enterprises(user)
        .select_related("county", "cluster")
        .annotate(
            honour_count=_count_by(Honour, "enterprise"),
            designation_count=_count_by(Designation, "enterprise"),
            trademark_count=_count_by(Trademark, "enterprise"),
            standard_count=_count_by(StandardRole, "enterprise"),
        )
    )


def get_cluster_for_user(user: User, pk: int) -> Cluster:
    """The cluster if the user's jurisdiction holds it, else 404."""
    try:
        return visible_clusters(user).select_related("county").get(pk=pk)
    except Cluster.DoesNotExist:
        raise Http404 from None


def get_enterprise_for_user(user: User, pk: int) -> Enterprise:
    """The enterprise if the user's jurisdiction holds it, else 404."""
    try:
        return visible_enterprises(user).select_related("county", "cluster").get(pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404 from None


def cluster_holdings(cluster: Cluster) -> dict:
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


def enterprise_holdings(enterprise: Enterprise) -> dict:
    return {
        "honours": enterprise.honours.all(),
        "designations": enterprise.designations.all(),
        "trademarks": enterprise.trademarks.all(),
        "standard_roles": enterprise.standard_roles.select_related("standard").order_by("-date", "standard__number"),
        "pilots": enterprise.pilots.select_related("cluster"),
    }


def has_designation(kind: str):
    return Exists(Designation.objects.filter(enterprise=OuterRef("pk"), kind=kind))
