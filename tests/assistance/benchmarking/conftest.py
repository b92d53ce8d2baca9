"""A campaign of the 迁安市 cluster with one participant, and one of the 丰润区 cluster."""

import pytest

from .factories import CampaignFactory, IndicatorFactory, ParticipationFactory


@pytest.fixture
def campaign(cluster):
    return CampaignFactory(cluster=cluster, year=2021, title="迁安市钢铁产业集群对标达标活动")


@pytest.fixture
def participation(campaign, enterprise):
    participation = ParticipationFactory(campaign=campaign, enterprise=enterprise)
    IndicatorFactory(participation=participation, name="产品一次检验合格率")
    return participation


@pytest.fixture
def other_campaign(other_cluster):
    return CampaignFactory(cluster=other_cluster, year=2021, title="丰润区对标达标活动")


@pytest.fixture
def other_participation(other_campaign, other_enterprise):
    return ParticipationFactory(campaign=other_campaign, enterprise=other_enterprise)
