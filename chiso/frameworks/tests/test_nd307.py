"""Decree 307/2025/NĐ-CP's digital criteria (``nd307-2025-so``) worked by hand, and the ``scoring`` block of the format."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from chiso.engine.evaluate import evaluate
from chiso.engine.model import UnitInfo
from chiso.engine.numbers import format_number
from chiso.frameworks.loader import (
    LIBRARY_DIR,
    FrameworkError,
    load_framework_file,
    parse_framework_text,
)

ND307 = load_framework_file(LIBRARY_DIR / "nd307-2025-so.yaml")


def commune(code: str, kind: str) -> UnitInfo:
    return UnitInfo(code=code, name=code, level="commune", attributes={"loai_don_vi": kind})


def counts(code: str, num: int, den: int) -> dict:
    return {f"{code}.numerator": F(num), f"{code}.denominator": F(den)}


def test_the_bundled_file_states_the_decree_and_its_two_criteria() -> None:
    legal = ND307.legal_basis
    assert (legal.number, legal.date, legal.issuer) == ("307/2025/NĐ-CP", date(2025, 11, 27), "Chính phủ")
    assert legal.title
    assert ND307.kind == "score" and ND307.levels == ("commune",)
    assert [i.code for i in ND307.indicators] == ["1", "2-xa", "2-phuong"]
    online, signed_xa, signed_phuong = ND307.indicators
    assert online.applies_if == {"loai_don_vi": ("xã", "phường")}
    s = online.scoring
    assert (s.method, s.input, s.base, s.step, s.step_points, s.increments) == (
        "relative_to_average", "ratio", F(3), F(1, 200), F(1, 4), "pro_rata")
    assert online.max_points == {"default": F(5)}
    assert (signed_xa.scoring.reference, signed_phuong.scoring.reference) == (F(7, 10), F(4, 5))
    for ind in (signed_xa, signed_phuong):
        assert (ind.scoring.base, ind.scoring.step, ind.scoring.step_points) == (F(3), F(1, 20), F(1, 2))
    assert ND307.element_ids() == ["1.numerator", "1.denominator", "2-xa.numerator", "2-xa.denominator",
                                   "2-phuong.numerator", "2-phuong.denominator"]
    for gap in ("điểm ưu tiên", "đặc khu", "cấp tỉnh", "average: pooled"):
        assert gap in ND307.description


def test_three_communes_against_their_province_average_by_hand() -> None:
    units = [commune("A", "xã"), commune("B", "xã"), commune("C", "phường"), commune("D", "đặc khu"),
             commune("E", "xã")]
    values = {
        # fully online ("toàn trình"): 60%, 74,1%, 83,4% → province average (60 + 74,1 + 83,4) / 3 = 72,5%
        "A": {**counts("1", 600, 1000), **counts("2-xa", 600, 800)},  # signed documents 75%
        "B": {**counts("1", 741, 1000), **counts("2-xa", 65, 100)},  # 65%
        "C": {**counts("1", 834, 1000), **counts("2-phuong", 83, 100)},  # 83%
        "D": counts("1", 10, 10),  # a đặc khu: the decree gives no rule, not in the average
        "E": counts("2-xa", 9, 10),  # no dossier figures: missing, not in the average (never 0)
    }
    ev = evaluate(ND307, units, values, "2025")

    def points(unit: str, code: str):
        return ev.result(unit).indicator(code).points

    # A: 60% ≤ 72,5% → 3; signed 75% is 5 points above 70% → 3 + 0,5 × (5 ÷ 5) = 3,5
    assert (points("A", "1"), points("A", "2-xa")) == (F(3), F(7, 2))
    # B: 1,6 points above → 3 + 0,25 × (1,6 ÷ 0,5) = 3,8 (pro rata); signed 65% ≤ 70% → 3
    assert (points("B", "1"), points("B", "2-xa")) == (F(19, 5), F(3))
    # C: 10,9 points above → 3 + 0,25 × 21,8 = 8,45, capped at 5; phường signed 83% → 3 + 0,5 × (3 ÷ 5) = 3,3
    assert (points("C", "1"), points("C", "2-phuong")) == (F(5), F(33, 10))
    assert [ev.result(u).score.points for u in "ABC"] == [F(13, 2), F(34, 5), F(83, 10)]
    assert {ev.result(u).score.max_points for u in "ABC"} == {F(10)}

    assert ev.result("B").indicator("1").explanation == (
        "741/1.000 = 74,1%, cao hơn trung bình nhóm 72,5% (3 đơn vị) 1,6 điểm %: 3 + 0,25 × (1,6 ÷ 0,5) = 3,8/5 điểm")
    assert ev.result("C").indicator("1").explanation == (
        "834/1.000 = 83,4%, cao hơn trung bình nhóm 72,5% (3 đơn vị) 10,9 điểm %: 3 + 0,25 × (10,9 ÷ 0,5) = 8,45, "
        "vượt mức tối đa → 5/5 điểm")
    assert ev.result("A").indicator("1").explanation == (
        "600/1.000 = 60%, không cao hơn trung bình nhóm 72,5% (3 đơn vị) → 3/5 điểm")
    assert ev.result("C").indicator("2-phuong").explanation == (
        "83/100 = 83%, cao hơn mức 80% 3 điểm %: 3 + 0,5 × (3 ÷ 5) = 3,3/5 điểm")
    assert ev.result("C").indicator("2-xa").status == "not_applicable"
    assert ev.result("D").indicator("1").status == "not_applicable"
    e = ev.result("E")
    # signed 90%: 3 + 0,5 × (20 ÷ 5) = 5, exactly the maximum
    assert (e.indicator("1").status, e.indicator("2-xa").points) == ("missing", F(5))
    [category] = ev.result("A").score.categories
    assert (category.ranked, category.level, format_number(category.points)) == (True, None, "6,5")


def test_a_rate_that_does_not_round_evenly_is_kept_exact() -> None:
    units = [commune("A", "xã"), commune("B", "xã"), commune("C", "xã")]
    values = {"A": counts("1", 1, 3), "B": counts("1", 1, 2), "C": counts("1", 2, 3)}
    ev = evaluate(ND307, units, values, "2025")
    # average (1/3 + 1/2 + 2/3) / 3 = 1/2; C is 1/6 above: 3 + 1/4 × (1/6 ÷ 1/200) = 3 + 25/3, capped at 5;
    # B is at the average exactly → 3
    assert [ev.result(u).indicator("1").points for u in "ABC"] == [F(3), F(3), F(5)]


# ---- the scoring block of the format

HEAD = """code: thu
version: "1"
title: Thử
kind: score
legal_basis: {number: 1/QĐ-UBND, issuer: UBND tỉnh}
levels: [commune]
categories:
  - {code: c, name: Hạng mục}
indicators:
"""


def parse(body: str):
    return parse_framework_text(HEAD + body, "thu.yaml")


def problems(body: str) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        parse(body)
    return [str(p) for p in caught.value.problems]


def test_every_method_loads_with_its_keys() -> None:
    fw = parse("""  - code: "1"
    name: Theo mức
    kind: score
    category: c
    max_points: 10
    scoring:
      method: points_by_bands
      bands: [{min: "90%", points: 10}, {min: "70%", points: 6}]
  - code: "2"
    name: Theo ngưỡng
    kind: score
    category: c
    max_points: 12
    scoring: {method: ratio_capped, input: ratio, threshold: "80%"}
  - code: "3"
    name: Đạt hay không
    kind: score
    category: c
    max_points: 2
    scoring: {method: all_or_nothing, target: {op: "=", value: true}}
  - code: "4"
    name: Số phần mềm
    kind: score
    category: c
    max_points: 5
    scoring: {method: all_or_nothing, target: ">= 4"}
""")
    bands, capped, yes, count = fw.indicators
    assert [(b.minimum, b.points) for b in bands.scoring.bands] == [(F(9, 10), F(10)), (F(7, 10), F(6))]
    assert bands.scoring.percent and bands.inputs == ("value",)
    assert (capped.scoring.threshold, capped.inputs) == (F(4, 5), ("numerator", "denominator"))
    assert yes.scoring.target.value is True
    assert (count.scoring.target.op, count.scoring.target.value, count.scoring.percent) == (">=", F(4), False)


def test_scoring_mistakes_are_named() -> None:
    found = problems("""  - code: "1"
    name: Thiếu khoá
    kind: score
    category: c
    max_points: 5
    scoring: {method: relative_to_reference, base: 3, step: "5%", step_points: 0.5, threshold: "80%"}
  - code: "2"
    name: Điểm vượt tối đa
    kind: score
    category: c
    max_points: 5
    scoring: {method: points_by_bands, bands: [{min: "50%", points: 6}, {min: "60%", points: 1}]}
  - code: "3"
    name: Không phải score
    kind: ratio
    target: ">= 50%"
    scoring: {method: ratio_capped, threshold: "80%"}
  - code: "4"
    name: Gộp không có tỷ lệ
    kind: score
    category: c
    max_points: 5
    scoring: {method: relative_to_average, base: 3, step: 1, step_points: 1, average: pooled}
  - code: "5"
    name: Mục tiêu có điều kiện
    kind: score
    category: c
    max_points: 5
    scoring: {method: all_or_nothing, target: {op: ">=", value: "50%", level: commune}}
""")
    text = "\n".join(found)
    assert "indicators[0].scoring.reference: cách tính relative_to_reference cần “reference”" in text
    assert "indicators[0].scoring.threshold: “threshold” không dùng với cách tính relative_to_reference" in text
    assert "indicators[1].scoring.bands[0].points: points (6) lớn hơn điểm tối đa (5)" in text
    assert "indicators[1].scoring.bands[1].min: các mức phải xếp từ cao xuống thấp" in text
    assert "indicators[2].scoring: scoring chỉ dùng cho tiêu chí chấm điểm (score), chỉ tiêu này là ratio" in text
    assert "indicators[3].scoring.average: average: pooled" in text
    assert "indicators[4].scoring.target.level: mục tiêu của cách tính điểm không có điều kiện" in text


def test_unknown_method_is_a_schema_error() -> None:
    [found] = problems("""  - code: "1"
    name: A
    kind: score
    category: c
    max_points: 5
    scoring: {method: average}
""")
    assert "indicators[0].scoring.method: cần một trong points_by_bands, ratio_capped" in found
