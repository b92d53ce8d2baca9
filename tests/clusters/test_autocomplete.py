"""The enterprise and cluster pickers' endpoints: the jurisdiction, the search, the pages, the cost."""

import pytest
from django.db import connection
from django.urls import reverse

from clusters.selectors import visible_enterprises
from tests.factories import ClusterFactory, EnterpriseFactory
from tests.pickers import answer, ids, queries, texts

pytestmark = pytest.mark.django_db

ENTERPRISES = reverse("clusters:enterprise-autocomplete")
CLUSTERS = reverse("clusters:cluster-autocomplete")


def test_an_inspector_finds_only_the_enterprises_of_his_county(client_for, inspector, enterprise, other_enterprise):
    assert texts(client_for(inspector), ENTERPRISES) == [enterprise.name]


def test_the_other_county_does_not_find_them_either(client_for, outsider, enterprise, other_enterprise):
    client = client_for(outsider)
    assert ids(client, ENTERPRISES) == [other_enterprise.pk]
    assert ids(client, ENTERPRISES, term="首钢") == []


def test_a_city_manager_finds_both_counties_in_name_order(client_for, manager, enterprise, other_enterprise):
    # Pinyin order on PostgreSQL (首 shou before 中 zhong), code-point order on SQLite.
    names = [enterprise.name, other_enterprise.name]
    assert texts(client_for(manager), ENTERPRISES) == (names if connection.vendor == "postgresql" else sorted(names))


def test_the_endpoint_offers_what_the_forms_accept(client_for, inspector, enterprise, other_enterprise):
    offered = set(ids(client_for(inspector), ENTERPRISES))
    assert offered == set(visible_enterprises(user=inspector).values_list("pk", flat=True))


def test_the_search_matches_every_word_in_the_name_or_the_credit_code(client_for, inspector, cluster, enterprise):
    steel = EnterpriseFactory(name="迁安市燕山钢铁有限公司", cluster=cluster)
    EnterpriseFactory(name="迁安市印刷包装有限公司", cluster=cluster)
    client = client_for(inspector)
    assert texts(client, ENTERPRISES, term="钢铁") == [steel.name]
    assert texts(client, ENTERPRISES, term="迁安 钢铁") == [steel.name]
    assert texts(client, ENTERPRISES, term=enterprise.credit_code[-8:].lower()) == [enterprise.name]
    assert texts(client, ENTERPRISES, term="  ") == texts(client, ENTERPRISES)
    assert texts(client, ENTERPRISES, term="50%_") == []


def test_the_enterprises_come_twenty_a_page_and_say_when_more_follow(client_for, inspector, cluster):
    for n in range(45):
        EnterpriseFactory(name=f"迁安测试企业{n:02d}", cluster=cluster)
    client = client_for(inspector)
    pages = [answer(client, ENTERPRISES, term="迁安测试", page=page) for page in (1, 2, 3, 4)]
    assert [len(p["results"]) for p in pages] == [20, 20, 5, 0]
    assert [p["pagination"]["more"] for p in pages] == [True, True, False, False]
    names = [row["text"] for p in pages for row in p["results"]]
    assert names == [f"迁安测试企业{n:02d}" for n in range(45)]


def test_a_user_without_the_view_permission_is_refused(client_for, reviewer, enterprise):
    client = client_for(reviewer)
    assert client.get(ENTERPRISES).status_code == 403
    assert client.get(CLUSTERS).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, enterprise):
    for url in (ENTERPRISES, CLUSTERS):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [ENTERPRISES, CLUSTERS])
def test_an_endpoint_costs_the_same_queries_for_5_rows_as_for_50(client_for, manager, county, url):
    client = client_for(manager)
    for _ in range(5):
        EnterpriseFactory(cluster=ClusterFactory(county=county))
    few, few_body = queries(client, url)
    for _ in range(45):
        EnterpriseFactory(cluster=ClusterFactory(county=county))
    many, many_body = queries(client, url)
    assert (len(few_body["results"]), len(many_body["results"])) == (5, 20)
    assert many_body["pagination"]["more"]
    assert few == many


def test_an_inspector_finds_only_the_clusters_of_his_county(client_for, inspector, cluster, other_cluster):
    assert texts(client_for(inspector), CLUSTERS) == [cluster.name]


def test_the_clusters_narrow_to_the_county_chosen_in_the_form(client_for, manager, cluster, other_cluster):
    client = client_for(manager)
    assert set(ids(client, CLUSTERS)) == {cluster.pk, other_cluster.pk}
    assert ids(client, CLUSTERS, county=other_cluster.county_id) == [other_cluster.pk]
    assert ids(client, CLUSTERS, county="") == ids(client, CLUSTERS)
    assert texts(client, CLUSTERS, term="轨道") == [other_cluster.name]


def test_a_county_outside_the_jurisdiction_narrows_to_nothing(client_for, inspector, cluster, other_cluster):
    assert ids(client_for(inspector), CLUSTERS, county=other_cluster.county_id) == []


def test_the_enterprise_form_offers_its_cluster_only_by_search(client_for, inspector, cluster, enterprise):
    ClusterFactory(name="迁安市其他产业集群", county=cluster.county)
    response = client_for(inspector).get(reverse("clusters:enterprise-update", args=[enterprise.pk]))
    body = response.content.decode()
    assert f'data-autocomplete-url="{CLUSTERS}"' in body
    assert '"county": "county"' in body.replace("&quot;", '"')
    assert "迁安市其他产业集群" not in body
    assert f'<option value="{cluster.pk}" selected>{cluster.name}</option>' in body
