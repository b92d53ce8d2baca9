"""Fixtures of the report tests: the support teams of the two counties."""

import pytest

from tests.assistance.factories import SupportTeamFactory, default_category


@pytest.fixture
def category(db):
    return default_category()


@pytest.fixture
def team(county, inspector):
    """The support team of 迁安市; the `inspector` is a member."""
    return SupportTeamFactory(name="迁安市第一入企帮扶工作组", region=county, members=[inspector])


@pytest.fixture
def other_team(other_county, outsider):
    """The support team of 丰润区; the `outsider` is a member."""
    return SupportTeamFactory(name="丰润区入企帮扶工作组", region=other_county, members=[outsider])
