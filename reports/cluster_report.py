"""One cluster year by year: what its enterprises gained, the bureau's work with them, and its indicators."""

from django.db.models import Count, IntegerField, QuerySet
from django.db.models.functions import ExtractYear

from assistance.models import Ticket
from assistance.plans.selectors import chain_by_segment, chain_change, chain_links, chain_years
from assistance.selectors import visible_tickets, visible_trainings, visible_visits
from clusters.models import Cluster, Designation, Honour, StandardizationPilot, StandardRole, Trademark, User


def _per_year(queryset: QuerySet, date_field: str, key: str = "n") -> dict[int, int]:
    rows = (
        queryset.annotate(at_year=ExtractYear(date_field, output_field=IntegerField()))
        .values("at_year")
        .annotate(**{key: Count("pk", distinct=True)})
        .order_by()
    )
    return {row["at_year"]: row[key] for row in rows}


def cluster_report(cluster: Cluster, user: User) -> dict:
    """Every figure grouped by year in the database; one query per kind of record.

    Holdings are the cluster's, as its page lists them; the bureau's work is what the user may see of it,
    so that each figure equals the ticket, visit or training list filtered by the cluster and the year.
    """
    in_cluster = {"enterprise__cluster": cluster}
    tickets = visible_tickets(user=user).filter(**in_cluster)
    holdings = {
        "honours": _per_year(Honour.objects.filter(**in_cluster), "date"),
        "standards": _per_year(StandardRole.objects.filter(**in_cluster), "date"),
        "trademarks": _per_year(Trademark.objects.filter(**in_cluster), "date"),
        "designations": _per_year(Designation.objects.filter(**in_cluster), "date"),
        "pilots": _per_year(StandardizationPilot.objects.filter(cluster=cluster), "date"),
    }
    work = {
        "tickets": _per_year(tickets, "opened_at"),
        "resolved": _per_year(tickets.filter(status__in=Ticket.DONE_STATUSES), "resolved_at"),
        "visits": _per_year(visible_visits(user=user).filter(**in_cluster), "date"),
        "trainings": _per_year(visible_trainings(user=user).filter(clusters=cluster), "date"),
    }
    by_category: dict[int, dict[str, int]] = {}
    categories: dict[str, str] = {}
    rows = (
        tickets.annotate(year=ExtractYear("opened_at", output_field=IntegerField()))
        .values("year", "category__code", "category__name")
        .annotate(n=Count("pk"))
        .order_by("category__position", "category__code")
    )
    for row in rows:
        categories[row["category__code"]] = row["category__name"]
        by_category.setdefault(row["year"], {})[row["category__code"]] = row["n"]
    indicators = {i.year: i for i in cluster.indicators.all()}
    recorded = (
        {y for counts in (*holdings.values(), *work.values()) for y in counts} | set(indicators) | set(by_category)
    )
    recorded.discard(None)
    # Every year from the first to the last, so that a year of nothing shows as noughts rather than not at all.
    years = list(range(min(recorded), max(recorded) + 1)) if recorded else []
    table = []
    for year in years:
        table.append(
            {
                "year": year,
                **{name: counts.get(year, 0) for name, counts in holdings.items()},
                **{name: counts.get(year, 0) for name, counts in work.items()},
                "categories": [by_category.get(year, {}).get(code, 0) for code in categories],
                "indicator": indicators.get(year),
            }
        )
    return {"years": years, "rows": table, "categories": list(categories.values())}


def chain_report(cluster: Cluster, user: User, year: int | None = None) -> dict:
    """The cluster's chain of `year` (by default the latest recorded), in three segments, with the change against
    the year before; a fixed handful of queries, however many links and enterprises."""
    years = chain_years(cluster=cluster)
    if year is None:
        year = years[0] if years else None
    if year is None:
        return {"years": [], "year": None, "links": [], "columns": [], "change": None}
    links = chain_links(user=user, cluster=cluster, year=year)
    return {
        "years": years,
        "year": year,
        "links": links,
        "columns": chain_by_segment(links),
        "change": chain_change(user=user, cluster=cluster, year=year),
    }
