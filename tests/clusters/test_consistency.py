"""An enterprise's cluster lies in its county, and a cluster's page lists only what the viewer may see."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models import Enterprise
from clusters.selectors import cluster_holdings, cluster_list
from tests.factories import (
    EnterpriseFactory,
    HonourFactory,
    StandardizationPilotFactory,
    TrademarkFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = {
        "name": "迁安市新材料样例有限公司",
        "credit_code": make_credit_code(),
        "size": "small",
        "address": "迁安市",
        "contact_person": "张三",
        "contact_phone": "0315-1234567",
    }
    data.update(overrides)
    return data


def test_the_model_refuses_a_cluster_of_another_county(county, other_cluster):
    enterprise = Enterprise(name="迁安市样例企业", credit_code=make_credit_code(), county=county, cluster=other_cluster)
    with pytest.raises(ValidationError) as raised:
        enterprise.full_clean()
    assert "cluster" in raised.value.message_dict
    assert other_cluster.name in raised.value.message_dict["cluster"][0]


def test_an_enterprise_without_a_cluster_or_in_its_countys_cluster_is_fine(county, cluster):
    Enterprise(name="甲", credit_code=make_credit_code(), county=county).full_clean()
    Enterprise(name="乙", credit_code=make_credit_code(), county=county, cluster=cluster).full_clean()


def test_a_city_manager_cannot_file_a_qianan_enterprise_under_a_fengrun_cluster(
    client_for, manager, county, other_cluster
):
    response = client_for(manager).post(
        reverse("clusters:enterprise-create"), _form_data(county=county.pk, cluster=other_cluster.pk)
    )
    assert response.status_code == 200
    assert "cluster" in response.context["form"].errors
    assert not Enterprise.objects.filter(name="迁安市新材料样例有限公司").exists()


def test_an_edit_cannot_move_an_enterprise_under_another_countys_cluster(
    client_for, manager, enterprise, other_cluster
):
    url = reverse("clusters:enterprise-update", args=[enterprise.pk])
    data = _form_data(
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        county=enterprise.county_id,
        cluster=other_cluster.pk,
        version=enterprise.version,
    )
    response = client_for(manager).post(url, data)
    assert response.status_code == 200
    assert "cluster" in response.context["form"].errors
    assert Enterprise.objects.get(pk=enterprise.pk).cluster_id == enterprise.cluster_id


def test_admin_refuses_a_cluster_of_another_county(client_for, admin_user, county, other_cluster):
    response = client_for(admin_user).post(
        reverse("admin:clusters_enterprise_add"),
        {
            **_form_data(county=county.pk, cluster=other_cluster.pk, source=""),
            **{f"{p}-TOTAL_FORMS": "0" for p in ["honours", "designations", "trademarks", "standard_roles"]},
            **{f"{p}-INITIAL_FORMS": "0" for p in ["honours", "designations", "trademarks", "standard_roles"]},
        },
    )
    assert response.status_code == 200
    assert "cluster" in response.context["adminform"].form.errors
    assert not Enterprise.objects.filter(name="迁安市新材料样例有限公司").exists()


@pytest.fixture
def misfiled(county, other_cluster):
    """A 迁安 enterprise filed under the 丰润 cluster before the rule existed, with an honour and a trademark."""
    enterprise = EnterpriseFactory(name="迁安误归企业有限公司", county=county, cluster=other_cluster)
    HonourFactory(enterprise=enterprise, title="迁安误归企业的省政府质量奖")
    TrademarkFactory(enterprise=enterprise, name="误归商标")
    StandardizationPilotFactory(cluster=other_cluster, enterprise=enterprise, name="误归企业的标准化试点")
    return enterprise


def test_the_cluster_page_hides_holdings_of_enterprises_the_viewer_may_not_see(
    client_for, outsider, other_cluster, misfiled
):
    client = client_for(outsider)
    assert client.get(misfiled.get_absolute_url()).status_code == 404
    body = client.get(other_cluster.get_absolute_url()).content.decode()
    for text in ("迁安误归企业", "误归商标", "误归企业的标准化试点"):
        assert text not in body


def test_the_cluster_page_shows_them_to_who_may_see_the_enterprise(client_for, manager, other_cluster, misfiled):
    body = client_for(manager).get(other_cluster.get_absolute_url()).content.decode()
    for text in ("迁安误归企业的省政府质量奖", "误归商标", "误归企业的标准化试点"):
        assert text in body


def test_the_cluster_list_counts_only_what_the_viewer_may_see(outsider, manager, other_cluster, misfiled):
    HonourFactory(enterprise=EnterpriseFactory(cluster=other_cluster), title="丰润企业的荣誉")
    mine = cluster_list(user=outsider).get(pk=other_cluster.pk)
    assert (mine.enterprise_count, mine.honour_count, mine.trademark_count) == (1, 1, 0)
    everything = cluster_list(user=manager).get(pk=other_cluster.pk)
    assert (everything.enterprise_count, everything.honour_count, everything.trademark_count) == (2, 2, 1)


def test_the_enterprise_page_lists_pilots_only_in_clusters_the_viewer_may_see(
    client_for, inspector, enterprise, other_cluster
):
    StandardizationPilotFactory(cluster=enterprise.cluster, enterprise=enterprise, name="迁安的试点")
    StandardizationPilotFactory(cluster=other_cluster, enterprise=enterprise, name="丰润集群的试点")
    body = client_for(inspector).get(enterprise.get_absolute_url()).content.decode()
    assert "迁安的试点" in body
    assert "丰润集群的试点" not in body


def test_the_cluster_list_counts_the_pilots_its_page_shows(outsider, manager, other_cluster, misfiled):
    StandardizationPilotFactory(cluster=other_cluster, name="丰润集群自身的试点")
    for user, expected in ((outsider, 1), (manager, 2)):
        listed = cluster_list(user=user).get(pk=other_cluster.pk).pilot_count
        shown = len(cluster_holdings(user=user, cluster=other_cluster)["pilots"])
        assert listed == shown == expected
