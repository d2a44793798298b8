"""The Decree 30 report's prose is written from the data: indicators of a one-unit framework,
per-criterion results, the comparison with the period before, no file without figures."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from chiso.assessments.models import Value
from chiso.reports.services import ReportError, build_context, default_meta, export_report

from .conftest import put_values
from .test_matrix_ranking import ranking  # noqa: F401  (fixture)
from .test_report import cqdt, full_marks  # noqa: F401  (fixture)

META = default_meta(number="05", day=date(2026, 1, 5))


def test_one_unit_framework_counts_indicators_and_keeps_missing_apart(nq17, world):
    ctx = build_context("report", nq17, "2025-01", unit=world.province, meta=META)
    shown = [ind for ind in nq17.spec().indicators if ind.kind != "text"]
    missing = len(shown) - 3
    assert ctx.overall_lines == [
        f"Tỉnh An Giang đạt 1/{len(shown)} chỉ tiêu; 2 chỉ tiêu chưa đạt; {missing} chỉ tiêu chưa có số liệu."]
    lines = {line.split(" \u201c")[0]: line for line in ctx.criterion_lines}
    assert lines["- Chỉ tiêu 2"].endswith(": 93,61% (54.919 / 58.669 hồ sơ), mục tiêu ≥ 50%: đạt.")
    assert lines["- Chỉ tiêu 11"].endswith(": 87,31% (54.935 / 62.922 hồ sơ), mục tiêu = 100%: chưa đạt.")
    assert "- Chỉ tiêu 3" not in lines  # no figure: never "chưa đạt", named by code once
    assert ctx.criterion_lines[-1].startswith(f"- Chưa có số liệu: {missing} chỉ tiêu (1, 3, 4, ")
    assert ctx.difficulty_lines[0] == "Các chỉ tiêu chưa đạt mục tiêu (2): 11 (87,31%); 15 (98,53%)."
    assert ctx.difficulty_lines[1].startswith(f"Các chỉ tiêu chưa có số liệu nên chưa đánh giá được ({missing}): ")
    assert [s.title for s in ctx.sections] == ["1. Kết quả chung", "2. Kết quả từng chỉ tiêu"]

    text = "\n".join(p.text for p in Document(BytesIO(
        export_report("report", "docx", nq17, "2025-01", unit=world.province, meta=META).content)).paragraphs)
    assert "0/1 đơn vị" not in text and "đơn vị hoàn thành" not in text
    assert "Căn cứ Nghị quyết số 17/NQ-CP ngày 07/3/2019 của Chính phủ về một số nhiệm vụ" in text
    assert "2. Kết quả từng chỉ tiêu" in text


def test_one_unit_framework_compares_each_rate_with_the_month_before(nq17, world):
    put_values(nq17, world.province, "2024-12", {"2.numerator": 45000, "2.denominator": 50000})
    ctx = build_context("report", nq17, "2025-01", unit=world.province, meta=META)
    line = next(line for line in ctx.criterion_lines if line.startswith("- Chỉ tiêu 2 "))
    assert line.endswith(": đạt; tháng 12 năm 2024: 90,00% (tăng 3,61 điểm phần trăm).")


def test_completion_is_compared_with_the_year_before(cqdt, world):  # noqa: F811
    put_values(cqdt, world.agency_a, "2024", full_marks(cqdt.spec(), "province"))
    put_values(cqdt, world.agency_b, "2024", {**full_marks(cqdt.spec(), "province"), "1.numerator": 10})
    ctx = build_context("report", cqdt, "2025", unit=world.province, meta=META)
    assert ctx.comparison_lines == [
        "So với năm 2024: 1/5 đơn vị hoàn thành (đạt 20,00%); tỷ lệ hoàn thành tăng 20,00 điểm phần trăm."]
    assert ctx.sections[0].lines[-1] == ctx.comparison_lines[0]


def test_a_missing_figure_is_named_apart_from_a_criterion_not_met(cqdt, world):  # noqa: F811
    Value.objects.filter(framework=cqdt, unit=world.agency_b, period="2025", element="1.numerator").delete()
    ctx = build_context("report", cqdt, "2025", unit=world.province, meta=META)
    first = next(b for b in ctx.blocking if b.code == "1")
    assert first.text.endswith(": 1/4 đơn vị chưa đạt (UBND huyện Phú Tân); "
                               "1 đơn vị chưa có số liệu (Sở Nội vụ).")
    line = next(line for line in ctx.criterion_lines if line.startswith("- Tiêu chí 1 "))
    assert line.endswith(": 2/4 đơn vị đạt (50,00%); 1 đơn vị chưa đạt; 1 đơn vị chưa có số liệu.")


def test_no_file_when_the_scope_has_no_figures(cqdt, nq17, world, tmp_path):  # noqa: F811
    with pytest.raises(ReportError, match=r"^Chưa có số liệu chính thức kỳ Năm 2023 của bộ chỉ tiêu ag-cqdt-2021 "
                                          r"trong phạm vi đã chọn \(5 đơn vị đều chưa báo cáo\): chưa xuất báo cáo$"):
        export_report("report", "docx", cqdt, "2023", unit=world.province)
    with pytest.raises(ReportError, match="Chưa có số liệu chính thức kỳ"):
        export_report("appendix", "xlsx", cqdt, "2025", unit=world.commune_b)  # Phú Mỹ did not report
    target = tmp_path / "bao-cao.docx"
    with pytest.raises(CommandError, match="chưa xuất báo cáo"):
        call_command("export", "--framework", "nq17-2019", "--period", "2024-06", "--kind", "report",
                     "-o", str(target))
    assert not target.exists()


def test_a_scored_framework_reports_its_levels_per_category(ranking, world):  # noqa: F811
    ctx = build_context("report", ranking, "2024", unit=world.province, meta=META)
    section = next(s for s in ctx.sections if s.title.endswith("Xếp hạng theo hạng mục (đơn vị đã báo cáo)"))
    assert section.lines == [
        "- Điều kiện sẵn sàng: Mức 4: 1 đơn vị; Không xếp hạng: 1 đơn vị.",
        "- Ứng dụng và cung cấp dịch vụ: Mức 4: 2 đơn vị.",
    ]
