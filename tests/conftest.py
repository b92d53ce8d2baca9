"""Standard users and regions shared by the whole suite."""

import pytest
from django.contrib.auth.models import Permission

from clusters.models import Region
from tests.factories import ClusterFactory, EnterpriseFactory, UserFactory
from tests.queue import database_queue  # noqa: F401 - the database-backed job queue, for any test


@pytest.fixture
def province(db) -> Region:
    return Region.objects.create(name="河北省", code="130000", level=Region.Level.PROVINCE)


@pytest.fixture
def city(province) -> Region:
    return Region.objects.create(name="唐山市", code="130200", level=Region.Level.CITY, parent=province)


@pytest.fixture
def county(city) -> Region:
    return Region.objects.create(name="迁安市", code="130283", level=Region.Level.COUNTY, parent=city)


@pytest.fixture
def other_county(city) -> Region:
    return Region.objects.create(name="丰润区", code="130208", level=Region.Level.COUNTY, parent=city)


@pytest.fixture
def inspector(county):
    return UserFactory(username="inspector", jurisdiction=county, groups=["inspector"])


@pytest.fixture
def manager(city):
    return UserFactory(username="manager", jurisdiction=city, groups=["manager"])


@pytest.fixture
def reviewer(city):
    return UserFactory(username="reviewer", jurisdiction=city, groups=["reviewer"])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def read_only(county):
    """An auditor of 迁安市 who may view every record of the registry and the casework, and change none."""
    user = UserFactory(username="auditor", jurisdiction=county)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=("clusters", "assistance"), codename__startswith="view_")
    )
    return user


@pytest.fixture
def outsider(other_county):
    """An inspector of another county."""
    return UserFactory(username="outsider", jurisdiction=other_county, groups=["inspector"])


@pytest.fixture
def cluster(county):
    return ClusterFactory(name="迁安市钢铁产业集群", county=county, level="provincial", industry="钢铁")


@pytest.fixture
def enterprise(cluster):
    return EnterpriseFactory(name="首钢智新迁安电磁材料有限公司", cluster=cluster)


@pytest.fixture
def other_cluster(other_county):
    return ClusterFactory(name="丰润区智能轨道交通产业集群", county=other_county, level="provincial")


@pytest.fixture
def other_enterprise(other_cluster):
    return EnterpriseFactory(name="中车唐山机车车辆有限公司", cluster=other_cluster)


@pytest.fixture
def client_for(client):
    """Return a test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no kept figures: a figure kept by an earlier test counted rows since rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
