"""Forecast: least-squares trend projected to the target date, worked out by hand."""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction as F

import pytest

from chiso.engine.forecast import (
    AT_RISK,
    INSUFFICIENT,
    ON_TRACK,
    REACHED,
    forecast_rate,
    least_squares,
    milestones,
    month_ordinal,
    next_milestone,
)
from chiso.engine.model import Target, TargetRule


@dataclass(frozen=True)
class P:
    end: date


Q = [P(date(2024, 3, 31)), P(date(2024, 6, 30)), P(date(2024, 9, 30)), P(date(2024, 12, 31))]
END_2025 = date(2025, 12, 31)


def test_least_squares_is_exact():
    # (0,0), (1,1), (2,1): slope = (3·3 − 3·2)/(3·5 − 3²) = 1/2; intercept = (2 − 3/2)/3 = 1/6
    assert least_squares([(0, F(0)), (1, F(1)), (2, F(1))]) == (F(1, 2), F(1, 6))
    with pytest.raises(ValueError):
        least_squares([(1, F(0))])


def test_month_axis_puts_every_kind_of_period_on_one_line():
    assert month_ordinal(date(2025, 12, 31)) - month_ordinal(date(2024, 12, 31)) == 12


def test_a_slow_trend_is_at_risk():
    # +2 points per quarter: 56% at the end of 2024, +4 quarters → 64% at the end of 2025 < 90%
    history = list(zip(Q, [F(50, 100), F(52, 100), F(54, 100), F(56, 100)], strict=True))
    fc = forecast_rate(history, F(9, 10), END_2025)
    assert fc.verdict == AT_RISK
    assert fc.projected == F(64, 100)
    assert fc.slope_per_month == F(2, 300)
    assert fc.points_used == 4 and fc.on_track is False
    assert fc.method.startswith("Xu hướng tuyến tính qua 4 kỳ gần nhất (bình phương tối thiểu)")
    assert fc.line[-1] == (END_2025, F(64, 100))


def test_a_fast_trend_is_on_track_and_the_projection_is_capped_at_100_percent():
    history = list(zip(Q, [F(40, 100), F(50, 100), F(60, 100), F(70, 100)], strict=True))
    fc = forecast_rate(history, F(9, 10), END_2025)
    # 70% + 12 months × 1/30 per month = 110% → capped at 100%
    assert fc.verdict == ON_TRACK
    assert fc.projected == F(1)


def test_only_the_last_window_periods_are_used():
    history = list(zip(Q, [F(90, 100), F(50, 100), F(52, 100), F(54, 100)], strict=True))
    fc = forecast_rate(history, F(9, 10), END_2025, window=3)
    assert fc.points_used == 3
    assert fc.projected == F(54, 100) + 12 * F(2, 300)  # 62%
    assert fc.method.startswith("Xu hướng tuyến tính qua 3 kỳ gần nhất")


def test_a_target_already_reached_with_a_rising_trend_is_reached():
    history = list(zip(Q[:2], [F(91, 100), F(95, 100)], strict=True))
    assert forecast_rate(history, F(9, 10), END_2025).verdict == REACHED


def test_a_falling_rate_above_target_is_at_risk():
    # 100% (Q1) → 95% (Q2 2024): −5 points a quarter; 6 quarters to the end of 2025 → 95% − 30% = 65%
    history = list(zip(Q[:2], [F(1), F(95, 100)], strict=True))
    fc = forecast_rate(history, F(9, 10), END_2025)
    assert fc.verdict == AT_RISK and fc.projected == F(65, 100)


def test_one_period_or_none_gives_no_trend():
    assert forecast_rate([(Q[0], F(1, 2))], F(9, 10), END_2025).verdict == INSUFFICIENT
    assert forecast_rate([(Q[0], None), (Q[1], F(1, 2))], F(9, 10), END_2025).on_track is None
    assert forecast_rate([(Q[0], F(95, 100))], F(9, 10), END_2025).verdict == REACHED


def test_milestones_come_from_the_completion_target():
    rules = (
        TargetRule(Target(">=", F(1, 2)), level="commune", year_to=2025),
        TargetRule(Target(">=", F(6, 10)), year_to=2023),
        TargetRule(Target(">=", F(9, 10)), year_from=2024, year_to=2025),
    )
    ms = milestones(rules)
    assert [(m.year, m.target) for m in ms] == [(2023, F(6, 10)), (2025, F(9, 10))]
    assert [(m.year, m.target) for m in milestones(rules, level="commune")] == [
        (2023, F(6, 10)), (2025, F(1, 2))]
    assert next_milestone(ms, date(2024, 1, 8)).year == 2025
    assert next_milestone(ms, date(2023, 6, 1)).deadline == date(2023, 12, 31)
    assert next_milestone(ms, date(2027, 1, 1)).year == 2025


def test_an_open_ended_rule_runs_to_the_frameworks_last_year():
    # ag-cqdt-2021: 60% to 2023, 90% from 2024; effective to 31/12/2025 → 90% by 2025
    rules = (TargetRule(Target(">=", F(6, 10)), year_to=2023),
             TargetRule(Target(">=", F(9, 10)), year_from=2024))
    assert [(m.year, m.target) for m in milestones(rules, last_year=2025)] == [
        (2023, F(6, 10)), (2025, F(9, 10))]
    assert [m.year for m in milestones(rules)] == [2023, 2024]


def test_one_completion_goal_for_every_surface():
    from chiso.engine.forecast import completion_goal

    from .fixtures import framework

    spec = framework(
        completion_target=(
            TargetRule(Target(">=", F(1, 2)), level="commune", year_to=2025),
            TargetRule(Target(">=", F(6, 10)), year_to=2023),
            TargetRule(Target(">=", F(9, 10)), year_from=2024),
        ),
        effective_to=date(2025, 12, 31),
    )
    # 2023 is measured against 60% by 2023; 2024 (or a quarter of it) against 90% by 2025
    assert (completion_goal(spec, P(date(2023, 12, 31))).year, completion_goal(spec, Q[0]).target) == (
        2023, F(9, 10))
    assert completion_goal(spec, date(2023, 6, 30)).target == F(6, 10)
    goal = completion_goal(spec, Q[3])
    assert (goal.year, goal.target, goal.deadline) == (2025, F(9, 10), END_2025)
    # a level's own rule comes first; after the last deadline the last goal still applies
    assert completion_goal(spec, Q[3], "commune").target == F(1, 2)
    assert completion_goal(spec, date(2027, 3, 31)).year == 2025
    # met exactly, no rounding: 8,999…% is not 90%
    assert goal.met_by(F(9, 10)) and not goal.met_by(F(8999, 10000))
    assert completion_goal(framework(), Q[0]) is None
