"""Reports on today's units (``--as-of``): 2024 on the new An Giang, each merged unit's note in DOCX and XLSX."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from docx import Document

from chiso.reports.services import ReportError, export_report

pytestmark = pytest.mark.django_db

PHU_TAN = ("Xã Phú Tân (X30406): Số liệu Năm 2024 quy đổi theo đơn vị hành chính mới: "
           "gộp Xã Tân Hòa, Xã Tân Trung")


@pytest.fixture
def demo():
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_report_docx_names_each_merged_unit_and_its_predecessors(demo):
    out = export_report("report", "docx", "ag-cqdt-2021", "2024", as_of=date(2025, 7, 1))
    texts = [p.text for p in Document(io.BytesIO(out.content)).paragraphs]
    at = texts.index("Số liệu quy đổi theo đơn vị hành chính mới")
    assert texts[at + 1].startswith("Đánh giá trên các đơn vị có hiệu lực ngày 01/07/2025")
    assert f"- {PHU_TAN}" in texts[at:]
    # a split with the province's declared shares
    assert ("- Xã Nhơn Hội (X30346): Số liệu Năm 2024 quy đổi theo đơn vị hành chính mới: "
            "lấy từ Xã Phú Hội (40%)") in texts[at:]


def test_the_matrix_xlsx_has_a_sheet_of_the_re_aggregated_units(demo):
    out = export_report("matrix", "xlsx", "ag-cqdt-2021", "2024", as_of=date(2025, 7, 1))
    wb = openpyxl.load_workbook(io.BytesIO(out.content))
    ws = wb["Quy đổi đơn vị"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "Số liệu quy đổi theo đơn vị hành chính mới"
    assert ("Xã Phú Tân (X30406)", PHU_TAN.split(": ", 1)[1]) in [r[:2] for r in rows]
    # the units of 2025 only: no district, no old commune among the matrix's rows
    matrix = "\n".join(str(c) for r in wb.worksheets[0].iter_rows(values_only=True) for c in r if c)
    assert "Xã Phú Tân" in matrix and "Huyện Phú Tân" not in matrix and "Xã Tân Trung" not in matrix
    # without as_of nothing changes: the old units, no extra sheet
    plain = openpyxl.load_workbook(io.BytesIO(export_report("matrix", "xlsx", "ag-cqdt-2021", "2024").content))
    assert "Quy đổi đơn vị" not in plain.sheetnames


def test_the_appendix_is_not_re_aggregated(demo):
    with pytest.raises(ReportError, match="không quy đổi"):
        export_report("appendix", "xlsx", "nq17-2019", "2024", as_of=date(2025, 7, 1))


def test_the_cli_option(demo, tmp_path):
    target = tmp_path / "bao-cao.docx"
    call_command("export", "--kind", "report", "--framework", "xep-hang-mau", "--period", "2024",
                 "--as-of", "01/07/2025", "-o", str(target), stdout=io.StringIO())
    texts = [p.text for p in Document(target).paragraphs]
    assert any(t.startswith("- Sở Khoa học và Công nghệ (T91-SKHCN): Số liệu Năm 2024 quy đổi theo đơn vị "
                            "hành chính mới: gộp ") for t in texts)


def test_the_export_form_field(demo):
    from django.urls import reverse

    from chiso.conftest import client_for, make_user

    client = client_for(make_user("quan_tri_bc", "administrator"))
    assert 'name="as_of"' in client.get(reverse("reports:index")).content.decode()
    resp = client.get(reverse("reports:export"), {"framework": "ag-cqdt-2021", "period": "2024", "kind": "matrix",
                                                  "format": "xlsx", "as_of": "01/07/2025"})
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.content))["Quy đổi đơn vị"]
    assert ("Xã Phú Tân (X30406)", PHU_TAN.split(": ", 1)[1]) in [r[:2] for r in ws.iter_rows(values_only=True)]
