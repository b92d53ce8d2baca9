"""Two people editing one enterprise: the later save of a stale form is refused, naming who changed it and when."""

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from clusters import services
from clusters.editing import StaleEdit
from clusters.models import Enterprise
from tests.factories import UserFactory
from tests.forms import posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(county):
    return UserFactory(username="colleague", last_name="李", first_name="明", jurisdiction=county, groups=["inspector"])


def test_the_edit_form_carries_the_version(client_for, inspector, enterprise):
    form = client_for(inspector).get(reverse("clusters:enterprise-update", args=[enterprise.pk])).context["form"]
    assert form["version"].value() == enterprise.version


def test_a_saved_edit_bumps_the_version_and_names_the_editor(inspector, enterprise):
    saved = services.enterprise_update(
        enterprise_id=enterprise.pk, user=inspector, version=enterprise.version, data={"address": "迁安市开发区"}
    )
    assert (saved.address, saved.version, saved.updated_by) == ("迁安市开发区", enterprise.version + 1, inspector)


def test_a_stale_edit_on_the_page_is_a_409_naming_who_changed_it(client_for, inspector, colleague, enterprise):
    client = client_for(inspector)
    url = reverse("clusters:enterprise-update", args=[enterprise.pk])
    stale = client.get(url).context["form"]
    services.enterprise_update(
        enterprise_id=enterprise.pk, user=colleague, version=enterprise.version, data={"address": "同事填的地址"}
    )
    changed = Enterprise.objects.get(pk=enterprise.pk)

    response = client.post(url, posted(stale, address="我的地址", contact_person="王五"))

    assert response.status_code == 409
    errors = [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert len(errors) == 1
    assert "李明" in errors[0]
    assert timezone.localtime(changed.updated_at).strftime("%Y-%m-%d %H:%M") in errors[0]
    after = Enterprise.objects.get(pk=enterprise.pk)
    assert (after.address, after.contact_person, after.version) == ("同事填的地址", changed.contact_person, 2)


def test_the_service_refuses_a_stale_version(inspector, enterprise):
    with pytest.raises(StaleEdit):
        services.enterprise_update(
            enterprise_id=enterprise.pk, user=inspector, version=enterprise.version - 1, data={"address": "x"}
        )


def _admin_data(enterprise, **changes):
    return {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "county": enterprise.county_id,
        "cluster": enterprise.cluster_id,
        "size": enterprise.size,
        "address": enterprise.address,
        "contact_person": "",
        "contact_phone": "",
        "source": "",
        "edit_version": enterprise.version,
        **{f"{p}-TOTAL_FORMS": "0" for p in ["honours", "designations", "trademarks", "standard_roles"]},
        **{f"{p}-INITIAL_FORMS": "0" for p in ["honours", "designations", "trademarks", "standard_roles"]},
        **changes,
    }


def test_an_admin_edit_goes_through_the_same_check(client_for, admin_user, colleague, enterprise):
    client = client_for(admin_user)
    url = reverse("admin:clusters_enterprise_change", args=[enterprise.pk])
    stale = _admin_data(enterprise, address="管理员的地址")
    services.enterprise_update(
        enterprise_id=enterprise.pk, user=colleague, version=enterprise.version, data={"address": "同事填的地址"}
    )
    response = client.post(url, stale)
    assert [m for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert Enterprise.objects.get(pk=enterprise.pk).address == "同事填的地址"

    fresh = Enterprise.objects.get(pk=enterprise.pk)
    response = client.post(url, _admin_data(fresh, address="管理员的地址"))
    assert response.status_code == 302
    after = Enterprise.objects.get(pk=enterprise.pk)
    assert (after.address, after.version, after.updated_by) == ("管理员的地址", fresh.version + 1, admin_user)
