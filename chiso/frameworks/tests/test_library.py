"""The bundled frameworks transcribe the seeds: real codes, names, legal bases and targets."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from chiso.engine.model import Framework, Target
from chiso.frameworks.loader import library_paths, load_framework_file

EXPECTED = {"nq17-2019", "ag-cqdt-2021", "ntm-xa-2021", "ntm-nang-cao-xa-2021", "xep-hang-mau"}


def bundled(code: str) -> Framework:
    for path in library_paths():
        if path.stem == code:
            return load_framework_file(path)
    raise AssertionError(f"{code}.yaml is not bundled")


def only_target(fw: Framework, code: str) -> Target:
    [rule] = fw.indicator(code).targets
    assert (rule.level, dict(rule.attributes), rule.year_from, rule.year_to) == (None, {}, None, None)
    return rule.target


@pytest.mark.parametrize("path", library_paths(), ids=lambda p: p.name)
def test_every_bundled_file_loads_and_is_named_by_its_code(path) -> None:
    fw = load_framework_file(path)
    assert fw.code == path.stem
    assert fw.indicators and fw.title and fw.legal_basis.number


def test_the_library_holds_the_five_frameworks() -> None:
    assert {p.stem for p in library_paths()} >= EXPECTED


# ---- Nghị quyết 17/NQ-CP (seed 002, Phụ lục 1)


def test_nq17_has_21_indicators_plus_sub_indicator_20_1_for_the_province() -> None:
    fw = bundled("nq17-2019")
    assert [i.code for i in fw.indicators] == [str(n) for n in range(1, 21)] + ["20.1", "21"]
    assert (fw.legal_basis.number, fw.legal_basis.date, fw.legal_basis.issuer) == (
        "17/NQ-CP", date(2019, 3, 7), "Chính phủ",
    )
    assert (fw.scope.assesses, fw.scope.levels) == ("province", ("province",))


def test_nq17_indicator_2_online_dossiers_at_least_half() -> None:
    ind = bundled("nq17-2019").indicator("2")
    assert ind.kind == "ratio"
    assert only_target(bundled("nq17-2019"), "2") == Target(op=">=", value=Fraction(1, 2))
    assert ind.input_labels["numerator"] == "Tổng số hồ sơ trực tuyến mức độ một phần, toàn trình"
    assert ind.unit_label == "hồ sơ"
    assert dict(ind.sources) == {"numerator": "dossiers.online", "denominator": "dossiers.online_eligible"}


def test_nq17_indicators_11_and_15_require_everything_electronic() -> None:
    fw = bundled("nq17-2019")
    assert only_target(fw, "11") == Target(op="=", value=Fraction(1))
    assert dict(fw.indicator("11").sources) == {"numerator": "dossiers.e_result", "denominator": "dossiers.resolved"}
    assert only_target(fw, "15") == Target(op="=", value=Fraction(1))
    assert dict(fw.indicator("15").sources) == {
        "numerator": "documents.outgoing_electronic", "denominator": "documents.outgoing",
    }


def test_nq17_16_to_18_are_one_measure_with_level_targets() -> None:
    fw = bundled("nq17-2019")
    expected = {"16": ("90%", "cấp tỉnh"), "17": ("80%", "cấp huyện"), "18": ("65%", "cấp xã")}
    for code, (percent, level_words) in expected.items():
        ind = fw.indicator(code)
        assert only_target(fw, code) == Target(op=">=", value=Fraction(int(percent[:-1]), 100))
        assert level_words in ind.name and level_words in ind.description
        assert "môi trường mạng" in ind.name


def test_nq17_20_is_a_range_and_20_1_has_level_rules() -> None:
    fw = bundled("nq17-2019")
    assert only_target(fw, "20") == Target(op="range", minimum=Fraction(3, 10), maximum=Fraction(1, 2))
    rules = fw.indicator("20.1").targets
    assert [(r.level, r.target.value) for r in rules] == [("province", Fraction(1)), ("district", Fraction(4, 5))]


def test_nq17_targets_match_the_seed_column() -> None:
    fw = bundled("nq17-2019")
    percents = {"1": 40, "2": 50, "3": 100, "4": 100, "5": 100, "7": 100, "10": 40, "11": 100,
                "12": 60, "13": 60, "15": 100, "16": 90, "17": 80, "18": 65, "19": 80, "21": 100}
    for code, percent in percents.items():
        assert only_target(fw, code).value == Fraction(percent, 100), code
    for code in ("6", "8", "9", "14"):  # capabilities reported as plain 100%
        assert fw.indicator(code).kind == "boolean"
        assert only_target(fw, code) == Target(op="=", value=True)


# ---- Tiêu chí hoàn thiện CQĐT của An Giang (seed 000)


@pytest.mark.parametrize(
    "level, codes",
    [
        ("province", ["1", "2", "3", "4", "5", "6", "7", "8", "11"]),
        ("district", ["1", "2", "3", "4", "5", "6", "7", "9", "11"]),
        ("commune", ["1", "3", "4", "6", "7", "10"]),
    ],
)
def test_ag_cqdt_applicable_criteria_per_level(level: str, codes: list[str]) -> None:
    fw = bundled("ag-cqdt-2021")
    applicable = [i.code for i in fw.indicators if i.levels is None or level in i.levels]
    assert applicable == codes


def test_ag_cqdt_rows_are_ratios_except_row_5() -> None:
    fw = bundled("ag-cqdt-2021")
    assert [i.code for i in fw.indicators] == [str(n) for n in range(1, 12)]
    assert [i.code for i in fw.indicators if i.kind != "ratio"] == ["5"]
    targets = {i.code: only_target(fw, i.code) for i in fw.indicators}
    assert targets["1"] == Target(op=">=", value=Fraction(1, 2))
    assert [targets[c].value for c in ("8", "9", "10")] == [Fraction(9, 10), Fraction(4, 5), Fraction(13, 20)]
    assert targets["11"] == Target(op=">=", value=Fraction(4, 5))
    assert targets["5"] == Target(op="=", value=True)


def test_ag_cqdt_header_sources_and_completion_target() -> None:
    fw = bundled("ag-cqdt-2021")
    assert (fw.legal_basis.number, fw.legal_basis.date) == ("2989/QĐ-UBND", date(2020, 12, 23))
    assert "An Giang" in fw.legal_basis.issuer
    assert "17/NQ-CP" in fw.description
    assert (fw.scope.assesses, fw.levels) == ("agencies", ("province", "district", "commune"))
    assert dict(fw.indicator("1").sources) == {"numerator": "dossiers.online", "denominator": "dossiers.online_eligible"}
    assert dict(fw.indicator("6").sources) == {"numerator": "dossiers.e_result", "denominator": "dossiers.resolved"}
    assert dict(fw.indicator("7").sources) == {
        "numerator": "documents.outgoing_electronic", "denominator": "documents.outgoing",
    }
    goals = [(r.year_from, r.year_to, r.target.value) for r in fw.completion_target]
    assert goals == [(None, 2023, Fraction(3, 5)), (2024, None, Fraction(9, 10))]
