"""The benchmarking report: shares reaching their benchmark per cluster and per area, and the gaps, from SQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance.notifications.services import inbox_changed
from reports.benchmarking import benchmarking_results, gap_rows, results_by_cluster
from tests.assistance.benchmarking.factories import CampaignFactory, IndicatorFactory, ParticipationFactory
from tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:benchmarking")


@pytest.fixture
def year_2021(cluster, other_cluster):
    """迁安市: one participant reaching its benchmark, one short in brand, one not measured in innovation;
    丰润区: one reaching it; and a campaign of 2022 that the year leaves out."""
    campaign = CampaignFactory(cluster=cluster, year=2021)
    reached = ParticipationFactory(campaign=campaign)
    IndicatorFactory(participation=reached, area="quality")
    IndicatorFactory(participation=reached, area="brand", direction="lower", baseline=12, target=5, achieved=5)
    short = ParticipationFactory(campaign=campaign)
    IndicatorFactory(participation=short, area="quality")
    IndicatorFactory(
        participation=short, area="brand", name="投诉", direction="lower", baseline=12, target=4, achieved=10
    )
    unmeasured = ParticipationFactory(campaign=campaign)
    IndicatorFactory(participation=unmeasured, area="innovation", name="专利", baseline=2, target=6, achieved=None)
    elsewhere = ParticipationFactory(campaign=CampaignFactory(cluster=other_cluster, year=2021))
    IndicatorFactory(participation=elsewhere, area="standards")
    later = ParticipationFactory(campaign=CampaignFactory(cluster=cluster, year=2022))
    IndicatorFactory(participation=later, achieved=None)
    return campaign


def test_the_results_count_participants_reaching_their_benchmark_overall_and_per_area(manager, year_2021):
    results = benchmarking_results(manager, 2021)
    assert (results["participants"], results["reached"], results["share"]) == (4, 2, 50.0)
    areas = {row["area"]: (row["participants"], row["reached"], row["share"]) for row in results["areas"]}
    assert areas == {
        "quality": (2, 2, 100.0),
        "innovation": (1, 0, 0.0),
        "standards": (1, 1, 100.0),
        "brand": (2, 1, 50.0),
    }


def test_the_results_stay_in_the_users_jurisdiction(inspector, outsider, year_2021):
    assert (
        benchmarking_results(inspector, 2021)["participants"],
        benchmarking_results(inspector, 2021)["reached"],
    ) == (3, 1)
    assert benchmarking_results(outsider, 2021)["participants"] == 1


def test_a_year_without_campaigns_has_no_share(manager, year_2021):
    results = benchmarking_results(manager, 2019)
    assert (results["participants"], results["share"]) == (0, None)
    assert all(row["share"] is None for row in results["areas"])


def test_the_results_per_cluster(manager, year_2021, cluster, other_cluster):
    rows = {
        row["name"]: (row["participants"], row["reached"], row["share"]) for row in results_by_cluster(manager, 2021)
    }
    assert rows == {cluster.name: (3, 1, 33.3), other_cluster.name: (1, 1, 100.0)}


def test_the_gaps_list_the_indicators_not_met_largest_first(manager, year_2021):
    gaps = [(i.name, round(i.gap, 2)) for i in gap_rows(manager, 2021)]
    assert gaps == [("专利", 1.0), ("投诉", 0.75)]


def test_the_report_page_shows_the_figures_chart_and_tables(client_for, manager, year_2021):
    response = client_for(manager).get(URL, {"year": 2021})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'id="benchmarking-clusters"' in body and 'id="benchmarking-gaps"' in body
    assert response.context["results"]["share"] == 50.0
    assert [i.name for i in response.context["page"]] == ["专利", "投诉"]


def test_the_report_defaults_to_the_latest_year_with_a_campaign(client_for, manager, year_2021):
    assert client_for(manager).get(URL).context["year"] == 2022


@pytest.mark.parametrize("table", ["cluster", "area", "gaps"])
def test_each_table_of_the_report_downloads(client_for, manager, year_2021, table):
    response = client_for(manager).get(URL, {"year": 2021, "export": "csv", "table": table})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body.decode("utf-8-sig").strip().splitlines()) == {"cluster": 3, "area": 5, "gaps": 3}[table]


def test_a_bad_year_is_a_form_error_not_a_500(client_for, manager):
    response = client_for(manager).get(URL, {"year": "abc"})
    assert response.status_code == 400
    assert response.context["form"].errors["year"]


def test_a_reviewer_may_not_see_the_report(client_for, reviewer):
    assert client_for(reviewer).get(URL).status_code == 403


def test_the_report_costs_the_same_number_of_queries_as_participants_grow(client_for, manager, city):
    client = client_for(manager)

    def count() -> int:
        inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL, {"year": 2021}).status_code == 200
        return len(context.captured_queries)

    def add(n):
        for _ in range(n):
            campaign = CampaignFactory(cluster=ClusterFactory(county__parent=city), year=2021)
            participation = ParticipationFactory(campaign=campaign)
            IndicatorFactory(participation=participation, achieved=Decimal("91"))
            IndicatorFactory(participation=participation, area="brand")

    add(2)
    few = count()
    add(10)
    assert count() == few
