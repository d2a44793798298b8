"""Inputs the reports print: a unit's "Nội dung thực hiện" text imported from a values file."""

from __future__ import annotations

from io import BytesIO

import openpyxl

from chiso.assessments.importer import import_values
from chiso.assessments.models import Value
from chiso.reports.services import export_report

from .conftest import store_framework

CSV = (
    "unit,period,element,value\n"
    "AG,2025-01,2.numerator,54919\n"
    "AG,2025-01,2.denominator,58669\n"
    "AG,2025-01,2.narrative,\"Thống kê hồ sơ tháng 01; = 100% đúng hạn\"\n"
)


def test_narrative_is_imported_as_text_and_printed_in_the_appendix(world):
    fw = store_framework("nq17-2019")
    import_values(CSV.encode(), fw, filename="gia-tri.csv")
    stored = Value.objects.get(framework=fw, unit=world.province, period="2025-01", element="2.narrative")
    assert stored.number is None and stored.text == "Thống kê hồ sơ tháng 01; = 100% đúng hạn"
    out = export_report("appendix", "xlsx", fw, "2025-01", unit=world.province)
    ws = openpyxl.load_workbook(BytesIO(out.content)).active
    contents = [row[3] for row in ws.iter_rows(values_only=True) if row[0] == "2"]
    assert contents and contents[0].startswith("Thống kê hồ sơ tháng 01; = 100% đúng hạn\n")
