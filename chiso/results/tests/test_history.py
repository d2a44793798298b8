"""History on today's units: a 2024 figure shown on the communes that exist after the 2025 merger."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from chiso.assessments.models import Value
from chiso.assessments.tests.workflow_world import store_framework_text
from chiso.units.models import Unit, UnitLineage

pytestmark = pytest.mark.django_db

CRITERIA = """
code: lich-su
version: "1"
title: Bộ tiêu chí thử quy đổi lịch sử
kind: criteria
legal_basis: {number: "03/QĐ-TN", date: 2024-01-02, issuer: "UBND tỉnh An Giang"}
levels: [province, commune]
scope: {levels: [commune], assesses: agencies}
indicators:
  - {code: "1", name: Hồ sơ trực tuyến, kind: ratio, target: {op: ">=", value: "50%"}, unit_label: hồ sơ}
  - {code: "2", name: Có cổng thông tin, kind: boolean}
"""

SCORE = """
code: diem-lich-su
version: "1"
title: Bộ chấm điểm thử quy đổi lịch sử
kind: score
legal_basis: {number: "04/QĐ-TN", date: 2024-01-02, issuer: "UBND tỉnh An Giang"}
levels: [province, commune]
scope: {levels: [commune], assesses: agencies}
categories:
  - code: chung
    name: Chỉ số chung
    bands:
      - {label: Mức 1, min_share: "0%"}
indicators:
  - {code: "1", name: Điểm thành phần, kind: score, category: chung, max_points: 100}
"""


@pytest.fixture
def reform(db):
    """Old communes A, B, C (to 30/06/2025); A + B + 60% of C → new N, 40% of C → new M (from 01/07/2025).

    The old C carried the official code 30316 that the new N now carries (codes reused), each
    kept in its own unit's attributes: unit keys are the product's own.
    """
    province = Unit.objects.create(code="T", name="Tỉnh An Giang", level="province", kind="Tỉnh")
    old = dict(valid_to=date(2025, 6, 30), parent=province, level="commune", kind="UBND xã")
    new = dict(valid_from=date(2025, 7, 1), parent=province, level="commune", kind="UBND xã")
    a = Unit.objects.create(code="CU-A", name="Xã Tân Hoà", **old)
    b = Unit.objects.create(code="CU-B", name="Xã Tân Trung", **old)
    c = Unit.objects.create(code="CU-C", name="Xã Phú Bình", attributes={"ma_hanh_chinh": "30316"}, **old)
    n = Unit.objects.create(code="X-N", name="Xã Phú Tân", attributes={"ma_hanh_chinh": "30316"}, **new)
    m = Unit.objects.create(code="X-M", name="Xã Chợ Vàm", **new)
    effective = date(2025, 7, 1)
    UnitLineage.objects.create(predecessor=a, successor=n, kind="merge", effective=effective)
    UnitLineage.objects.create(predecessor=b, successor=n, kind="merge", effective=effective)
    UnitLineage.objects.create(predecessor=c, successor=n, kind="split", effective=effective, share=Decimal("0.6"))
    UnitLineage.objects.create(predecessor=c, successor=m, kind="split", effective=effective, share=Decimal("0.4"))
    return {"A": a, "B": b, "C": c, "N": n, "M": m}


def put(framework, unit, **elements):
    for element, number in elements.items():
        Value.objects.create(framework=framework, unit=unit, period="2024", element=element.replace("_", "."),
                             number=Decimal(number))


def evaluate(framework: str, *args: str) -> dict:
    out = io.StringIO()
    call_command("evaluate", "--framework", framework, "--period", "2024", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def by_unit(doc: dict) -> dict:
    return {u["unit"]: u for u in doc["units"]}


def test_ratio_and_yes_no_are_reaggregated_onto_todays_communes(reform):
    fw = store_framework_text(CRITERIA, "lich-su.yaml")
    put(fw, reform["A"], **{"1_numerator": 30, "1_denominator": 40, "2_value": 1})
    put(fw, reform["B"], **{"1_numerator": 10, "1_denominator": 20, "2_value": 1})
    put(fw, reform["C"], **{"1_numerator": 50, "1_denominator": 100, "2_value": 0})

    doc = evaluate("lich-su", "--as-of", "2025-07-01")
    units = by_unit(doc)
    assert set(units) == {"X-N", "X-M"}  # the units valid on 01/07/2025, not the old ones
    n, m = units["X-N"], units["X-M"]
    # by hand: N = A + B + 0,6 × C → (30 + 10 + 30) / (40 + 20 + 60) = 70/120 = 58,33% ≥ 50%
    ratio_n = next(i for i in n["indicators"] if i["code"] == "1")
    assert (ratio_n["status"], ratio_n["value"]) == ("met", pytest.approx(70 / 120))
    # yes/no: "Có" only when every predecessor says so; C said "Không"
    assert next(i for i in n["indicators"] if i["code"] == "2")["status"] == "not_met"
    # M = 0,4 × C → 20/40 = 50%
    ratio_m = next(i for i in m["indicators"] if i["code"] == "1")
    assert (ratio_m["status"], ratio_m["value"]) == ("met", pytest.approx(0.5))
    assert n["aggregated_from"] == [{"unit": "CU-A", "share": 1.0}, {"unit": "CU-B", "share": 1.0},
                                    {"unit": "CU-C", "share": 0.6}]
    assert m["aggregated_from"] == [{"unit": "CU-C", "share": 0.4}]
    assert doc["as_of"] == "2025-07-01"


def test_without_as_of_nothing_changes(reform):
    fw = store_framework_text(CRITERIA, "lich-su.yaml")
    put(fw, reform["A"], **{"1_numerator": 30, "1_denominator": 40, "2_value": 1})
    doc = evaluate("lich-su")
    assert "aggregated_from" not in doc["units"][0] and "as_of" not in doc
    assert by_unit(doc)["CU-A"]["status"] == "complete"


def test_a_score_is_the_plain_average_of_the_predecessors(reform):
    fw = store_framework_text(SCORE, "diem-lich-su.yaml")
    put(fw, reform["A"], **{"1_value": 80})
    put(fw, reform["B"], **{"1_value": 60})
    put(fw, reform["C"], **{"1_value": 50})
    units = by_unit(evaluate("diem-lich-su", "--as-of", "2026-01-01"))
    # N: (80 × 1 + 60 × 1 + 50 × 0,6) / (1 + 1 + 0,6) = 170 / 2,6 = 65,38…; M: 50
    assert units["X-N"]["indicators"][0]["points"] == pytest.approx(170 / 2.6)
    assert units["X-M"]["indicators"][0]["points"] == pytest.approx(50)


def test_a_predecessor_that_did_not_report_leaves_the_sum_missing(reform):
    fw = store_framework_text(CRITERIA, "lich-su.yaml")
    put(fw, reform["A"], **{"1_numerator": 30, "1_denominator": 40})
    put(fw, reform["C"], **{"1_numerator": 50, "1_denominator": 100})
    units = by_unit(evaluate("lich-su", "--as-of", "2025-07-01"))
    assert next(i for i in units["X-N"]["indicators"] if i["code"] == "1")["status"] == "missing"


def test_the_table_says_how_each_figure_was_carried(reform):
    fw = store_framework_text(CRITERIA, "lich-su.yaml")
    put(fw, reform["A"], **{"1_numerator": 30, "1_denominator": 40, "2_value": 1})
    out = io.StringIO()
    call_command("evaluate", "--framework", "lich-su", "--period", "2024", "--as-of", "2025-07-01", stdout=out)
    assert ("X-N: Số liệu Năm 2024 quy đổi theo đơn vị hành chính mới: gộp Xã Tân Hoà, Xã Tân Trung, "
            "Xã Phú Bình (60%)") in out.getvalue()


def test_phu_tan_s_2024_figures_on_the_new_xa_phu_lam_from_the_registry():
    """The registry's lineage (vietnamadminunits, offline): Xã Phú Lâm (X30421) of 2025 took the
    old Xã Long Hòa, Xã Phú Long and Xã Phú Lâm of Huyện Phú Tân."""
    call_command("import_units", "--registry", "vn", "--province", "An Giang", "--as-of", "2025-07-01",
                 stdout=io.StringIO())
    fw = store_framework_text(CRITERIA, "lich-su.yaml")
    olds = {u.name: u for u in Unit.objects.filter(parent__code="CU-H888",
                                                    name__in=["Xã Long Hòa", "Xã Phú Long", "Xã Phú Lâm"])}
    put(fw, olds["Xã Long Hòa"], **{"1_numerator": 120, "1_denominator": 300, "2_value": 1})
    put(fw, olds["Xã Phú Long"], **{"1_numerator": 90, "1_denominator": 150, "2_value": 1})
    put(fw, olds["Xã Phú Lâm"], **{"1_numerator": 45, "1_denominator": 50, "2_value": 1})
    out = io.StringIO()
    call_command("evaluate", "--framework", "lich-su", "--period", "2024", "--as-of", "2025-07-01",
                 "--unit", "X30421", "--format", "json", stdout=out)
    unit = json.loads(out.getvalue())["units"][0]
    # by hand: (120 + 90 + 45) / (300 + 150 + 50) = 255/500 = 51,00% ≥ 50%; every one had a portal
    assert [(i["code"], i["status"]) for i in unit["indicators"]] == [("1", "met"), ("2", "met")]
    assert unit["indicators"][0]["value"] == pytest.approx(0.51)
    assert sorted(a["unit"] for a in unit["aggregated_from"]) == sorted(u.code for u in olds.values())


def test_the_api_answers_as_of_like_the_cli(reform):
    from chiso.conftest import client_for, make_user

    fw = store_framework_text(CRITERIA, "lich-su.yaml")
    put(fw, reform["A"], **{"1_numerator": 30, "1_denominator": 40, "2_value": 1})
    put(fw, reform["B"], **{"1_numerator": 10, "1_denominator": 20, "2_value": 1})
    put(fw, reform["C"], **{"1_numerator": 50, "1_denominator": 100, "2_value": 0})
    cli = evaluate("lich-su", "--as-of", "2025-07-01")
    client = client_for(make_user("quan_tri", "administrator"))
    api = client.get("/api/v1/evaluations", {"framework": "lich-su", "period": "2024", "as_of": "2025-07-01"}).json()
    assert api == cli
    viewer = client_for(make_user("xa_m", "viewer", [reform["M"]]))
    mine = viewer.get("/api/v1/evaluations", {"framework": "lich-su", "period": "2024", "as_of": "2025-07-01"}).json()
    assert [u["unit"] for u in mine["units"]] == ["X-M"]  # only the units this user may see
    assert mine["units"][0]["aggregated_from"] == [{"unit": "CU-C", "share": 0.4}]


def test_the_unit_page_shows_a_past_period_carried_from_the_predecessors(reform):
    from django.urls import reverse

    from chiso.conftest import client_for, make_user

    fw = store_framework_text(CRITERIA, "lich-su.yaml")
    put(fw, reform["A"], **{"1_numerator": 30, "1_denominator": 40, "2_value": 1})
    put(fw, reform["B"], **{"1_numerator": 10, "1_denominator": 20, "2_value": 1})
    put(fw, reform["C"], **{"1_numerator": 50, "1_denominator": 100, "2_value": 1})
    client = client_for(make_user("lanh_dao", "viewer", [Unit.objects.get(code="T")]))
    page = client.get(reverse("dashboard:unit", args=["X-N"]), {"framework": "lich-su", "period": "2024"})
    assert page.status_code == 200
    html = page.content.decode()
    assert ("Số liệu Năm 2024 quy đổi theo đơn vị hành chính mới: gộp Xã Tân Hoà, Xã Tân Trung, "
            "Xã Phú Bình (60%)") in html
    # the carried figures: (30 + 10 + 30) / (40 + 20 + 60) = 58,33%, every predecessor had a portal
    assert dict(page.context["history_status"])[page.context["history_periods"][-1]] == "complete"
    assert "58,33%" in html
