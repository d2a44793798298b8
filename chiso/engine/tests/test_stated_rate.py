"""Stated rates (``<code>.rate``): a ratio given only as a percentage, and a stated rate checked
against its counts (issue 11, item 5).

Seed 002 gives 10 of NQ 17's 21 results only as a percentage ("98,7%" for indicator 16);
seed 004 states 11/19 as "tỷ lệ 60%" — the counts give 57,89%.
"""

from __future__ import annotations

import pickle
from fractions import Fraction as F

from chiso.engine.evaluate import evaluate, evaluate_unit
from chiso.engine.model import RATE_TOLERANCE, Indicator, StatedRate, Target, TargetRule

from .fixtures import PROVINCE, RANGE, framework, ge, ratio

WORK = framework(ratio("16", "Hồ sơ công việc cấp tỉnh xử lý trên môi trường mạng", ge("0.9")))


def _one(fw, values, unit=PROVINCE, period="2025-01"):
    return evaluate_unit(fw, unit, values, period).indicators[0]


def test_a_stated_rate_alone_is_judged_against_the_target_and_says_it_is_stated():
    r = _one(WORK, {"16.rate": F("0.987")})  # seed 002, indicator 16: 98,7% against 90%
    assert r.status == "met"
    assert r.value == F("0.987")
    assert r.explanation.startswith("Tỷ lệ nêu trong báo cáo 98,7% ≥ 90% → Đạt")
    assert "chưa có tử số và mẫu số" in r.explanation
    assert r.stated == StatedRate(rate=F("0.987"), computed=None, differs=False,
                                  note="Tỷ lệ nêu trong báo cáo 98,7%, chưa có số liệu để đối chiếu")
    assert r.stated.used and r.stated.difference is None
    assert r.inputs == {"rate": F("0.987")}


def test_a_stated_rate_below_the_target_is_not_met():
    r = _one(WORK, {"16.rate": F("0.85")})
    assert r.status == "not_met"
    assert r.explanation.startswith("Tỷ lệ nêu trong báo cáo 85%, chưa đạt mục tiêu ≥ 90%")


def test_a_stated_rate_against_a_range_target():
    r = _one(RANGE, {"20.rate": F("0.5")})  # seed 002, indicator 20: 50% against "Từ 30% - 50%"
    assert r.status == "met"
    assert "trong khoảng từ 30% đến 50%" in r.explanation
    assert _one(RANGE, {"20.rate": F("0.55")}).status == "not_met"


def test_seed_004_eleven_of_nineteen_stated_as_sixty_percent_is_flagged():
    r = _one(WORK, {"16.numerator": F(11), "16.denominator": F(19), "16.rate": F("0.6")})
    assert r.status == "not_met"  # the counts decide: 57,89% < 90%
    assert r.value == F(11, 19)
    assert r.stated.rate == F("0.6") and r.stated.computed == F(11, 19)
    assert r.stated.differs is True and not r.stated.used
    assert r.stated.difference == F("0.6") - F(11, 19)
    assert r.stated.note == ("Tỷ lệ nêu trong báo cáo 60% khác tỷ lệ tính từ số liệu: 57,89% ≠ 60% "
                             "(lệch 2,11 điểm phần trăm, quá 0,5 điểm)")
    assert r.explanation == ("11/19 = 57,89%, chưa đạt mục tiêu ≥ 90%; tỷ lệ nêu trong báo cáo 60% khác "
                             "tỷ lệ tính từ số liệu: 57,89% ≠ 60% (lệch 2,11 điểm phần trăm, quá 0,5 điểm)")


def test_seed_002_rounded_rates_beside_their_counts_are_not_flagged():
    fw = framework(ratio("2", "", ge("0.5")), ratio("11", "", TargetRule(Target("=", F(1)))),
                   ratio("15", "", TargetRule(Target("=", F(1)))))
    values = {
        "2.numerator": F(54919), "2.denominator": F(58669), "2.rate": F("0.936"),      # 93,6%
        "11.numerator": F(54935), "11.denominator": F(62922), "11.rate": F("0.873"),   # 87,3%
        "15.numerator": F(32177), "15.denominator": F(32656), "15.rate": F("0.9853"),  # 98,53%
    }
    results = evaluate_unit(fw, PROVINCE, values, "2025-01").indicators
    assert [r.status for r in results] == ["met", "not_met", "not_met"]
    assert [r.stated.differs for r in results] == [False, False, False]
    assert results[0].stated.note == "Tỷ lệ nêu trong báo cáo 93,6% khớp tỷ lệ tính từ số liệu 93,61%"
    assert "tỷ lệ nêu" not in results[0].explanation  # only a difference is added to the explanation


def test_the_tolerance_is_half_a_percentage_point_exclusive():
    assert RATE_TOLERANCE == F(1, 200)
    at = _one(WORK, {"16.numerator": F(900), "16.denominator": F(1000), "16.rate": F("0.905")})
    beyond = _one(WORK, {"16.numerator": F(900), "16.denominator": F(1000), "16.rate": F("0.9051")})
    assert at.stated.differs is False and beyond.stated.differs is True


def test_counts_win_and_invalid_counts_stay_invalid_whatever_rate_is_stated():
    r = _one(WORK, {"16.numerator": F(20), "16.denominator": F(19), "16.rate": F("0.95")})
    assert r.status == "invalid" and r.explanation.startswith("Tử số (20) lớn hơn mẫu số (19)")
    # one count present, the other missing: the stated rate stands in, naming what is missing
    half = _one(WORK, {"16.numerator": F(5), "16.rate": F("0.95")})
    assert half.status == "met" and "chưa có mẫu số để đối chiếu" in half.explanation


def test_an_impossible_stated_rate_is_invalid():
    r = _one(WORK, {"16.rate": F("98.7")})  # 9.870%: "98,7" typed without the % sign
    assert r.status == "invalid"
    assert "phải từ 0% đến 100%" in r.explanation and "98,7%" in r.explanation
    assert _one(WORK, {"16.rate": "nhiều"}).status == "invalid"


def test_a_unit_that_stated_only_rates_has_reported():
    result = evaluate_unit(WORK, PROVINCE, {"16.rate": F("0.987")}, "2025-01")
    assert result.status == "complete" and result.met == 1 and result.applicable == 1
    assert evaluate_unit(WORK, PROVINCE, {}, "2025-01").status == "not_reported"


def test_a_composite_item_takes_a_stated_rate_too():
    fw = framework(Indicator(code="8.4", name="Ứng dụng CNTT", kind="composite",
                             items=(ratio("c", "Tỷ lệ hồ sơ trực tuyến", ge("0.3")),)))
    r = evaluate_unit(fw, PROVINCE, {"8.4.c.rate": F("0.8966")}, "2024").indicators[0]
    assert r.status == "met" and r.items[0].stated.rate == F("0.8966")
    assert fw.stated_rate_ids() == ["8.4.c.rate"]


def test_the_fast_path_and_the_stored_result_carry_the_same_flag():
    units = [PROVINCE]
    values = {PROVINCE.code: {"16.numerator": F(11), "16.denominator": F(19), "16.rate": F("0.6")}}
    r = evaluate(WORK, units, values, "2025-01").results[0].indicators[0]
    again = pickle.loads(pickle.dumps(r))
    assert again == r and again.stated.differs and again.stated.note == r.stated.note
    plain = evaluate(WORK, units, {PROVINCE.code: {"16.numerator": F(11), "16.denominator": F(19)}},
                     "2025-01").results[0].indicators[0]
    assert plain.stated is None and plain.status == "not_met"
