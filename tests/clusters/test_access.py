"""The region tree and the registry's access helpers: 404 outside the jurisdiction, 403 for read-only users."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from clusters.models import Region
from clusters.selectors import (
    get_cluster_for_user,
    get_enterprise_for_user,
    get_rw_enterprise_for_user,
    scope_region_ids,
    visible_clusters,
    visible_enterprises,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(db) -> Region:
    """A county of another province, under its own city."""
    shanxi = Region.objects.create(name="山西省", code="140000", level=Region.Level.PROVINCE)
    taiyuan = Region.objects.create(name="太原市", code="140100", level=Region.Level.CITY, parent=shanxi)
    return Region.objects.create(name="小店区", code="140105", level=Region.Level.COUNTY, parent=taiyuan)


def test_a_province_holds_its_cities_and_their_counties(province, city, county, other_county, elsewhere):
    assert set(Region.objects.within(province)) == {province, city, county, other_county}


def test_a_city_holds_its_counties_but_not_its_province(province, city, county, other_county, elsewhere):
    assert set(Region.objects.within(city)) == {city, county, other_county}


def test_a_county_holds_only_itself(county, other_county):
    assert list(Region.objects.within(county)) == [county]


def test_the_region_tree_takes_an_id_and_chains_as_a_queryset(province, city, county, other_county):
    within = Region.objects.within(city.pk).filter(level=Region.Level.COUNTY)
    assert set(within) == {county, other_county}


def test_the_jurisdiction_is_the_region_tree_of_the_users_region(manager, inspector, city, county, other_county):
    assert set(Region.objects.filter(pk__in=scope_region_ids(user=manager))) == {city, county, other_county}
    assert set(Region.objects.filter(pk__in=scope_region_ids(user=inspector))) == {county}


def test_a_superuser_without_jurisdiction_sees_everything_and_anyone_else_nothing(admin_user, county):
    assert scope_region_ids(user=admin_user) is None
    homeless = UserFactory(groups=["inspector"])
    assert not Region.objects.filter(pk__in=scope_region_ids(user=homeless)).exists()


def test_selectors_take_the_user_by_keyword_only(inspector):
    with pytest.raises(TypeError):
        visible_clusters(inspector)
    with pytest.raises(TypeError):
        get_cluster_for_user(inspector, 1)


def test_a_cluster_outside_the_jurisdiction_is_404(inspector, cluster, other_cluster):
    assert get_cluster_for_user(user=inspector, pk=cluster.pk) == cluster
    with pytest.raises(Http404):
        get_cluster_for_user(user=inspector, pk=other_cluster.pk)


def test_an_enterprise_outside_the_jurisdiction_is_404_for_reading_and_writing(inspector, enterprise, other_enterprise):
    assert get_enterprise_for_user(user=inspector, pk=enterprise.pk) == enterprise
    assert get_rw_enterprise_for_user(user=inspector, pk=enterprise.pk) == enterprise
    for helper in (get_enterprise_for_user, get_rw_enterprise_for_user):
        with pytest.raises(Http404):
            helper(user=inspector, pk=other_enterprise.pk)


def test_a_read_only_user_may_see_an_enterprise_but_not_change_it(read_only, enterprise, other_enterprise):
    assert get_enterprise_for_user(user=read_only, pk=enterprise.pk) == enterprise
    with pytest.raises(PermissionDenied):
        get_rw_enterprise_for_user(user=read_only, pk=enterprise.pk)
    # Outside the jurisdiction the answer stays 404: the user learns nothing of what is there.
    with pytest.raises(Http404):
        get_rw_enterprise_for_user(user=read_only, pk=other_enterprise.pk)


def test_the_pages_answer_as_the_helpers_do(client_for, read_only, enterprise, other_enterprise):
    client = client_for(read_only)
    assert client.get(enterprise.get_absolute_url()).status_code == 200
    assert client.get(reverse("clusters:enterprise-update", args=[enterprise.pk])).status_code == 403
    assert client.get(other_enterprise.get_absolute_url()).status_code == 404


def test_the_list_and_the_detail_agree(inspector, enterprise, other_enterprise):
    listed = set(visible_enterprises(user=inspector))
    assert listed == {enterprise}
    for item in (enterprise, other_enterprise):
        try:
            found = get_enterprise_for_user(user=inspector, pk=item.pk)
        except Http404:
            found = None
        assert (found is not None) == (item in listed)


def test_a_county_added_under_the_jurisdiction_is_seen_at_once(manager, city, county):
    assert county.pk in scope_region_ids(user=manager)  # read and kept
    added = Region.objects.create(name="新区", code="130299", level=Region.Level.COUNTY, parent=city)
    assert added.pk in scope_region_ids(user=manager)


def test_the_kept_jurisdiction_is_read_once(manager, django_assert_num_queries):
    scope_region_ids(user=manager)
    with django_assert_num_queries(0):
        assert scope_region_ids(user=manager) == scope_region_ids(user=manager)
