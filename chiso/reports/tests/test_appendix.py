"""The appendix (Phụ lục) like seed 002: figures, targets, failing rows, XLSX layout and DOCX."""

from __future__ import annotations

from io import BytesIO

import openpyxl
from docx import Document

from chiso.reports.services import build_context, default_meta, export_report


def _rows_by_tt(ws, header_row):
    rows = {}
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0]:
            rows[str(row[0])] = row
    return rows


def test_context_rows_carry_the_engine_figures(nq17, world):
    ctx = build_context("appendix", nq17, "2025-01", unit=world.province)
    rows = {r.tt: r for r in ctx.rows if r.tt}
    assert rows["2"].result == "93,61%"
    assert rows["2"].target == "≥ 50%"
    assert rows["2"].verdict == "Đạt" and not rows["2"].failing
    assert "Tỷ lệ: 54.919 / 58.669 hồ sơ" in rows["2"].content_lines
    assert rows["2"].content_lines[0].startswith("Thống kê hồ sơ tháng 01")
    assert rows["11"].result == "87,31%" and rows["11"].failing and rows["11"].verdict == "Chưa đạt"
    assert rows["11"].target == "= 100%"
    assert rows["15"].result == "98,53%" and rows["15"].failing
    assert "32.177 / 32.656" in rows["15"].content
    # indicators without figures are failing as "Chưa có số liệu", never silently passed
    assert rows["3"].verdict == "Chưa có số liệu" and rows["3"].failing
    assert ctx.col_result == "Kết quả tháng 01 năm 2025"


def test_appendix_xlsx_has_seed_figures_and_print_setup(nq17, world):
    meta = default_meta(number="05")
    out = export_report("appendix", "xlsx", nq17, "2025-01", unit=world.province, meta=meta)
    assert out.filename == "phu-luc-nq17-2019-2025-01-AG.xlsx"
    wb = openpyxl.load_workbook(BytesIO(out.content))
    ws = wb.active
    assert ws["A1"].value == "Phụ lục 1"
    assert ws["A2"].value == ws["A2"].value.upper() and "TỈNH AN GIANG" in ws["A2"].value
    assert ws["A3"].value.startswith("(Kèm theo Báo cáo số 05/BC-SKHCN ngày ")
    assert ws["A3"].value.endswith("của Sở Khoa học và Công nghệ)")
    header = 5
    assert [c.value for c in ws[header]][:3] == ["TT", "Chỉ tiêu, nhiệm vụ 17/NQ-CP", "Mục tiêu năm 2025"]
    rows = _rows_by_tt(ws, header)
    # rates are numbers with a percentage format (Excel shows 93,61% in a Vietnamese locale)
    assert rows["2"][4] == 54919 / 58669 and rows["2"][5] == "Đạt"
    assert "54.919 / 58.669 hồ sơ" in rows["2"][3]
    assert rows["11"][4] == 54935 / 62922 and rows["11"][5] == "Chưa đạt"
    assert rows["15"][4] == 32177 / 32656 and rows["15"][5] == "Chưa đạt"
    assert rows["3"][4] == "Chưa có số liệu"  # no figure: words, not a number
    # the target "= 100%" is text, never a formula showing "1"
    assert rows["11"][2] == "= 100%"
    # failing rows: bold red text and the "Chưa đạt" word (not colour alone)
    r11 = next(r for r in ws.iter_rows(min_row=header + 1) if str(r[0].value) == "11")
    assert r11[4].font.b and r11[4].font.color.rgb.endswith("C00000")
    r2 = next(r for r in ws.iter_rows(min_row=header + 1) if str(r[0].value) == "2")
    assert not r2[4].font.b
    assert r2[4].data_type == "n" and r2[4].number_format == "0.00%"
    assert r11[2].data_type == "s"
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # rows grow with their wrapped text; the print area covers the table and its notes
    assert ws.row_dimensions[r2[0].row].height >= 4 * 12
    assert ws.print_area == f"'Phụ lục'!$A$1:$F${ws.max_row}"
    # layout: frozen header, widths, wrap, A4 landscape fit to width, header row repeated
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.column_dimensions["D"].width >= 60
    assert r2[3].alignment.wrap_text
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${header}:${header}"


def _text_run(cell):
    """The run holding the cell's text (templates leave empty runs where tags were)."""
    return next(r for p in cell.paragraphs for r in p.runs if r.text)


def test_appendix_docx_table_and_heading(nq17, world):
    out = export_report("appendix", "docx", nq17, "2025-01", unit=world.province)
    doc = Document(BytesIO(out.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Phụ lục 1"
    assert texts[1] == texts[1].upper() and texts[1].endswith("TỈNH AN GIANG")
    assert texts[2].startswith("(Kèm theo Báo cáo số") and "/BC-SKHCN" in texts[2]
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "TT", "Chỉ tiêu, nhiệm vụ 17/NQ-CP", "Mục tiêu năm 2025", "Nội dung thực hiện",
        "Kết quả tháng 01 năm 2025", "Đánh giá",
    ]
    rows = {r.cells[0].text: r for r in table.rows[1:] if r.cells[0].text}
    assert rows["2"].cells[4].text == "93,61%"
    assert "54.919 / 58.669 hồ sơ" in rows["2"].cells[3].text
    assert rows["11"].cells[4].text == "87,31%" and rows["11"].cells[5].text == "Chưa đạt"
    assert rows["15"].cells[4].text == "98,53%"
    run = _text_run(rows["11"].cells[4])
    assert run.bold and str(run.font.color.rgb) == "C00000"
    assert _text_run(rows["11"].cells[1]).bold  # the criterion's name too
    assert not _text_run(rows["2"].cells[4]).bold
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert doc.styles["Normal"].font.name == "Times New Roman"
