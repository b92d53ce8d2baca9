"""The search box: records of every kind, grouped, within the viewer's jurisdiction and role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance.notifications.services import inbox_changed
from config.search import FIRST_ROWS, SOURCES
from config.textsearch import MAX_QUERY_LENGTH
from tests.assistance.factories import ExpertFactory, TicketFactory, VisitFactory
from tests.factories import ClusterFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def _search(client, query: str):
    return client.get(reverse("search"), {"q": query})


def _titles(response, kind: str) -> list[str]:
    for group in response.context["groups"]:
        if group["kind"] == kind:
            return [found.title for found in group["found"]]
    return []


def test_it_finds_each_kind_of_record_grouped_by_kind(client_for, inspector, cluster, enterprise):
    TicketFactory(enterprise=enterprise, title="电磁材料计量器具检定")
    VisitFactory(enterprise=enterprise, purpose="电磁材料生产线质量诊断")
    ExpertFactory(name="王电磁", organisation="唐山市计量测试所", specialities="电磁材料")
    ClusterFactory(name="迁安市电磁材料产业集群", county=cluster.county)

    response = _search(client_for(inspector), "电磁材料")

    assert response.status_code == 200
    kinds = [group["kind"] for group in response.context["groups"]]
    assert kinds == ["enterprises", "tickets", "visits", "clusters", "experts"]
    assert _titles(response, "enterprises") == ["首钢智新迁安电磁材料有限公司"]
    assert _titles(response, "clusters") == ["迁安市电磁材料产业集群"]
    assert _titles(response, "experts") == ["王电磁"]
    assert "电磁材料计量器具检定" in _titles(response, "tickets")[0]
    content = response.content.decode()
    assert 'id="results-visits"' in content
    assert enterprise.get_absolute_url() in content


def test_it_finds_an_enterprise_by_part_of_its_credit_code(client_for, inspector, enterprise):
    response = _search(client_for(inspector), enterprise.credit_code[4:12].lower())
    assert _titles(response, "enterprises") == [enterprise.name]


def test_it_shows_the_first_rows_and_links_to_the_list_filtered_the_same_way(client_for, inspector, cluster):
    for n in range(FIRST_ROWS + 2):
        EnterpriseFactory(name=f"迁安精密铸造{n}有限公司", cluster=cluster)
    client = client_for(inspector)

    response = _search(client, "精密铸造")

    group = response.context["groups"][0]
    assert len(group["found"]) == FIRST_ROWS
    assert group["more_url"] == reverse("clusters:enterprise-list") + "?q=%E7%B2%BE%E5%AF%86%E9%93%B8%E9%80%A0"
    listed = client.get(group["more_url"])
    assert listed.status_code == 200
    assert len(listed.context["page"].object_list) == FIRST_ROWS + 2


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("clusters:enterprise-list", "电磁"),
        ("clusters:cluster-list", "钢铁"),
        ("assistance:ticket-list", "检定"),
        ("assistance:visit-list", "诊断"),
    ],
)
def test_each_list_the_search_links_to_filters_by_q(client_for, inspector, enterprise, name, query):
    TicketFactory(enterprise=enterprise, title="计量器具检定")
    TicketFactory(enterprise=EnterpriseFactory(cluster=enterprise.cluster), title="商标注册")
    VisitFactory(enterprise=enterprise, purpose="质量诊断")
    VisitFactory(enterprise=EnterpriseFactory(cluster=enterprise.cluster), purpose="标准宣贯")
    ClusterFactory(name="迁安市装备制造产业集群", county=enterprise.county, industry="装备制造")

    response = client_for(inspector).get(reverse(name), {"q": query})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_an_inspector_of_one_county_never_sees_another_countys_records(client_for, outsider, enterprise, cluster):
    """The outsider works in 丰润区; the 迁安市 enterprise, its cluster, tickets and visits stay hidden."""
    TicketFactory(enterprise=enterprise, title="迁安钢铁计量求助")
    VisitFactory(enterprise=enterprise, purpose="迁安钢铁走访")
    own = EnterpriseFactory(name="丰润钢铁铸造有限公司", cluster=ClusterFactory(county=outsider.jurisdiction))

    client = client_for(outsider)
    for query in ("迁安", "钢铁", enterprise.credit_code, cluster.name):
        response = _search(client, query)
        assert response.status_code == 200
        for group in response.context["groups"]:
            for found in group["found"]:
                assert "迁安" not in found.title + found.detail, (query, found)
    assert _titles(_search(client, "钢铁"), "enterprises") == [own.name]


def test_a_reviewer_finds_nothing_beyond_their_role(client_for, reviewer, enterprise, cluster):
    TicketFactory(enterprise=enterprise, title="电磁材料计量求助")
    ExpertFactory(name="电磁材料专家")

    response = _search(client_for(reviewer), "电磁")

    assert response.status_code == 200
    assert response.context["groups"] == []
    assert response.context["searchable"] is False
    assert "电磁" not in response.content.decode().split("</nav>", 1)[1].split('name="q"')[0]
    assert 'role="search"' not in client_for(reviewer).get(reverse("home")).content.decode()


def test_the_top_bar_has_the_search_box_for_whoever_may_search(client_for, inspector):
    content = client_for(inspector).get(reverse("home")).content.decode()
    assert f'action="{reverse("search")}"' in content


def test_an_empty_query_gives_a_page_that_says_what_to_type_and_runs_no_search(client_for, inspector, enterprise):
    client = client_for(inspector)
    for params in ({}, {"q": ""}, {"q": "   "}):
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("search"), params)
        assert response.status_code == 200
        assert response.context["groups"] == []
        assert response.context["searched"] is False
        assert not any("clusters_enterprise" in query["sql"] for query in context.captured_queries)


def test_a_very_long_query_is_a_clear_form_error_not_a_server_error(client_for, inspector, enterprise):
    response = _search(client_for(inspector), "钢" * (MAX_QUERY_LENGTH + 1))
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert response.context["groups"] == []
    assert str(MAX_QUERY_LENGTH) in response.content.decode()


@pytest.mark.parametrize("query", ["\x00", "%", "_", "\\", "' OR 1=1 --", "钢\x00铁", "a b c d e f g h"])
def test_odd_characters_are_searched_for_as_they_are(client_for, inspector, enterprise, query):
    response = _search(client_for(inspector), query)
    assert response.status_code == 200
    assert _titles(response, "enterprises") == []


def test_a_percent_sign_matches_only_a_percent_sign(client_for, inspector, cluster):
    EnterpriseFactory(name="百分之百100%有限公司", cluster=cluster)
    EnterpriseFactory(name="百分之百1000有限公司", cluster=cluster)
    assert _titles(_search(client_for(inspector), "100%"), "enterprises") == ["百分之百100%有限公司"]


def test_the_search_refuses_other_methods(client_for, inspector):
    assert client_for(inspector).post(reverse("search"), {"q": "钢铁"}).status_code == 405


def test_it_needs_a_signed_in_user(client):
    response = _search(client, "钢铁")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def _queries(client, query: str) -> list[str]:
    inbox_changed()  # each view measured counts the unread notifications, as the first after a change does
    with CaptureQueriesContext(connection) as context:
        response = _search(client, query)
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


def _records(numbers, *, cluster):
    for i in numbers:
        enterprise = EnterpriseFactory(name=f"迁安钢铁{i}有限公司", cluster=cluster)
        TicketFactory(enterprise=enterprise, title=f"钢铁检测{i}")
        VisitFactory(enterprise=enterprise, purpose=f"钢铁企业走访{i}")
        ExpertFactory(name=f"钢铁专家{i}")
        ClusterFactory(name=f"钢铁产业集群{i}", county=cluster.county)


def _warm(client) -> list[str]:
    """What the page costs with no search, once a search has read again what it keeps about the records
    (the viewer's regions)."""
    _queries(client, "无此记录")
    return _queries(client, "")


def test_the_query_count_stays_the_same_as_rows_grow(client_for, manager, cluster):
    client = client_for(manager)
    _records(range(FIRST_ROWS * 2), cluster=cluster)
    nothing = _warm(client)
    many = _queries(client, "钢铁")
    _records(range(FIRST_ROWS * 2, FIRST_ROWS * 6), cluster=cluster)
    _warm(client)
    more = _queries(client, "钢铁")
    assert len(many) == len(more)
    # One query per kind of record when a page of rows holds the words, besides what every page costs; on
    # PostgreSQL two more per kind plan the word's rows (its estimate, then the few rows' ids).
    per_kind = 3 if connection.vendor == "postgresql" else 1
    assert len(many) - len(nothing) == per_kind * len(SOURCES)


def test_close_matches_are_looked_up_only_when_fewer_than_a_page_hold_every_word(client_for, manager, cluster):
    client = client_for(manager)
    _records(range(2), cluster=cluster)
    nothing = _warm(client)
    few = _queries(client, "钢铁")
    per_kind = 4 if connection.vendor == "postgresql" else 1  # the estimate, the ids, the rows, the close ones
    assert len(few) - len(nothing) == per_kind * len(SOURCES)
