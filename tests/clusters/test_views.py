import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models import Enterprise, Standard
from tests.factories import (
    ClusterFactory,
    DesignationFactory,
    EnterpriseFactory,
    HonourFactory,
    StandardRoleFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


def _form_data(cluster, **overrides):
    data = {
        "name": "迁安市新材料样例有限公司",
        "credit_code": make_credit_code(),
        "county": cluster.county_id,
        "cluster": cluster.pk,
        "size": "small",
        "address": "迁安市",
        "contact_person": "张三",
        "contact_phone": "0315-1234567",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url_name",
    ["home", "clusters:cluster-list", "clusters:enterprise-list", "clusters:enterprise-create", "password_change"],
)
def test_every_page_requires_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_detail_pages_require_sign_in(client, cluster, enterprise):
    for url in (cluster.get_absolute_url(), enterprise.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_sign_in_page_is_open_and_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_sign_in_works_with_a_password(client, inspector):
    response = client.post(reverse("login"), {"username": "inspector", "password": "secret-pass-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_needs_post(client_for, inspector):
    client = client_for(inspector)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_inspector_sees_clusters_of_their_county_only(client_for, inspector, cluster, other_cluster):
    response = client_for(inspector).get(reverse("clusters:cluster-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert cluster.name in body
    assert other_cluster.name not in body


def test_manager_of_the_city_sees_every_county(client_for, manager, cluster, other_cluster):
    body = client_for(manager).get(reverse("clusters:cluster-list")).content.decode()
    assert cluster.name in body
    assert other_cluster.name in body


def test_cluster_list_shows_counts_per_row(client_for, inspector, cluster, enterprise):
    HonourFactory(enterprise=enterprise)
    HonourFactory(enterprise=enterprise, year=2020)
    StandardRoleFactory(enterprise=enterprise)
    response = client_for(inspector).get(reverse("clusters:cluster-list"))
    row = response.context["page"].object_list[0]
    assert (row.enterprise_count, row.honour_count, row.standard_count, row.trademark_count) == (1, 2, 1, 0)


def test_cluster_list_filters_by_level_and_search(client_for, manager, cluster, other_cluster):
    municipal = ClusterFactory(name="玉田县印刷包装机械产业集群", county=cluster.county, industry="印刷包装机械")
    client = client_for(manager)
    names = {c.name for c in client.get(reverse("clusters:cluster-list"), {"level": "municipal"}).context["page"]}
    assert names == {municipal.name}
    names = {c.name for c in client.get(reverse("clusters:cluster-list"), {"q": "印刷"}).context["page"]}
    assert names == {municipal.name}
    names = {
        c.name for c in client.get(reverse("clusters:cluster-list"), {"county": cluster.county_id}).context["page"]
    }
    assert names == {cluster.name, municipal.name}


def test_cluster_list_filter_offers_only_counties_of_the_jurisdiction(client_for, inspector, county, other_county):
    form = client_for(inspector).get(reverse("clusters:cluster-list")).context["filter"].form
    assert list(form.fields["county"].queryset) == [county]


def test_a_county_outside_the_jurisdiction_is_not_a_valid_filter(client_for, inspector, other_county, cluster):
    response = client_for(inspector).get(reverse("clusters:cluster-list"), {"county": other_county.pk})
    assert response.status_code == 200
    assert "county" in response.context["filter"].form.errors


def test_cluster_detail_lists_enterprises_and_holdings(client_for, inspector, cluster, enterprise):
    HonourFactory(enterprise=enterprise, title="河北省政府质量奖")
    DesignationFactory(enterprise=enterprise)
    body = client_for(inspector).get(cluster.get_absolute_url()).content.decode()
    assert enterprise.name in body
    assert "河北省政府质量奖" in body


def test_cluster_outside_the_jurisdiction_answers_404(client_for, inspector, other_cluster):
    assert client_for(inspector).get(other_cluster.get_absolute_url()).status_code == 404


def test_enterprise_outside_the_jurisdiction_answers_404(client_for, inspector, other_enterprise):
    client = client_for(inspector)
    assert client.get(other_enterprise.get_absolute_url()).status_code == 404
    assert client.get(reverse("clusters:enterprise-update", args=[other_enterprise.pk])).status_code == 404


def test_a_user_without_jurisdiction_sees_nothing(client_for, cluster):
    from tests.factories import UserFactory

    user = UserFactory(groups=["inspector"])
    client = client_for(user)
    assert client.get(cluster.get_absolute_url()).status_code == 404
    assert len(client.get(reverse("clusters:cluster-list")).context["page"].object_list) == 0


def test_enterprise_list_searches_name_and_credit_code(client_for, inspector, enterprise, cluster):
    EnterpriseFactory(name="迁安市另一家有限公司", cluster=cluster)
    client = client_for(inspector)
    found = client.get(reverse("clusters:enterprise-list"), {"q": "首钢"}).context["page"].object_list
    assert [e.pk for e in found] == [enterprise.pk]
    found = client.get(reverse("clusters:enterprise-list"), {"q": enterprise.credit_code[-6:].lower()})
    assert [e.pk for e in found.context["page"].object_list] == [enterprise.pk]


def test_enterprise_list_filters_by_designation(client_for, inspector, enterprise, cluster):
    EnterpriseFactory(cluster=cluster)
    DesignationFactory(enterprise=enterprise)
    found = client_for(inspector).get(reverse("clusters:enterprise-list"), {"designation": "national_little_giant"})
    assert [e.pk for e in found.context["page"].object_list] == [enterprise.pk]


def test_enterprise_detail_shows_what_it_holds(client_for, inspector, enterprise):
    HonourFactory(enterprise=enterprise, title="河北省政府质量奖", year=2021)
    StandardRoleFactory(enterprise=enterprise, standard__number="GB/T 39001-2020")
    body = client_for(inspector).get(enterprise.get_absolute_url()).content.decode()
    assert "河北省政府质量奖" in body
    assert "GB/T 39001-2020" in body


def test_reviewer_may_not_open_the_registry(client_for, reviewer, cluster, enterprise):
    client = client_for(reviewer)
    for url in (
        reverse("clusters:cluster-list"),
        cluster.get_absolute_url(),
        reverse("clusters:enterprise-list"),
        enterprise.get_absolute_url(),
        reverse("clusters:enterprise-create"),
    ):
        assert client.get(url).status_code == 403, url


def test_inspector_creates_an_enterprise(client_for, inspector, cluster):
    data = _form_data(cluster)
    data["credit_code"] = data["credit_code"].lower()
    response = client_for(inspector).post(reverse("clusters:enterprise-create"), data)
    enterprise = Enterprise.objects.get(name="迁安市新材料样例有限公司")
    assert response.status_code == 302
    assert response.url == enterprise.get_absolute_url()
    assert enterprise.credit_code == data["credit_code"].upper()
    assert enterprise.history.count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "18"),
        ("91350100M00O100Y43", "O"),
        ("91350100M000100Y44", "3"),
    ],
)
def test_a_bad_credit_code_is_a_form_error_and_saves_nothing(client_for, inspector, cluster, code, message):
    response = client_for(inspector).post(reverse("clusters:enterprise-create"), _form_data(cluster, credit_code=code))
    assert response.status_code == 200
    errors = response.context["form"].errors["credit_code"]
    assert any(message in error for error in errors)
    assert not Enterprise.objects.filter(name="迁安市新材料样例有限公司").exists()


def test_a_duplicate_credit_code_names_the_existing_enterprise(client_for, inspector, cluster, enterprise):
    response = client_for(inspector).post(
        reverse("clusters:enterprise-create"), _form_data(cluster, credit_code=enterprise.credit_code)
    )
    assert response.status_code == 200
    assert enterprise.name in response.context["form"].errors["credit_code"][0]
    assert Enterprise.objects.count() == 1


def test_inspector_cannot_place_an_enterprise_in_another_county(client_for, inspector, cluster, other_county):
    response = client_for(inspector).post(
        reverse("clusters:enterprise-create"), _form_data(cluster, county=other_county.pk)
    )
    assert response.status_code == 200
    assert "county" in response.context["form"].errors
    assert not Enterprise.objects.filter(name="迁安市新材料样例有限公司").exists()


def test_inspector_edits_an_enterprise_of_their_county(client_for, inspector, enterprise):
    data = _form_data(enterprise.cluster, name="首钢智新迁安电磁材料有限公司", credit_code=enterprise.credit_code)
    data["address"] = "迁安市经济开发区"
    data["version"] = enterprise.version
    response = client_for(inspector).post(reverse("clusters:enterprise-update", args=[enterprise.pk]), data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.address == "迁安市经济开发区"
    assert enterprise.history.count() == 2


def test_a_missing_name_is_a_form_error(client_for, inspector, cluster):
    response = client_for(inspector).post(reverse("clusters:enterprise-create"), _form_data(cluster, name=""))
    assert "name" in response.context["form"].errors
    assert Enterprise.objects.count() == 0


def test_a_standard_with_a_number_unfit_for_its_level_does_not_validate(db):
    standard = Standard(number="GB/T 19580-2012", title="卓越绩效评价准则", level="industry", year=2012)
    with pytest.raises(ValidationError) as raised:
        standard.full_clean()
    assert "number" in raised.value.message_dict


def test_admin_pages_open_for_an_administrator(client_for, admin_user, enterprise):
    client = client_for(admin_user)
    for name in ["cluster", "enterprise", "honour", "standard", "standardrole", "region", "user"]:
        assert client.get(reverse(f"admin:clusters_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:clusters_enterprise_change", args=[enterprise.pk])).status_code == 200
    assert client.get(reverse("admin:clusters_enterprise_history", args=[enterprise.pk])).status_code == 200


def test_admin_refuses_a_bad_credit_code(client_for, admin_user, cluster):
    response = client_for(admin_user).post(
        reverse("admin:clusters_enterprise_add"),
        {
            **_form_data(cluster, credit_code="91350100M000100Y44"),
            **{f"{p}-TOTAL_FORMS": "0" for p in ["honours", "designations", "trademarks", "standard_roles"]},
            **{f"{p}-INITIAL_FORMS": "0" for p in ["honours", "designations", "trademarks", "standard_roles"]},
        },
    )
    assert response.status_code == 200
    assert not Enterprise.objects.exists()


def test_inspector_cannot_open_admin(client_for, inspector):
    response = client_for(inspector).get(reverse("admin:index"))
    assert response.status_code == 302


def test_the_interface_switches_to_english(client_for, inspector):
    client = client_for(inspector)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Clusters" in client.get(reverse("home")).content.decode()


def test_a_lists_filter_form_is_rendered_again_once_a_record_changes(client_for, manager, cluster):
    from tests.factories import ClusterFactory

    client = client_for(manager)
    url = reverse("clusters:enterprise-list")
    assert "新设的测试集群" not in client.get(url).content.decode()
    ClusterFactory(name="新设的测试集群", county=cluster.county)
    assert "新设的测试集群" in client.get(url).content.decode()


def test_a_lists_filter_form_shows_the_filters_asked_for(client_for, manager, cluster):
    client = client_for(manager)
    url = reverse("clusters:enterprise-list")
    client.get(url)
    body = client.get(url, {"cluster": cluster.pk}).content.decode()
    assert f'<option value="{cluster.pk}" selected>' in body
