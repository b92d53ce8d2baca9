"""Fixtures of the assistance tests: support teams of the two counties and a ticket of the team in 迁安市."""

import pytest

from tests.factories import UserFactory

from .factories import SupportTeamFactory, TicketFactory, default_category


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


@pytest.fixture
def bystander(county):
    """An inspector of 迁安市 who is in no team."""
    return UserFactory(username="bystander", jurisdiction=county, groups=["inspector"])


@pytest.fixture
def ticket(enterprise, team, inspector):
    """An assigned ticket of the 迁安市 team."""
    return TicketFactory(
        enterprise=enterprise, team=team, assignee=inspector, status="assigned", title="计量器具检定求助"
    )


@pytest.fixture
def other_ticket(other_enterprise, other_team, outsider):
    return TicketFactory(enterprise=other_enterprise, team=other_team, assignee=outsider, status="assigned")
