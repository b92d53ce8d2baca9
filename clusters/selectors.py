"""Reads that apply the jurisdiction rule: a user sees their region and what lies below it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from config.freshness import kept

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


def scope_region_ids(*, user: User) -> list[int] | None:
    """The ids of the regions the user may see, or None when they may see everything.

    A superuser without a jurisdiction sees every region; any other user without one sees nothing.
    The ids are read once per jurisdiction and kept until a record changes: every scoped query then
    filters on a short list of ids instead of joining the regions again (three levels at most).
    """
    if user.jurisdiction_id is None:
        return None if user.is_superuser else []
    jurisdiction = user.jurisdiction_id
    return kept(
        "jurisdiction-regions",
        jurisdiction,
        lambda: list(Region.objects.within(jurisdiction).values_list("pk", flat=True)),
    )


def users_who_see(*, region_id: int) -> QuerySet[User]:
    """The users whose jurisdiction holds the region (it, its city or its province), and superusers without one.

    The same rule as `scope_region_ids`, read from the region's side.
    """
    holders = Region.objects.filter(Q(pk=region_id) | Q(children=region_id) | Q(children__children=region_id))
    return User.objects.filter(
        Q(jurisdiction__in=holders.values("pk")) | Q(jurisdiction__isnull=True, is_superuser=True)
    )


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


def count_by(model, path: str, rows: QuerySet | None = None) -> Coalesce:
    """A correlated subquery counting `model` rows (of `rows`, if given) whose `path` is the outer row."""
    rows = model.objects.all() if rows is None else rows
    counts = rows.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def visible_pilots(*, user: User) -> QuerySet[StandardizationPilot]:
    """Pilots the user sees on a cluster's page: the cluster's own, and those of enterprises they may see."""
    pilots = StandardizationPilot.objects.all()
    scope = scope_region_ids(user=user)
    return pilots if scope is None else pilots.filter(Q(enterprise__isnull=True) | Q(enterprise__county__in=scope))


def cluster_list(*, user: User) -> QuerySet[Cluster]:
    """Visible clusters with their county and the counts a list row shows, in one query.

    The counts are of what the cluster's page lists to the user: holdings of enterprises they may see.
    """

    def held(model) -> QuerySet:
        return in_jurisdiction(queryset=model.objects.all(), user=user, region="enterprise__county")

    return (
        visible_clusters(user=user)
        .select_related("county")
        .annotate(
            enterprise_count=count_by(Enterprise, "cluster", visible_enterprises(user=user)),
            honour_count=count_by(Honour, "enterprise__cluster", held(Honour)),
            designation_count=count_by(Designation, "enterprise__cluster", held(Designation)),
            trademark_count=count_by(Trademark, "enterprise__cluster", held(Trademark)),
            standard_count=count_by(StandardRole, "enterprise__cluster", held(StandardRole)),
            pilot_count=count_by(StandardizationPilot, "cluster", visible_pilots(user=user)),
        )
    )


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    """Visible enterprises with county, cluster and holding counts, in one query."""
    return (
        visible_enterprises(user=user)
        .select_related("county", "cluster")
        .annotate(
            honour_count=count_by(Honour, "enterprise"),
            designation_count=count_by(Designation, "enterprise"),
            trademark_count=count_by(Trademark, "enterprise"),
            standard_count=count_by(StandardRole, "enterprise"),
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


def cluster_holdings(*, user: User, cluster: Cluster) -> dict:
    """Everything a cluster's page lists, each kind in one query, each within the viewer's jurisdiction.

    An enterprise's holding shows on its cluster's page only to those who may see the enterprise.
    """

    def held(model, **lookups) -> QuerySet:
        return in_jurisdiction(queryset=model.objects.filter(**lookups), user=user, region="enterprise__county")

    pilots = visible_pilots(user=user).filter(cluster=cluster)
    return {
        "honours": held(Honour, enterprise__cluster=cluster).select_related("enterprise"),
        "designations": held(Designation, enterprise__cluster=cluster).select_related("enterprise"),
        "trademarks": held(Trademark, enterprise__cluster=cluster).select_related("enterprise"),
        "standard_roles": held(StandardRole, enterprise__cluster=cluster)
        .select_related("standard", "enterprise")
        .order_by("-date", "standard__number"),
        "pilots": pilots.select_related("enterprise"),
        # A geographical indication belongs to the cluster itself, which the viewer may see.
        "gi_products": GIProduct.objects.filter(cluster=cluster).select_related("region"),
        "indicators": cluster.indicators.order_by("-year"),
    }


def enterprise_holdings(*, user: User, enterprise: Enterprise) -> dict:
    """Everything an enterprise's page lists; its pilots only in clusters the viewer may see."""
    return {
        "honours": enterprise.honours.all(),
        "designations": enterprise.designations.all(),
        "trademarks": enterprise.trademarks.all(),
        "standard_roles": enterprise.standard_roles.select_related("standard").order_by("-date", "standard__number"),
        "pilots": _enterprise_pilots(user=user, pilots=enterprise.pilots.all()),
    }


def _enterprise_pilots(*, user: User, pilots: QuerySet[StandardizationPilot]) -> QuerySet[StandardizationPilot]:
    return in_jurisdiction(queryset=pilots.select_related("cluster"), user=user, region="cluster__county")


def with_holdings(*, queryset: QuerySet[Enterprise], user: User) -> QuerySet[Enterprise]:
    """The enterprises with what `enterprise_holdings` lists, each kind read in one query for all the rows."""
    return queryset.prefetch_related(
        "honours",
        "designations",
        "trademarks",
        Prefetch(
            "standard_roles", StandardRole.objects.select_related("standard").order_by("-date", "standard__number")
        ),
        Prefetch("pilots", _enterprise_pilots(user=user, pilots=StandardizationPilot.objects.all())),
    )


def has_designation(*, kind: str) -> Exists:
    return Exists(Designation.objects.filter(enterprise=OuterRef("pk"), kind=kind))
