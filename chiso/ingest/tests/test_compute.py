"""Framework inputs computed from records: provenance, overrides, discrepancies, the CLI chain."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command

from chiso.assessments.models import Value
from chiso.assessments.tests.import_fixtures import library_framework
from chiso.ingest.compute import (
    apply_computed_values,
    computed_values,
    discrepancies,
    source_elements,
)
from chiso.ingest.importer import ingest_file

from .exports import DOCUMENT_HEADER, dossier, write_csv


def _seed_002_january_export(path, unit="AG"):
    """January 2025 of seed 002: 54.919 online of 58.669 partial/full-online dossiers (93,6%).

    Also 62.922 dossiers resolved, 54.935 of them with an electronic result (87,3%).
    """
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Mã hồ sơ", "Mã đơn vị", "Mức độ", "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
                    "Ngày có kết quả", "Trạng thái", "Kết quả điện tử"])
        resolved = 0
        for i in range(62922):
            online_level = i < 58669
            level = ("toàn trình" if i % 3 else "một phần") if online_level else "trực tiếp"
            channel = "trực tuyến" if i < 54919 else "trực tiếp"
            day = f"{1 + i % 28:02d}/01/2025"
            resolved += 1
            w.writerow([f"HS-{i:06d}", unit, level, channel, f"{day} 08:00", "", f"{day} 15:00",
                        "đã giải quyết", "Có" if i < 54935 else "Không"])
    return path


def test_nq17_declares_its_sources_in_the_yaml(db):
    nq17 = library_framework("nq17-2019")
    assert source_elements(nq17.spec()) == {
        "2.numerator": "dossiers.online", "2.denominator": "dossiers.online_eligible",
        "11.numerator": "dossiers.e_result", "11.denominator": "dossiers.resolved",
        "15.numerator": "documents.outgoing_electronic", "15.denominator": "documents.outgoing",
    }


def test_ingest_then_compute_then_evaluate_gives_seed_002_ratios(world, tmp_path):
    library_framework("nq17-2019")
    path = _seed_002_january_export(tmp_path / "igate-2025-01.csv")
    call_command("ingest_dossiers", str(path), "--no-progress", stdout=StringIO())
    out = StringIO()
    call_command("compute_values", "--framework", "nq17-2019", "--period", "2025-01", stdout=out)
    assert "4 số liệu mới" in out.getvalue()
    out = StringIO()
    call_command("evaluate", "--framework", "nq17-2019", "--period", "2025-01", "--format", "json", stdout=out)
    result = json.loads(out.getvalue())
    province = next(u for u in result["units"] if u["unit"] == "AG")
    ind2 = next(i for i in province["indicators"] if i["code"] == "2")
    assert ind2["inputs"] == {"numerator": 54919, "denominator": 58669}
    assert ind2["status"] == "met"
    assert ind2["value"] == pytest.approx(54919 / 58669)
    assert "93,6" in ind2["explanation"]
    ind11 = next(i for i in province["indicators"] if i["code"] == "11")
    assert ind11["inputs"] == {"numerator": 54935, "denominator": 62922}
    assert ind11["status"] == "not_met"
    # Documents were never imported: indicator 15 has no computed value.
    assert not Value.objects.filter(element__startswith="15.").exists()


@pytest.fixture
def small(world, tmp_path):
    """The province (nq17's only unit) with 4 eligible online-level dossiers, 3 submitted online."""
    nq17 = library_framework("nq17-2019")
    rows = [dossier(f"P{i}", unit="AG", channel="online" if i < 3 else "in_person",
                    received="2025-01-06 08:00") for i in range(4)]
    batch = ingest_file(write_csv(tmp_path / "p.csv", rows), "dossiers")
    return nq17, batch


def test_computed_values_carry_their_provenance(small, world):
    nq17, batch = small
    values = computed_values(nq17, "2025-01")
    assert set(values) == {"AG"}
    number, provenance = values["AG"]["2.numerator"]
    assert number == Fraction(3)
    assert values["AG"]["2.denominator"][0] == Fraction(4)
    assert values["AG"]["11.denominator"][0] == Fraction(0)
    assert provenance["metric"] == "dossiers.online"
    assert provenance["batches"] == [batch.pk]
    assert provenance["period"] == "2025-01"
    assert provenance["computed_at"]


def test_apply_is_safe_to_run_twice(small, world):
    nq17, _ = small
    first = apply_computed_values(nq17, "2025-01")
    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    row = Value.objects.get(unit=world.province, element="2.numerator")
    assert (row.number, row.source) == (Decimal(3), "computed")
    again = apply_computed_values(nq17, "2025-01")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_an_override_is_never_replaced_and_a_manual_value_is_kept_as_reported(small, world):
    nq17, _ = small
    Value.objects.create(framework=nq17, unit=world.province, period="2025-01", element="2.numerator",
                         number=Decimal(4), source="override",
                         provenance={"reason": "2 hồ sơ nộp qua Cổng DVC quốc gia chưa đồng bộ"})
    Value.objects.create(framework=nq17, unit=world.province, period="2025-01", element="2.denominator",
                         number=Decimal(10), source="manual")
    result = apply_computed_values(nq17, "2025-01", user=world.admin)
    assert result.kept_override == [("AG", "2.numerator")]
    override = Value.objects.get(element="2.numerator")
    assert (override.number, override.source) == (Decimal(4), "override")
    denominator = Value.objects.get(element="2.denominator")
    assert (denominator.number, denominator.source) == (Decimal(4), "computed")
    assert denominator.provenance["reported"]["value"] == "10"
    assert denominator.provenance["reported"]["source"] == "manual"
    assert denominator.updated_by == world.admin
    # The value history records the change (who and what).
    assert denominator.history.first().source == "computed"

    found = {(d.element, d.source): d for d in discrepancies(nq17, "2025-01")}
    assert set(found) == {("2.numerator", "override"), ("2.denominator", "manual")}
    over = found[("2.numerator", "override")]
    assert (over.reported, over.computed, over.indicator) == (4, 3, "2")
    assert over.reason == "2 hồ sơ nộp qua Cổng DVC quốc gia chưa đồng bộ"
    assert found[("2.denominator", "manual")].reported == 10


def test_small_differences_within_the_tolerance_are_not_flagged(small, world):
    nq17, _ = small
    Value.objects.create(framework=nq17, unit=world.province, period="2025-01", element="2.denominator",
                         number=Decimal("4.02"), source="import")
    assert discrepancies(nq17, "2025-01", tolerance=0.01) == []
    flagged = discrepancies(nq17, "2025-01", tolerance=0.001)
    assert [(d.element, d.reported, d.computed) for d in flagged] == [
        ("2.denominator", Fraction("4.02"), Fraction(4))]


def test_documents_feed_indicator_15(world, tmp_path):
    nq17 = library_framework("nq17-2019")
    rows = [[f"VB{i}", "AG", "đi", "2025-01-15", "Có" if i < 98 else "Không", "Có", "Không"]
            for i in range(100)] + [["M1", "AG", "đi", "2025-01-15", "Không", "Không", "Có"]]
    ingest_file(write_csv(tmp_path / "vb.csv", rows, DOCUMENT_HEADER), "documents")
    values = computed_values(nq17, "2025-01")["AG"]
    assert values["15.numerator"][0] == 98 and values["15.denominator"][0] == 100
    assert "2.numerator" not in values  # no dossiers imported: missing, not zero


def test_computed_values_are_refused_into_an_approved_report(small, world):
    """The guarded write path: computed figures never change an approved report behind the reviewer's back."""
    from datetime import timedelta

    from django.utils import timezone

    from chiso.assessments.models import Submission
    from chiso.assessments.workflow import open_round
    from chiso.assessments.writes import ReportLocked

    nq17, _ = small
    rnd = open_round(nq17, "2025-01", timezone.localdate() + timedelta(days=5), world.admin,
                     root_unit=world.province, level="province")
    Submission.objects.filter(round=rnd, unit=world.province).update(status="approved")
    with pytest.raises(ReportLocked) as caught:
        apply_computed_values(nq17, "2025-01")
    assert "Tháng 01/2025" in caught.value.problems[0] and "Đã duyệt" in caught.value.problems[0]
    assert not Value.objects.filter(framework=nq17, period="2025-01").exists()
