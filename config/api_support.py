"""What every app's API router shares: filters read by the pages' FilterSets, pages, permission checks.

The routers live in each app (`clusters/api.py`, `assistance/api.py`, `assistance/awards/api.py`,
`reports/api.py`); `config/api.py` assembles them under /api/v1/ with the token authentication.
"""

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import create_model

from config.pagination import ListPaginator

# The widest primary key any supported database holds (BigAutoField): a wider id in a path is a 400, not a 500.
MAX_ID = 2**63 - 1
API_PAGE_SIZE = 25
API_MAX_PAGE_SIZE = 100


class BadParameters(Exception):
    """Query parameters the list's FilterSet refused, by parameter name (config/api.py answers 400)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


def require_perm(request: HttpRequest, *perms: str) -> None:
    """403 unless the token's user holds one of the permissions, as the page they would open checks."""
    if not any(request.user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def filtered(request: HttpRequest, filterset_class: type[django_filters.FilterSet], queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that the list page's FilterSet keeps for these query parameters.

    The same FilterSet as the page, so that a filter means one thing in both; a value it refuses (an unknown
    choice, a bad date, an id that is not one or lies outside the jurisdiction) is a 400 naming the parameter.
    """
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise BadParameters({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs


def _choices_of(filter_: django_filters.Filter) -> list[str]:
    if isinstance(filter_, django_filters.OrderingFilter):
        return [value for param in filter_.param_map for value in (param, f"-{param}")]
    choices = filter_.extra.get("choices")
    if isinstance(choices, list | tuple):
        return [str(value) for value, _label in choices]
    return []


def query_schema(name: str, filterset_class: type[django_filters.FilterSet]) -> type[Schema]:
    """A schema naming the FilterSet's parameters for the OpenAPI document.

    Every parameter is taken as text here and checked by the FilterSet itself (see `filtered`), so the
    document and the list accept the same values and the rules are written once.
    """
    fields: dict[str, Any] = {}
    with translation.override("en"):
        for param, filter_ in filterset_class.base_filters.items():
            description = str(filter_.label or param)
            if choices := _choices_of(filter_):
                description += ". One of: " + ", ".join(choices)
            if isinstance(filter_, django_filters.ModelChoiceFilter):
                description += " (an id)"
            if isinstance(filter_, django_filters.DateFilter):
                description += " (YYYY-MM-DD)"
            many = isinstance(filter_, django_filters.MultipleChoiceFilter)
            kind = list[str] | None if many else str | None
            fields[param] = (kind, Field(None, description=description))
    return create_model(name, __base__=Schema, **fields)


class ListPagination(PaginationBase):
    """`limit` and `offset`, with the list's total `count`, over a list that ends its ordering in a unique column.

    Read as the pages read (config/pagination.py): the back half of a list from its end, the count kept
    until a record changes.
    """

    class Input(Schema):
        limit: int = Field(API_PAGE_SIZE, ge=1, le=API_MAX_PAGE_SIZE, description="Rows per page")
        offset: int = Field(0, ge=0, le=MAX_ID, description="Rows to skip")

    class Output(Schema):
        count: int
        limit: int
        offset: int
        items: list[Any]

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params) -> dict:
        paginator = ListPaginator(queryset, pagination.limit)
        rows = paginator.rows(pagination.offset, pagination.offset + pagination.limit)
        return {"count": paginator.count, "limit": pagination.limit, "offset": pagination.offset, "items": list(rows)}


class Ref(Schema):
    """Another record, by id and name."""

    id: int
    name: str


class RegionRef(Schema):
    id: int
    name: str
    code: str | None


class UserRef(Schema):
    id: int
    username: str
    name: str = Field(..., alias="display_name")
