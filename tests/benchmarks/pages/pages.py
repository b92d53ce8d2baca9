"""The pages `make bench` measures, as data: add an entry to PAGES to measure one more page.

A page is a name, the role that opens it (`manager`: city jurisdiction, sees everything of the seeds'
city; `inspector`: one county and a team), a path and a query string. Both may hold `{placeholders}`,
filled in for each database from RESOLVERS (a query run at setup as the benchmark's accounts). A page
whose placeholder resolves to nothing in a database is reported as "no data" there.

`fallback_query` is for a query string the site may not understand yet (`page=last`): at setup the
harness opens both, and keeps `query` only when it lists the same records as `fallback_query`.

Targets (checked and printed as pass/fail):
- every page: its server time at each size in SCALE_TARGETS, divided by its time at SCALE_REFERENCE
  (the same round), at most the target; checked when the smallest size measured is SCALE_REFERENCE;
- `max_vs_bare`: server time at most this many times the bare page's, at every size;
- `min_rps_vs_bare`: sequential requests per second at least this share of the bare page's.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import quote

BARE = "bare page"
SCALE_REFERENCE = 1_000
SCALE_TARGETS = {100_000: 1.25, 300_000: 1.5}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str = "manager"
    query: str = ""
    fallback_query: str | None = None
    max_vs_bare: float | None = None
    min_rps_vs_bare: float | None = None
    scale_targets: dict[int, float] = field(default_factory=lambda: dict(SCALE_TARGETS))

    def url(self, values: dict, *, fallback: bool = False) -> str:
        query = self.fallback_query if fallback else self.query
        url = self.path.format(**values)
        return f"{url}?{query.format(**values)}" if query else url

    def placeholders(self) -> set[str]:
        import string

        texts = [self.path, self.query, self.fallback_query or ""]
        return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


PAGES: list[Page] = [
    Page(BARE, "/bench/bare/"),
    Page("ticket list", "/assistance/tickets/", max_vs_bare=2.0, min_rps_vs_bare=0.5),
    Page("ticket list filtered", "/assistance/tickets/", query="status=new&status=assigned&category={category}"),
    Page("ticket list by priority, page 40", "/assistance/tickets/", query="ordering=priority&page=40"),
    Page("ticket list last page", "/assistance/tickets/", query="page=last", fallback_query="page={last_page}"),
    Page("ticket detail", "/assistance/tickets/{ticket}/"),
    Page("manager home", "/"),
    Page("inspector home", "/", role="inspector"),
    Page("service report", "/reports/service/", query="since=2020-01-01&until=2026-12-31"),
    Page("cluster report", "/reports/clusters/{cluster}/"),
    # Without a query the page shows only its form: ask for the summary, compared with a base year.
    Page(
        "programme summary",
        "/reports/summary/",
        query="region={region}&as_of=2025-12-31&since=2020-01-01&base_year=2021",
    ),
    Page("clusters", "/clusters/"),
    Page("enterprises", "/clusters/enterprises/"),
    Page("enterprise detail", "/clusters/enterprises/{enterprise}/"),
    Page("visit list", "/assistance/visits/"),
    Page("visit form", "/assistance/visits/new/"),
    Page("training list", "/assistance/trainings/"),
    Page("team list", "/assistance/teams/"),
    Page("team detail", "/assistance/teams/{team}/"),
    # The searchable pickers' endpoints, as a browser asks while a person types.
    Page("enterprise picker", "/clusters/enterprises/autocomplete/", query=f"term={quote('企业')}"),
    Page("ticket picker", "/assistance/tickets/autocomplete/", query=f"term={quote('检定')}"),
    # The search box of the top bar, a word that names enterprises, tickets and clusters alike.
    Page("search", "/search/", query=f"q={quote('钢铁')}"),
    Page("search, inspector", "/search/", role="inspector", query=f"q={quote('检定')}"),
    Page("application list", "/assistance/awards/applications/"),
    Page("award home", "/assistance/awards/"),
    Page("benchmarking campaigns", "/assistance/benchmarking/"),
    Page("benchmarking campaign", "/assistance/benchmarking/{campaign}/"),
    Page("benchmarking participant", "/assistance/benchmarking/participants/{participation}/"),
    Page("benchmarking report", "/reports/benchmarking/"),
    Page("patent selections", "/assistance/patents/"),
    Page("patent nominations", "/assistance/patents/nominations/"),
    Page("patent nomination detail", "/assistance/patents/nominations/{nomination}/"),
    Page("patent results", "/assistance/patents/results/", role="inspector"),
    Page("plan list", "/assistance/plans/"),
    Page("plan detail", "/assistance/plans/{plan}/"),
    Page("measure list overdue", "/assistance/plans/measures/", query="overdue=true"),
    Page("chain page", "/assistance/plans/chains/{chain_cluster}/"),
]


# --- Placeholders: each a query on one database, run in a Django process as the benchmark's accounts ---
# `who` has `.manager` and `.inspector` (User instances). Return a value for the URL, or None.


def _category(who: SimpleNamespace):
    from assistance.models import TicketCategory

    return TicketCategory.objects.values_list("pk", flat=True).first()  # in the order the filter lists them


def _ticket(who: SimpleNamespace):
    """The newest closed ticket the manager sees: a whole timeline, from creation to closing."""
    from assistance.models import Ticket
    from assistance.selectors import visible_tickets

    tickets = visible_tickets(user=who.manager).order_by("-opened_at", "-pk")
    return tickets.filter(status=Ticket.Status.CLOSED).values_list("pk", flat=True).first()


def _last_page(who: SimpleNamespace):
    from django.conf import settings

    from assistance.selectors import visible_tickets

    return visible_tickets(user=who.manager).count() // settings.PAGINATE_BY + 1


def _cluster(who: SimpleNamespace):
    """The first synthetic cluster (by name, the same in every database) whose enterprises have tickets."""
    from clusters.selectors import visible_clusters

    clusters = visible_clusters(user=who.manager).filter(synthetic=True, enterprises__tickets__isnull=False)
    return clusters.order_by("name").values_list("pk", flat=True).first()


def _enterprise(who: SimpleNamespace):
    from clusters.selectors import visible_enterprises

    enterprises = visible_enterprises(user=who.manager).filter(synthetic=True, tickets__isnull=False)
    return enterprises.order_by("name").values_list("pk", flat=True).first()


def _region(who: SimpleNamespace):
    """The manager's jurisdiction (the seeds' city), by its division code as the summary's form takes it."""
    return who.manager.jurisdiction.code


def _team(who: SimpleNamespace):
    """The inspector's team."""
    return who.inspector.memberships.order_by("pk").values_list("team_id", flat=True).first()


def _campaign(who: SimpleNamespace):
    """The first benchmarking campaign the manager sees (the seeds' sample), by title."""
    from assistance.benchmarking.selectors import visible_campaigns

    return visible_campaigns(user=who.manager).order_by("title", "pk").values_list("pk", flat=True).first()


def _participation(who: SimpleNamespace):
    from assistance.benchmarking.selectors import visible_participations

    rows = visible_participations(user=who.manager).order_by("campaign__title", "enterprise__name", "pk")
    return rows.values_list("pk", flat=True).first()


def _nomination(who: SimpleNamespace):
    """The newest 专利伯乐 nomination the manager sees."""
    from assistance.patents.selectors import visible_nominations

    return visible_nominations(user=who.manager).order_by("-pk").values_list("pk", flat=True).first()


def _plan(who: SimpleNamespace):
    """The manager's first plan (the seeds' 2020-2022 plan of the city)."""
    from assistance.plans.selectors import visible_plans

    return visible_plans(user=who.manager).order_by("pk").values_list("pk", flat=True).first()


def _chain_cluster(who: SimpleNamespace):
    """The first cluster the manager sees that has a chain recorded."""
    from clusters.selectors import visible_clusters

    clusters = visible_clusters(user=who.manager).filter(chain_links__isnull=False)
    return clusters.order_by("name").values_list("pk", flat=True).first()


RESOLVERS: dict[str, Callable[[SimpleNamespace], object]] = {
    "category": _category,
    "ticket": _ticket,
    "last_page": _last_page,
    "cluster": _cluster,
    "enterprise": _enterprise,
    "team": _team,
    "region": _region,
    "campaign": _campaign,
    "participation": _participation,
    "nomination": _nomination,
    "plan": _plan,
    "chain_cluster": _chain_cluster,
}
