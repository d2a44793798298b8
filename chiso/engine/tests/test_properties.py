"""Properties that must hold for any figures, checked with hypothesis."""

from fractions import Fraction as F

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chiso.engine.aggregate import summarize
from chiso.engine.evaluate import evaluate, evaluate_unit
from chiso.engine.model import Indicator, Target, TargetRule
from chiso.engine.numbers import (
    format_int,
    format_number,
    format_percent,
    parse_count,
    parse_number,
    round_half_up,
)
from chiso.engine.periods import Period

from .fixtures import PROVINCE, framework, unit

# No deadline: a loaded CI machine must not turn a slow example into a failure.
relaxed = settings(deadline=None)

percent_goals = st.fractions(min_value=0, max_value=1, max_denominator=1000)
counts = st.integers(min_value=0, max_value=10**7)


def ratio_framework(op: str, goal: F):
    return framework(Indicator(code="1", name="x", kind="ratio", targets=(TargetRule(Target(op, goal)),)))


def status_of(fw, num: int, den: int) -> str:
    values = {"1.numerator": F(num), "1.denominator": F(den)}
    return evaluate_unit(fw, PROVINCE, values, "2025").indicator("1").status


@relaxed
@given(goal=percent_goals, den=st.integers(1, 10**6), data=st.data())
def test_raising_the_numerator_never_loses_a_ge_target(goal, den, data):
    low = data.draw(st.integers(0, den))
    high = data.draw(st.integers(low, den))
    fw = ratio_framework(">=", goal)
    if status_of(fw, low, den) == "met":
        assert status_of(fw, high, den) == "met"


@relaxed
@given(goal=percent_goals, den=st.integers(1, 10**6), data=st.data())
def test_lowering_the_numerator_never_loses_a_le_target(goal, den, data):
    high = data.draw(st.integers(0, den))
    low = data.draw(st.integers(0, high))
    fw = ratio_framework("<=", goal)
    if status_of(fw, high, den) == "met":
        assert status_of(fw, low, den) == "met"


@relaxed
@given(goal=percent_goals, num=counts, den=counts)
def test_ratio_status_matches_exact_comparison(goal, num, den):
    status = status_of(ratio_framework(">=", goal), num, den)
    if den == 0 or num > den:
        assert status == "invalid"
    else:
        assert status == ("met" if F(num, den) >= goal else "not_met")


MIXED = framework(
    Indicator(code="1", name="a", kind="ratio", targets=(TargetRule(Target(">=", F(1, 2))),)),
    Indicator(code="2", name="b", kind="boolean"),
    Indicator(code="3", name="c", kind="number", targets=(TargetRule(Target(">=", F(4))),)),
    Indicator(code="4", name="d", kind="ratio", targets=(TargetRule(Target(">=", F(1, 2)), level="commune"),)),
    Indicator(code="5", name="e", kind="text"),
)

maybe_count = st.one_of(st.none(), st.integers(-2, 30).map(F))
unit_values = st.fixed_dictionaries(
    {
        "1.numerator": maybe_count,
        "1.denominator": maybe_count,
        "2.value": st.one_of(st.none(), st.booleans()),
        "3.value": maybe_count,
        "4.numerator": maybe_count,
        "4.denominator": maybe_count,
        "5.value": st.one_of(st.none(), st.text(max_size=5)),
    }
)
levels = st.sampled_from(["province", "district", "commune"])


@relaxed
@given(values=unit_values, level=levels)
def test_unit_is_complete_exactly_when_every_applicable_indicator_is_met(values, level):
    result = evaluate_unit(MIXED, unit("X", level), values, "2025")
    applicable = [r for r in result.indicators if r.status != "not_applicable"]
    assert result.applicable == len(applicable)
    assert result.met == sum(r.status == "met" for r in applicable)
    reported = any(v is not None and v != "" and not (isinstance(v, str) and not v.strip()) for v in values.values())
    if not reported:
        assert result.status == "not_reported"
    else:
        assert (result.status == "complete") == (bool(applicable) and all(r.status == "met" for r in applicable))
        assert result.status in ("complete", "incomplete")


@relaxed
@given(st.lists(st.tuples(unit_values, levels, st.booleans()), max_size=12))
def test_rate_is_between_zero_and_one_and_counts_add_up(rows):
    units = [unit(f"U{i}", level) for i, (_, level, _) in enumerate(rows)]
    values = {f"U{i}": v for i, (v, _, reports) in enumerate(rows) if reports}
    ev = evaluate(MIXED, units, values, "2025")
    summary = summarize(ev.results)
    tallies = [summary.overall, *summary.by_level.values()]
    for t in tallies:
        assert t.assessed + t.not_reported == t.units
        assert t.complete <= t.assessed
        if t.units:
            assert 0 <= t.rate <= 1
        else:
            assert t.rate is None
    assert sum(t.units for t in summary.by_level.values()) == summary.overall.units


@relaxed
@given(counts)
def test_counts_round_trip_through_vietnamese_format(n):
    assert parse_count(format_int(n)) == n


@relaxed
@given(st.integers(min_value=0, max_value=10**12))
def test_counts_typed_with_commas_round_trip(n):
    typed = f"{n:,}"
    # A single comma is the Vietnamese decimal separator ("1,000" is 1), so only
    # figures with no comma or with several groups are unambiguous thousands.
    assume(typed.count(",") != 1)
    assert parse_count(typed) == n


@relaxed
@given(st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6), st.integers(0, 4))
def test_formatted_numbers_read_back_as_the_rounded_value(x, decimals):
    shown = format_number(x, decimals)
    assert parse_number(shown) == F(round_half_up(x, decimals))


@relaxed
@given(st.fractions(min_value=0, max_value=1, max_denominator=10**5), st.integers(0, 4))
def test_formatted_percentages_read_back(x, decimals):
    assert parse_number(format_percent(x, decimals)) == F(round_half_up(x * 100, decimals)) / 100


@relaxed
@given(
    st.sampled_from(["month", "quarter", "half", "year"]), st.integers(1901, 2099), st.integers(1, 12)
)
def test_previous_and_next_are_inverse(kind, year, index):
    per_year = {"month": 12, "quarter": 4, "half": 2, "year": 1}[kind]
    p = Period(kind, year, (index - 1) % per_year + 1)
    assert p.previous().next() == p
    assert p.previous().end < p.start
    assert (p.next().start - p.end).days == 1


@relaxed
@given(values=unit_values, level=levels)
def test_every_verdict_has_a_known_status_and_an_explanation(values, level):
    from chiso.engine.model import STATUSES

    result = evaluate_unit(MIXED, unit("X", level), values, "2025")
    for r in result.indicators:
        assert r.status in STATUSES
        assert r.explanation.strip()
        if r.status in ("met", "not_met"):
            assert r.target is not None and r.target_text


score_points = st.one_of(st.none(), st.integers(-1, 25).map(F))


@relaxed
@given(
    st.fixed_dictionaries({"1.1.value": score_points, "1.2.value": score_points, "2.1.value": score_points}),
    st.sampled_from(["province", "commune"]),
)
def test_ranked_categories_stay_within_their_maximum(values, level):
    from .fixtures import RANKING

    result = evaluate_unit(RANKING, unit("X", level), values, "2018")
    for category in result.score.categories:
        assert 0 <= category.points <= category.max_points
        assert category.ranked == (category.level is not None)
        assert category.ranked or category.reason
        if category.ranked:
            assert not category.blocking
    assert 0 <= result.score.points <= result.score.max_points
