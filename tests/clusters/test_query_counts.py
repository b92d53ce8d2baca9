"""A list page costs the same number of queries with 5 rows as with 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance.notifications.services import inbox_changed
from tests.factories import ClusterFactory, EnterpriseFactory, HonourFactory, StandardRoleFactory, TrademarkFactory

pytestmark = pytest.mark.django_db


def _make_clusters(county, n):
    for _ in range(n):
        enterprise = EnterpriseFactory(cluster=ClusterFactory(county=county))
        HonourFactory(enterprise=enterprise)
        StandardRoleFactory(enterprise=enterprise)
        TrademarkFactory(enterprise=enterprise)


def _queries(client, url, params=None):
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["clusters:cluster-list", "clusters:enterprise-list"])
def test_list_query_count_does_not_grow_with_rows(client_for, manager, county, settings, url_name):
    settings.PAGINATE_BY = 100
    client = client_for(manager)
    _make_clusters(county, 5)
    few = _queries(client, reverse(url_name))
    _make_clusters(county, 45)
    many = _queries(client, reverse(url_name))
    assert few == many
    print(f"{url_name}: {many} queries")


def test_cluster_detail_query_count_does_not_grow_with_holdings(client_for, manager, cluster):
    client = client_for(manager)
    for _ in range(5):
        enterprise = EnterpriseFactory(cluster=cluster)
        HonourFactory(enterprise=enterprise)
        StandardRoleFactory(enterprise=enterprise)
    few = _queries(client, cluster.get_absolute_url())
    for _ in range(45):
        enterprise = EnterpriseFactory(cluster=cluster)
        HonourFactory(enterprise=enterprise)
        StandardRoleFactory(enterprise=enterprise)
        TrademarkFactory(enterprise=enterprise)
    assert _queries(client, cluster.get_absolute_url()) == few


def test_enterprise_detail_query_count_does_not_grow_with_holdings(client_for, manager, enterprise):
    client = client_for(manager)
    HonourFactory(enterprise=enterprise)
    few = _queries(client, enterprise.get_absolute_url())
    for year in range(2000, 2030):
        HonourFactory(enterprise=enterprise, year=year)
        StandardRoleFactory(enterprise=enterprise)
    assert _queries(client, enterprise.get_absolute_url()) == few
