"""The JSON answer of every searchable picker, in select2's shape, from a queryset the caller has scoped.

Each app's endpoint takes its rows from the same selector its form fields validate against, so the
picker never offers what the server would refuse, and passes them here. This reads `term` and `page`,
answers twenty rows at a time in a total order, and says whether more follow:
`{"results": [{"id": 1, "text": "..."}], "pagination": {"more": true}}`.
"""

import re
from collections.abc import Callable, Sequence

from django.core.exceptions import BadRequest
from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse

from clusters.fields import PK_RANGE
from config.textsearch import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, in_order, query_words

PAGE_SIZE = 20
# 2,000 rows deep: past that, typing a few more characters finds a row faster than scrolling does,
# and a deep OFFSET is the one thing here that costs more the further it goes.
MAX_PAGE = 100
# A search longer than any name the registry holds only costs the database more work; the rest is dropped.
MAX_TERM_LENGTH = MAX_QUERY_LENGTH
MAX_TERM_WORDS = MAX_QUERY_WORDS
ID = re.compile(r"-?[0-9]{1,20}")


def search_words(request: HttpRequest) -> list[str]:
    """The words of `?term=`, each to be found somewhere in the row; NUL bytes dropped (PostgreSQL refuses them)."""
    return query_words(request.GET.get("term", ""))


def page_number(request: HttpRequest) -> int:
    """`?page=`, 1 when absent; anything but a whole number from 1 to MAX_PAGE is a bad request (400)."""
    raw = request.GET.get("page", "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE))) or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)


def id_param(request: HttpRequest, name: str) -> int | None:
    """A record id passed to narrow the rows (`?team=3`), None when absent or empty; not an id is a 400."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    # ASCII digits only: int() would also read "１" (a full-width one) as 1.
    if not ID.fullmatch(raw) or int(raw) not in PK_RANGE:
        raise BadRequest(f"{name} must be a record id")
    return int(raw)


def autocomplete_response(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    search: Sequence[str],
    order: Sequence[str],
    label: Callable[[Model], str],
) -> JsonResponse:
    """One page of the rows of `queryset` that match `?term=`, ordered by `order` (end it with a unique column).

    The words are looked up as the search box looks them up (config/textsearch.py): on PostgreSQL with
    ILIKE, which the trigram indexes of the searched columns serve.

    One query whatever the page (on PostgreSQL, a rare word's ids are looked up first): a row past the page
    says whether there is a next one.
    """
    page = page_number(request)
    rows = in_order(queryset, search_words(request), search, order)
    start = (page - 1) * PAGE_SIZE
    chunk = list(rows[start : start + PAGE_SIZE + 1])
    return JsonResponse(
        {
            "results": [{"id": row.pk, "text": label(row)} for row in chunk[:PAGE_SIZE]],
            "pagination": {"more": len(chunk) > PAGE_SIZE and page < MAX_PAGE},
        }
    )
