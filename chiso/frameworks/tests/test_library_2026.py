"""The 2026 frameworks: what the sources confirm is bundled; what is not is a documented gap, never invented."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from chiso.engine.evaluate import evaluate_unit
from chiso.engine.model import UnitInfo
from chiso.engine.numbers import format_percent
from chiso.frameworks.loader import (
    LIBRARY_DIR,
    FrameworkError,
    library_paths,
    load_framework_file,
    parse_framework_text,
)

DTI_TEMPLATE = LIBRARY_DIR / "mau" / "dti-tinh-2025.yaml"
PROVINCE = UnitInfo(code="T91", name="Tỉnh An Giang", level="province", has_children=True)
COMMUNE = UnitInfo(code="X30421", name="Xã Phú Lâm", level="commune", parent_code="T91")


def test_ntm_2026_records_the_new_criterion_and_states_its_gap() -> None:
    fw = load_framework_file(LIBRARY_DIR / "ntm-xa-2026.yaml")

    assert (fw.legal_basis.number, fw.legal_basis.date, fw.legal_basis.issuer) == (
        "51/2025/QĐ-TTg", date(2025, 12, 29), "Thủ tướng Chính phủ")
    assert (fw.effective_from, fw.effective_to) == (date(2026, 2, 15), date(2030, 12, 31))
    assert fw.levels == ("commune",)
    [criterion] = fw.indicators
    assert (criterion.code, criterion.name, criterion.kind) == (
        "khcn-cds", "Khoa học, công nghệ và chuyển đổi số", "boolean")
    assert criterion.evidence_required
    assert "KHOẢNG TRỐNG" in fw.description and "chưa được ghi" in fw.description
    assert "nhóm xã 1, 2, 3" in fw.description


def test_ntm_2026_a_commune_meets_the_criterion_as_appraised() -> None:
    fw = load_framework_file(LIBRARY_DIR / "ntm-xa-2026.yaml")

    met = evaluate_unit(fw, COMMUNE, {"khcn-cds.value": True}, "2026")
    assert (met.status, met.indicator("khcn-cds").status) == ("complete", "met")
    not_met = evaluate_unit(fw, COMMUNE, {"khcn-cds.value": False}, "2026")
    assert (not_met.status, not_met.indicator("khcn-cds").status) == ("incomplete", "not_met")
    assert evaluate_unit(fw, COMMUNE, {}, "2026").status == "not_reported"


def test_the_dti_template_is_not_bundled_and_refuses_to_load_unfilled() -> None:
    assert DTI_TEMPLATE not in library_paths()
    assert "dti-tinh-2025" not in {p.stem for p in library_paths()}
    with pytest.raises(FrameworkError) as info:
        load_framework_file(DTI_TEMPLATE)
    assert "indicators: cần ít nhất 1 phần tử" in str(info.value)


def filled_template(points: dict[str, list[int | str]]) -> str:
    """The template with synthetic components (test data, not the decision's names)."""
    lines = []
    n = 0
    for category, maxima in points.items():
        for maximum in maxima:
            n += 1
            lines.append(
                f'  - code: "{n}"\n    name: Thành phần thử nghiệm {n}\n    kind: score\n'
                f"    category: {category}\n    max_points: {maximum}\n"
            )
    text = DTI_TEMPLATE.read_text(encoding="utf-8")
    assert text.count("indicators: []") == 1
    return text.replace("indicators: []", "indicators:\n" + "".join(lines))


CATEGORIES = ["nhan-thuc-so", "the-che-so", "ha-tang-so", "nhan-luc-so", "an-toan-thong-tin-mang",
              "hoat-dong-chinh-quyen-so", "kinh-te-so", "xa-hoi-so"]
# 47 components, 125 points per main indicator (synthetic: the real points come from the province).
SYNTHETIC = {c: [20, 20, 20, 20, 20, 25] for c in CATEGORIES[:7]} | {CATEGORIES[7]: [25, 25, 25, 25, 25]}


def test_a_filled_dti_template_gives_each_main_indicator_its_0_to_1_value_and_the_1000_point_total() -> None:
    fw = parse_framework_text(filled_template(SYNTHETIC), "dti-tinh-2025.yaml")

    assert (fw.code, fw.kind, fw.scope.assesses, fw.legal_basis.number) == (
        "dti-tinh-2025", "score", "province", "405/QĐ-BKHCN")
    assert [c.code for c in fw.categories] == CATEGORIES
    assert [c.name for c in fw.categories][:2] == ["Nhận thức số (nhóm nền tảng)", "Thể chế số (nhóm nền tảng)"]
    assert len(fw.indicators) == 47
    assert sum(i.max_points["default"] for i in fw.indicators) == 1000

    # Full marks everywhere except Nhận thức số, scored at half of each component.
    values = {f"{n}.value": Fraction(mx) for n, mx in enumerate(
        (mx for c in CATEGORIES for mx in SYNTHETIC[c]), start=1)}
    for n in range(1, 7):
        values[f"{n}.value"] = Fraction(values[f"{n}.value"]) / 2
    result = evaluate_unit(fw, PROVINCE, values, "2025")

    assert (result.score.points, result.score.max_points) == (Fraction(1875, 2), 1000)
    assert format_percent(result.score.share) == "93,75%"  # DTI 0,9375
    awareness = result.score.categories[0]
    assert (awareness.code, awareness.points, awareness.max_points) == ("nhan-thuc-so", Fraction(125, 2), 125)
    assert awareness.points / awareness.max_points == Fraction(1, 2)  # the main indicator's value 0,5
    assert {c.level for c in result.score.categories} == {"Không phân mức"}
