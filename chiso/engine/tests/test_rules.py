"""Validation rules (CEL) on indicators and on the framework: a failing rule makes figures invalid."""

from dataclasses import replace
from fractions import Fraction as F

import pytest

from chiso.engine.evaluate import evaluate_unit
from chiso.engine.model import Indicator, Rule

from .fixtures import DOSSIERS, PROVINCE, SEED_001_VALUES, framework, ge, ratio


def statuses(result):
    return {r.code: r.status for r in result.indicators}


def test_seed_001_identities_hold():
    # 4.985 + 81.339 − 538 = 85.786; 85.786 − 79.569 = 6.217
    result = evaluate_unit(DOSSIERS, PROVINCE, SEED_001_VALUES, "2023-H1")
    assert set(statuses(result).values()) == {"met"}
    assert result.status == "complete"


def test_breaking_the_first_identity_marks_the_total_invalid():
    values = {**SEED_001_VALUES, "hs.2.value": F(81340)}  # received typed one too many
    result = evaluate_unit(DOSSIERS, PROVINCE, values, "2023-H1")
    assert statuses(result)["hs.4"] == "invalid"
    assert result.indicator("hs.4").explanation == (
        "Kỳ trước chuyển sang + tiếp nhận − không đủ điều kiện phải bằng tổng cần giải quyết"
    )
    assert statuses(result)["hs.6"] == "met"  # the second identity still holds
    assert result.status == "incomplete"


def test_breaking_the_second_identity_marks_pending_invalid():
    values = {**SEED_001_VALUES, "hs.6.value": F(6216)}
    result = evaluate_unit(DOSSIERS, PROVINCE, values, "2023-H1")
    assert statuses(result)["hs.6"] == "invalid"
    assert result.indicator("hs.6").explanation == "Tổng cần giải quyết − đã giải quyết phải bằng số đang xử lý"
    assert statuses(result)["hs.4"] == "met"


def test_a_rule_whose_inputs_are_absent_is_not_checked():
    values = dict(SEED_001_VALUES)
    del values["hs.1.value"]
    result = evaluate_unit(DOSSIERS, PROVINCE, values, "2023-H1")
    assert statuses(result)["hs.1"] == "missing"
    assert statuses(result)["hs.4"] == "met"  # first identity not checked
    assert statuses(result)["hs.6"] == "met"


def test_indicator_rules_see_own_inputs():
    fw = framework(ratio("2", "", ge("0.5"), rules=(Rule("numerator >= 10", "Cần ít nhất 10 hồ sơ trực tuyến"),)))
    ok = evaluate_unit(fw, PROVINCE, {"2.numerator": F(12), "2.denominator": F(20)}, "2025").indicator("2")
    bad = evaluate_unit(fw, PROVINCE, {"2.numerator": F(6), "2.denominator": F(10)}, "2025").indicator("2")
    assert ok.status == "met"
    assert (bad.status, bad.explanation) == ("invalid", "Cần ít nhất 10 hồ sơ trực tuyến")


def test_indicator_rules_see_their_ratio_value_inputs_and_aliases():
    # Online dossiers (2) cannot exceed all dossiers received in the dossier statistics.
    fw = framework(
        ratio(
            "2", "", ge("0.5"),
            rules=(
                Rule("value <= 1.0 && denominator <= received", "Tổng hồ sơ vượt số hồ sơ tiếp nhận"),
                Rule('inputs["2.numerator"] == numerator', "không bao giờ sai"),
            ),
        ),
        Indicator(code="hs.2", name="Hồ sơ tiếp nhận", kind="number", targets=(ge(0),), alias="received"),
    )
    good = {"2.numerator": F(54919), "2.denominator": F(58669), "hs.2.value": F(81339)}
    bad = {**good, "hs.2.value": F(50000)}
    assert evaluate_unit(fw, PROVINCE, good, "2025").indicator("2").status == "met"
    r = evaluate_unit(fw, PROVINCE, bad, "2025").indicator("2")
    assert (r.status, r.explanation) == ("invalid", "Tổng hồ sơ vượt số hồ sơ tiếp nhận")
    # Without the statistics the rule cannot be checked: the ratio stands on its own.
    alone = {"2.numerator": F(54919), "2.denominator": F(58669)}
    assert evaluate_unit(fw, PROVINCE, alone, "2025").indicator("2").status == "met"


def test_aliased_ratio_is_a_map_with_its_value():
    fw = framework(
        ratio("2", "", ge("0.5"), alias="online"),
        Indicator(
            code="9", name="Báo cáo", kind="boolean",
            rules=(Rule("online.value >= 0.5 || !value", "Chưa đủ hồ sơ trực tuyến để khai Có"),),
        ),
    )
    values = {"2.numerator": F(1), "2.denominator": F(4), "9.value": True}
    r = evaluate_unit(fw, PROVINCE, values, "2025").indicator("9")
    assert (r.status, r.explanation) == ("invalid", "Chưa đủ hồ sơ trực tuyến để khai Có")
    values["2.numerator"] = F(3)
    assert evaluate_unit(fw, PROVINCE, values, "2025").indicator("9").status == "met"


def test_rules_do_not_touch_not_applicable_or_already_invalid_indicators():
    fw = framework(
        ratio("2", "", ge("0.5"), levels=("commune",), rules=(Rule("false", "luôn sai"),)),
        ratio("3", "", ge("0.5"), rules=(Rule("false", "luôn sai"),)),
    )
    result = evaluate_unit(fw, PROVINCE, {"2.numerator": F(1), "2.denominator": F(1), "3.numerator": F(1), "3.denominator": F(0)}, "2025")
    assert result.indicator("2").status == "not_applicable"
    assert result.indicator("3").explanation == "Mẫu số bằng 0"


def test_framework_rule_can_mark_a_composite_item():
    fw = framework(
        Indicator(
            code="8.4", name="CNTT", kind="composite",
            items=(
                Indicator(code="a", name="a", kind="number", targets=(ge(1),)),
                Indicator(code="b", name="b", kind="number", targets=(ge(1),)),
            ),
        ),
        rules=(Rule('inputs["8.4.a.value"] >= inputs["8.4.b.value"]', "a phải không nhỏ hơn b", applies_to=("8.4.b",)),),
    )
    r = evaluate_unit(fw, PROVINCE, {"8.4.a.value": F(1), "8.4.b.value": F(2)}, "2025").indicator("8.4")
    assert r.status == "invalid"
    assert r.explanation == "Số liệu không hợp lệ: 8.4.b"
    assert r.items[1].explanation == "a phải không nhỏ hơn b"


def test_a_broken_rule_says_so_instead_of_passing():
    fw = framework(ratio("2", "", ge("0.5"), rules=(Rule("numerator / 0 > 1", "Quy tắc hỏng"),)))
    r = evaluate_unit(fw, PROVINCE, {"2.numerator": F(6), "2.denominator": F(10)}, "2025").indicator("2")
    assert r.status == "invalid"
    assert r.explanation.startswith("Quy tắc hỏng (không kiểm tra được:")


def test_a_rule_that_is_not_true_or_false_is_reported():
    fw = framework(ratio("2", "", ge("0.5"), rules=(Rule("numerator", "Phải là Đúng/Sai"),)))
    r = evaluate_unit(fw, PROVINCE, {"2.numerator": F(6), "2.denominator": F(10)}, "2025").indicator("2")
    assert r.status == "invalid"
    assert r.explanation == 'Phải là Đúng/Sai (quy tắc "numerator" không cho kết quả Đúng/Sai)'


@pytest.mark.parametrize("field", ["hs.1.value", "hs.3.value", "hs.5.value"])
def test_any_single_broken_figure_in_seed_001_is_caught(field):
    values = {**SEED_001_VALUES, field: SEED_001_VALUES[field] + 1}
    result = evaluate_unit(replace(DOSSIERS), PROVINCE, values, "2023-H1")
    assert "invalid" in statuses(result).values()
