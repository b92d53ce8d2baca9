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


def test_the_cluster_lists_rows_are_read_once_until_a_record_changes(client_for, manager, county, cluster):
    client = client_for(manager)
    url = reverse("clusters:cluster-list")
    EnterpriseFactory(cluster=cluster)

    def count_reads():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return [q["sql"] for q in ctx.captured_queries if "clusters_honour" in q["sql"]]

    assert len(count_reads()) == 1
    assert count_reads() == []  # the page's rows, with their counts, are read back
    rows = {c.pk: c.enterprise_count for c in client.get(url).context["page"].object_list}
    assert rows[cluster.pk] == 1
    HonourFactory(enterprise=EnterpriseFactory(cluster=cluster))
    rows = {c.pk: (c.enterprise_count, c.honour_count) for c in client.get(url).context["page"].object_list}
    assert rows[cluster.pk] == (2, 1)


def test_kept_cluster_rows_are_the_viewers_own_and_their_filters(
    client_for, inspector, manager, cluster, other_cluster
):
    EnterpriseFactory(cluster=other_cluster)
    url = reverse("clusters:cluster-list")
    city_rows = [c.pk for c in client_for(manager).get(url).context["page"].object_list]
    assert {cluster.pk, other_cluster.pk} <= set(city_rows)
    county_rows = [c.pk for c in client_for(inspector).get(url).context["page"].object_list]
    assert cluster.pk in county_rows and other_cluster.pk not in county_rows
    named = client_for(manager).get(url, {"q": cluster.name}).context["page"].object_list
    assert [c.pk for c in named] == [cluster.pk]
