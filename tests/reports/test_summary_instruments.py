"""The programme summary counts the plans' key measures and the benchmarking, and says so in its paragraph."""

import datetime
from decimal import Decimal

import pytest

from assistance.benchmarking.models import Indicator
from assistance.plans.models import Status
from reports.summary import quality_summary, summary_paragraph, summary_rows
from tests.assistance.benchmarking.factories import CampaignFactory, IndicatorFactory, ParticipationFactory
from tests.assistance.plans.factories import MeasureFactory, PlanFactory
from tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2021, 10, 25)


@pytest.fixture
def measures(city, county, other_county):
    city_plan = PlanFactory(region=city)
    county_plan = PlanFactory(region=county)
    ended = PlanFactory(region=city, start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2018, 12, 31))
    MeasureFactory(plan=city_plan, status=Status.DONE, deadline=datetime.date(2021, 3, 1))
    MeasureFactory(plan=city_plan, status=Status.UNDER_WAY, deadline=datetime.date(2021, 6, 30))  # overdue then
    MeasureFactory(plan=city_plan, status=Status.NOT_STARTED, deadline=datetime.date(2022, 6, 30))
    MeasureFactory(plan=county_plan, status=Status.DONE, deadline=datetime.date(2021, 9, 1))
    MeasureFactory(plan=ended, status=Status.DONE, deadline=datetime.date(2018, 6, 30))
    MeasureFactory(plan=PlanFactory(region=other_county), status=Status.DONE)


@pytest.fixture
def benchmarking(cluster, other_county):
    campaign = CampaignFactory(cluster=cluster, year=2021)
    reached = ParticipationFactory(campaign=campaign)
    IndicatorFactory(participation=reached, area=Indicator.Area.QUALITY)
    IndicatorFactory(participation=reached, area=Indicator.Area.BRAND)
    short = ParticipationFactory(campaign=campaign)
    IndicatorFactory(participation=short, achieved=Decimal("91"))
    ParticipationFactory(campaign=CampaignFactory(cluster=cluster, year=2023))  # after the as-of year
    ParticipationFactory(campaign=CampaignFactory(cluster=ClusterFactory(county=other_county), year=2021))


def test_the_city_counts_its_measures_and_those_of_its_counties_in_plans_in_force(city, measures):
    # Its own plan's three, each county's one; the plan that ended in 2018 is not in force since 2020.
    figures = quality_summary(city, as_of=AS_OF, since=datetime.date(2020, 1, 1))["instruments"]
    assert figures["measures"] == 5
    assert figures["measures_done"] == 3
    assert figures["measures_overdue"] == 1


def test_a_county_counts_only_its_own_measures(county, measures):
    figures = quality_summary(county, as_of=AS_OF)["instruments"]
    assert (figures["measures"], figures["measures_done"], figures["measures_overdue"]) == (1, 1, 0)


def test_benchmarking_counts_the_enterprises_of_the_years_and_who_reached_their_benchmark(county, benchmarking):
    figures = quality_summary(county, as_of=AS_OF)["instruments"]
    assert figures["benchmarking_enterprises"] == 2
    assert figures["benchmarking_reached"] == 1


def test_the_paragraph_says_how_the_measures_and_the_benchmarking_stand(city, measures, benchmarking):
    text = summary_paragraph(quality_summary(city, as_of=AS_OF, since=datetime.date(2020, 1, 1)))
    assert "实施方案确定重点举措5项，已完成3项、逾期1项；组织3家企业开展对标达标，1家达到对标目标。" in text


def test_without_plans_or_campaigns_the_paragraph_says_nothing_of_them(city):
    text = summary_paragraph(quality_summary(city, as_of=AS_OF))
    assert "重点举措" not in text and "对标达标" not in text


def test_the_figures_table_has_the_instruments_rows(city, measures):
    rows = {row["key"]: row["value"] for row in summary_rows(quality_summary(city, as_of=AS_OF))}
    # With no start, every plan up to the day counts, the one that ended in 2018 too.
    assert rows["instruments.measures"] == 6
    assert rows["instruments.benchmarking_reached"] == 0


def test_the_word_report_has_the_plans_and_benchmarking_part(client_for, manager, measures, benchmarking):
    from tests.reports.test_summary_word import _docx, _table_figures, _text

    document = _docx(client_for(manager))
    text = _text(document)
    assert "实施方案与对标达标" in [p.text.split("、", 1)[-1] for p in document.paragraphs]
    # As of the end of 2025: the 2023 campaign too; against the end of 2021 beside it.
    assert "组织4家企业开展对标达标，1家达到对标目标" in text
    figures = _table_figures(document)
    assert figures["开展对标达标的企业"] == ["3", "4", "+33%"]
    assert figures["达到对标目标的企业"] == ["1", "1", "+0%"]
