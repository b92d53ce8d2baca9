"""Award applications in the JSON API (never reviews): staff see their jurisdiction's, reviewers only their own."""

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from config.api_support import MAX_ID, ListPagination, Ref, RegionRef, filtered, query_schema, require_perm

from ..api import EnterpriseRef
from .filters import ApplicationFilter, ReviewerApplicationFilter
from .selectors import APPLICATION_ORDER, application_list, is_reviewer_only

router = Router(tags=["awards"])

ApplicationQuery = query_schema("ApplicationQuery", ApplicationFilter)


class CycleRef(Schema):
    id: int
    programme: str = Field(..., alias="programme.name")
    year: int


class ApplicationOut(Schema):
    """Scores are the submitted reviews' mean, lowest and highest; a reviewer's token gets none of them."""

    id: int
    enterprise: EnterpriseRef
    cluster: Ref | None = Field(None, alias="enterprise.cluster")
    county: RegionRef = Field(..., alias="enterprise.county")
    cycle: CycleRef
    status: str
    submitted_at: datetime.datetime | None
    review_count: int | None = None
    mean_score: float | None = None
    min_score: int | None = None
    max_score: int | None = None
    disagreement: bool | None = None


def _applications(request: HttpRequest):
    require_perm(request, "assistance.view_awardapplication", "assistance.review_application")
    return application_list(user=request.user).order_by(*APPLICATION_ORDER)


@router.get("/applications/", response=list[ApplicationOut], summary="Award applications")
@paginate(ListPagination)
def applications(request: HttpRequest, filters: Query[ApplicationQuery]):
    """Award applications as the application list page shows them: of the jurisdiction for staff, only the
    assigned ones for a reviewer (whose token may filter by `q` and `status` only, nothing about scores)."""
    filter_class = ReviewerApplicationFilter if is_reviewer_only(user=request.user) else ApplicationFilter
    return filtered(request, filter_class, _applications(request))


@router.get("/applications/{pk}/", response=ApplicationOut, summary="Award application")
def application(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)):
    """One award application; 404 when the list would not show it."""
    return get_object_or_404(_applications(request), pk=pk)
