"""Benchmarking campaigns, participants and indicators for the tests."""

from decimal import Decimal

import factory

from assistance.benchmarking.models import Campaign, Indicator, Participation
from tests.factories import ClusterFactory, EnterpriseFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    cluster = factory.SubFactory(ClusterFactory)
    year = 2021
    title = factory.Sequence(lambda n: f"对标达标活动{n}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    campaign = factory.SubFactory(CampaignFactory)
    enterprise = factory.LazyAttribute(lambda o: EnterpriseFactory(cluster=o.campaign.cluster))
    benchmark_kind = Participation.Kind.STANDARD
    benchmark_scope = Participation.Scope.INTERNATIONAL
    benchmark_name = "EN 10025-2:2019"


class IndicatorFactory(factory.django.DjangoModelFactory):
    """By default met: higher is better, 90 to 95, achieved 96."""

    class Meta:
        model = Indicator

    participation = factory.SubFactory(ParticipationFactory)
    area = Indicator.Area.QUALITY
    name = factory.Sequence(lambda n: f"指标{n}")
    unit = "%"
    baseline = Decimal("90")
    target = Decimal("95")
    achieved = Decimal("96")
    direction = Indicator.Direction.HIGHER
