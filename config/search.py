"""The search box: one query across the kinds of records, each kind within the viewer's jurisdiction and role.

Each kind is a `Source` in SOURCES, as the navigation lists its sections: the selector the kind's own
list reads (so the search never shows what the list or the detail page refuses), the columns searched
(each with a trigram index on PostgreSQL, see config/textsearch.py) and the list page that takes the
same `?q=` for all the matches. Each kind costs one query, and a second only when fewer than a page of
rows hold every word (the close ones then), whatever the number of rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from assistance.selectors import active_experts, visible_tickets, visible_visits
from clusters.models import User
from clusters.selectors import visible_clusters, visible_enterprises
from config.pinyin import Pinyin
from config.textsearch import MAX_QUERY_LENGTH, best_first, query_words

# The first rows of each kind the page shows; the list page holds the rest.
FIRST_ROWS = 5


@dataclass(frozen=True)
class Found:
    title: str
    detail: str
    url: str | None


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    permission: str
    rows: Callable[[User], QuerySet]
    fields: tuple[str, ...]
    # After the closest match first: a total order.
    order: tuple
    describe: Callable[[Model], Found]
    # The list page that filters by the same `?q=`, if the kind has one.
    list_url: str | None = None

    def allowed(self, user: User) -> bool:
        return user.has_perm(self.permission)

    def first(self, user: User, words: list[str]) -> list[Model]:
        """The closest FIRST_ROWS matches and one more, which says there are others."""
        return best_first(self.rows(user), words, self.fields, self.order, FIRST_ROWS + 1)


def _enterprise(row) -> Found:
    return Found(row.name, f"{row.credit_code} · {row.county.name}", row.get_absolute_url())


def _cluster(row) -> Found:
    return Found(row.name, f"{row.county.name} · {row.industry}", row.get_absolute_url())


def _ticket(row) -> Found:
    return Found(
        f"{row.number} {row.title}", f"{row.enterprise.name} · {row.get_status_display()}", row.get_absolute_url()
    )


def _visit(row) -> Found:
    return Found(f"{row.date:%Y-%m-%d} {row.enterprise.name}", row.purpose, row.get_absolute_url())


def _expert(row) -> Found:
    detail = " · ".join(part for part in (row.organisation, row.specialities) if part)
    return Found(row.name, detail, None)


SOURCES = [
    Source(
        kind="enterprises",
        label=_("Enterprises"),
        permission="clusters.view_enterprise",
        rows=lambda user: visible_enterprises(user=user).select_related("county"),
        fields=("name", "credit_code"),
        order=(Pinyin("name").asc(), "pk"),
        describe=_enterprise,
        list_url="clusters:enterprise-list",
    ),
    Source(
        kind="tickets",
        label=_("Help tickets"),
        permission="assistance.view_ticket",
        rows=lambda user: visible_tickets(user=user).select_related("enterprise"),
        fields=("number", "title"),
        order=("-opened_at", "-id"),
        describe=_ticket,
        list_url="assistance:ticket-list",
    ),
    Source(
        kind="visits",
        label=_("Visits"),
        permission="assistance.view_visit",
        rows=lambda user: visible_visits(user=user).select_related("enterprise"),
        fields=("purpose", "findings"),
        order=("-date", "-pk"),
        describe=_visit,
        list_url="assistance:visit-list",
    ),
    Source(
        kind="clusters",
        label=_("Clusters"),
        permission="clusters.view_cluster",
        rows=lambda user: visible_clusters(user=user).select_related("county"),
        fields=("name", "industry"),
        order=(Pinyin("name").asc(), "pk"),
        describe=_cluster,
        list_url="clusters:cluster-list",
    ),
    Source(
        kind="experts",
        label=_("Experts"),
        permission="assistance.view_expert",
        rows=lambda user: active_experts(),
        fields=("name", "organisation", "specialities"),
        order=(Pinyin("name").asc(), "pk"),
        describe=_expert,
    ),
]


def sources_for(user: User) -> list[Source]:
    return [source for source in SOURCES if source.allowed(user)]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "")


@require_GET
@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """The matches of `?q=` of each kind the user may see, the closest first, grouped by kind."""
    form = SearchForm(request.GET)
    sources = sources_for(request.user)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    words = query_words(query)
    groups = []
    for source in sources if words else []:
        rows = source.first(request.user, words)
        more_url = None
        if source.list_url and len(rows) > FIRST_ROWS:
            more_url = f"{reverse(source.list_url)}?{urlencode({'q': query})}"
        groups.append(
            {
                "kind": source.kind,
                "label": source.label,
                "found": [source.describe(row) for row in rows[:FIRST_ROWS]],
                "more_url": more_url,
            }
        )
    context = {
        "form": form,
        "query": query,
        "searchable": bool(sources),
        "groups": [group for group in groups if group["found"]],
        "searched": bool(words),
        "search_query": query,
    }
    return render(request, "search.html", context)


def search_box(request: HttpRequest) -> dict:
    """Whether the top bar shows the search box: to a signed-in user who may see any kind it searches."""
    user = getattr(request, "user", None)
    return {
        "search_box": SimpleLazyObject(lambda: bool(user is not None and user.is_authenticated and sources_for(user)))
    }
