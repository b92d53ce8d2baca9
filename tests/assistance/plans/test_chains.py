"""A cluster's chain page: per year, scoped to the cluster's county, edited by managers, its enterprises checked."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.plans.models import ChainLink, ChainProject
from assistance.plans.selectors import chain_change
from tests.factories import EnterpriseFactory

from .factories import ChainLinkFactory, ChainProjectFactory

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    match = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "no submission token on the page"
    return match[1]


@pytest.fixture
def chain(cluster, enterprise):
    """The cluster's chain in 2020 and 2021: one link added, one removed, one weak link fixed, one new."""
    second = EnterpriseFactory(cluster=cluster, name="迁安样例钢铁企业")
    links = {
        "ore_2020": ChainLinkFactory(
            cluster=cluster, year=2020, segment="upstream", name="铁矿石", enterprises=[second]
        ),
        "plate_2020": ChainLinkFactory(
            cluster=cluster,
            year=2020,
            segment="midstream",
            name="电工钢",
            weak=True,
            note="产能不足",
            enterprises=[enterprise],
        ),
        "old_2020": ChainLinkFactory(cluster=cluster, year=2020, segment="downstream", name="初级加工"),
        "ore_2021": ChainLinkFactory(
            cluster=cluster, year=2021, segment="upstream", name="铁矿石", enterprises=[second]
        ),
        "plate_2021": ChainLinkFactory(
            cluster=cluster, year=2021, segment="midstream", name="电工钢", enterprises=[enterprise, second]
        ),
        "deep_2021": ChainLinkFactory(
            cluster=cluster, year=2021, segment="downstream", name="深加工", weak=True, note="企业少"
        ),
    }
    return links


def test_the_chain_page_shows_the_years_links_in_three_segments(client_for, inspector, cluster, chain):
    response = client_for(inspector).get(reverse("assistance:chain-detail", args=[cluster.pk]), {"year": 2021})
    assert response.status_code == 200
    columns = {segment: [link.name for link in links] for segment, _label, links in response.context["columns"]}
    assert columns == {"upstream": ["铁矿石"], "midstream": ["电工钢"], "downstream": ["深加工"]}
    assert {2021, 2020} <= set(response.context["years"])
    page = response.content.decode()
    assert "短板弱项" in page and "企业少" in page


def test_the_chain_page_opens_on_the_latest_year(client_for, inspector, cluster, chain):
    response = client_for(inspector).get(reverse("assistance:chain-detail", args=[cluster.pk]))
    assert response.context["year"] == 2021


def test_the_year_menu_offers_every_year_from_before_the_first_recorded_to_next_year(
    client_for, inspector, cluster, chain
):
    this_year = timezone.localdate().year
    response = client_for(inspector).get(reverse("assistance:chain-detail", args=[cluster.pk]))
    first = min(ChainLink.objects.filter(cluster=cluster).values_list("year", flat=True))
    assert response.context["years"] == list(range(this_year + 1, first - 2, -1))
    assert f'<option value="{this_year + 1}">' in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1999", "99999999999999999999"])
def test_a_bad_year_is_a_400(client_for, inspector, cluster, year):
    response = client_for(inspector).get(reverse("assistance:chain-detail", args=[cluster.pk]), {"year": year})
    assert response.status_code == 400


def test_an_outsider_gets_404_for_another_countys_chain(client_for, outsider, cluster, chain):
    assert client_for(outsider).get(reverse("assistance:chain-detail", args=[cluster.pk])).status_code == 404


def test_the_change_against_the_previous_year(manager, cluster, chain):
    change = chain_change(user=manager, cluster=cluster, year=2021)
    assert change["added"] == ["深加工"]
    assert change["removed"] == ["初级加工"]
    assert change["weak_fixed"] == ["电工钢"]
    assert change["weak_new"] == ["深加工"]
    counts = {row["name"]: (row["before"], row["now"], row["change"]) for row in change["rows"]}
    assert counts["电工钢"] == (1, 2, 1)
    assert counts["初级加工"] == (0, None, -0)


def test_the_first_year_has_no_change_to_show(manager, cluster, chain):
    change = chain_change(user=manager, cluster=cluster, year=2020)
    assert not change["has_previous"]
    assert change["added"] == change["weak_new"] == []


def test_a_manager_adds_a_link_with_the_clusters_enterprises(client_for, manager, cluster, enterprise):
    client = client_for(manager)
    url = reverse("assistance:chain-link-create", args=[cluster.pk]) + "?year=2022"
    data = {
        "submission_token": _token(client.get(url)),
        "segment": "downstream",
        "name": "钢结构",
        "position": 1,
        "weak": "on",
        "note": "配套企业少",
        "enterprises": [enterprise.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    link = ChainLink.objects.get()
    assert (link.cluster, link.year, link.weak, list(link.enterprises.all())) == (cluster, 2022, True, [enterprise])


def test_an_enterprise_of_another_cluster_cannot_join_the_link(client_for, manager, cluster, other_enterprise):
    client = client_for(manager)
    url = reverse("assistance:chain-link-create", args=[cluster.pk]) + "?year=2022"
    data = {"submission_token": _token(client.get(url)), "segment": "upstream", "name": "焦炭", "position": 0}
    response = client.post(url, {**data, "enterprises": [other_enterprise.pk]})
    assert response.status_code == 200 and response.context["form"].has_error("enterprises")
    assert not ChainLink.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"weak": "on", "note": ""}, "note"), ({"name": "铁矿石", "segment": "upstream"}, "name")],
    ids=["weak-without-note", "same-name-twice"],
)
def test_bad_link_input_is_a_form_error(client_for, manager, cluster, chain, data, field):
    client = client_for(manager)
    url = reverse("assistance:chain-link-create", args=[cluster.pk]) + "?year=2021"
    base = {"submission_token": _token(client.get(url)), "segment": "midstream", "name": "新环节", "position": 0}
    response = client.post(url, {**base, **data})
    assert response.status_code == 200 and response.context["form"].has_error(field)
    assert ChainLink.objects.filter(year=2021).count() == 3


def test_a_project_answers_a_link_and_a_measure(client_for, manager, cluster, chain, city_measure):
    client = client_for(manager)
    url = reverse("assistance:chain-project-create", args=[cluster.pk]) + "?year=2021"
    data = {
        "submission_token": _token(client.get(url)),
        "link": chain["deep_2021"].pk,
        "kind": "extend",
        "title": "引进深加工项目",
        "measure": city_measure.pk,
        "status": "under_way",
    }
    assert client.post(url, data).status_code == 302
    project = ChainProject.objects.get()
    assert (project.link, project.measure) == (chain["deep_2021"], city_measure)
    page = client.get(reverse("assistance:measure-detail", args=[city_measure.pk])).content.decode()
    assert "引进深加工项目" in page


def test_a_project_cannot_answer_a_link_of_another_year(client_for, manager, cluster, chain):
    client = client_for(manager)
    url = reverse("assistance:chain-project-create", args=[cluster.pk]) + "?year=2021"
    data = {"submission_token": _token(client.get(url)), "link": chain["old_2020"].pk, "kind": "fill"}
    response = client.post(url, {**data, "title": "补链", "status": "not_started"})
    assert response.status_code == 200 and response.context["form"].has_error("link")


def test_an_inspector_reads_the_chain_but_gets_403_on_edits(client_for, inspector, cluster, chain):
    client = client_for(inspector)
    assert client.get(reverse("assistance:chain-detail", args=[cluster.pk])).status_code == 200
    create = reverse("assistance:chain-link-create", args=[cluster.pk]) + "?year=2021"
    assert client.get(create).status_code == 403
    assert client.post(create, {"segment": "upstream", "name": "x"}).status_code == 403
    link = chain["ore_2021"]
    assert client.get(reverse("assistance:chain-link-update", args=[link.pk])).status_code == 403
    project = ChainProjectFactory(link=link)
    assert client.get(reverse("assistance:chain-project-update", args=[project.pk])).status_code == 403
    assert ChainLink.objects.count() == 6


def test_a_manager_of_another_county_gets_404_on_editing_a_link(client_for, other_county, chain):
    from tests.factories import UserFactory

    other_manager = UserFactory(jurisdiction=other_county, groups=["manager"])
    client = client_for(other_manager)
    assert client.get(reverse("assistance:chain-link-update", args=[chain["ore_2021"].pk])).status_code == 404


def test_a_link_enterprises_history_is_kept(cluster, enterprise):
    link = ChainLinkFactory(cluster=cluster)
    link.enterprises.add(enterprise)
    assert link.history.count() >= 2


def test_the_clusters_page_shows_its_chain_with_the_weak_links(client_for, inspector, cluster, chain):
    page = client_for(inspector).get(reverse("clusters:cluster-detail", args=[cluster.pk])).content.decode()
    assert "2021年：3个链环，其中短板弱项1个" in page
    assert reverse("assistance:chain-detail", args=[cluster.pk]) in page
