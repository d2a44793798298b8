"""Gap planner: every figure below was worked out by hand (see the comments)."""

from fractions import Fraction as F

import pytest

from chiso.engine.model import (
    Framework,
    Indicator,
    IndicatorResult,
    LegalBasis,
    Scope,
    Target,
    TargetRule,
    UnitInfo,
    UnitResult,
)
from chiso.engine.planner import (
    indicator_gaps,
    needed_for,
    plan_units,
    ratio_change,
    reach_target,
    unit_plan,
)

ONLINE = Indicator(
    code="1", name="Tỷ lệ hồ sơ giải quyết trực tuyến", kind="ratio",
    targets=(TargetRule(Target(">=", F(1, 2))),), unit_label="hồ sơ",
    input_labels={"numerator": "Số hồ sơ trực tuyến", "denominator": "Tổng số hồ sơ"},
)
ONE_STOP = Indicator(
    code="3", name="Hồ sơ thực hiện qua Hệ thống một cửa điện tử", kind="ratio",
    targets=(TargetRule(Target("=", F(1))),), unit_label="hồ sơ",
    input_labels={"numerator": "Số hồ sơ qua hệ thống một cửa", "denominator": "Tổng số hồ sơ"},
)
PORTAL = Indicator(code="5", name="Cổng thông tin điện tử công khai đầy đủ", kind="boolean",
                   targets=(TargetRule(Target("=", True)),))
FRAMEWORK = Framework(
    code="t", version="1", title="t", kind="criteria",
    legal_basis=LegalBasis("1/QĐ", None, "UBND"), levels=("province",),
    scope=Scope(levels=("province",)), indicators=(ONLINE, ONE_STOP, PORTAL), decimals=2,
)


def ratio_result(code, num, den, target, status="not_met", name="x", target_text="≥ 50%"):
    value = F(num, den) if num is not None and den else None
    return IndicatorResult(code=code, name=name, kind="ratio", status=status, value=value,
                           target=target, target_text=target_text, explanation="…",
                           inputs={"numerator": None if num is None else F(num),
                                   "denominator": None if den is None else F(den)})


def unit(code, level="province"):
    return UnitInfo(code=code, name=f"Đơn vị {code}", level=level)


@pytest.mark.parametrize(
    ("num", "den", "op", "value", "expected"),
    [
        (1876, 4576, ">=", F(1, 2), 412),   # 50% of 4.576 = 2.288; 2.288 − 1.876 = 412
        (1698, 2345, ">=", F(9, 10), 413),  # 90% of 2.345 = 2.110,5 → 2.111; 2.111 − 1.698 = 413
        (2111, 2345, ">=", F(9, 10), 0),    # already met
        (3, 10, ">", F(1, 2), 3),           # more than 5 of 10 → 6; 6 − 3 = 3
        (5, 10, ">", F(1, 2), 1),           # exactly 50% is not more than 50%
        (35, 200, "<=", F(1, 10), -15),     # at most 20 of 200; 35 − 20 = 15 fewer
        (20, 200, "<", F(1, 10), -1),       # below 20 → 19
        (54935, 62922, "=", F(1), 7987),    # seed 002, indicator 11: 62.922 − 54.935
        (32177, 32656, "=", F(1), 479),     # seed 002, indicator 15: 32.656 − 32.177
        (1, 10, "=", F(2, 3), None),        # 2/3 of 10 is not a whole count
        (5, 10, ">=", F(11, 10), None),     # above 100%: impossible
    ],
)
def test_ratio_change_is_the_smallest_whole_change(num, den, op, value, expected):
    assert ratio_change(num, den, op, value) == expected


def test_ratio_change_moves_into_a_range():
    # 30%–50% of 416: at least ceil(124,8) = 125, at most floor(208) = 208
    assert ratio_change(100, 416, "range", minimum=F(3, 10), maximum=F(1, 2)) == 25
    assert ratio_change(250, 416, "range", minimum=F(3, 10), maximum=F(1, 2)) == -42
    assert ratio_change(150, 416, "range", minimum=F(3, 10), maximum=F(1, 2)) == 0


def test_it_states_the_412_gap_in_the_units_own_terms():
    res = ratio_result("1", 1876, 4576, Target(">=", F(1, 2)), name=ONLINE.name)
    [gap] = indicator_gaps(ONLINE, res)
    assert gap.amount == 412
    assert gap.direction == "increase"
    assert gap.text == ("cần thêm 412 hồ sơ trực tuyến ở quy mô kỳ này "
                        "(khi đó sẽ là 2.288/4.576 = 50,00%, mục tiêu ≥ 50%)")
    assert gap.effort == F(412, 4576)


def test_a_100_percent_target_asks_for_every_dossier():
    res = ratio_result("3", 1163, 1200, Target("=", F(1)), name=ONE_STOP.name, target_text="= 100%")
    [gap] = indicator_gaps(ONE_STOP, res)
    assert gap.amount == 37
    assert gap.text == ("cần đưa toàn bộ 1.200 hồ sơ vào diện hồ sơ qua hệ thống một cửa: "
                        "còn thiếu 37 hồ sơ")


def test_a_ceiling_target_asks_for_a_decrease():
    ind = Indicator(code="9", name="Tỷ lệ hồ sơ trễ hạn", kind="ratio", unit_label="hồ sơ",
                    input_labels={"numerator": "Số hồ sơ trễ hạn"})
    res = ratio_result("9", 35, 200, Target("<=", F(1, 10)), target_text="≤ 10%")
    [gap] = indicator_gaps(ind, res)
    assert (gap.direction, gap.amount) == ("decrease", 15)
    assert gap.text.startswith("cần giảm 15 hồ sơ trễ hạn ở quy mô kỳ này (khi đó còn 20/200 = 10,00%, mục tiêu ≤ 10%)")


def test_booleans_missing_and_invalid_values_say_what_to_do():
    boolean = IndicatorResult("5", PORTAL.name, "boolean", "not_met", False, Target("=", True), "Có", "Không")
    assert indicator_gaps(PORTAL, boolean)[0].text == "cần có: cổng thông tin điện tử công khai đầy đủ"
    missing = ratio_result("1", None, 4576, Target(">=", F(1, 2)), status="missing")
    assert indicator_gaps(ONLINE, missing)[0].text == "cần báo cáo số liệu: Số hồ sơ trực tuyến"
    invalid = IndicatorResult("1", "x", "ratio", "invalid", None, None, "", "Mẫu số bằng 0",
                              inputs={"numerator": F(0), "denominator": F(0)})
    assert indicator_gaps(ONLINE, invalid)[0].text == "cần sửa số liệu: Mẫu số bằng 0"


def test_number_gap_counts_what_is_lacking():
    res = IndicatorResult("8.4.b", "Số phần mềm dùng chung", "number", "not_met", F(2),
                          Target(">=", F(4)), "≥ 4", "2 < 4")
    [gap] = indicator_gaps(None, res)
    assert (gap.amount, gap.effort) == (2, F(1, 2))
    assert gap.text == "cần thêm 2 (số phần mềm dùng chung: hiện 2, mục tiêu ≥ 4)"


def test_met_and_not_applicable_indicators_have_no_gap():
    met = ratio_result("1", 54919, 58669, Target(">=", F(1, 2)), status="met")
    na = IndicatorResult("9", "x", "ratio", "not_applicable", None, None, "", "")
    assert indicator_gaps(ONLINE, met) == [] and indicator_gaps(None, na) == []


def test_composite_lists_failing_items_with_full_codes():
    item_c = ratio_result("c", 100, 416, Target(">=", F(3, 10)), target_text="≥ 30%")
    item_a = ratio_result("a", 10, 10, Target(">=", F(1, 2)), status="met")
    comp = IndicatorResult("8.4", "Ứng dụng CNTT", "composite", "not_met", None, None, "", "Chưa đạt: 8.4.c",
                           items=(item_a, item_c))
    [gap] = indicator_gaps(None, comp)
    assert gap.code == "8.4.c" and gap.amount == 25  # ceil(0,3 × 416) = 125; 125 − 100


def _unit_result(code, status, gaps_spec, level="province"):
    """gaps_spec: list of (num, den) not met at ≥ 50% plus met indicators to make 3 applicable."""
    inds = [ratio_result(str(i), n, d, Target(">=", F(1, 2))) for i, (n, d) in enumerate(gaps_spec)]
    met = 3 - len(inds)
    inds += [ratio_result(f"m{i}", 1, 1, Target(">=", F(1, 2)), status="met") for i in range(met)]
    return UnitResult(unit(code, level), status, met, 3, tuple(inds))


def test_units_are_ordered_by_fewest_missing_criteria_then_smallest_gap():
    results = [
        _unit_result("A", "incomplete", [(10, 100), (10, 100)]),   # 2 criteria missing
        _unit_result("B", "incomplete", [(40, 100)]),              # 1 missing, needs 10/100
        _unit_result("C", "incomplete", [(48, 100)]),              # 1 missing, needs 2/100
        _unit_result("D", "complete", []),
        UnitResult(unit("E"), "not_reported", 0, 3, ()),
    ]
    plans = plan_units(results, FRAMEWORK)
    assert [p.unit.code for p in plans] == ["C", "B", "A", "E"]
    assert [p.missing_criteria for p in plans] == [1, 1, 2, 3]
    assert plans[0].effort == F(2, 100)
    assert unit_plan(results[0]).effort == F(80, 100)  # 40 + 40 of 100


def test_needed_units_for_the_target_rate():
    # Seed 000: 13 of 20 complete = 65%; 90% of 20 = 18 → 5 more; 60% of 20 = 12 → none.
    assert needed_for(F(9, 10), 20, 13) == 5
    assert needed_for(F(6, 10), 20, 13) == 0
    assert needed_for(F(9, 10), 35, 24) == 8  # seed 003: 24/35; 90% of 35 = 31,5 → 32


def test_reach_target_picks_the_cheapest_units():
    results = [_unit_result(f"OK{i}", "complete", []) for i in range(7)]
    results += [
        _unit_result("X1", "incomplete", [(49, 100)]),   # effort 1/100
        _unit_result("X2", "incomplete", [(30, 100)]),   # effort 20/100
        _unit_result("X3", "incomplete", [(45, 100)]),   # effort 5/100
    ]
    sel = reach_target(results, F(9, 10), FRAMEWORK)  # 90% of 10 = 9 → 2 more
    assert sel.needed == 2 and sel.reachable
    assert [p.unit.code for p in sel.chosen] == ["X1", "X3"]
    assert sel.rate_now == F(7, 10) and sel.rate_after == F(9, 10)
    assert reach_target(results, F(1), FRAMEWORK).chosen[-1].unit.code == "X2"
    short = reach_target(results[:8], F(1), FRAMEWORK)  # 8 units, 7 complete, 1 candidate
    assert short.needed == 1 and short.reachable
    assert not reach_target(results[:8], F(11, 10), FRAMEWORK).reachable  # above 100%: 9 of 8
