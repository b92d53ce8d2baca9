"""Fixtures of the award tests: an open cycle, three reviewers, and applications of 迁安市 and 丰润区."""

import pytest

from tests.factories import UserFactory

from .factories import AwardApplicationFactory, AwardCycleFactory, reviewer_user


@pytest.fixture
def cycle(db):
    """A provincial award cycle open for submissions now."""
    return AwardCycleFactory()


@pytest.fixture
def second_reviewer(city):
    return reviewer_user(username="reviewer2", jurisdiction=city, last_name="李", first_name="评审")


@pytest.fixture
def third_reviewer(city):
    return reviewer_user(username="reviewer3", jurisdiction=city, last_name="王", first_name="评审")


@pytest.fixture
def reviewers(reviewer, second_reviewer):
    return [reviewer, second_reviewer]


@pytest.fixture
def colleague(county):
    """Another inspector of 迁安市, who did not prepare the application."""
    return UserFactory(username="colleague", jurisdiction=county, groups=["inspector"])


@pytest.fixture
def make_application(cycle, enterprise, inspector, manager, reviewers):
    """Make an application of 首钢智新 (prepared by the 迁安市 inspector) in the given status."""

    def make(status="draft", **kwargs):
        defaults = {
            "cycle": cycle,
            "enterprise": enterprise,
            "prepared_by": inspector,
            "manager": manager,
            "reviewers": reviewers,
        }
        return AwardApplicationFactory(status=status, **{**defaults, **kwargs})

    return make


@pytest.fixture
def application(make_application):
    """A draft."""
    return make_application()


@pytest.fixture
def other_application(cycle, other_enterprise, outsider, manager, reviewers):
    """A submitted application of 丰润区, outside the 迁安市 inspector's jurisdiction."""
    return AwardApplicationFactory(
        cycle=cycle, enterprise=other_enterprise, prepared_by=outsider, status="submitted", manager=manager
    )
