"""One case, every surface: the same rate and the same words on the page, in the CLI, the DOCX and the XLSX.

ag-cqdt-2021 for 2025 (the report's world): 2 of 5 units complete, so 40%;
Sở Nội vụ's criterion 1 is 40/100 hồ sơ, also 40%. Each surface must print
"40,00%" (never "40%") and the vocabulary's words ("Cấp tỉnh", "Chưa đạt",
"Chưa báo cáo").
"""

from __future__ import annotations

import re
from fractions import Fraction
from io import BytesIO, StringIO

import openpyxl
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from chiso.conftest import client_for
from chiso.engine.rates import format_rate
from chiso.reports.services import export_report
from chiso.results import vocabulary
from chiso.units.models import Unit

from .conftest import put_values, store_framework
from .test_report import full_marks

RATE = format_rate(2 / 5)


def test_rate_and_words_are_identical_on_every_surface(world):
    Unit.objects.filter(code__startswith="KG").update(active=False)  # the CLI sees every province
    fw = store_framework("ag-cqdt-2021")
    spec = fw.spec()
    put_values(fw, world.agency_a, "2025", full_marks(spec, "province"))
    put_values(fw, world.agency_b, "2025", {**full_marks(spec, "province"), "1.numerator": 40})
    put_values(fw, world.district, "2025", {**full_marks(spec, "district"), "1.numerator": 45})
    put_values(fw, world.commune_a, "2025", full_marks(spec, "commune"))
    assert RATE == "40,00%"
    province, not_met, not_reported = (vocabulary.level_name("province"), vocabulary.verdict("not_met"),
                                       vocabulary.unit_status("not_reported"))
    assert (province, not_met, not_reported) == ("Cấp tỉnh", "Chưa đạt", "Chưa báo cáo")

    # the page: the leader's overview
    html = client_for(world.viewer).get(  # the leader, scoped to the province AG
        reverse("dashboard:overview"), {"framework": "ag-cqdt-2021", "period": "2025"}).content.decode()
    assert re.search(r'id="overall-rate">([^<]*)<', html).group(1) == RATE
    level_row = re.search(r'<tr data-level="province">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'data-field="rate">([^<]*)<', level_row).group(1) == "50,00%"
    assert f"<th scope=\"row\">{vocabulary.level_agency('province')}</th>" in level_row

    # the CLI table
    out = StringIO()
    call_command("evaluate", "--framework", "ag-cqdt-2021", "--period", "2025", stdout=out)
    table = out.getvalue()
    assert f"Tổng hợp: 5 đơn vị; đã đánh giá 4; chưa báo cáo 1; hoàn thành 2; tỷ lệ hoàn thành {RATE}" in table
    assert f"  {province}: 2 đơn vị;" in table and "tỷ lệ hoàn thành 50,00%" in table
    phu_my = next(line for line in table.splitlines() if line.startswith("AG-PT-PT "))
    assert not_reported in phu_my

    # the DOCX report
    doc = Document(BytesIO(export_report("report", "docx", fw, "2025", unit=world.province).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"2/5 đơn vị hoàn thành (đạt {RATE})" in text
    assert f"- {province}: 1/2 đơn vị hoàn thành (đạt 50,00%)" in text
    assert "40%" not in text.replace(RATE, "")

    # the XLSX appendix of Sở Nội vụ: criterion 1 is 40/100
    wb = openpyxl.load_workbook(BytesIO(export_report("appendix", "xlsx", fw, "2025", unit=world.agency_b).content))
    row = next(r for r in wb.active.iter_rows(min_row=6, values_only=True) if str(r[0]) == "1")
    assert (format_rate(Fraction(row[4]).limit_denominator(10**6)), row[5]) == (RATE, not_met)
