"""The registry's part of the JSON API: clusters, and enterprises with what they hold."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from config.api_support import MAX_ID, ListPagination, Ref, RegionRef, filtered, query_schema, require_perm

from .filters import ClusterFilter, EnterpriseFilter
from .selectors import cluster_list, enterprise_list, with_holdings

router = Router(tags=["registry"])

ClusterQuery = query_schema("ClusterQuery", ClusterFilter)
EnterpriseQuery = query_schema("EnterpriseQuery", EnterpriseFilter)


class ClusterOut(Schema):
    id: int
    name: str
    county: RegionRef
    industry: str
    level: str
    featured: bool
    year_designated: int | None
    lead_agency: str
    active: bool
    description: str
    synthetic: bool
    enterprise_count: int
    honour_count: int
    designation_count: int
    trademark_count: int
    standard_count: int
    pilot_count: int


class IndicatorOut(Schema):
    year: int
    enterprise_count: int | None
    output_value: Decimal | None
    total_profit: Decimal | None
    source: str


class ClusterDetailOut(ClusterOut):
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(cluster) -> list:
        return list(cluster.indicators.order_by("-year"))


class HonourOut(Schema):
    id: int
    kind: str
    title: str
    year: int
    date: datetime.date
    source: str


class DesignationOut(Schema):
    id: int
    kind: str
    date: datetime.date
    source: str


class TrademarkOut(Schema):
    id: int
    name: str
    kind: str
    registration_number: str
    date: datetime.date
    source: str


class StandardRoleOut(Schema):
    number: str = Field(..., alias="standard.number")
    title: str = Field(..., alias="standard.title")
    level: str = Field(..., alias="standard.level")
    role: str
    date: datetime.date


class PilotOut(Schema):
    id: int
    name: str
    level: str
    status: str
    cluster: Ref
    date: datetime.date


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    county: RegionRef
    cluster: Ref | None
    size: str
    is_leading: bool
    address: str
    contact_person: str
    contact_phone: str
    synthetic: bool
    honours: list[HonourOut]
    designations: list[DesignationOut]
    trademarks: list[TrademarkOut]
    standards: list[StandardRoleOut] = Field(..., alias="standard_roles")
    pilots: list[PilotOut]


def _clusters(request: HttpRequest):
    require_perm(request, "clusters.view_cluster")
    return cluster_list(user=request.user).order_by("-level", "name", "pk")


def _enterprises(request: HttpRequest):
    require_perm(request, "clusters.view_enterprise")
    return with_holdings(queryset=enterprise_list(user=request.user), user=request.user).order_by("name", "pk")


@router.get("/clusters/", response=list[ClusterOut], summary="Clusters")
@paginate(ListPagination)
def clusters(request: HttpRequest, filters: Query[ClusterQuery]):
    """The clusters of the token's jurisdiction, filtered and sorted as the cluster list page is."""
    return filtered(request, ClusterFilter, _clusters(request))


@router.get("/clusters/{pk}/", response=ClusterDetailOut, summary="Cluster")
def cluster(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    """One cluster with its yearly indicators; 404 outside the jurisdiction."""
    return get_object_or_404(_clusters(request), pk=pk)


@router.get("/enterprises/", response=list[EnterpriseOut], summary="Enterprises")
@paginate(ListPagination)
def enterprises(request: HttpRequest, filters: Query[EnterpriseQuery]):
    """The enterprises of the token's jurisdiction with their honours, designations, trademarks, standards and
    pilots, filtered and sorted as the enterprise list page is."""
    return filtered(request, EnterpriseFilter, _enterprises(request))


@router.get("/enterprises/{pk}/", response=EnterpriseOut, summary="Enterprise")
def enterprise(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    """One enterprise with what it holds; 404 outside the jurisdiction."""
    return get_object_or_404(_enterprises(request), pk=pk)
