"""The seeded benchmarking campaign: one sample campaign of a seeded cluster, its source note the 2021
article's sentence, participants with indicators in all four areas, and a second load that changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from assistance.benchmarking.models import Campaign, Indicator, Participation
from reports.benchmarking import benchmarking_results
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUOTE = "通过与行业内先进地区开展对标达标活动,引导企业对话一流标准,提升区域产品的市场竞争力。"


def _load() -> str:
    out = StringIO()
    call_command("load_seeds", stdout=out)
    return out.getvalue()


def _rows():
    return [
        list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        + list(model.history.order_by("pk").values_list("pk", flat=True))
        for model in (Campaign, Participation, Indicator)
    ]


def test_the_sample_campaign_is_seeded_once_with_its_source_and_all_four_areas():
    _load()
    campaign = Campaign.objects.get()
    assert campaign.synthetic and "样例" in campaign.title
    assert campaign.cluster.name == "迁西精品钢产业集群" and campaign.year == 2021
    assert QUOTE in campaign.source and "《中国质量报》2021-10-25" in campaign.source
    participations = Participation.objects.filter(campaign=campaign).with_outcome()
    assert participations.count() == 3
    assert all(p.enterprise.cluster_id == campaign.cluster_id for p in participations)
    assert sorted(p.reached for p in participations) == [False, False, True]
    assert set(Indicator.objects.values_list("area", flat=True)) == set(Indicator.Area.values)
    assert Indicator.objects.filter(achieved__isnull=True).exists()

    manager = UserFactory(jurisdiction=campaign.cluster.county.parent, groups=["manager"])
    results = benchmarking_results(manager, 2021)
    assert (results["participants"], results["reached"]) == (3, 1)

    before = _rows()
    assert "nothing changed" in _load()
    assert _rows() == before
