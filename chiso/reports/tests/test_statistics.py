"""The seeds' statistics tables (issue 11, item 6): golden figures from seeds 000, 003 and 004,
read back from the exported workbook (numbers are numbers, texts are text)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from chiso.assessments.models import Value
from chiso.conftest import client_for
from chiso.reports.services import KINDS, build_context, export_report, formats_for
from chiso.units.models import Unit

from .conftest import put_values, store_framework
from .test_layout import _words_outside_the_page, pdf_pages
from .test_matrix_ranking import ALL_MAX_PROVINCE, COMMUNE_OK


def _sheet_rows(ws, first_header: str) -> tuple[list, list[tuple]]:
    """(header, body rows) of the table whose first header cell reads ``first_header``."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_header)
    body = []
    for row in rows[start + 1:]:
        if row[0] is None:
            break
        body.append(row)
    return list(rows[start]), body


def _no_formula(wb) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def _bulk_values(fw, units, period: str, values: dict) -> None:
    Value.objects.bulk_create(
        Value(framework=fw, unit=u, period=period, element=element, number=Decimal(number))
        for u in units for element, number in values.items()
    )


# --------------------------------------------------------------------------- seed 003


@pytest.fixture
def sixteen_communes(world):
    """ntm-xa-2021, 2024: 16 communes of Phú Tân all meet 8.2; 2 of them miss 8.3 (loudspeakers)."""
    Unit.objects.filter(pk__in=[world.commune_a.pk, world.commune_b.pk]).update(attributes={"terrain": "lowland"})
    extra = [Unit.objects.create(code=f"AG-PT-X{i:02d}", name=f"UBND xã Số {i:02d}", level="commune",
                                 kind="UBND xã", parent=world.district, attributes={"terrain": "lowland"})
             for i in range(1, 15)]
    fw = store_framework("ntm-xa-2021")
    communes = [world.commune_a, world.commune_b, *extra]
    _bulk_values(fw, communes[:14], "2024", COMMUNE_OK)
    _bulk_values(fw, communes[14:], "2024", {**COMMUNE_OK, "8.3.b.numerator": 1})
    return fw


def test_seed_003_sixteen_of_sixteen_communes_meet_8_2(sixteen_communes, world):
    ctx = build_context("statistics", sixteen_communes, "2024", unit=world.district)
    tallies = {t.code: t for t in ctx.tallies}
    assert (tallies["8.2"].met, tallies["8.2"].applicable, tallies["8.2"].rate) == (16, 16, 1)
    assert tallies["8.2"].text == "16/16 đơn vị đạt"
    assert (tallies["8.3"].met, tallies["8.3"].applicable, tallies["8.3"].not_met) == (14, 16, 2)
    assert {t.level for t in ctx.tallies} == {"Cấp xã"}

    wb = openpyxl.load_workbook(BytesIO(export_report("statistics", "xlsx", sixteen_communes, "2024",
                                                      unit=world.district).content))
    assert wb.sheetnames == ["Tiêu chí theo cấp", "Đơn vị đạt tiêu chí", "Số tiêu chí đạt"]
    _no_formula(wb)
    header, body = _sheet_rows(wb["Đơn vị đạt tiêu chí"], "Cấp")
    assert header[:6] == ["Cấp", "Mã", "Tiêu chí", "Số đơn vị đạt", "Số đơn vị áp dụng đã báo cáo", "Tỷ lệ đạt"]
    row = {r[1]: r for r in body}
    assert row["8.2"][3:6] == (16, 16, 1) and row["8.2"][8] == "16/16 đơn vị đạt"
    assert row["8.3"][3:8] == (14, 16, 0.875, 2, 0)
    assert all(isinstance(v, int) for v in row["8.3"][3:5])
    cell = next(c for c in wb["Đơn vị đạt tiêu chí"]["F"] if c.value == 0.875)
    assert cell.number_format == "0.00%"

    # the distribution: 14 communes meet 4/4, 2 meet 3/4
    _, dist = _sheet_rows(wb["Số tiêu chí đạt"], "Cấp")
    assert [r[:6] for r in dist] == [("Cấp xã", 4, 4, 14, 16, 0.875), ("Cấp xã", 3, 4, 2, 16, 0.125)]
    # the targets as the framework states them, composite items by item
    _, targets = _sheet_rows(wb["Tiêu chí theo cấp"], "STT")
    by_code = {r[1]: r for r in targets}
    assert by_code["8.2"][3:] == ("Cấp xã", "= 100%")
    assert by_code["8.4"][4] == "a: ≥ 50%; b: ≥ 4; c: ≥ 30%"


# --------------------------------------------------------------------------- seed 000

ALL_MET_CQDT = {
    "1.numerator": 60, "1.denominator": 100,
    "2.numerator": 10, "2.denominator": 10,
    "3.numerator": 50, "3.denominator": 50,
    "4.numerator": 20, "4.denominator": 20,
    "5.value": 1,
    "6.numerator": 40, "6.denominator": 40,
    "7.numerator": 300, "7.denominator": 300,
    "8.numerator": 95, "8.denominator": 100,
    "11.numerator": 9, "11.denominator": 10,
}
# seed 000: "hầu hết các cơ quan, đơn vị đều đạt 6/9 chỉ tiêu, còn 03 chỉ tiêu thì có nhiều cơ quan,
# đơn vị chưa đạt" – the three: dossiers online (1), level-4 services (4), LRIS reports (11)
SIX_OF_NINE = {**ALL_MET_CQDT, "1.numerator": 30, "4.numerator": 15, "11.numerator": 5}


@pytest.fixture
def cqdt(world):
    """ag-cqdt-2021, 2024: 5 province agencies – 3 meet 6/9, one 7/9, one 9/9."""
    extra = [Unit.objects.create(code=f"AG-S{i}", name=f"Sở số {i}", level="province", kind="Sở",
                                 parent=world.province) for i in range(1, 4)]
    fw = store_framework("ag-cqdt-2021")
    _bulk_values(fw, extra, "2024", SIX_OF_NINE)
    put_values(fw, world.agency_a, "2024", ALL_MET_CQDT)
    put_values(fw, world.agency_b, "2024", {**SIX_OF_NINE, "1.numerator": 60})
    return fw


def test_seed_000_most_agencies_meet_six_of_nine_and_targets_by_level(cqdt, world):
    ctx = build_context("statistics", cqdt, "2024", unit=world.province)
    province = [(h.met, h.applicable, h.units) for h in ctx.histogram if h.level == "Cấp tỉnh"]
    assert province == [(9, 9, 1), (7, 9, 1), (6, 9, 3)]
    assert max(province, key=lambda h: h[2])[:2] == (6, 9)  # the largest bar: "đạt 6/9 chỉ tiêu"
    targets = {(t.code, t.level): t.target for t in ctx.targets}
    # seed 000's table: criterion 2 for CQNN cấp tỉnh and UBND cấp huyện at 100%, 10 for communes at 65%
    assert targets[("2", "Cấp tỉnh")] == targets[("2", "Cấp huyện")] == "= 100%"
    assert ("2", "Cấp xã") not in targets
    assert [lvl for code, lvl in targets if code == "10"] == ["Cấp xã"] and targets[("10", "Cấp xã")] == "≥ 65%"
    assert targets[("8", "Cấp tỉnh")] == "≥ 90%" and targets[("9", "Cấp huyện")] == "≥ 80%"
    assert len(ctx.targets) == 24  # 11 criteria over the levels they apply to

    wb = openpyxl.load_workbook(BytesIO(export_report("statistics", "xlsx", cqdt, "2024",
                                                      unit=world.province).content))
    _no_formula(wb)
    _, dist = _sheet_rows(wb["Số tiêu chí đạt"], "Cấp")
    assert [r[:6] for r in dist] == [("Cấp tỉnh", 9, 9, 1, 5, 0.2), ("Cấp tỉnh", 7, 9, 1, 5, 0.2),
                                     ("Cấp tỉnh", 6, 9, 3, 5, 0.6)]
    assert dist[2][6] == "3 đơn vị đạt 6/9 tiêu chí"
    _, tallies = _sheet_rows(wb["Đơn vị đạt tiêu chí"], "Cấp")
    row = {r[1]: r for r in tallies}
    assert row["11"][3:6] == (1, 5, 0.2) and row["1"][3:6] == (2, 5, 0.4) and row["2"][3:6] == (5, 5, 1)
    _, targets_sheet = _sheet_rows(wb["Tiêu chí theo cấp"], "STT")
    assert targets_sheet[0][:2] == (1, "1") and isinstance(targets_sheet[0][0], int)
    assert ("2", "Cấp huyện", "= 100%") in [(r[1], r[3], r[4]) for r in targets_sheet]
    cell = next(c for c in wb["Tiêu chí theo cấp"]["E"] if c.value == "= 100%")
    assert cell.data_type == "s"  # a target stays text, never a formula

    doc = Document(BytesIO(export_report("statistics", "docx", cqdt, "2024", unit=world.province).content))
    targets_table, tallies_table, dist_table = doc.tables
    assert len(targets_table.rows) == 25  # header + 24 criterion × level rows
    texts = [[c.text for c in r.cells] for r in targets_table.rows]
    assert texts[-1][1:] == ["11", texts[-1][2], "Cấp huyện", "≥ 80%"]
    row_11 = next([c.text for c in r.cells] for r in tallies_table.rows if r.cells[1].text == "11")
    assert row_11[3:] == ["1/5 đơn vị đạt", "20,00%", "4", "0"]
    assert [[c.text for c in r.cells] for r in dist_table.rows[1:]] == [
        ["Cấp tỉnh", "9/9", "1", "5", "20,00%"], ["Cấp tỉnh", "7/9", "1", "5", "20,00%"],
        ["Cấp tỉnh", "6/9", "3", "5", "60,00%"]]
    assert "4. Số đơn vị theo mức xếp hạng" not in [p.text for p in doc.paragraphs]  # not a score framework


# --------------------------------------------------------------------------- seed 004

NONE_RANKED = {**ALL_MAX_PROVINCE, "1.value": 3, "5.value": 3}  # below both categories' minimum
READY_ONLY = {**ALL_MAX_PROVINCE, "5.value": 3}  # "Điều kiện sẵn sàng" Mức 4, "Ứng dụng" not ranked


@pytest.fixture
def seed_004(world):
    """xep-hang-mau, 2024: 19 province agencies (11 not ranked in either category, 4 ranked in both,
    4 in one), 8 districts (7 in neither; Na Rì Mức 4 for "Điều kiện sẵn sàng"), 109 communes none."""
    def make(prefix, name, level, kind, parent, count):
        return [Unit.objects.create(code=f"{prefix}{i:03d}", name=f"{name} {i:03d}", level=level, kind=kind,
                                    parent=parent) for i in range(1, count + 1)]

    fw = store_framework("xep-hang-mau")
    agencies = [world.agency_a, world.agency_b, *make("AG-SO", "Sở", "province", "Sở", world.province, 17)]
    districts = [world.district, *make("AG-H", "UBND huyện", "district", "UBND huyện", world.province, 7)]
    communes = [world.commune_a, world.commune_b, *make("AG-PT-XA", "UBND xã", "commune", "UBND xã",
                                                       world.district, 107)]
    Unit.objects.filter(pk=districts[-1].pk).update(name="UBND huyện Na Rì")
    _bulk_values(fw, agencies[:11], "2024", NONE_RANKED)
    _bulk_values(fw, agencies[11:15], "2024", ALL_MAX_PROVINCE)
    _bulk_values(fw, agencies[15:], "2024", READY_ONLY)
    _bulk_values(fw, districts[:7], "2024", NONE_RANKED)
    _bulk_values(fw, districts[7:], "2024", {**READY_ONLY, "4.value": 10})
    _bulk_values(fw, communes, "2024", NONE_RANKED)
    return fw


def test_seed_004_not_ranked_by_level_and_levels_per_category(seed_004, world):
    ctx = build_context("statistics", seed_004, "2024", unit=world.province)
    summary = {r.level: (r.none_ranked, r.reported, r.all_ranked) for r in ctx.not_ranked}
    assert summary == {"Cấp tỉnh": (11, 19, 4), "Cấp huyện": (7, 8, 0), "Cấp xã": (109, 109, 0)}
    # seed 004 states 11/19 as 60%; the table carries the exact fraction (57,89% when shown)
    assert ctx.not_ranked[0].rate == pytest.approx(11 / 19)
    ready = {(b.level, b.category): b.counts for b in ctx.band_rows}
    assert ready[("Cấp huyện", "Điều kiện sẵn sàng")] == {"Không xếp hạng": 7, "Mức 4": 1}
    assert ready[("Cấp tỉnh", "Điều kiện sẵn sàng")] == {"Không xếp hạng": 11, "Mức 4": 8}
    assert ready[("Cấp tỉnh", "Ứng dụng và cung cấp dịch vụ")] == {"Không xếp hạng": 15, "Mức 4": 4}
    assert ctx.tallies == []  # score criteria are not "đạt / chưa đạt"

    wb = openpyxl.load_workbook(BytesIO(export_report("statistics", "xlsx", seed_004, "2024",
                                                      unit=world.province).content))
    assert wb.sheetnames[-1] == "Mức theo cấp"
    _no_formula(wb)
    ws = wb["Mức theo cấp"]
    header, bands = _sheet_rows(ws, "Cấp")
    assert header == ["Cấp", "Hạng mục", "Mức 4", "Mức 3", "Mức 2", "Mức 1", "Không xếp hạng",
                      "Số đơn vị đã báo cáo"]
    assert bands[0] == ("Cấp tỉnh", "Điều kiện sẵn sàng", 8, 0, 0, 0, 11, 19)
    assert bands[2] == ("Cấp huyện", "Điều kiện sẵn sàng", 1, 0, 0, 0, 7, 8)
    assert bands[5] == ("Cấp xã", "Ứng dụng và cung cấp dịch vụ", 0, 0, 0, 0, 109, 109)
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[1] == "Không xếp hạng cả các hạng mục")
    assert [r[:5] for r in rows[start + 1:start + 4]] == [
        ("Cấp tỉnh", 11, 19, pytest.approx(11 / 19), 4),
        ("Cấp huyện", 7, 8, 0.875, 0),
        ("Cấp xã", 109, 109, 1, 0),
    ]
    rate = ws.cell(row=start + 2, column=4)
    assert rate.number_format == "0.00%" and isinstance(rate.value, float)

    doc = Document(BytesIO(export_report("statistics", "docx", seed_004, "2024", unit=world.province).content))
    bands_table, summary_table = doc.tables[-2:]
    assert [c.text for c in bands_table.rows[0].cells] == header
    assert [c.text for c in bands_table.rows[3].cells] == [
        "Cấp huyện", "Điều kiện sẵn sàng", "1", "0", "0", "0", "7", "8"]
    assert [[c.text for c in r.cells] for r in summary_table.rows[1:]] == [
        ["Cấp tỉnh", "11/19 đơn vị", "57,89%", "4/19 đơn vị"],
        ["Cấp huyện", "7/8 đơn vị", "87,50%", "0/8 đơn vị"],
        ["Cấp xã", "109/109 đơn vị", "100,00%", "0/109 đơn vị"],
    ]
    assert "4. Số đơn vị theo mức xếp hạng" in [p.text for p in doc.paragraphs]


# --------------------------------------------------------------------------- the kind itself


def test_statistics_kind_is_listed_in_every_format(cqdt, world):
    assert "statistics" in KINDS and formats_for("statistics") == ("xlsx", "docx", "pdf")
    exported = export_report("statistics", "xlsx", cqdt, "2024", unit=world.province)
    assert exported.filename == "thong-ke-ag-cqdt-2021-2024-AG.xlsx"


def test_statistics_from_the_command_line_and_the_web(cqdt, world, tmp_path):
    target = tmp_path / "thong-ke.xlsx"  # format taken from the file name
    call_command("export", "--framework", "ag-cqdt-2021", "--period", "2024", "--unit", "AG",
                 "--kind", "statistics", "-o", str(target))
    _, dist = _sheet_rows(openpyxl.load_workbook(target)["Số tiêu chí đạt"], "Cấp")
    assert dist[2][:4] == ("Cấp tỉnh", 6, 9, 3)

    resp = client_for(world.admin).get(reverse("reports:export"), {
        "framework": "ag-cqdt-2021", "period": "2024", "unit": "AG", "kind": "statistics", "format": "xlsx"})
    assert resp.status_code == 200
    wb = openpyxl.load_workbook(BytesIO(resp.content))
    _, tallies = _sheet_rows(wb["Đơn vị đạt tiêu chí"], "Cấp")
    assert {r[1]: r[3:5] for r in tallies}["11"] == (1, 5)


def test_statistics_pdf_fits_the_landscape_page_with_page_numbers(seed_004, world, tmp_path):
    out = export_report("statistics", "docx", seed_004, "2024", unit=world.province)
    doc = Document(BytesIO(out.content))
    section = doc.sections[0]
    assert 'w:instr="PAGE"' in section.header._element.xml and section.different_first_page_header_footer
    available = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    for table in doc.tables:
        assert sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))) <= available
    target = tmp_path / "thong-ke.docx"
    target.write_bytes(out.content)
    pages = pdf_pages([target], tmp_path)["thong-ke"]
    count, outside = _words_outside_the_page(tmp_path / "thong-ke.pdf")
    assert count == len(pages) == 3 and not outside
    assert pages[-1].strip()  # no trailing blank page
    text = " ".join(" ".join(pages).split())
    assert "11/19 đơn vị 57,89% 4/19 đơn vị" in text and "109/109 đơn vị 100,00%" in text
