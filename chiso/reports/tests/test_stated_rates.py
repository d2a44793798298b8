"""Stated rates (``N.rate``) in the reports: printed with their source, flagged when apart from the counts.

The figures are imported (``import_values`` → write path → stored results); the reports
print what the stored result carries (``IndicatorResult.stated``), never a recomputation.
"""

from __future__ import annotations

from io import BytesIO

import openpyxl
from docx import Document

from chiso.assessments.importer import import_values
from chiso.reports.services import build_context, export_report

SOURCE = "Thống kê hồ sơ tháng 01 trên Hệ thống thông tin giải quyết thủ tục hành chính tỉnh"
# Seed 002: 16 "98,7%" and 20 "50%" only as percentages; seed 004's 11/19 "tỷ lệ 60%" put on indicator 19.
VALUES = (
    "Mã đơn vị,Kỳ,Chỉ tiêu,Giá trị,Ghi chú\n"
    f'AG,2025-01,16.rate,"98,7%","{SOURCE}"\n'
    'AG,2025-01,20.rate,50%,\n'
    'AG,2025-01,19.numerator,11,\n'
    'AG,2025-01,19.denominator,19,\n'
    'AG,2025-01,19.rate,60%,Báo cáo của Văn phòng UBND tỉnh\n'
).encode()


def _import(nq17):
    import_values(VALUES, nq17, filename="ty-le.csv")


def test_the_appendix_prints_stated_rates_with_their_source_and_flags_the_difference(nq17, world):
    _import(nq17)
    ctx = build_context("appendix", nq17, "2025-01", unit=world.province)
    rows = {r.tt: r for r in ctx.rows if r.tt}
    r16 = rows["16"]
    assert (r16.result, r16.verdict, r16.failing, r16.flagged) == ("98,70%", "Đạt", False, False)
    assert r16.number == 0.987 and r16.number_format == "0.00%"
    assert r16.content_lines == ["Tỷ lệ nêu trong báo cáo 98,7%, chưa có số liệu để đối chiếu.", f"Nguồn: {SOURCE}"]
    assert (rows["20"].result, rows["20"].verdict) == ("50,00%", "Đạt")  # within "Từ 30% - 50%"
    r19 = rows["19"]
    assert (r19.result, r19.verdict, r19.flagged) == ("57,89%", "Chưa đạt", True)
    assert "Tỷ lệ: 11 / 19 báo cáo" in r19.content_lines
    assert ("Lưu ý: Tỷ lệ nêu trong báo cáo 60% khác tỷ lệ tính từ số liệu: 57,89% ≠ 60% "
            "(lệch 2,11 điểm phần trăm, quá 0,5 điểm).") in r19.content_lines
    assert "Nguồn: Báo cáo của Văn phòng UBND tỉnh" in r19.content_lines


def test_the_appendix_files_carry_the_flag_and_numbers_stay_numbers(nq17, world):
    _import(nq17)
    wb = openpyxl.load_workbook(BytesIO(export_report("appendix", "xlsx", nq17, "2025-01",
                                                      unit=world.province).content))
    ws = wb.active
    rows = {str(r[0].value): r for r in ws.iter_rows(min_row=6) if r[0].value}
    assert rows["16"][4].value == 0.987 and rows["16"][4].data_type == "n"
    assert rows["16"][4].number_format == "0.00%"
    assert rows["19"][4].value == 11 / 19 and rows["19"][5].value == "Chưa đạt"
    assert "57,89% ≠ 60%" in rows["19"][3].value and SOURCE in rows["16"][3].value
    doc = Document(BytesIO(export_report("appendix", "docx", nq17, "2025-01", unit=world.province).content))
    table = {r.cells[0].text: r for r in doc.tables[0].rows[1:] if r.cells[0].text}
    assert table["16"].cells[4].text == "98,70%" and SOURCE in table["16"].cells[3].text
    assert "Lưu ý: Tỷ lệ nêu trong báo cáo 60% khác tỷ lệ tính từ số liệu: 57,89% ≠ 60%" in table["19"].cells[3].text


def test_the_decree_30_report_says_which_rates_are_stated_and_flags_the_difference(nq17, world):
    _import(nq17)
    ctx = build_context("report", nq17, "2025-01", unit=world.province)
    text = "\n".join(line for s in ctx.sections for line in s.lines)
    assert "Chỉ tiêu 16" in text and "98,70% (tỷ lệ đơn vị nêu, chưa có số liệu để đối chiếu)" in text
    assert "lưu ý: tỷ lệ nêu trong báo cáo 60% khác tỷ lệ tính từ số liệu: 57,89% ≠ 60%" in text


def test_the_report_over_several_units_lists_flagged_rates_among_the_difficulties(world):
    from chiso.reports.tests.conftest import store_framework

    fw = store_framework("ag-cqdt-2021")
    spec = fw.spec()
    ratio = next(ind for ind in spec.indicators if ind.kind == "ratio")
    rows = "Mã đơn vị,Kỳ,Chỉ tiêu,Giá trị,Ghi chú\n" + "".join(
        f"{code},2025,{ratio.code}.{name},\"{value}\",\n"
        for code in ("AG-STTTT", "AG-SNV")
        for name, value in (("numerator", 11), ("denominator", 19), ("rate", "60%" if code == "AG-SNV" else "57,9%"))
    )
    import_values(rows.encode(), fw, filename="hai-so.csv")
    ctx = build_context("report", fw, "2025", basis="provisional")
    text = "\n".join(ctx.difficulty_lines)
    assert "Tỷ lệ đơn vị nêu khác tỷ lệ tính từ số liệu quá 0,5 điểm phần trăm" in text
    assert (f"- Sở Nội vụ, chỉ tiêu {ratio.code}: Tỷ lệ nêu trong báo cáo 60% khác tỷ lệ tính từ số liệu: "
            "57,89% ≠ 60% (lệch 2,11 điểm phần trăm, quá 0,5 điểm).") in text
    assert "Sở Thông tin và Truyền thông, chỉ tiêu" not in text  # 57,9% is within 0,5 point of 57,89%
