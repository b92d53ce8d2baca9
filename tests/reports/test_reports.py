"""The cluster, service and award cycle reports: who may see them, and that their figures are the records'."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.awards.models import AwardApplication
from assistance.models import ServicePartner, SupportTeam, Ticket, TicketCategory
from clusters.models import ClusterIndicator, Designation, Honour, StandardizationPilot, StandardRole, Trademark
from tests.assistance.awards.factories import (
    AwardApplicationFactory,
    AwardCycleFactory,
    full_marks,
    review,
    reviewer_user,
)
from tests.assistance.factories import SupportTeamFactory, TicketFactory, TrainingFactory, VisitFactory
from tests.factories import (
    ClusterFactory,
    DesignationFactory,
    EnterpriseFactory,
    HonourFactory,
    StandardizationPilotFactory,
    StandardRoleFactory,
    TrademarkFactory,
    UserFactory,
)

from .helpers import count_queries, download_rows

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def at(*args) -> datetime.datetime:
    """A local (Asia/Shanghai) date and time."""
    return timezone.make_aware(datetime.datetime(*args))


def _listed(client, url_name: str, data) -> int:
    response = client.get(reverse(url_name), data)
    assert response.status_code == 200
    return response.context["page"].paginator.count


# --- Access -----------------------------------------------------------------------------------------


@pytest.fixture
def cycle(db):
    return AwardCycleFactory(quota=2)


@pytest.mark.parametrize(
    ("who", "status"),
    [("inspector", 200), ("manager", 200), ("admin_user", 200), ("outsider", 404), ("reviewer", 403)],
)
def test_the_cluster_report_is_for_those_whose_jurisdiction_holds_the_cluster(
    request, client_for, cluster, who, status
):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reports:cluster", args=[cluster.pk])).status_code == status
    assert client.get(reverse("reports:cluster", args=[cluster.pk]), {"export": "csv"}).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("inspector", 200), ("outsider", 200), ("manager", 200), ("reviewer", 403)]
)
def test_the_service_report_needs_the_ticket_permission(request, client_for, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reports:service")).status_code == status
    assert client.get(reverse("reports:service"), {"export": "xlsx"}).status_code == status


@pytest.mark.parametrize(("who", "status"), [("inspector", 200), ("manager", 200), ("reviewer", 403)])
def test_the_award_report_needs_the_application_permission(request, client_for, cycle, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reports:award-cycle", args=[cycle.pk])).status_code == status
    assert client.get(reverse("reports:award-cycle", args=[cycle.pk]), {"export": "csv"}).status_code == status


def test_an_unknown_cycle_or_cluster_answers_404(client_for, manager):
    client = client_for(manager)
    assert client.get(reverse("reports:award-cycle", args=[999999])).status_code == 404
    assert client.get(reverse("reports:cluster", args=[999999])).status_code == 404


def test_the_reports_need_a_signed_in_user(client, cluster, cycle):
    for url in (
        reverse("reports:home"),
        reverse("reports:service"),
        reverse("reports:cluster", args=[cluster.pk]),
        reverse("reports:award-cycle", args=[cycle.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_the_reports_page_is_refused_to_a_reviewer(client_for, reviewer):
    assert client_for(reviewer).get(reverse("reports:home")).status_code == 403


# --- Cluster report ---------------------------------------------------------------------------------

KINDS = {
    "honours": (Honour, "enterprise__cluster", "date"),
    "standards": (StandardRole, "enterprise__cluster", "date"),
    "trademarks": (Trademark, "enterprise__cluster", "date"),
    "designations": (Designation, "enterprise__cluster", "date"),
    "pilots": (StandardizationPilot, "cluster", "date"),
}


@pytest.fixture
def cluster_history(cluster, enterprise, county, other_enterprise, other_cluster, inspector):
    """Five years of a cluster, and a few records of another cluster that must not count."""
    second = EnterpriseFactory(cluster=cluster)
    HonourFactory(enterprise=enterprise, date=datetime.date(2020, 6, 1))
    HonourFactory(enterprise=second, date=datetime.date(2021, 3, 1), kind=Honour.Kind.MUNICIPAL_QUALITY_AWARD)
    HonourFactory(enterprise=enterprise, date=datetime.date(2021, 12, 31))
    StandardRoleFactory(enterprise=enterprise, date=datetime.date(2019, 9, 1))
    StandardRoleFactory(enterprise=second, date=datetime.date(2021, 1, 1))
    TrademarkFactory(enterprise=second, date=datetime.date(2022, 5, 1))
    DesignationFactory(enterprise=enterprise, date=datetime.date(2021, 7, 1))
    DesignationFactory(enterprise=second, date=datetime.date(2021, 8, 1), kind=Designation.Kind.HIGH_TECH)
    StandardizationPilotFactory(cluster=cluster, date=datetime.date(2020, 3, 1))
    metrology, standards = TicketCategory.objects.get(code="metrology"), TicketCategory.objects.get(code="standards")
    TicketFactory(enterprise=enterprise, category=metrology, opened_at=at(2020, 5, 1, 10))
    TicketFactory(enterprise=second, category=standards, opened_at=at(2021, 4, 1, 10))
    # Opened just after midnight of New Year in Tangshan (still 2021 in UTC): a 2022 ticket.
    TicketFactory(
        enterprise=enterprise,
        category=standards,
        opened_at=at(2022, 1, 1, 0, 30),
        status="closed",
        resolved_at=at(2022, 1, 5, 10),
    )
    TicketFactory(
        enterprise=enterprise,
        category=metrology,
        opened_at=at(2021, 12, 20, 10),
        status="resolved",
        resolved_at=at(2022, 1, 10, 10),
    )
    TicketFactory(enterprise=enterprise, category=metrology, opened_at=at(2021, 6, 1, 10), status="cancelled")
    VisitFactory(enterprise=enterprise, date=datetime.date(2021, 3, 3), inspectors=[inspector])
    VisitFactory(enterprise=second, date=datetime.date(2021, 9, 9))
    VisitFactory(enterprise=second, date=datetime.date(2023, 1, 9))
    TrainingFactory(region=county, clusters=[cluster, other_cluster], date=datetime.date(2021, 9, 15))
    TrainingFactory(region=county, clusters=[], date=datetime.date(2021, 9, 16))
    ClusterIndicator.objects.create(
        cluster=cluster, year=2024, enterprise_count=85, output_value=Decimal("1234.50"), total_profit=Decimal("88")
    )
    # Another cluster's records.
    HonourFactory(enterprise=other_enterprise, date=datetime.date(2021, 6, 1))
    TicketFactory(enterprise=other_enterprise, opened_at=at(2021, 6, 1, 10))
    VisitFactory(enterprise=other_enterprise, date=datetime.date(2021, 6, 1))
    StandardizationPilotFactory(cluster=other_cluster, date=datetime.date(2021, 3, 1))


def _orm_counts(cluster, year: int) -> dict:
    counts = {
        name: model.objects.filter(**{path: cluster, f"{field}__year": year}).count()
        for name, (model, path, field) in KINDS.items()
    }
    tickets = Ticket.objects.filter(enterprise__cluster=cluster)
    counts["tickets"] = tickets.filter(opened_at__year=year).count()
    counts["resolved"] = tickets.filter(status__in=Ticket.DONE_STATUSES, resolved_at__year=year).count()
    counts["visits"] = cluster.enterprises.filter(visits__date__year=year).count()
    counts["trainings"] = cluster.trainings.filter(date__year=year).count()
    return counts


def test_the_cluster_reports_figures_per_year_equal_the_records(client_for, inspector, cluster, cluster_history):
    response = client_for(inspector).get(reverse("reports:cluster", args=[cluster.pk]))
    rows = {row["year"]: row for row in response.context["report"]["rows"]}

    assert sorted(rows) == [2019, 2020, 2021, 2022, 2023, 2024]
    for year, row in rows.items():
        expected = _orm_counts(cluster, year)
        assert {key: row[key] for key in expected} == expected, year
    assert (rows[2021]["honours"], rows[2021]["designations"], rows[2021]["trainings"]) == (2, 2, 1)
    assert (rows[2022]["tickets"], rows[2022]["resolved"]) == (1, 2)
    assert (rows[2021]["tickets"], rows[2021]["visits"]) == (3, 2)
    assert rows[2024]["indicator"].enterprise_count == 85
    assert rows[2023]["indicator"] is None


@pytest.mark.parametrize("who", ["inspector", "manager"])
def test_the_cluster_reports_work_equals_the_lists_filtered_by_cluster_and_year(
    request, client_for, city, other_county, cluster, cluster_history, who
):
    # Work the county inspector may not see: an enterprise of 丰润区 in the cluster, a training the city organised.
    outside = EnterpriseFactory(cluster=cluster, county=other_county)
    TicketFactory(enterprise=outside, opened_at=at(2021, 5, 5, 10))
    VisitFactory(enterprise=outside, date=datetime.date(2021, 5, 5))
    TrainingFactory(region=city, clusters=[cluster], date=datetime.date(2021, 10, 10))
    client = client_for(request.getfixturevalue(who))

    rows = client.get(reverse("reports:cluster", args=[cluster.pk])).context["report"]["rows"]

    for row in rows:
        first, last = datetime.date(row["year"], 1, 1), datetime.date(row["year"], 12, 31)
        tickets = {"cluster": cluster.pk, "opened_after": first, "opened_before": last}
        dated = {"cluster": cluster.pk, "date_after": first, "date_before": last}
        assert row["tickets"] == _listed(client, "assistance:ticket-list", tickets), row["year"]
        assert row["visits"] == _listed(client, "assistance:visit-list", dated), row["year"]
        assert row["trainings"] == _listed(client, "assistance:training-list", dated), row["year"]
    by_year = {row["year"]: row for row in rows}
    expected = (3, 2, 1) if who == "inspector" else (4, 3, 2)
    assert (by_year[2021]["tickets"], by_year[2021]["visits"], by_year[2021]["trainings"]) == expected


def test_the_cluster_report_counts_tickets_by_category_and_year(client_for, manager, cluster, cluster_history):
    report = client_for(manager).get(reverse("reports:cluster", args=[cluster.pk])).context["report"]
    by_year = {row["year"]: dict(zip(report["categories"], row["categories"], strict=True)) for row in report["rows"]}
    for year, counts in by_year.items():
        for name, n in counts.items():
            orm = Ticket.objects.filter(enterprise__cluster=cluster, opened_at__year=year, category__name=name).count()
            assert n == orm, (year, name)
    assert report["categories"] == ["计量", "标准"], "in the categories' own order"
    assert by_year[2021] == {"计量": 2, "标准": 1}


def test_the_cluster_report_page_has_charts_and_the_same_numbers_in_a_table(
    client_for, inspector, cluster, cluster_history
):
    body = client_for(inspector).get(reverse("reports:cluster", args=[cluster.pk])).content.decode()
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert 'id="cluster-years"' in body
    assert 'id="cluster-categories"' in body
    assert "<script" not in body.split("<main", 1)[-1].split("</main>", 1)[0]


def test_the_cluster_report_shows_every_year_from_the_first_to_the_last_with_noughts_between(
    client_for, inspector, cluster, enterprise
):
    HonourFactory(enterprise=enterprise, date=datetime.date(2021, 4, 1))
    TicketFactory(enterprise=enterprise, opened_at=at(2026, 2, 2, 10))
    response = client_for(inspector).get(reverse("reports:cluster", args=[cluster.pk]))
    rows = response.context["report"]["rows"]
    assert [row["year"] for row in rows] == [2021, 2022, 2023, 2024, 2025, 2026]
    assert [(row["honours"], row["tickets"]) for row in rows[1:5]] == [(0, 0)] * 4
    for chart in ("holdings_chart", "work_chart"):
        axis = [
            text.findtext("{http://www.w3.org/2000/svg}tspan")
            for text in ET.fromstring(str(response.context[chart])).iter("{http://www.w3.org/2000/svg}text")
            if text.get("text-anchor") == "middle" or text.get("transform")
        ]
        assert axis == ["2021", "2022", "2023", "2024", "2025", "2026"], chart
    body = response.content.decode()
    table = body.split('id="cluster-years"')[1].split("</table>")[0]
    assert [int(y) for y in re.findall(r"<tr><th>(\d{4})</th>", table)] == list(range(2021, 2027))


def test_the_cluster_report_tables_download(client_for, inspector, cluster, cluster_history):
    client = client_for(inspector)
    url = reverse("reports:cluster", args=[cluster.pk])
    report = client.get(url).context["report"]
    for fmt in ("csv", "xlsx"):
        years = download_rows(client.get(url, {"export": fmt}))
        assert years[0][:3] == ["年份", "荣誉", "标准"]
        assert [row[0] for row in years[1:]] == [str(row["year"]) for row in report["rows"]]
        assert [row[1] for row in years[1:]] == [str(row["honours"]) for row in report["rows"]]
        categories = download_rows(client.get(url, {"export": fmt, "table": "categories"}))
        assert categories[0] == ["年份", "计量", "标准"]
        assert categories[1:] == [
            [str(row["year"]), *map(str, row["categories"])] for row in report["rows"] if row["tickets"]
        ]


# --- Service report ---------------------------------------------------------------------------------

PERIOD = {"since": "2025-01-01", "until": "2025-06-30"}
LISTED_PERIOD = {"opened_after": "2025-01-01", "opened_before": "2025-06-30"}


@pytest.fixture
def service_tickets(enterprise, other_enterprise, team, other_team, inspector, outsider):
    """Tickets of both counties in and around the first half of 2025."""
    categories = list(TicketCategory.objects.filter(code__in=("metrology", "standards", "testing")))
    partners = [None, *ServicePartner.objects.order_by("name")[:2]]
    statuses = ["new", "assigned", "in_progress", "waiting", "resolved", "closed", "cancelled", "reopened"]
    made = []
    for i in range(16):
        mine = i % 3 != 0
        opened = at(2025, 1 + i % 6, 1 + i, 9)
        status = statuses[i % len(statuses)]
        done = status in ("resolved", "closed")
        made.append(
            TicketFactory(
                enterprise=enterprise if mine else other_enterprise,
                category=categories[i % len(categories)],
                partner=partners[i % len(partners)],
                opened_at=opened,
                status=status,
                team=(team if mine else other_team) if status != "new" else None,
                assignee=(inspector if mine else outsider) if status != "new" else None,
                resolved_at=opened + (i + 1) * DAY if done else None,
                waiting_since=opened + DAY if status == "waiting" else None,
            )
        )
    # At the edges of the period, in local time.
    TicketFactory(enterprise=enterprise, opened_at=at(2024, 12, 31, 23, 30))
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 7, 1, 0, 30))
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 6, 30, 23, 30))
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 1, 1, 0, 30))
    return made


@pytest.mark.parametrize("who", ["manager", "inspector", "outsider"])
def test_the_service_reports_totals_equal_the_ticket_list_filtered_the_same_way(
    request, client_for, service_tickets, who
):
    client = client_for(request.getfixturevalue(who))
    report = client.get(reverse("reports:service"), PERIOD).context["report"]
    assert report["totals"]["total"] == _listed(client, "assistance:ticket-list", LISTED_PERIOD)
    assert report["totals"]["total"] == {"manager": 18, "inspector": 12, "outsider": 6}[who], "edges in local time"
    for row in report["by_status"]:
        assert row["total"] == _listed(client, "assistance:ticket-list", {**LISTED_PERIOD, "status": row["value"]})
    for row in report["by_category"]:
        category = TicketCategory.objects.get(name=row["name"])
        assert row["total"] == _listed(client, "assistance:ticket-list", {**LISTED_PERIOD, "category": category.pk})
    for row in report["by_team"]:
        if row["name"] != "—":
            team = SupportTeam.objects.get(name=row["name"])
            assert row["total"] == _listed(client, "assistance:ticket-list", {**LISTED_PERIOD, "team": team.pk})
    for row in report["by_month"]:
        month = row["month"]
        end = (month + datetime.timedelta(days=32)).replace(day=1) - DAY
        assert row["opened"] == _listed(client, "assistance:ticket-list", {"opened_after": month, "opened_before": end})
    assert report["totals"]["resolved"] == sum(row["resolved"] for row in report["by_category"])


def test_an_outsiders_service_report_counts_only_their_county(client_for, outsider, manager, service_tickets):
    mine = client_for(outsider).get(reverse("reports:service"), PERIOD).context["report"]
    everyone = client_for(manager).get(reverse("reports:service"), PERIOD).context["report"]
    theirs = Ticket.objects.filter(
        enterprise__county=outsider.jurisdiction, opened_at__date__gte="2025-01-01", opened_at__date__lte="2025-06-30"
    )
    assert mine["totals"]["total"] == theirs.count() < everyone["totals"]["total"]
    assert {row["name"] for row in mine["by_team"]} <= {"丰润区入企帮扶工作组", "—"}


def test_the_service_report_has_every_month_of_the_period_even_without_tickets(client_for, manager, enterprise):
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 1, 10, 9))
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 3, 10, 9), status="resolved", resolved_at=at(2025, 5, 1, 9))
    response = client_for(manager).get(reverse("reports:service"), PERIOD)
    months = [(row["month"], row["opened"], row["resolved"]) for row in response.context["report"]["by_month"]]
    assert months == [
        (datetime.date(2025, 1, 1), 1, 0),
        (datetime.date(2025, 2, 1), 0, 0),
        (datetime.date(2025, 3, 1), 1, 0),
        (datetime.date(2025, 4, 1), 0, 0),
        (datetime.date(2025, 5, 1), 0, 1),
        (datetime.date(2025, 6, 1), 0, 0),
    ]
    assert response.content.decode().count("<polyline") == 2


def _resolved_after(enterprise, days: list[float], *, opened=None) -> None:
    opened = opened or at(2025, 3, 3, 9)
    for d in days:
        TicketFactory(enterprise=enterprise, opened_at=opened, status="resolved", resolved_at=opened + d * DAY)


def _totals(client, **period) -> dict:
    return client.get(reverse("reports:service"), period or PERIOD).context["report"]["totals"]


def test_median_and_90th_percentile_of_an_odd_number_of_tickets(client_for, manager, enterprise):
    _resolved_after(enterprise, [1, 2, 3, 10, 20])
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 3, 3, 9), status="in_progress")
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 3, 3, 9), status="cancelled")
    totals = _totals(client_for(manager))
    assert totals["resolved"] == 5
    assert totals["median_days"] == 3
    assert totals["p90_days"] == 20  # nearest rank: the 5th of 5


def test_the_median_of_an_even_number_of_tickets_is_the_mean_of_the_middle_two(client_for, manager, enterprise):
    _resolved_after(enterprise, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    totals = _totals(client_for(manager))
    assert totals["median_days"] == 5.5
    assert totals["p90_days"] == 9  # nearest rank: the 9th of 10


def test_time_to_resolve_is_counted_in_days_and_hours(client_for, manager, enterprise):
    _resolved_after(enterprise, [0.25, 1.5, 36 / 24 + 0.5])
    totals = _totals(client_for(manager))
    assert totals["median_days"] == 1.5
    assert totals["p90_days"] == 2.0


def test_a_median_under_a_day_shows_in_hours_not_as_nothing(client_for, manager, enterprise):
    _resolved_after(enterprise, [2 / 24, 5.5 / 24, 20 / 24])
    response = client_for(manager).get(reverse("reports:service"), PERIOD)
    totals = response.context["report"]["totals"]
    assert (totals["median_text"], totals["p90_text"]) == ("5.5 小时", "20 小时")
    body = response.content.decode()
    assert re.search(r'id="service-median">5\.5 小时<', body)
    assert re.search(r'id="service-p90">20 小时<', body)
    assert re.search(r"<td class=\"text-end\">9\.2 小时</td>", body), "the mean per category too"


def test_a_median_of_a_day_or_more_shows_in_days(client_for, manager, enterprise):
    _resolved_after(enterprise, [0.5, 3, 4])
    response = client_for(manager).get(reverse("reports:service"), PERIOD)
    assert response.context["report"]["totals"]["median_text"] == "3 天"
    assert 'id="service-median">3 天<' in response.content.decode()
    client = client_for(manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("reports:service"), PERIOD)
    assert english.context["report"]["totals"]["median_text"] == "3 days"


def test_no_resolved_tickets_means_no_median(client_for, manager, enterprise):
    TicketFactory(enterprise=enterprise, opened_at=at(2025, 3, 3, 9))
    totals = _totals(client_for(manager))
    assert totals["total"] == 1
    assert (totals["median_days"], totals["p90_days"], totals["share_within"]) == (None, None, None)


def test_time_waiting_on_the_enterprise_does_not_count_against_the_service_level(
    client_for, manager, inspector, enterprise, team
):
    t0 = at(2025, 3, 3, 9)  # normal priority: due ten days later

    def worked(*, wait=None, resolve_after):
        ticket = TicketFactory(enterprise=enterprise, opened_at=t0)
        services.ticket_assign(ticket_id=ticket.pk, user=manager, team=team, assignee=inspector, at=t0 + DAY / 24)
        services.ticket_start(ticket_id=ticket.pk, user=inspector, at=t0 + DAY / 12)
        if wait:
            services.ticket_wait(ticket_id=ticket.pk, user=inspector, at=t0 + wait[0] * DAY)
            services.ticket_resume(ticket_id=ticket.pk, user=inspector, at=t0 + wait[1] * DAY)
        return services.ticket_resolve(
            ticket_id=ticket.pk, user=inspector, resolution="已现场解决", at=t0 + resolve_after * DAY
        )

    waited = worked(wait=(2, 7), resolve_after=12)  # five days waiting: due on day 15, resolved on day 12
    late = worked(resolve_after=12)  # due on day 10, resolved on day 12
    worked(resolve_after=3)
    TicketFactory(enterprise=enterprise, opened_at=t0, team=team, status="in_progress")  # open: not in the share

    assert waited.due_at == t0 + 15 * DAY
    assert late.due_at == t0 + 10 * DAY
    report = client_for(manager).get(reverse("reports:service"), PERIOD).context["report"]
    assert (report["totals"]["resolved"], report["totals"]["within"]) == (3, 2)
    assert report["totals"]["share_within"] == 67
    (team_row,) = [row for row in report["by_team"] if row["name"] == team.name]
    assert (team_row["total"], team_row["open"], team_row["resolved"], team_row["within"]) == (4, 1, 3, 2)
    assert team_row["share_within"] == 67


def test_the_service_report_groups_by_team_and_partner(client_for, manager, enterprise, team, inspector):
    partner = ServicePartner.objects.get(name="唐山市计量测试所")
    t0 = at(2025, 2, 3, 9)
    for days in (1, 3):
        TicketFactory(
            enterprise=enterprise,
            opened_at=t0,
            partner=partner,
            team=team,
            status="closed",
            resolved_at=t0 + days * DAY,
        )
    TicketFactory(enterprise=enterprise, opened_at=t0, partner=partner, status="new", due_at=timezone.now() - DAY)
    TicketFactory(enterprise=enterprise, opened_at=t0, status="cancelled")
    report = client_for(manager).get(reverse("reports:service"), PERIOD).context["report"]
    partners = {row["name"]: row for row in report["by_partner"]}
    assert (partners[partner.name]["total"], partners[partner.name]["resolved"]) == (3, 2)
    assert partners[partner.name]["mean_days"] == 2
    assert partners["—"]["total"] == 1
    teams = {row["name"]: row["total"] for row in report["by_team"]}
    assert teams == {team.name: 2, "—": 2}
    assert report["totals"]["overdue_open"] == 1


def test_the_service_report_defaults_to_this_year_so_far(client_for, manager, enterprise):
    today = timezone.localdate()
    TicketFactory(enterprise=enterprise)
    TicketFactory(enterprise=enterprise, opened_at=at(today.year - 1, 12, 31, 12))
    report = client_for(manager).get(reverse("reports:service")).context["report"]
    assert (report["since"], report["until"]) == (datetime.date(today.year, 1, 1), today)
    assert report["totals"]["total"] == 1


def test_the_service_report_page_shows_charts_and_tables(client_for, manager, service_tickets):
    body = client_for(manager).get(reverse("reports:service"), PERIOD).content.decode()
    assert body.count('class="chart"') == 2
    for table in ("category", "team", "partner", "status", "months"):
        assert f'id="service-{table}"' in body
    assert "export=csv&amp;table=team" in body or "table=team&amp;export=csv" in body


# --- Award cycle report -----------------------------------------------------------------------------


@pytest.fixture
def reviewers(reviewer, city):
    return [reviewer, reviewer_user(username="reviewer2", jurisdiction=city)]


def _total(percent: int) -> int:
    return sum(full_marks(percent=percent).values())


@pytest.fixture
def ranked(cycle, cluster, inspector, outsider, manager, reviewers, other_cluster):
    """Applications of the cycle (quota 2): five with reviews in 迁安市 and 丰润区, one without."""

    def make(status, percents, *, preparer=inspector, home=cluster):
        return AwardApplicationFactory(
            cycle=cycle,
            enterprise=EnterpriseFactory(cluster=home),
            prepared_by=preparer,
            status=status,
            manager=manager,
            reviewers=reviewers,
            scores=[full_marks(percent=p) for p in percents],
        )

    made = {
        "a": make("pending_decision", [80, 90]),
        "b": make("approved", [60, 70]),
        "c": make("pending_decision", [90, 90]),
        "f": make("pending_decision", [95, 95], preparer=outsider, home=other_cluster),
        "e": make("submitted", []),
        "d": make("under_review", []),
    }
    review(made["d"].assignments.get(reviewer=reviewers[0]), full_marks(percent=70))
    return made


def test_the_ranking_is_by_mean_score_with_the_quota_marked(client_for, manager, cycle, ranked):
    response = client_for(manager).get(reverse("reports:award-cycle", args=[cycle.pk]))
    ranking = response.context["ranking"]

    assert [a.pk for a in ranking] == [ranked[k].pk for k in "fcadb"]
    assert [a.rank for a in ranking] == [1, 2, 3, 4, 5]
    assert [a.mean_score for a in ranking] == [
        _total(95),
        _total(90),
        (_total(80) + _total(90)) / 2,
        _total(70),
        (_total(60) + _total(70)) / 2,
    ]
    assert [a.review_count for a in ranking] == [2, 2, 2, 1, 2]
    body = response.content.decode()
    assert body.count('class="table-success"') == cycle.quota == 2


def test_the_rank_is_counted_over_the_whole_cycle(client_for, inspector, outsider, cycle, ranked):
    mine = client_for(inspector).get(reverse("reports:award-cycle", args=[cycle.pk])).context["ranking"]
    assert [(a.pk, a.rank) for a in mine] == [
        (ranked["c"].pk, 2),
        (ranked["a"].pk, 3),
        (ranked["d"].pk, 4),
        (ranked["b"].pk, 5),
    ]
    theirs = client_for(outsider).get(reverse("reports:award-cycle", args=[cycle.pk])).context["ranking"]
    assert [(a.pk, a.rank) for a in theirs] == [(ranked["f"].pk, 1)]


def test_the_award_reports_status_counts_equal_the_application_list(client_for, manager, outsider, cycle, ranked):
    for user in (manager, outsider):
        client = client_for(user)
        rows = client.get(reverse("reports:award-cycle", args=[cycle.pk])).context["status_rows"]
        labels = dict((label, value) for value, label in AwardApplication.Status.choices)
        for row in rows:
            listed = _listed(client, "assistance:application-list", {"cycle": cycle.pk, "status": labels[row["name"]]})
            assert row["total"] == listed, (user, row["name"])
    rows = client_for(manager).get(reverse("reports:award-cycle", args=[cycle.pk])).context["status_rows"]
    counts = {row["name"]: row["total"] for row in rows if row["total"]}
    S = AwardApplication.Status
    assert counts == {S.PENDING_DECISION.label: 3, S.APPROVED.label: 1, S.SUBMITTED.label: 1, S.UNDER_REVIEW.label: 1}


def test_the_score_distribution_counts_each_mean_once(client_for, manager, cycle, ranked):
    response = client_for(manager).get(reverse("reports:award-cycle", args=[cycle.pk]))
    distribution = {d["range"]: d["total"] for d in response.context["distribution"]}
    assert sum(distribution.values()) == len(response.context["ranking"]) == 5
    for application in response.context["ranking"]:
        low = int(application.mean_score // 100 * 100)
        assert distribution[f"{low}–{low + 100}"] >= 1
    body = response.content.decode()
    assert 'id="award-distribution"' in body and 'class="chart"' in body


def test_the_ranking_downloads_in_rank_order_with_the_quota_flag(client_for, manager, cycle, ranked):
    client = client_for(manager)
    for fmt in ("csv", "xlsx"):
        rows = download_rows(client.get(reverse("reports:award-cycle", args=[cycle.pk]), {"export": fmt}))
        assert rows[0][1] == "ID"
        assert [row[1] for row in rows[1:]] == [str(ranked[k].pk) for k in "fcadb"]
        assert [row[-1] for row in rows[1:]] == ["是", "是", "否", "否", "否"]
        status = download_rows(
            client.get(reverse("reports:award-cycle", args=[cycle.pk]), {"export": fmt, "table": "status"})
        )
        assert len(status) == 1 + len(AwardApplication.Status.choices)


# --- Query counts -----------------------------------------------------------------------------------


def _cluster_rows(n, *, cluster, county):
    for i in range(n):
        enterprise = EnterpriseFactory(cluster=cluster)
        year = 2015 + i % 10
        HonourFactory(enterprise=enterprise, date=datetime.date(year, 6, 1))
        StandardRoleFactory(enterprise=enterprise, date=datetime.date(year, 7, 1))
        TrademarkFactory(enterprise=enterprise, date=datetime.date(year, 8, 1))
        DesignationFactory(enterprise=enterprise, date=datetime.date(year, 9, 1))
        StandardizationPilotFactory(cluster=cluster, date=datetime.date(year, 3, 1))
        TicketFactory(
            enterprise=enterprise, opened_at=at(year, 4, 1, 9), status="closed", resolved_at=at(year, 5, 1, 9)
        )
        VisitFactory(enterprise=enterprise, date=datetime.date(year, 4, 2))
        TrainingFactory(region=county, clusters=[cluster], date=datetime.date(year, 9, 15))
        ClusterIndicator.objects.get_or_create(cluster=cluster, year=year, defaults={"enterprise_count": i})


def _service_rows(n, *, enterprise, county):
    categories = list(TicketCategory.objects.all())
    partners = list(ServicePartner.objects.all())
    for i in range(n):
        team = SupportTeamFactory(region=county)
        opened = at(2025, 1 + i % 6, 1 + i % 28, 9)
        TicketFactory(
            enterprise=enterprise,
            category=categories[i % len(categories)],
            partner=partners[i % len(partners)],
            team=team,
            opened_at=opened,
            status=("closed", "in_progress", "resolved", "waiting")[i % 4],
            resolved_at=opened + (1 + i) * DAY,
            waiting_since=opened,
        )


def _award_rows(n, *, cycle, cluster, inspector, manager, reviewers):
    statuses = ("pending_decision", "under_review", "approved", "submitted", "rejected")
    for i in range(n):
        AwardApplicationFactory(
            cycle=cycle,
            enterprise=EnterpriseFactory(cluster=cluster),
            prepared_by=inspector,
            status=statuses[i % len(statuses)],
            manager=manager,
            reviewers=reviewers,
            scores=[full_marks(percent=40 + i), full_marks(percent=50 + i)],
        )


@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
@pytest.mark.parametrize("report", ["cluster", "service", "award"])
def test_a_report_costs_the_same_queries_for_5_rows_as_for_50(
    client_for, manager, county, cluster, enterprise, inspector, cycle, reviewers, report, export
):
    makers = {
        "cluster": (
            reverse("reports:cluster", args=[cluster.pk]),
            {},
            lambda n: _cluster_rows(n, cluster=cluster, county=county),
        ),
        "service": (
            reverse("reports:service"),
            PERIOD,
            lambda n: _service_rows(n, enterprise=enterprise, county=county),
        ),
        "award": (
            reverse("reports:award-cycle", args=[cycle.pk]),
            {},
            lambda n: _award_rows(
                n, cycle=cycle, cluster=cluster, inspector=inspector, manager=manager, reviewers=reviewers
            ),
        ),
    }
    url, data, make = makers[report]
    data = {**data, "export": export} if export else data
    client = client_for(manager)
    make(5)
    few = count_queries(client, url, data)
    make(45)
    many = count_queries(client, url, data)
    print(f"{report} report{f' ({export})' if export else ''}: {few} queries with 5 rows, {many} with 50")
    assert few == many


def test_a_county_managers_reports_count_only_their_county(client, other_county, service_tickets, other_cluster):
    county_manager = UserFactory(jurisdiction=other_county, groups=["manager"])
    client.force_login(county_manager)
    report = client.get(reverse("reports:service"), PERIOD).context["report"]
    assert report["totals"]["total"] == _listed(client, "assistance:ticket-list", LISTED_PERIOD)
    assert (
        report["totals"]["total"]
        == Ticket.objects.filter(
            enterprise__county=other_county, opened_at__date__gte="2025-01-01", opened_at__date__lte="2025-06-30"
        ).count()
    )
    other = ClusterFactory(county=other_county)
    assert client.get(reverse("reports:cluster", args=[other.pk])).status_code == 200


# --- Print ------------------------------------------------------------------------------------------


def test_the_reports_print_on_a4_without_their_controls(client_for, manager, cluster, cycle):
    stylesheet = finders.find("css/print.css")
    with open(stylesheet, encoding="utf-8") as handle:
        css = handle.read()
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    hidden = css.split("display: none")[0]
    for selector in (".navbar", ".filter-form", ".export-links", ".btn"):
        assert selector in hidden, selector
    for url in (
        reverse("reports:service"),
        reverse("reports:cluster", args=[cluster.pk]),
        reverse("reports:award-cycle", args=[cycle.pk]),
    ):
        body = client_for(manager).get(url).content.decode()
        assert re.search(r'<link rel="stylesheet" href="[^"]*css/print\.css" media="print">', body), url
