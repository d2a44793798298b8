"""Stated rates through the import (``N.rate``): seed 002's percentage-only results, seed 004's 11/19 stated as 60%.

The rows go through ``import_values`` → the guarded write path → the stored results
(``chiso.results``); the verdicts and the flag are read back from the stored results
(``evaluate_framework``, ``chiso evaluate --format json``), never recomputed here.
"""

from __future__ import annotations

import html
import io
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from chiso.assessments.evaluation import evaluate_framework
from chiso.assessments.importer import import_values
from chiso.assessments.models import Value
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, put_values
from chiso.conftest import client_for
from chiso.results.models import BASIS_PROVISIONAL
from chiso.tabular import ImportError_

from .import_fixtures import library_framework, table_counts

# Seed 002 (An Giang, "Kết quả tháng 01 năm 2025"): the ten ratio indicators given only as a
# percentage, with their targets: 1 ≥ 40%, 12 ≥ 60%, 13 ≥ 60%, 16 ≥ 90%, 17 ≥ 80%, 18 ≥ 65%,
# 19 ≥ 80%, 20 từ 30% đến 50%, 20.1 = 100% (cấp tỉnh), 21 = 100%. Every one is met.
SEED_002_RATES = {
    "1": ("100%", Fraction(1)),
    "12": ("100%", Fraction(1)),
    "13": ("100%", Fraction(1)),
    "16": ("98,7%", Fraction("0.987")),
    "17": ("99,19%", Fraction("0.9919")),
    "18": ("99,6%", Fraction("0.996")),
    "19": ("100%", Fraction(1)),
    "20": ("50%", Fraction("0.5")),
    "20.1": ("100%", Fraction(1)),
    "21": ("100%", Fraction(1)),
}
SOURCE = "Thống kê hồ sơ tháng 01 trên Hệ thống thông tin giải quyết thủ tục hành chính tỉnh"


def _csv(rows: list[tuple[str, str, str]]) -> bytes:
    lines = ["Mã đơn vị,Kỳ,Chỉ tiêu,Giá trị,Ghi chú"]
    lines += [f'AG,2025-01,{element},"{value}","{note}"' for element, value, note in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def nq17(world):
    return library_framework("nq17-2019")


def test_seed_002_percentage_only_rows_reproduce_their_stated_rates(nq17):
    rows = [(f"{code}.rate", text, SOURCE if code == "16" else "") for code, (text, _) in SEED_002_RATES.items()]
    # seed 002's rows with counts, row 2 with its stated 93,6% too (within 0,5 point of 93,61%)
    rows += [("2.numerator", "54.919", ""), ("2.denominator", "58.669", ""), ("2.rate", "93,6%", SOURCE)]
    report = import_values(_csv(rows), nq17, filename="nq17-ty-le.csv")
    assert report.created == 13

    stored = Value.objects.get(framework=nq17, element="16.rate")
    assert stored.number == Decimal("0.987000") and stored.comment == SOURCE and stored.source == "import"

    ag = evaluate_framework(nq17, "2025-01", basis=BASIS_PROVISIONAL).result("AG")
    for code, (text, rate) in SEED_002_RATES.items():
        r = ag.indicator(code)
        assert (r.status, r.value) == ("met", rate), code
        assert r.stated.used and not r.stated.differs
        assert r.explanation.startswith(f"Tỷ lệ nêu trong báo cáo {text}"), r.explanation
    two = ag.indicator("2")
    assert two.status == "met" and two.value == Fraction(54919, 58669)
    assert not two.stated.used and not two.stated.differs
    assert two.stated.note == "Tỷ lệ nêu trong báo cáo 93,6% khớp tỷ lệ tính từ số liệu 93,61%"
    assert ag.met == 11  # the ten stated rates and indicator 2; the other 11 have no figures


def test_seed_004_eleven_of_nineteen_stated_as_sixty_percent_is_flagged_in_the_stored_result(nq17):
    import_values(_csv([("19.numerator", "11", ""), ("19.denominator", "19", ""),
                        ("19.rate", "60%", "Báo cáo của đơn vị")]), nq17, filename="b.csv")
    r = evaluate_framework(nq17, "2025-01", basis=BASIS_PROVISIONAL).result("AG").indicator("19")
    assert r.status == "not_met" and r.value == Fraction(11, 19)
    assert r.stated.differs and "57,89% ≠ 60%" in r.stated.note
    assert "57,89% ≠ 60%" in r.explanation

    out = io.StringIO()
    call_command("evaluate", "--framework", "nq17-2019", "--period", "2025-01", "--basis", "provisional",
                 "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    ag = {i["code"]: i for u in data["units"] if u["unit"] == "AG" for i in u["indicators"]}
    assert ag["19"]["stated_rate"] == {
        "rate": 0.6, "computed": pytest.approx(11 / 19), "used": False, "differs": True,
        "note": "Tỷ lệ nêu trong báo cáo 60% khác tỷ lệ tính từ số liệu: 57,89% ≠ 60% "
                "(lệch 2,11 điểm phần trăm, quá 0,5 điểm)",
    }
    assert ag["19"]["status"] == "not_met" and ag["19"]["inputs"] == {"numerator": 11, "denominator": 19}
    assert "stated_rate" not in ag["2"]  # only where a rate was stated


def test_a_rate_without_the_percent_sign_or_above_100_is_refused_with_row_and_column(nq17):
    before = table_counts()
    with pytest.raises(ImportError_) as info:
        import_values(_csv([("16.rate", "98,7", ""), ("17.rate", "0,9919", ""), ("18.rate", "120%", "")]),
                      nq17, filename="sai.csv")
    problems = [(p.row, p.column, p.message) for p in info.value.problems]
    assert [(row, column) for row, column, _ in problems] == [(2, "Giá trị"), (4, "Giá trị")]
    assert 'tỷ lệ phải từ 0% đến 100%, gặp "98,7"' in problems[0][2]
    assert table_counts() == before  # all or nothing: 0,9919 on row 3 was not written either


def test_dry_run_shows_the_rate_as_a_percentage(nq17, tmp_path):
    path = tmp_path / "ty-le.csv"
    path.write_bytes(_csv([("16.rate", "98,7%", SOURCE)]))
    out = io.StringIO()
    call_command("import_values", str(path), "--framework", "nq17-2019", "--dry-run", stdout=out)
    assert "dòng 2: AG · 2025-01 · 16.rate: mới: 98,7%" in out.getvalue()


def test_a_rate_for_an_indicator_that_is_not_a_ratio_is_unknown(nq17, tmp_path):
    path = tmp_path / "sai.csv"
    path.write_bytes(_csv([("6.rate", "100%", "")]))  # indicator 6 is yes/no
    with pytest.raises(CommandError) as info:
        call_command("import_values", str(path), "--framework", "nq17-2019", stdout=io.StringIO())
    assert "phần tử '6.rate' không có trong bộ chỉ tiêu nq17-2019" in str(info.value)


def test_the_review_page_flags_a_stated_rate_that_differs_from_its_counts(world, own_submission):
    # criterion 3: 11/19 counted, 60% stated (seed 004's figures)
    put_values(own_submission, {**VALID_COMMUNE_VALUES, "3.numerator": Decimal(11), "3.denominator": Decimal(19),
                                "3.rate": Decimal("0.6"), "1.rate": Decimal("0.9361")})
    page = client_for(world.reviewer).get(reverse("assessments:review", args=[own_submission.pk])).content.decode()
    page = html.unescape(page)
    row3 = page[page.index('id="ind-3"'):page.index('id="ind-4"')]
    assert "Lệch quá 0,5 điểm phần trăm" in row3
    assert "Tỷ lệ nêu trong báo cáo 60% khác tỷ lệ tính từ số liệu: 57,89% ≠ 60%" in row3
    row1 = page[page.index('id="ind-1"'):page.index('id="ind-2"')]
    assert "Lệch quá" not in row1 and "khớp tỷ lệ tính từ số liệu 93,61%" in row1


def test_the_api_takes_a_stated_rate_through_the_same_import(world, own_submission):
    rows = [{"unit": "AG-PT-PL", "period": "2025", "element": "3.rate", "value": "98,7%",
             "comment": "Theo báo cáo của UBND xã"}]
    response = client_for(world.reporter).post("/api/v1/values?framework=web-thu-nghiem", json.dumps(rows),
                                               content_type="application/json")
    assert response.status_code == 200, response.content
    doc = response.json()
    assert doc["counts"]["created"] == 1 and doc["changes"][0]["new"] == "98,7%"
    row = own_submission.values().get(element="3.rate")
    assert (row.number, row.comment, row.source) == (Decimal("0.987000"), "Theo báo cáo của UBND xã", "import")
    own_submission.refresh_from_db()
    assert own_submission.version == 2  # through the guarded write path
    bad = client_for(world.reporter).post("/api/v1/values?framework=web-thu-nghiem", json.dumps(
        [{**rows[0], "value": "98,7"}]), content_type="application/json")
    assert bad.status_code == 422 and "tỷ lệ phải từ 0% đến 100%" in bad.content.decode()
