"""The computed outcome: an indicator is met when its achieved value reaches the target in its direction;
a participant reaches its benchmark when all its indicators are met; the gap is a share of the way to go."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assistance.benchmarking.models import Indicator, Participation

from .factories import IndicatorFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

HIGHER, LOWER = Indicator.Direction.HIGHER, Indicator.Direction.LOWER


def _indicator(**values) -> Indicator:
    indicator = IndicatorFactory(**values)
    return Indicator.objects.with_outcome().get(pk=indicator.pk)


def _participation(participation) -> Participation:
    return Participation.objects.with_outcome().get(pk=participation.pk)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "achieved", "met"),
    [
        (HIGHER, "90", "95", "96", True),
        (HIGHER, "90", "95", "95", True),  # equal to the target is met
        (HIGHER, "90", "95", "94.9999", False),
        (HIGHER, "90", "95", None, False),  # not measured is not met
        (LOWER, "12", "5", "4", True),
        (LOWER, "12", "5", "5", True),
        (LOWER, "12", "5", "6", False),
        (LOWER, "12", "5", None, False),
        (LOWER, "12", "5", "13", False),  # worse than the baseline
    ],
)
def test_an_indicator_is_met_when_its_achieved_value_reaches_the_target_in_its_direction(
    direction, baseline, target, achieved, met
):
    indicator = _indicator(
        direction=direction,
        baseline=Decimal(baseline),
        target=Decimal(target),
        achieved=None if achieved is None else Decimal(achieved),
    )
    assert indicator.is_met is met


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "achieved", "gap"),
    [
        (HIGHER, "90", "100", None, 1.0),  # nothing measured yet: the whole way to go
        (HIGHER, "90", "100", "95", 0.5),
        (HIGHER, "90", "100", "100", 0.0),
        (HIGHER, "90", "100", "105", -0.5),
        (HIGHER, "90", "100", "80", 2.0),  # gone backwards
        (LOWER, "12", "4", "8", 0.5),
        (LOWER, "12", "4", "10", 0.75),
        (LOWER, "580", "545", "552", 0.2),
    ],
)
def test_the_gap_is_the_way_still_to_go_as_a_share_of_the_baselines_distance_from_the_target(
    direction, baseline, target, achieved, gap
):
    indicator = _indicator(
        direction=direction,
        baseline=Decimal(baseline),
        target=Decimal(target),
        achieved=None if achieved is None else Decimal(achieved),
    )
    assert indicator.gap == pytest.approx(gap)


def test_a_participant_reaches_its_benchmark_when_every_indicator_is_met():
    participation = ParticipationFactory()
    IndicatorFactory(participation=participation, area="quality")
    IndicatorFactory(participation=participation, area="brand", direction=LOWER, baseline=12, target=5, achieved=5)
    result = _participation(participation)
    assert (result.indicator_count, result.met_count, result.reached) == (2, 2, True)


def test_one_indicator_not_met_means_the_benchmark_is_not_reached():
    participation = ParticipationFactory()
    IndicatorFactory(participation=participation)
    IndicatorFactory(participation=participation, achieved=Decimal("94"))
    result = _participation(participation)
    assert (result.indicator_count, result.met_count, result.reached) == (2, 1, False)


def test_an_indicator_not_measured_yet_means_the_benchmark_is_not_reached():
    participation = ParticipationFactory()
    IndicatorFactory(participation=participation)
    IndicatorFactory(participation=participation, achieved=None)
    assert _participation(participation).reached is False


def test_a_participant_without_indicators_has_not_reached_its_benchmark():
    result = _participation(ParticipationFactory())
    assert (result.indicator_count, result.met_count, result.reached) == (0, 0, False)


def test_the_outcome_follows_the_values_when_they_change():
    participation = ParticipationFactory()
    indicator = IndicatorFactory(participation=participation, achieved=None)
    assert _participation(participation).reached is False
    indicator.achieved = Decimal("95")
    indicator.save()
    assert _participation(participation).reached is True


def test_a_target_equal_to_the_baseline_is_refused_with_a_clear_message():
    indicator = IndicatorFactory.build(participation=ParticipationFactory(), baseline=90, target=90)
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "目标值不能等于基准值。" in error.value.message_dict["target"]


def test_a_target_that_does_not_improve_on_the_baseline_in_its_direction_is_refused():
    participation = ParticipationFactory()
    with pytest.raises(ValidationError) as error:
        IndicatorFactory.build(participation=participation, baseline=90, target=80).full_clean()
    assert "目标值须高于基准值" in error.value.message_dict["target"][0]
    with pytest.raises(ValidationError) as error:
        IndicatorFactory.build(participation=participation, direction=LOWER, baseline=5, target=12).full_clean()
    assert "目标值须低于基准值" in error.value.message_dict["target"][0]


def test_the_database_refuses_a_target_equal_to_the_baseline_and_negative_values():
    participation = ParticipationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(participation=participation, baseline=90, target=90)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(participation=participation, baseline=-1, target=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(participation=participation, achieved=-3)


def test_negative_values_are_refused_by_validation():
    indicator = IndicatorFactory.build(participation=ParticipationFactory(), achieved=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "achieved" in error.value.message_dict


def test_an_enterprise_of_another_cluster_cannot_take_part(campaign, other_enterprise):
    participation = Participation(
        campaign=campaign,
        enterprise=other_enterprise,
        benchmark_kind="standard",
        benchmark_scope="domestic",
        benchmark_name="GB/T 1591-2018",
    )
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "该企业不属于本次活动所在的产业集群。" in error.value.message_dict["enterprise"]
