"""Verdicts per indicator and per unit, with the explanation each red mark carries."""

from fractions import Fraction as F

import pytest

from chiso.engine.evaluate import Evaluation, evaluate, evaluate_unit
from chiso.engine.model import Indicator, Target, TargetRule
from chiso.engine.periods import parse_period

from .fixtures import (
    COMMUNE,
    DISTRICT,
    IT_84,
    IT_84_MET,
    LOUDSPEAKERS,
    LOWLAND,
    MILESTONES,
    MOUNTAIN,
    NQ17,
    PROVINCE,
    RANGE,
    SEED_002_VALUES,
    WORK_DOSSIERS,
    framework,
    ge,
    ratio,
    unit,
)


def one(fw, values, who=PROVINCE, period="2025-01", code=None):
    result = evaluate_unit(fw, who, values, period)
    return result.indicator(code or fw.indicators[0].code)


# --------------------------------------------------------------- seed 002 golden cases


def test_seed_002_online_dossiers_met_at_50_percent():
    r = one(NQ17, SEED_002_VALUES, code="2")
    assert r.status == "met"
    assert r.value == F(54919, 58669)
    assert r.target_text == "≥ 50%"
    assert r.explanation == "54.919/58.669 = 93,61% ≥ 50% → Đạt"
    assert r.inputs == {"numerator": F(54919), "denominator": F(58669)}


def test_seed_002_e_dossier_services_not_met_against_100_percent():
    r = one(NQ17, SEED_002_VALUES, code="11")
    assert r.status == "not_met"
    assert r.value == F(54935, 62922)
    assert r.target_text == "= 100%"
    assert r.explanation == "54.935/62.922 = 87,31%, chưa đạt mục tiêu = 100%"


def test_seed_002_e_documents_not_met_against_100_percent():
    r = one(NQ17, SEED_002_VALUES, code="15")
    assert r.status == "not_met"
    assert r.explanation == "32.177/32.656 = 98,53%, chưa đạt mục tiêu = 100%"


def test_seed_002_province_is_incomplete_with_one_of_three():
    result = evaluate_unit(NQ17, PROVINCE, SEED_002_VALUES, "2025-01")
    assert (result.status, result.met, result.applicable) == ("incomplete", 1, 3)


def test_text_indicators_are_shown_not_counted():
    r = one(NQ17, SEED_002_VALUES, code="1")
    assert r.status == "not_applicable"
    assert r.explanation == "Chỉ tiêu mô tả, không tính đạt/không đạt"
    assert r.value == "Tích hợp 100% dịch vụ công trực tuyến"


def test_framework_decimals_drive_the_explanation():
    from dataclasses import replace

    r = one(replace(NQ17, decimals=1), SEED_002_VALUES, code="2")
    assert r.explanation == "54.919/58.669 = 93,6% ≥ 50% → Đạt"


def test_a_near_miss_never_reads_as_equal_to_the_target():
    fw = framework(ratio("15", "", TargetRule(Target("=", F(1)))))
    r = one(fw, {"15.numerator": F(99999), "15.denominator": F(100000)})
    assert r.status == "not_met"
    assert r.explanation == "99.999/100.000 = 99,999%, chưa đạt mục tiêu = 100%"


# --------------------------------------------------------------- ratio edge cases

FW = framework(ratio("2", "Tỷ lệ hồ sơ trực tuyến", ge("0.5")))


@pytest.mark.parametrize(
    ("values", "status", "explanation"),
    [
        ({}, "missing", "Chưa có số liệu: tử số, mẫu số"),
        ({"2.numerator": F(5)}, "missing", "Chưa có số liệu: mẫu số"),
        ({"2.denominator": F(5)}, "missing", "Chưa có số liệu: tử số"),
        ({"2.numerator": None, "2.denominator": F(5)}, "missing", "Chưa có số liệu: tử số"),
        ({"2.numerator": F(0), "2.denominator": F(0)}, "invalid", "Mẫu số bằng 0"),
        ({"2.numerator": F(-1), "2.denominator": F(5)}, "invalid", "Tử số là số âm (-1)"),
        ({"2.numerator": F(1), "2.denominator": F(-5)}, "invalid", "Mẫu số là số âm (-5)"),
        ({"2.numerator": F(3, 2), "2.denominator": F(5)}, "invalid", "Tử số phải là số nguyên (1,5)"),
        ({"2.numerator": F(60), "2.denominator": F(50)}, "invalid", "Tử số (60) lớn hơn mẫu số (50)"),
        ({"2.numerator": F(25), "2.denominator": F(50)}, "met", "25/50 = 50% ≥ 50% → Đạt"),
        ({"2.numerator": F(0), "2.denominator": F(50)}, "not_met", "0/50 = 0%, chưa đạt mục tiêu ≥ 50%"),
        ({"2.numerator": "12a", "2.denominator": F(50)}, "invalid", 'Không đọc được "12a" thành số'),
        ({"2.numerator": True, "2.denominator": F(50)}, "invalid", '"Có" không phải là số'),
    ],
)
def test_ratio_statuses(values, status, explanation):
    r = one(FW, values)
    assert (r.status, r.explanation) == (status, explanation)


def test_missing_input_names_its_label_when_the_framework_gives_one():
    fw = framework(ratio("2", "", ge("0.5"), input_labels={"numerator": "Hồ sơ trực tuyến"}))
    assert one(fw, {"2.denominator": F(3)}).explanation == "Chưa có số liệu: tử số (Hồ sơ trực tuyến)"


def test_ratio_values_typed_as_text_or_ints_are_read():
    r = one(FW, {"2.numerator": "54.919", "2.denominator": 58669})
    assert r.status == "met"
    assert r.value == F(54919, 58669)


# --------------------------------------------------------------- applicability and targets


def test_level_specific_targets_90_80_65():
    values = {"8.numerator": F(70), "8.denominator": F(100)}
    assert one(WORK_DOSSIERS, values, PROVINCE).status == "not_met"
    assert one(WORK_DOSSIERS, values, PROVINCE).target_text == "≥ 90%"
    assert one(WORK_DOSSIERS, values, DISTRICT).status == "not_met"
    assert one(WORK_DOSSIERS, values, DISTRICT).explanation == "70/100 = 70%, chưa đạt mục tiêu ≥ 80%"
    assert one(WORK_DOSSIERS, values, COMMUNE).status == "met"
    assert one(WORK_DOSSIERS, values, COMMUNE).explanation == "70/100 = 70% ≥ 65% → Đạt"


def test_attribute_targets_lowland_100_mountain_90():
    values = {"8.3.numerator": F(19), "8.3.denominator": F(20)}  # 95% of hamlets
    low = one(LOUDSPEAKERS, values, LOWLAND, "2024")
    high = one(LOUDSPEAKERS, values, MOUNTAIN, "2024")
    assert (low.status, low.explanation) == ("not_met", "19/20 = 95%, chưa đạt mục tiêu = 100%")
    assert (high.status, high.explanation) == ("met", "19/20 = 95% ≥ 90% → Đạt")


def test_no_target_for_the_unit_means_not_applicable():
    r = one(LOUDSPEAKERS, {"8.3.numerator": F(1), "8.3.denominator": F(1)}, unit("X", "commune"), "2024")
    assert r.status == "not_applicable"
    assert r.explanation == "Không áp dụng: chưa có mục tiêu cho cấp xã năm 2024"


def test_level_outside_the_indicator_is_not_applicable():
    r = one(LOUDSPEAKERS, {"8.3.numerator": F(1), "8.3.denominator": F(1)}, DISTRICT, "2024")
    assert (r.status, r.explanation) == ("not_applicable", "Không áp dụng cho cấp huyện")


def test_applies_if_attributes():
    fw = framework(ratio("9", "", ge("0.5"), applies_if={"border": "yes"}))
    values = {"9.numerator": F(1), "9.denominator": F(4)}
    assert one(fw, values, unit("A", attributes={"border": "YES"})).status == "not_met"
    r = one(fw, values, unit("B", attributes={"border": "no"}))
    assert r.status == "not_applicable"
    assert r.explanation == "Không áp dụng cho đơn vị này (chỉ áp dụng khi border = yes)"


def test_year_milestones_60_then_90():
    values = {"14.numerator": F(13), "14.denominator": F(20)}  # 65%, seed 000
    r2023 = one(MILESTONES, values, period="2023")
    r2025 = one(MILESTONES, values, period="2025-Q2")
    assert (r2023.status, r2023.explanation) == ("met", "13/20 = 65% ≥ 60% → Đạt")
    assert (r2025.status, r2025.explanation) == ("not_met", "13/20 = 65%, chưa đạt mục tiêu ≥ 90%")


@pytest.mark.parametrize(
    ("num", "status", "explanation"),
    [
        (40, "met", "40/100 = 40%, trong khoảng từ 30% đến 50% → Đạt"),
        (30, "met", "30/100 = 30%, trong khoảng từ 30% đến 50% → Đạt"),
        (50, "met", "50/100 = 50%, trong khoảng từ 30% đến 50% → Đạt"),
        (29, "not_met", "29/100 = 29%, chưa đạt mục tiêu từ 30% đến 50%"),
        (51, "not_met", "51/100 = 51%, chưa đạt mục tiêu từ 30% đến 50%"),
    ],
)
def test_range_target_30_to_50(num, status, explanation):
    r = one(RANGE, {"20.numerator": F(num), "20.denominator": F(100)})
    assert (r.status, r.explanation, r.target_text) == (status, explanation, "từ 30% đến 50%")


# --------------------------------------------------------------- boolean and number

BOOL = framework(Indicator(code="5", name="Cổng thông tin có giao diện di động", kind="boolean"))


@pytest.mark.parametrize(
    ("value", "status", "explanation"),
    [
        (True, "met", "Có → Đạt"),
        (False, "not_met", "Không, chưa đạt mục tiêu Có"),
        ("Có", "met", "Có → Đạt"),
        ("không đạt", "not_met", "Không, chưa đạt mục tiêu Có"),
        (None, "missing", "Chưa trả lời Có/Không"),
        ("có lẽ", "invalid", 'Không đọc được "có lẽ" thành Có/Không (ghi Có hoặc Không, Đạt hoặc Không đạt)'),
    ],
)
def test_boolean(value, status, explanation):
    r = one(BOOL, {"5.value": value})
    assert (r.status, r.explanation, r.target_text) == (status, explanation, "Có")


NUMBER = framework(Indicator(code="7", name="Điểm bưu điện", kind="number", targets=(ge(1),), unit_label="điểm"))


@pytest.mark.parametrize(
    ("value", "status", "explanation"),
    [
        (F(2), "met", "2 điểm ≥ 1 → Đạt"),
        (F(0), "not_met", "0 điểm, chưa đạt mục tiêu ≥ 1"),
        (F(-1), "invalid", "Giá trị âm (-1)"),
        (None, "missing", "Chưa có số liệu: giá trị"),
    ],
)
def test_number(value, status, explanation):
    r = one(NUMBER, {"7.value": value})
    assert (r.status, r.explanation) == (status, explanation)


def test_number_with_upper_bound():
    fw = framework(Indicator(code="3", name="Tỷ lệ hồ sơ trễ hạn", kind="number", targets=(TargetRule(Target("<=", F(10))),)))
    assert one(fw, {"3.value": F(10)}).status == "met"
    assert one(fw, {"3.value": F(11)}).explanation == "11, chưa đạt mục tiêu ≤ 10"


# --------------------------------------------------------------- composite 8.4


def test_composite_84_met_with_seed_003_figures():
    r = one(IT_84, IT_84_MET, COMMUNE, "2024")
    assert r.status == "met"
    c = r.items[2]
    assert c.code == "8.4.c"
    assert (c.status, c.explanation) == ("met", "373/416 = 89,66% ≥ 30% → Đạt")
    assert [i.code for i in r.items] == ["8.4.a", "8.4.b", "8.4.c"]
    assert r.explanation == "Đạt 3/3 nội dung bắt buộc → Đạt"


def test_composite_names_the_failing_item():
    values = {**IT_84_MET, "8.4.c.numerator": F(100)}  # 100/416 = 24%
    r = one(IT_84, values, COMMUNE, "2024")
    assert r.status == "not_met"
    assert r.explanation == "Chưa đạt: 8.4.c"
    assert r.items[2].explanation == "100/416 = 24,04%, chưa đạt mục tiêu ≥ 30%"


@pytest.mark.parametrize(
    ("change", "status", "explanation"),
    [
        ({"8.4.b.value": None}, "missing", "Chưa có số liệu: 8.4.b"),
        ({"8.4.a.denominator": F(0)}, "invalid", "Số liệu không hợp lệ: 8.4.a"),
        ({"8.4.a.denominator": F(0), "8.4.c.numerator": F(1)}, "invalid", "Số liệu không hợp lệ: 8.4.a; chưa đạt: 8.4.c"),
        ({"8.4.b.value": None, "8.4.c.numerator": F(1)}, "not_met", "Chưa đạt: 8.4.c; chưa có số liệu: 8.4.b"),
    ],
)
def test_composite_precedence_invalid_then_not_met_then_missing(change, status, explanation):
    r = one(IT_84, {**IT_84_MET, **change}, COMMUNE, "2024")
    assert (r.status, r.explanation) == (status, explanation)


def test_optional_items_do_not_decide():
    from dataclasses import replace

    composite = replace(IT_84.indicators[0], required_items=("a", "c"))
    fw = replace(IT_84, indicators=(composite,))
    r = one(fw, {**IT_84_MET, "8.4.b.value": F(1)}, COMMUNE, "2024")
    assert r.status == "met"
    assert r.items[1].status == "not_met" and r.items[1].required is False


def test_composite_out_of_level_is_not_applicable():
    assert one(IT_84, IT_84_MET, DISTRICT, "2024").status == "not_applicable"


# --------------------------------------------------------------- unit status and evaluate()

TWO = framework(
    ratio("1", "Hồ sơ trực tuyến", ge("0.5")),
    Indicator(code="2", name="Có cổng thông tin", kind="boolean"),
    ratio("3", "Chỉ dành cho cấp xã", ge("0.5"), levels=("commune",)),
)


def test_unit_complete_when_every_applicable_indicator_is_met():
    values = {"1.numerator": F(6), "1.denominator": F(10), "2.value": True}
    result = evaluate_unit(TWO, PROVINCE, values, "2025")
    assert (result.status, result.met, result.applicable) == ("complete", 2, 2)


def test_unit_incomplete_when_one_is_missing():
    result = evaluate_unit(TWO, PROVINCE, {"2.value": True}, "2025")
    assert (result.status, result.met, result.applicable) == ("incomplete", 1, 2)


def test_unit_not_reported_when_it_has_no_value_at_all():
    result = evaluate_unit(TWO, PROVINCE, {"1.numerator": None, "2.value": "  ", "other.value": F(1)}, "2025")
    assert result.status == "not_reported"
    assert [r.status for r in result.indicators] == ["missing", "missing", "not_applicable"]


def test_a_unit_nothing_applies_to_is_not_vacuously_complete():
    result = evaluate_unit(IT_84, PROVINCE, IT_84_MET, "2024")
    assert (result.status, result.met, result.applicable) == ("incomplete", 0, 0)


def test_evaluate_over_units_keeps_order_and_summarises():
    units = [PROVINCE, DISTRICT, COMMUNE]
    values = {
        PROVINCE.code: {"1.numerator": F(6), "1.denominator": F(10), "2.value": True},
        COMMUNE.code: {"1.numerator": F(6), "1.denominator": F(10), "2.value": True, "3.numerator": F(1), "3.denominator": F(10)},
    }
    ev = evaluate(TWO, units, values, "2025-H1")
    assert isinstance(ev, Evaluation)
    assert ev.period == parse_period("2025-H1")
    assert [r.unit.code for r in ev.results] == ["STTTT", "PHUTAN", "PHULAM"]
    assert ev.result("PHUTAN").status == "not_reported"
    assert ev.result("PHULAM").status == "incomplete"
    assert (ev.result("PHULAM").met, ev.result("PHULAM").applicable) == (2, 3)
    assert ev.summary.overall.units == 3
    assert ev.summary.overall.complete == 1
    assert ev.summary.overall.not_reported == 1
    assert ev.summary.overall.rate == F(1, 3)
    assert [r.unit.code for r in ev.with_status("complete")] == ["STTTT"]
    with pytest.raises(KeyError):
        ev.result("NOPE")


def test_nothing_is_rounded_before_comparison():
    # 0.4999999 shows as 50% at two decimals but is below 50%.
    r = one(FW, {"2.numerator": F(4999999), "2.denominator": F(10000000)})
    assert r.status == "not_met"
    assert r.explanation == "4.999.999/10.000.000 = 49,99999%, chưa đạt mục tiêu ≥ 50%"
