"""Fixtures of the plan and chain tests: a city plan, a county plan of 迁安市, and a county manager."""

import pytest
from django.utils import timezone

from tests.factories import UserFactory

from .factories import MeasureFactory, PlanFactory


@pytest.fixture
def county_manager(county):
    """A manager of 迁安市: may change 迁安市's plans, and only read the city's."""
    return UserFactory(username="county_manager", jurisdiction=county, groups=["manager"])


@pytest.fixture
def city_plan(city):
    return PlanFactory(region=city, title="唐山市区域质量提升实施方案(2020-2022年)")


@pytest.fixture
def county_plan(county):
    return PlanFactory(region=county, title="迁安市质量提升工作方案")


@pytest.fixture
def other_plan(other_county):
    return PlanFactory(region=other_county, title="丰润区质量提升工作方案")


@pytest.fixture
def city_measure(city_plan, cluster):
    return MeasureFactory(plan=city_plan, title="（示例）对标达标行动", clusters=[cluster])


@pytest.fixture
def county_measure(county_plan):
    return MeasureFactory(plan=county_plan, title="迁安市一站式服务试点")


@pytest.fixture
def today():
    return timezone.localdate()
