"""The plan, measure and chain pages cost the same number of queries with 5 rows as with 50."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EnterpriseFactory
from tests.reports.helpers import count_queries

from .factories import ChainLinkFactory, ChainProjectFactory, MeasureFactory, PlanFactory, ProgressFactory

pytestmark = pytest.mark.django_db


def _plans(n, *, region, cluster):
    today = timezone.localdate()
    for i in range(n):
        plan = PlanFactory(region=region)
        for j in range(2):
            measure = MeasureFactory(
                plan=plan,
                clusters=[cluster],
                status=("not_started", "under_way", "done")[(i + j) % 3],
                deadline=today + datetime.timedelta(days=(i % 5) * 10 - 20),
            )
            ProgressFactory(measure=measure)


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("assistance:plan-list", {}),
        ("assistance:plan-list", {"export": "csv"}),
        ("assistance:measure-list", {}),
        ("assistance:measure-list", {"overdue": "true", "cluster": "{cluster}"}),
        ("assistance:measure-list", {"export": "xlsx"}),
    ],
)
def test_the_lists_cost_the_same_queries_for_5_plans_as_for_50(client_for, manager, city, cluster, url_name, query):
    client = client_for(manager)
    query = {key: str(cluster.pk) if value == "{cluster}" else value for key, value in query.items()}
    _plans(5, region=city, cluster=cluster)
    few = count_queries(client, reverse(url_name), query)
    _plans(45, region=city, cluster=cluster)
    assert count_queries(client, reverse(url_name), query) == few


def test_a_plans_page_costs_the_same_queries_for_5_measures_as_for_50(client_for, manager, city, cluster):
    client = client_for(manager)
    plan = PlanFactory(region=city)
    for _ in range(5):
        MeasureFactory(plan=plan, clusters=[cluster])
    url = reverse("assistance:plan-detail", args=[plan.pk])
    few = count_queries(client, url)
    for _ in range(45):
        MeasureFactory(plan=plan, clusters=[cluster])
    assert count_queries(client, url) == few


def test_a_measures_page_costs_the_same_queries_for_5_notes_as_for_50(client_for, manager, city_measure):
    client = client_for(manager)
    for _ in range(5):
        ProgressFactory(measure=city_measure, author=manager)
    url = reverse("assistance:measure-detail", args=[city_measure.pk])
    few = count_queries(client, url)
    for _ in range(45):
        ProgressFactory(measure=city_measure, author=manager)
    assert count_queries(client, url) == few


def _chain(n, *, cluster, year):
    for i in range(n):
        enterprises = [EnterpriseFactory(cluster=cluster) for _ in range(2)]
        link = ChainLinkFactory(
            cluster=cluster,
            year=year,
            segment=("upstream", "midstream", "downstream")[i % 3],
            weak=i % 4 == 0,
            enterprises=enterprises,
        )
        ChainProjectFactory(link=link)


def test_the_chain_page_costs_the_same_queries_for_5_links_as_for_50(client_for, manager, cluster):
    client = client_for(manager)
    _chain(5, cluster=cluster, year=2021)
    _chain(5, cluster=cluster, year=2020)
    url = reverse("assistance:chain-detail", args=[cluster.pk])
    few = count_queries(client, url, {"year": 2021})
    _chain(45, cluster=cluster, year=2021)
    _chain(45, cluster=cluster, year=2020)
    assert count_queries(client, url, {"year": 2021}) == few
