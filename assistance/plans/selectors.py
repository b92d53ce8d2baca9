"""Reads of plans, measures and chains under the jurisdiction rule.

A user sees the plans of their jurisdiction and below it, as with every record, and also the plans of the
regions above it: a county carries out its city's plan, so its staff read it, but only those whose
jurisdiction holds the plan's region may change it (`get_rw_plan_for_user`).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clusters.models import Cluster, Enterprise, Region, User
from clusters.selectors import get_cluster_for_user, scope_region_ids, visible_enterprises
from config.freshness import kept

from .models import SEGMENT_ORDER, ChainLink, ChainProject, Measure, MeasureProgress, Plan, Status

# Every list of plans: latest period first; the id makes the order total.
PLAN_ORDER = ("-start_date", "-pk")
MEASURE_ORDER = ("deadline", "pk")
DUE_SOON_DAYS = 30


def regions_above(*, user: User) -> list[int]:
    """The ids of the regions above the user's jurisdiction (its city and province), kept like the scope."""
    if user.jurisdiction_id is None:
        return []
    jurisdiction = user.jurisdiction_id
    return kept(
        "jurisdiction-above",
        jurisdiction,
        lambda: list(
            Region.objects.filter(Q(children=jurisdiction) | Q(children__children=jurisdiction)).values_list(
                "pk", flat=True
            )
        ),
    )


def _plan_scope(*, user: User, path: str) -> Q | None:
    """The condition on a plan's region (at `path`) for the plans the user may see; None for every plan."""
    scope = scope_region_ids(user=user)
    if scope is None:
        return None
    return Q(**{f"{path}__in": [*scope, *regions_above(user=user)]})


def visible_plans(*, user: User) -> QuerySet[Plan]:
    condition = _plan_scope(user=user, path="region")
    plans = Plan.objects.all()
    return plans if condition is None else plans.filter(condition)


def visible_measures(*, user: User) -> QuerySet[Measure]:
    condition = _plan_scope(user=user, path="plan__region")
    measures = Measure.objects.all()
    return measures if condition is None else measures.filter(condition)


def can_change_plan(*, user: User, plan: Plan) -> bool:
    """Whether the user may change the plan and its measures: the permission, and a jurisdiction that holds it."""
    if not user.has_perm("assistance.change_plan"):
        return False
    scope = scope_region_ids(user=user)
    return scope is None or plan.region_id in scope


def _count(rows: QuerySet, condition: Q | None = None) -> Coalesce:
    rows = rows if condition is None else rows.filter(condition)
    counts = rows.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def with_measure_counts(*, queryset: QuerySet[Plan], today: datetime.date | None = None) -> QuerySet[Plan]:
    """Each plan's measures counted by status and overdue, one subquery each, in the plan's own row."""
    measures = Measure.objects.all()
    return queryset.annotate(
        measure_count=_count(measures),
        not_started_count=_count(measures, Q(status=Status.NOT_STARTED)),
        under_way_count=_count(measures, Q(status=Status.UNDER_WAY)),
        done_count=_count(measures, Q(status=Status.DONE)),
        overdue_count=_count(measures, Measure.objects.overdue_q(today)),
    )


def plan_list(*, user: User) -> QuerySet[Plan]:
    return with_measure_counts(queryset=visible_plans(user=user).select_related("region"))


def get_plan_for_user(*, user: User, pk: int) -> Plan:
    """The plan if the user may see it, else 404."""
    return get_object_or_404(plan_list(user=user), pk=pk)


def get_rw_plan_for_user(*, user: User, pk: int) -> Plan:
    """The plan as `get_plan_for_user` finds it, or 403 when the user may not change it."""
    plan = get_plan_for_user(user=user, pk=pk)
    if not can_change_plan(user=user, plan=plan):
        raise PermissionDenied
    return plan


def measure_list(*, user: User, today: datetime.date | None = None) -> QuerySet[Measure]:
    """Visible measures with their plan, region and team, and the computed overdue flag; clusters in one query."""
    return (
        visible_measures(user=user)
        .with_overdue(today)
        .select_related("plan", "plan__region", "team")
        .prefetch_related(Prefetch("clusters", Cluster.objects.order_by("name")))
    )


def get_measure_for_user(*, user: User, pk: int) -> Measure:
    return get_object_or_404(measure_list(user=user), pk=pk)


def get_rw_measure_for_user(*, user: User, pk: int) -> Measure:
    measure = get_measure_for_user(user=user, pk=pk)
    if not user.has_perm("assistance.change_measure") or not can_change_plan(user=user, plan=measure.plan):
        raise PermissionDenied
    return measure


def measure_progress(*, measure: Measure) -> QuerySet[MeasureProgress]:
    return measure.progress.select_related("author").order_by("-date", "-pk")


def measures_needing_attention(*, user: User, today: datetime.date | None = None) -> QuerySet[Measure]:
    """The measures not done that are overdue or due within DUE_SOON_DAYS days, soonest first."""
    today = today or timezone.localdate()
    due_by = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return measure_list(user=user, today=today).filter(Measure.objects.due_by_q(due_by)).order_by(*MEASURE_ORDER)


def plan_progress(*, user: User, region: Region, today: datetime.date | None = None) -> list[dict]:
    """Headline figures of the plans of `region` and below that the user may see: per plan, its measures
    counted by status and overdue, in one query.

    Each row: plan id, title, document number, region name, period, total, not_started, under_way, done,
    overdue, and the share done (0-100, or None without measures).
    """
    regions = Region.objects.within(region).values("pk")
    plans = with_measure_counts(
        queryset=visible_plans(user=user).filter(region__in=regions).select_related("region"), today=today
    ).order_by(*PLAN_ORDER)
    rows = []
    for plan in plans:
        total = plan.measure_count
        rows.append(
            {
                "plan": plan.pk,
                "title": plan.title,
                "document_number": plan.document_number,
                "region": plan.region.name,
                "period": plan.period,
                "synthetic": plan.synthetic,
                "total": total,
                "not_started": plan.not_started_count,
                "under_way": plan.under_way_count,
                "done": plan.done_count,
                "overdue": plan.overdue_count,
                "done_share": round(100 * plan.done_count / total) if total else None,
            }
        )
    return rows


# --- Chains -------------------------------------------------------------------------------------------


def visible_chain_links(*, user: User) -> QuerySet[ChainLink]:
    """Links of the clusters the user may see."""
    scope = scope_region_ids(user=user)
    links = ChainLink.objects.all()
    return links if scope is None else links.filter(cluster__county__in=scope)


def can_change_chain(*, user: User) -> bool:
    return user.has_perm("assistance.change_chainlink")


def get_rw_chain_cluster_for_user(*, user: User, pk: int) -> Cluster:
    """The cluster whose chain the user edits: 404 outside the jurisdiction, 403 without the permission."""
    cluster = get_cluster_for_user(user=user, pk=pk)
    if not can_change_chain(user=user):
        raise PermissionDenied
    return cluster


def get_link_for_user(*, user: User, pk: int) -> ChainLink:
    return get_object_or_404(visible_chain_links(user=user).select_related("cluster"), pk=pk)


def get_rw_link_for_user(*, user: User, pk: int) -> ChainLink:
    link = get_link_for_user(user=user, pk=pk)
    if not can_change_chain(user=user):
        raise PermissionDenied
    return link


def get_rw_project_for_user(*, user: User, pk: int) -> ChainProject:
    project = get_object_or_404(
        ChainProject.objects.filter(link__in=visible_chain_links(user=user)).select_related("link__cluster"), pk=pk
    )
    if not user.has_perm("assistance.change_chainproject"):
        raise PermissionDenied
    return project


def chain_years(*, cluster: Cluster) -> list[int]:
    return list(ChainLink.objects.filter(cluster=cluster).order_by("-year").values_list("year", flat=True).distinct())


def chain_links(*, user: User, cluster: Cluster, year: int) -> list[ChainLink]:
    """The cluster's links of the year in segment order, each with the enterprises the user may see (counted
    in SQL as `enterprise_count`) and its projects with their measures; three queries whatever the size."""
    enterprises = visible_enterprises(user=user).order_by("name", "pk")
    links = (
        ChainLink.objects.filter(cluster=cluster, year=year)
        .annotate(
            enterprise_count=Count(
                "enterprises", filter=Q(enterprises__in=visible_enterprises(user=user).values("pk")), distinct=True
            )
        )
        .prefetch_related(
            Prefetch("enterprises", enterprises),
            Prefetch("projects", ChainProject.objects.select_related("measure").order_by("pk")),
        )
        .order_by("position", "pk")
    )
    order = {segment: i for i, segment in enumerate(SEGMENT_ORDER)}
    return sorted(links, key=lambda link: (order[link.segment], link.position, link.pk))


def chain_by_segment(links: list[ChainLink]) -> list[tuple[str, str, list[ChainLink]]]:
    """The links in three columns: (segment, its label, its links), every segment listed."""
    return [
        (value, label, [link for link in links if link.segment == value]) for value, label in ChainLink.Segment.choices
    ]


def chain_change(*, user: User, cluster: Cluster, year: int) -> dict:
    """The chain of `year` against that of the year before: links added and removed, weak links fixed and new,
    and the enterprise count of each link then and now. Links are the same link when segment and name agree."""
    now = {(link.segment, link.name): link for link in chain_links(user=user, cluster=cluster, year=year)}
    before = {(link.segment, link.name): link for link in chain_links(user=user, cluster=cluster, year=year - 1)}
    order = {segment: i for i, segment in enumerate(SEGMENT_ORDER)}

    def ordered(keys):
        return sorted(keys, key=lambda key: (order[key[0]], key[1]))

    rows = []
    for key in ordered(set(now) | set(before)):
        current, previous = now.get(key), before.get(key)
        rows.append(
            {
                "segment": (current or previous).get_segment_display(),
                "name": key[1],
                "before": previous.enterprise_count if previous else None,
                "now": current.enterprise_count if current else None,
                "change": (current.enterprise_count if current else 0) - (previous.enterprise_count if previous else 0),
                "added": previous is None,
                "removed": current is None,
                "weak_fixed": bool(previous and previous.weak and current and not current.weak),
                "weak_new": bool(current and current.weak and not (previous and previous.weak)),
            }
        )
    return {
        "year": year,
        "previous_year": year - 1,
        "has_previous": bool(before),
        "rows": rows,
        "added": [row["name"] for row in rows if row["added"]] if before else [],
        "removed": [row["name"] for row in rows if row["removed"]],
        "weak_fixed": [row["name"] for row in rows if row["weak_fixed"]],
        "weak_new": [row["name"] for row in rows if row["weak_new"]] if before else [],
    }


def cluster_enterprises(*, user: User, cluster: Cluster) -> QuerySet[Enterprise]:
    """The enterprises a link of the cluster may hold: the cluster's own that the user may see."""
    return visible_enterprises(user=user).filter(cluster=cluster).order_by("name", "pk")
