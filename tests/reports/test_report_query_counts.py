"""Every report page costs the same number of queries with 5 rows of its figures as with 50.

The cluster, service and award reports have theirs in test_reports.py and the home pages in
test_dashboards.py; these are the other report pages.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ExportFile
from tests.assistance.factories import TicketFactory, TrainingFactory, VisitFactory
from tests.factories import EnterpriseFactory, HonourFactory, TrademarkFactory

from .helpers import count_queries

pytestmark = pytest.mark.django_db


def _summary_rows(n, *, cluster, county):
    for i in range(n):
        enterprise = EnterpriseFactory(cluster=cluster)
        HonourFactory(enterprise=enterprise, date=datetime.date(2021 + i % 3, 6, 1), year=2021 + i % 3)
        TrademarkFactory(enterprise=enterprise)
        TicketFactory(
            enterprise=enterprise,
            status="resolved",
            resolved_at=timezone.make_aware(datetime.datetime(2022, 3, 1 + i % 20)),
        )
        VisitFactory(enterprise=enterprise, date=datetime.date(2022, 4, 1 + i % 20))
        TrainingFactory(region=county, clusters=[cluster], date=datetime.date(2022, 5, 1 + i % 20))


def _exports(n, *, owner):
    for i in range(n):
        ExportFile.objects.create(
            owner=owner,
            list_name="assistance:ticket-list",
            title=f"工单{i}",
            format="csv",
            language="zh-hans",
            status=("done", "running", "pending", "failed")[i % 4],
            total=100,
            rows=i,
            filename=f"tickets-{i}.csv",
            expires_at=timezone.now() + datetime.timedelta(days=3),
        )


@pytest.mark.parametrize("export", [None, "csv"])
def test_the_programme_summary_costs_the_same_queries_for_5_rows_as_for_50(
    client_for, manager, city, county, cluster, export
):
    data = {"region": city.code, "as_of": "2025-12-31", "since": "2021-01-01", "base_year": "2021"}
    data = {**data, "export": export} if export else data
    client = client_for(manager)
    _summary_rows(5, cluster=cluster, county=county)
    few = count_queries(client, reverse("reports:summary"), data)
    _summary_rows(45, cluster=cluster, county=county)
    many = count_queries(client, reverse("reports:summary"), data)
    print(f"summary{f' ({export})' if export else ''}: {few} queries with 5 rows, {many} with 50")
    assert few == many


def test_my_downloads_cost_the_same_queries_for_5_exports_as_for_50(client_for, manager, settings):
    settings.PAGINATE_BY = 100
    client = client_for(manager)
    _exports(5, owner=manager)
    few = count_queries(client, reverse("reports:export-list"))
    _exports(45, owner=manager)
    many = count_queries(client, reverse("reports:export-list"))
    assert few == many


def test_the_reports_index_costs_the_same_queries_whatever_the_rows(client_for, manager, cluster, county):
    client = client_for(manager)
    _summary_rows(2, cluster=cluster, county=county)
    few = count_queries(client, reverse("reports:home"))
    _summary_rows(10, cluster=cluster, county=county)
    assert count_queries(client, reverse("reports:home")) == few
