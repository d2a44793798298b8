"""Computed points (``Indicator.scoring``): bands, ratio to a threshold, all or nothing, relative to the group average.

Every case is worked by hand in the comments; points are exact fractions and
each explanation shows the sum a reporter can redo.
"""

from __future__ import annotations

import pickle
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.evaluate import evaluate, evaluate_unit, group_averages
from chiso.engine.model import (
    Category,
    Framework,
    Indicator,
    LegalBasis,
    PointBand,
    Scope,
    Scoring,
    Target,
    UnitInfo,
)
from chiso.engine.scoring import GroupAverage

LEGAL = LegalBasis(number="307/2025/NĐ-CP", date=None, issuer="Chính phủ")


def framework(*indicators: Indicator) -> Framework:
    return Framework(
        code="thu", version="1", title="Thử", kind="score", legal_basis=LEGAL, levels=("province", "commune"),
        scope=Scope(levels=("province", "commune")), indicators=indicators,
        categories=(Category("c", "Chuyển đổi số", ()),),
    )


def scored(code: str, scoring: Scoring, maximum=10, **kw) -> Indicator:
    return Indicator(code=code, name=f"Tiêu chí {code}", kind="score", category="c",
                     max_points={"default": F(maximum)}, scoring=scoring, **kw)


def commune(code: str, kind: str = "xã", **attributes) -> UnitInfo:
    return UnitInfo(code=code, name=f"Xã {code}", level="commune", attributes={"loai_don_vi": kind, **attributes})


def ratio_values(code: str, num: int, den: int) -> dict:
    return {f"{code}.numerator": F(num), f"{code}.denominator": F(den)}


BANDS = Scoring("points_by_bands", input="ratio", percent=True,
                bands=(PointBand(F(9, 10), F(10)), PointBand(F(7, 10), F(6)), PointBand(F(1, 2), F(2))))
CAPPED = Scoring("ratio_capped", input="ratio", percent=True, threshold=F(4, 5))
ALL = Scoring("all_or_nothing", input="ratio", percent=True, target=Target(">=", F(4, 5)))
YES = Scoring("all_or_nothing", target=Target("=", True))
AVERAGE = Scoring("relative_to_average", input="ratio", percent=True, base=F(3), step=F(1, 200), step_points=F(1, 4))
FIXED = Scoring("relative_to_reference", input="ratio", percent=True, reference=F(7, 10), base=F(3), step=F(1, 20),
                step_points=F(1, 2))


def one(ind: Indicator, values: dict, unit: UnitInfo | None = None):
    return evaluate_unit(framework(ind), unit or commune("A"), values, "2025").indicator(ind.code)


# ---- points by bands


def test_bands_give_the_points_of_the_first_band_reached():
    ind = scored("b", BANDS)
    r = one(ind, ratio_values("b", 93, 100))
    assert (r.status, r.points, r.max_points) == ("met", F(10), F(10))
    assert r.explanation == "93/100 = 93% ≥ 90% → 10/10 điểm"
    assert one(ind, ratio_values("b", 70, 100)).points == F(6)  # exactly at the band's minimum
    assert one(ind, ratio_values("b", 699, 1000)).points == F(2)
    low = one(ind, ratio_values("b", 49, 100))
    assert (low.status, low.points) == ("met", F(0))
    assert low.explanation == "49/100 = 49%, dưới mức thấp nhất 50% → 0/10 điểm"
    assert low.target_text == "≥ 90%: 10 điểm; ≥ 70%: 6 điểm; ≥ 50%: 2 điểm"


def test_bands_on_a_number():
    ind = scored("n", Scoring("points_by_bands", bands=(PointBand(F(4), F(5)), PointBand(F(2), F(3)))), maximum=5,
                 unit_label="phần mềm")
    r = one(ind, {"n.value": F(3)})
    assert (r.points, r.explanation) == (F(3), "3 phần mềm ≥ 2 → 3/5 điểm")


# ---- ratio to a threshold, capped


def test_ratio_capped_is_pro_rata_below_the_threshold_and_full_above():
    ind = scored("r", CAPPED)
    # 60% of an 80% threshold: 60/80 × 10 = 7,5
    r = one(ind, ratio_values("r", 60, 100))
    assert (r.status, r.points) == ("met", F(15, 2))
    assert r.explanation == "60/100 = 60% ÷ 80% × 10 = 7,5/10 điểm"
    # 2/3 ÷ 4/5 × 10 = 25/3, kept exact, shown rounded
    third = one(ind, ratio_values("r", 2, 3))
    assert third.points == F(25, 3)
    assert third.explanation == "2/3 = 66,67% ÷ 80% × 10 = 8,33/10 điểm"
    full = one(ind, ratio_values("r", 81, 100))
    assert (full.points, full.explanation) == (F(10), "81/100 = 81% ≥ 80% → 10/10 điểm")


def test_ratio_input_is_checked_like_a_ratio():
    ind = scored("r", CAPPED)
    assert one(ind, {"r.numerator": F(5)}).status == "missing"
    assert one(ind, {"r.numerator": F(5)}).explanation == "Chưa có số liệu: mẫu số"
    over = one(ind, ratio_values("r", 11, 10))
    assert (over.status, over.explanation, over.points) == ("invalid", "Tử số (11) lớn hơn mẫu số (10)", None)
    assert one(ind, ratio_values("r", 0, 0)).explanation == "Mẫu số bằng 0"
    assert one(ind, {"r.numerator": F(1, 2), "r.denominator": F(3)}).status == "invalid"


def test_a_share_typed_as_a_whole_number_is_refused():
    ind = scored("v", Scoring("ratio_capped", percent=True, threshold=F(4, 5)))
    bad = one(ind, {"v.value": F(75)})
    assert bad.status == "invalid"
    assert bad.explanation == "Tỷ lệ phải từ 0% đến 100% (gặp 75; viết 74,1% hoặc 0,741)"
    good = one(ind, {"v.value": "75%"})
    assert (good.status, good.points, good.explanation) == ("met", F(75, 8), "75% ÷ 80% × 10 = 9,38/10 điểm")


# ---- all or nothing


def test_all_or_nothing():
    ind = scored("a", ALL)
    met = one(ind, ratio_values("a", 4, 5))
    assert (met.points, met.explanation) == (F(10), "4/5 = 80% ≥ 80% → 10/10 điểm")
    miss = one(ind, ratio_values("a", 79, 100))
    assert (miss.status, miss.points) == ("met", F(0))
    assert miss.explanation == "79/100 = 79%, chưa đạt ≥ 80% → 0/10 điểm"
    yes = scored("y", YES, maximum=2)
    assert one(yes, {"y.value": "Có"}).explanation == "Có → 2/2 điểm"
    no = one(yes, {"y.value": False})
    assert (no.points, no.explanation) == (F(0), "Không, chưa đạt Có → 0/2 điểm")


def test_minimum_points_still_block_like_entered_points():
    ind = scored("a", ALL, minimum_points={"default": F(5)})
    r = one(ind, ratio_values("a", 1, 2))
    assert (r.status, r.points) == ("not_met", F(0))
    assert r.explanation == "1/2 = 50%, chưa đạt ≥ 80% → 0/10 điểm, dưới mức tối thiểu 5 điểm"
    unit = evaluate_unit(framework(ind), commune("A"), ratio_values("a", 1, 2), "2025")
    assert unit.score.categories[0].reason == "Tiêu chí a đạt 0 điểm, dưới mức tối thiểu 5 điểm"


# ---- relative to a fixed reference and to the group average


def test_relative_to_reference_pro_rata_and_cap():
    ind = scored("s", FIXED, maximum=5)
    assert one(ind, ratio_values("s", 70, 100)).points == F(3)  # at the reference: base
    # 83%: 13 points above 70%, 13 ÷ 5 × 0,5 = 1,3 → 4,3
    r = one(ind, ratio_values("s", 83, 100))
    assert r.points == F(43, 10)
    assert r.explanation == "83/100 = 83%, cao hơn mức 70% 13 điểm %: 3 + 0,5 × (13 ÷ 5) = 4,3/5 điểm"
    # 100%: 3 + 0,5 × 6 = 6, capped at 5
    top = one(ind, ratio_values("s", 1, 1))
    assert top.points == F(5)
    assert top.explanation.endswith("= 6, vượt mức tối đa → 5/5 điểm")


def test_whole_steps_count_only_completed_steps():
    whole = Scoring("relative_to_reference", input="ratio", percent=True, reference=F(7, 10), base=F(3),
                    step=F(1, 20), step_points=F(1, 2), increments="whole_steps")
    r = one(scored("s", whole, maximum=5), ratio_values("s", 83, 100))
    assert r.points == F(4)  # 2 whole steps of 5 points
    assert r.explanation == "83/100 = 83%, cao hơn mức 70% 13 điểm %: 3 + 0,5 × 2 bước đủ 5 điểm % = 4/5 điểm"


def test_group_average_leaves_out_units_without_a_value_or_to_which_it_does_not_apply():
    ind = scored("1", AVERAGE, maximum=5, applies_if={"loai_don_vi": ("xã", "phường")})
    fw = framework(ind)
    units = [commune("A"), commune("B"), commune("C", "phường"), commune("D", "đặc khu"), commune("E"),
             commune("F")]
    values = {
        "A": ratio_values("1", 60, 100), "B": ratio_values("1", 80, 100), "C": ratio_values("1", 1, 1),
        "D": ratio_values("1", 0, 10),  # not applicable to a đặc khu: not in the average
        "E": {"1.numerator": F(5)},  # no denominator: missing, not in the average
        "F": ratio_values("1", 11, 10),  # invalid: not in the average
    }
    averages = group_averages(fw, units, values, "2025")
    assert averages == {"1": {("commune",): GroupAverage(F(4, 5), 3)}}  # (60% + 80% + 100%) / 3
    ev = evaluate(fw, units, values, "2025")
    statuses = {r.unit.code: r.indicator("1").status for r in ev.results}
    assert statuses == {"A": "met", "B": "met", "C": "met", "D": "not_applicable", "E": "missing", "F": "invalid"}
    assert ev.result("B").indicator("1").explanation == (
        "80/100 = 80%, không cao hơn trung bình nhóm 80% (3 đơn vị) → 3/5 điểm")
    assert ev.result("D").indicator("1").explanation == (
        "Không áp dụng cho đơn vị này (chỉ áp dụng khi loai_don_vi = xã hoặc phường)")


def test_pooled_average_and_groups_by_attribute():
    pooled = Scoring("relative_to_average", input="ratio", percent=True, base=F(3), step=F(1, 200),
                     step_points=F(1, 4), average="pooled", group_by=("loai_don_vi",))
    fw = framework(scored("1", pooled, maximum=5))
    units = [commune("A"), commune("B", "Xã"), commune("C", "phường")]
    values = {"A": ratio_values("1", 1, 10), "B": ratio_values("1", 90, 90), "C": ratio_values("1", 1, 2)}
    averages = group_averages(fw, units, values, "2025")
    # xã: (1 + 90) / (10 + 90) = 91%, "xã" and "Xã" are one group; the phường alone: 50%
    assert averages["1"] == {("commune", "xã"): GroupAverage(F(91, 100), 2),
                             ("commune", "phường"): GroupAverage(F(1, 2), 1)}
    ev = evaluate(fw, units, values, "2025")
    # B: 100% is 9 points above 91%: 3 + 0,25 × 18 = 7,5, capped at 5
    assert ev.result("B").indicator("1").points == F(5)
    assert ev.result("C").indicator("1").points == F(3)


def test_evaluate_unit_alone_has_no_average_and_says_so():
    ind = scored("1", AVERAGE, maximum=5)
    fw = framework(ind)
    alone = evaluate_unit(fw, commune("A"), ratio_values("1", 3, 4), "2025").indicator("1")
    assert (alone.status, alone.points) == ("met", None)
    assert alone.explanation == ("3/4 = 75%: chưa có trung bình nhóm để tính điểm "
                                 "(điểm chỉ tính được khi đánh giá cùng các đơn vị trong nhóm)")
    given_average = {"1": {("commune",): GroupAverage(F(7, 10), 12)}}
    r = evaluate_unit(fw, commune("A"), ratio_values("1", 18, 25), "2025", averages=given_average).indicator("1")
    assert r.points == F(4)  # 72% is 2 points above 70%: 3 + 0,25 × (2 ÷ 0,5) = 4


def test_evaluate_takes_averages_worked_out_over_more_units():
    fw = framework(scored("1", AVERAGE, maximum=5))
    province_wide = {"1": {("commune",): GroupAverage(F(7, 10), 100)}}
    ev = evaluate(fw, [commune("A")], {"A": ratio_values("1", 71, 100)}, "2025", averages=province_wide)
    # 1 point above 70%: 3 + 0,25 × (1 ÷ 0,5) = 3,5
    assert ev.result("A").indicator("1").points == F(7, 2)
    assert ev.result("A").indicator("1").explanation == (
        "71/100 = 71%, cao hơn trung bình nhóm 70% (100 đơn vị) 1 điểm %: 3 + 0,25 × (1 ÷ 0,5) = 3,5/5 điểm")


def test_compares_units_only_for_relative_to_average():
    assert framework(scored("1", AVERAGE)).compares_units is True
    assert framework(scored("1", FIXED), scored("2", CAPPED)).compares_units is False


def test_a_category_without_bands_adds_up_and_is_not_blocked():
    fw = framework(scored("1", CAPPED), scored("2", ALL))
    result = evaluate_unit(fw, commune("A"), {**ratio_values("1", 2, 5), **ratio_values("2", 9, 10)}, "2025")
    [cat] = result.score.categories
    # 40/80 × 10 = 5, plus 10
    assert (cat.points, cat.max_points, cat.ranked, cat.level, cat.reason) == (F(15), F(20), True, None, "")


def test_computed_results_pickle_and_compare_equal():
    r = one(scored("r", CAPPED), ratio_values("r", 60, 100))
    assert pickle.loads(pickle.dumps(r)) == r


# ---- properties


@settings(max_examples=150, deadline=None)
@given(num=st.integers(0, 500), extra=st.integers(0, 500), maximum=st.integers(1, 20),
       scoring=st.sampled_from([BANDS, CAPPED, ALL, FIXED]))
def test_points_stay_within_zero_and_the_maximum(num: int, extra: int, maximum: int, scoring: Scoring) -> None:
    den = max(num + extra, 1)
    r = one(scored("p", scoring, maximum=max(maximum, 10)), ratio_values("p", min(num, den), den))
    assert r.status == "met"
    assert 0 <= r.points <= r.max_points


@settings(max_examples=60, deadline=None)
@given(rates=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 200)), min_size=1, max_size=8))
def test_relative_to_average_is_base_at_or_below_the_average_and_capped_above(rates) -> None:
    fw = framework(scored("1", AVERAGE, maximum=5))
    units = [commune(str(i)) for i in range(len(rates))]
    values = {str(i): ratio_values("1", min(n, d), d) for i, (n, d) in enumerate(rates)}
    average = sum((F(min(n, d), d) for n, d in rates), F(0)) / len(rates)
    ev = evaluate(fw, units, values, "2025")
    for i, (n, d) in enumerate(rates):
        r = ev.result(str(i)).indicator("1")
        rate = F(min(n, d), d)
        assert F(3) <= r.points <= F(5)
        if rate <= average:
            assert r.points == F(3)
        else:
            assert r.points == min(F(3) + (rate - average) / F(1, 200) * F(1, 4), F(5))


def test_applicability_by_unit_type_and_commune_group():
    """``applies_if`` reads unit attributes: xã / phường / đặc khu (``loai_don_vi``), commune group (``nhom_xa``)."""
    ind = scored("g", ALL, applies_if={"loai_don_vi": "xã", "nhom_xa": (1, 2)})
    fw = framework(ind)
    units = [commune("A", nhom_xa=2), commune("B", nhom_xa="3"), commune("C", "phường", nhom_xa=1), commune("D")]
    ev = evaluate(fw, units, {u.code: ratio_values("g", 9, 10) for u in units}, "2025")
    assert [ev.result(u.code).indicator("g").status for u in units] == ["met", "not_applicable", "not_applicable",
                                                                         "not_applicable"]
    assert ev.result("B").indicator("g").explanation == (
        "Không áp dụng cho đơn vị này (chỉ áp dụng khi loai_don_vi = xã, nhom_xa = 1 hoặc 2)")


@settings(max_examples=100, deadline=None)
@given(a=st.tuples(st.integers(0, 300), st.integers(1, 300)), b=st.tuples(st.integers(0, 300), st.integers(1, 300)),
       scoring=st.sampled_from([BANDS, CAPPED, ALL, FIXED]))
def test_a_higher_rate_never_earns_fewer_points(a, b, scoring: Scoring) -> None:
    ind = scored("p", scoring)
    low, high = sorted([F(min(n, d), d) for n, d in (a, b)])
    lo = one(ind, ratio_values("p", low.numerator, low.denominator))
    hi = one(ind, ratio_values("p", high.numerator, high.denominator))
    assert lo.points <= hi.points


def test_rules_see_the_counts_and_a_unit_failing_one_is_left_out_of_the_average():
    from chiso.engine.model import Rule

    rule = Rule("denominator >= 10", "Ít nhất 10 hồ sơ mới được chấm.")
    fw = framework(scored("1", AVERAGE, maximum=5, rules=(rule,)))
    units = [commune("A"), commune("B"), commune("C")]
    values = {"A": ratio_values("1", 6, 10), "B": ratio_values("1", 8, 10), "C": ratio_values("1", 1, 1)}
    assert group_averages(fw, units, values, "2025") == {"1": {("commune",): GroupAverage(F(7, 10), 2)}}
    ev = evaluate(fw, units, values, "2025")
    c = ev.result("C").indicator("1")
    assert (c.status, c.explanation) == ("invalid", "Ít nhất 10 hồ sơ mới được chấm.")
    # B: 80% is 10 points above 70%: 3 + 0,25 × 20 = 8, capped at 5
    assert ev.result("B").indicator("1").points == F(5)
