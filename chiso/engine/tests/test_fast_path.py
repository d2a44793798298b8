"""The engine's fast path gives exactly what the reference code gives: status, value, inputs, texts.

Each indicator result of ``evaluate`` is compared, field by field (the
explanation rendered on first read included), with ``_evaluate`` run on the
same unit and values: the plain, one-indicator-at-a-time code the verdict
rules are written in. Values are drawn at random (seeded) among what reaches
the engine: Fractions whole or not, negative, a zero denominator, a numerator
above its denominator, ints, text typed in, yes/no, blanks and absences.
"""

import random
from fractions import Fraction as F

import pytest

from chiso.engine import evaluate as engine
from chiso.engine.model import Indicator, IndicatorResult, Rule, Target, TargetRule
from chiso.engine.periods import parse_period

from .fixtures import COMMUNE, DISTRICT, LOWLAND, MOUNTAIN, PROVINCE, eq, framework, ge, le, ratio

FW = framework(
    ratio("1", "", ge("0.5"), rules=(Rule("numerator <= denominator", "Tử số vượt mẫu số"),), alias="online"),
    ratio("2", "", ge("0.9", level="province"), ge("0.8", level="district"), ge("0.65", level="commune")),
    ratio("3", "", ge("0.6", year_to=2024), ge("0.9", year_from=2025), levels=("district", "commune")),
    ratio("4", "", eq(1), levels=("province",)),
    ratio("5", "", TargetRule(Target("range", minimum=F("0.3"), maximum=F("0.5")))),
    ratio("6", "", le("0.1"), rules=(Rule("value <= online.value || denominator < 10", "Trễ hạn nhiều hơn trực tuyến"),)),
    ratio("7", "", TargetRule(Target(">", F(1, 3))), TargetRule(Target("<", F(1, 2)), level="commune")),
    ratio("8", "", eq(1, attributes={"terrain": "lowland"}), ge("0.9")),
    Indicator(code="9", name="Số phần mềm", kind="number", targets=(ge(3),), unit_label="phần mềm",
              rules=(Rule("value <= 50", "Quá nhiều phần mềm"),)),
    Indicator(code="10", name="Điểm", kind="number", targets=(TargetRule(Target("range", minimum=F(2), maximum=F("7.5"))),)),
    Indicator(code="11", name="Có cổng", kind="boolean"),
    Indicator(code="12", name="Không dùng giấy", kind="boolean", targets=(TargetRule(Target("=", False)),)),
    Indicator(code="13", name="Mô tả", kind="text"),
    Indicator(code="14", name="Vùng cao", kind="number", targets=(ge(1),), applies_if={"terrain": "mountain"}),
    Indicator(
        code="15", name="CNTT", kind="composite",
        items=(Indicator(code="a", name="a", kind="number", targets=(ge(1),)),
               Indicator(code="b", name="b", kind="boolean")),
    ),
    rules=(Rule('inputs["9.value"] >= inputs["10.value"]', "Số phần mềm nhỏ hơn điểm", applies_to=("10", "11")),),
)
UNITS = (PROVINCE, DISTRICT, COMMUNE, LOWLAND, MOUNTAIN)
COUNTS = [None, None, "", "  ", F(0), F(1), F(3), F(7), F(10), F(40), F(100), F(250), F(-2), F(5, 2), 12, "54.919", "12a", True]
ANSWERS = [None, True, False, "Có", "không", "x?", F(1), ""]


def draw(rng: random.Random) -> dict:
    values = {}
    for element in FW.element_ids():
        pool = ANSWERS if element.endswith(("11.value", "12.value", "15.b.value")) else COUNTS
        value = rng.choice(pool)
        if element == "13.value":
            value = rng.choice([None, "Đã triển khai"])
        if value is not None or rng.random() < 0.5:  # absent, or present as None
            values[element] = value
    return values


def fields(r: IndicatorResult) -> tuple:
    return (r.code, r.name, r.kind, r.status, r.value, r.target, r.target_text, r.explanation, dict(r.inputs),
            r.items, r.points, r.max_points, r.category, r.required)


@pytest.mark.parametrize("period", ["2024-12", "2025-06"])
def test_fast_results_equal_the_reference_code(period):
    rng = random.Random(period)
    year = parse_period(period).year
    prepared = engine._prepare(FW)
    for _ in range(400):
        values = draw(rng)
        for who in UNITS:
            result = engine.evaluate_unit(FW, who, values, period)
            ctx = engine._Context(FW, who, values, year, prepared)
            ctx.framework_failures = engine._framework_failures(FW, ctx)
            expected = [engine._evaluate(ind, ind.code, ctx, FW.levels) for ind in FW.indicators]
            assert [fields(r) for r in result.indicators] == [fields(r) for r in expected], values
            applicable = [r for r in expected if r.status != "not_applicable"]
            assert (result.met, result.applicable) == (sum(r.status == "met" for r in applicable), len(applicable))


def test_every_status_and_the_fast_path_are_exercised():
    rng = random.Random(7)
    seen = set()
    fast = 0
    for _ in range(300):
        for r in engine.evaluate_unit(FW, COMMUNE, draw(rng), "2025-06").indicators:
            seen.add(r.status)
            fast += r._lazy is not None
    assert seen == {"met", "not_met", "missing", "not_applicable", "invalid"}
    assert fast > 1000


def test_a_result_read_later_still_says_what_the_values_said():
    values = {"1.numerator": F(54919), "1.denominator": F(58669)}
    r = engine.evaluate_unit(FW, PROVINCE, values, "2025-01").indicator("1")
    values["1.numerator"] = F(1)  # the caller reuses its dict: the result keeps its own inputs
    assert (r.status, r.explanation, r.value) == ("met", "54.919/58.669 = 93,61% ≥ 50% → Đạt", F(54919, 58669))
    assert r.inputs == {"numerator": F(54919), "denominator": F(58669)}


def test_results_compare_print_and_pickle_like_the_dataclass_they_were():
    import pickle

    values = {"1.numerator": F(3), "1.denominator": F(4)}
    a = engine.evaluate_unit(FW, PROVINCE, values, "2025-01").indicator("1")
    b = engine.evaluate_unit(FW, PROVINCE, values, "2025-01").indicator("1")
    assert a == b and a is not b
    assert pickle.loads(pickle.dumps(a)) == a
    assert repr(a).startswith("IndicatorResult(code='1', name='Chỉ tiêu 1', kind='ratio', status='met', value=Fraction(3, 4)")
    assert a._replace(status="invalid").status == "invalid"
    with pytest.raises(AttributeError):
        a.status = "not_met"


def test_a_result_pickled_by_the_dataclass_version_still_loads():
    import pickle

    # pickle.dumps of IndicatorResult("2", "Tỷ lệ", "ratio", "met", F(3, 4), Target(">=", F(1, 2)), "≥ 50%",
    # "3/4 = 75% ≥ 50% → Đạt", {"numerator": F(3), "denominator": F(4)}) when it was a frozen dataclass
    old = b'\x80\x05\x95\x9a\x01\x00\x00\x00\x00\x00\x00\x8c\x12chiso.engine.model\x94\x8c\x0fIndicatorResult\x94\x93\x94)\x81\x94}\x94(\x8c\x04code\x94\x8c\x012\x94\x8c\x04name\x94\x8c\tT\xe1\xbb\xb7 l\xe1\xbb\x87\x94\x8c\x04kind\x94\x8c\x05ratio\x94\x8c\x06status\x94\x8c\x03met\x94\x8c\x05value\x94\x8c\tfractions\x94\x8c\x08Fraction\x94\x93\x94K\x03K\x04\x86\x94R\x94\x8c\x06target\x94h\x00\x8c\x06Target\x94\x93\x94)\x81\x94}\x94(\x8c\x02op\x94\x8c\x02>=\x94h\rh\x10K\x01K\x02\x86\x94R\x94\x8c\x07minimum\x94N\x8c\x07maximum\x94Nub\x8c\x0btarget_text\x94\x8c\x07\xe2\x89\xa5 50%\x94\x8c\x0bexplanation\x94\x8c\x1c3/4 = 75% \xe2\x89\xa5 50% \xe2\x86\x92 \xc4\x90\xe1\xba\xa1t\x94\x8c\x06inputs\x94}\x94(\x8c\tnumerator\x94h\x10K\x03K\x01\x86\x94R\x94\x8c\x0bdenominator\x94h\x10K\x04K\x01\x86\x94R\x94u\x8c\x05items\x94)\x8c\x06points\x94N\x8c\nmax_points\x94N\x8c\x08category\x94N\x8c\x08required\x94\x88ub.'
    r = pickle.loads(old)
    assert (r.code, r.status, r.value, r.target_text, r.explanation) == ("2", "met", F(3, 4), "≥ 50%", "3/4 = 75% ≥ 50% → Đạt")
    assert r.inputs == {"numerator": F(3), "denominator": F(4)} and r.required is True
