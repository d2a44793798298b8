"""Metrics from the 2026 dossier columns, worked out by hand; missing (not 0) where nothing is known."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command

from chiso.ingest.importer import ingest_file
from chiso.ingest.metrics import (
    DOSSIER_METRICS,
    METRICS,
    OPTIONAL_DOSSIER_METRICS,
    dossier_metrics,
    dossier_metrics_series,
    metric_rows,
)

from .exports import VI_HEADER, row, write_csv

# Agency AG-STTTT around January 2025 (local times), one dossier of AG-SNV without 2026 values.
HAND_MADE = [
    row("N1", paid="Có", published="Có", satisfaction="5", reused="Có", office="tỉnh",
        received="2025-01-05 08:00", resolved="2025-01-08 10:00", status="resolved"),
    row("N2", paid="Không", published="Không", satisfaction="hài lòng", reused="Không", office="Cấp xã",
        received="2025-01-06 08:00", resolved="2025-01-09 10:00", status="resolved"),
    row("N3", reused="Có", office="xã", received="2025-01-07 08:00"),
    row("N4", paid="Có", reused="Có", office="huyện", received="2025-01-08 08:00", status="rejected"),
    row("N5", paid="Không", satisfaction="2", received="2025-01-09 08:00", due="2025-01-30 17:00",
        resolved="2025-01-20 10:00", status="resolved"),
    row("N6", paid="Có", published="Có", satisfaction="3", office="tỉnh", received="2024-12-20 08:00",
        due="2025-01-10 17:00", resolved="2025-01-03 10:00", status="resolved"),
    row("S1", unit="AG-SNV", received="2025-01-10 08:00", resolved="2025-01-11 08:00", status="resolved"),
]

JANUARY_2026_FIELDS = {
    "payment_known": 3,  # N1, N2, N5 (N3 blank = unknown; N4 rejected)
    "paid_online": 1,  # N1
    "reuse_known": 3,  # N1, N2, N3 (N4 rejected; N5 blank)
    "reused_digitised": 2,  # N1, N3
    "received_province": 1,  # N1
    "received_district": 1,  # N4: any status, like "received"
    "received_commune": 2,  # N2, N3 (N5's level unknown)
    "publication_known": 3,  # resolved in January: N1, N2, N6 (N5 blank)
    "published_on_time": 2,  # N1, N6
    "satisfaction_rated": 4,  # N1 5, N2 4, N5 2, N6 3
    "satisfaction_sum": 14,
    "satisfied": 2,  # N1, N2 (4 or 5)
    "resolved_province": 2,  # N1, N6
    "resolved_district": 0,
    "resolved_commune": 1,  # N2
}


@pytest.fixture
def hand_made(world, tmp_path):
    ingest_file(write_csv(tmp_path / "ho-so-2026.csv", HAND_MADE, VI_HEADER), "dossiers")
    return world


def test_january_2026_metrics_worked_out_by_hand(hand_made):
    m = dossier_metrics("2025-01")[hand_made.agency_a.pk]
    assert {name: m[name] for name in OPTIONAL_DOSSIER_METRICS} == JANUARY_2026_FIELDS
    # The shares a framework divides, and the average rating.
    assert Fraction(m["paid_online"], m["payment_known"]) == Fraction(1, 3)
    assert Fraction(m["reused_digitised"], m["reuse_known"]) == Fraction(2, 3)
    assert Fraction(m["published_on_time"], m["publication_known"]) == Fraction(2, 3)
    assert Fraction(m["satisfaction_sum"], m["satisfaction_rated"]) == Fraction(7, 2)  # 3,5 of 5
    assert Fraction(m["satisfied"], m["satisfaction_rated"]) == Fraction(1, 2)
    # The 2026 columns do not change the metrics that existed before.
    assert (m["received"], m["ineligible"], m["resolved"], m["carried_over"]) == (5, 1, 4, 1)


def test_a_metric_with_no_known_value_is_missing_not_zero(hand_made):
    january = dossier_metrics("2025-01")
    # AG-SNV's export had no 2026 values: exactly the metrics that existed before, nothing else.
    assert set(january[hand_made.agency_b.pk]) == set(DOSSIER_METRICS)
    assert january[hand_made.agency_b.pk]["resolved"] == 1
    # December: N6 was received (payment and level known), nothing was resolved, reuse unknown.
    december = dossier_metrics("2024-12")[hand_made.agency_a.pk]
    present = set(december) - set(DOSSIER_METRICS)
    assert present == {"payment_known", "paid_online", "received_province", "received_district",
                       "received_commune"}
    assert (december["payment_known"], december["paid_online"], december["received_province"],
            december["received_commune"]) == (1, 1, 1, 0)
    # February: nothing happened, so nothing is known.
    assert set(dossier_metrics("2025-02")[hand_made.agency_a.pk]) == set(DOSSIER_METRICS)


def test_a_quarter_and_a_series_agree_with_the_month(hand_made):
    series = dossier_metrics_series(["2024-12", "2025-01", "2025-Q1"])
    agency = hand_made.agency_a.pk
    assert series["2025-01"][agency] == dossier_metrics("2025-01")[agency]
    q1 = series["2025-Q1"][agency]
    assert {name: q1[name] for name in OPTIONAL_DOSSIER_METRICS} == JANUARY_2026_FIELDS
    assert series["2024-12"][agency] == dossier_metrics("2024-12")[agency]


def test_a_zone_with_daylight_saving_time_gives_the_same_figures(hand_made, monkeypatch, tmp_path):
    """Without a fixed offset the local months come from DuckDB's time-zone functions: same 2026 figures."""
    from chiso.ingest import reader

    expected = dossier_metrics("2025-01", system="main")[hand_made.agency_a.pk]
    monkeypatch.setattr(reader, "_utc_offset_seconds", lambda: None)
    ingest_file(write_csv(tmp_path / "ho-so-2026.csv", HAND_MADE, VI_HEADER), "dossiers", system="dst")
    assert dossier_metrics("2025-01", system="dst")[hand_made.agency_a.pk] == expected


def test_rows_and_command_list_only_known_metrics(hand_made):
    rows = metric_rows("dossiers", "2025-01")
    by_unit: dict[str, dict[str, int]] = {}
    for r in rows:
        by_unit.setdefault(r["unit"], {})[r["name"]] = r["value"]
    assert set(by_unit["AG-SNV"]) == set(DOSSIER_METRICS)
    assert set(by_unit["AG-STTTT"]) == set(DOSSIER_METRICS) | set(OPTIONAL_DOSSIER_METRICS)
    assert by_unit["AG-STTTT"]["satisfaction_sum"] == 14
    out = StringIO()
    call_command("metrics", "--source", "dossiers", "--period", "2025-01", "--unit", "AG-STTTT",
                 "--format", "json", stdout=out)
    got = {r["name"]: r["value"] for r in json.loads(out.getvalue())["metrics"]}
    assert {name: got[name] for name in OPTIONAL_DOSSIER_METRICS} == JANUARY_2026_FIELDS
    assert set(OPTIONAL_DOSSIER_METRICS) <= set(METRICS["dossiers"])  # frameworks may name them


LEVEL_VOLUMES = {"tỉnh": 35591, "huyện": 15619, "xã": 30129}  # seed 001's three figures
PENDING_PER_LEVEL = 100


def _level_export(path):
    """81.339 dossiers received in 2023-H1 whose office levels give seed 001's three totals.

    Seed 001 (Văn phòng UBND tỉnh An Giang, 6 tháng đầu năm 2023) reports 35.591 / 15.619 /
    30.129 received; the issue reads them as levels of government. The report itself says
    "mức độ 2 / 3 / 4" (service levels), which the existing metrics already cover
    (``online_eligible`` = 30.129 + 15.619 in test_metrics); here they are the volumes by which
    the office-level metric is checked. The first 100 of each level are still pending.
    """
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Mã hồ sơ", "Đơn vị", "Mức độ", "Kênh nộp", "Ngày tiếp nhận", "Ngày có kết quả",
                    "Trạng thái", "Cấp của cơ quan tiếp nhận"])
        i = 0
        for level, count in LEVEL_VOLUMES.items():
            for k in range(count):
                day = f"{1 + i % 28:02d}/{1 + i % 6:02d}/2023"
                done = k >= PENDING_PER_LEVEL
                w.writerow([f"H-{i}", "AG-STTTT", "mức độ 2", "trực tiếp", f"{day} 08:00",
                            f"{day} 16:00" if done else "", "đã giải quyết" if done else "đang xử lý", level])
                i += 1
    return path


def test_seed_001_volumes_by_office_level(world, tmp_path):
    ingest_file(_level_export(tmp_path / "theo-cap.csv"), "dossiers")
    m = dossier_metrics("2023-H1")[world.agency_a.pk]
    assert (m["received_province"], m["received_district"], m["received_commune"]) == (35591, 15619, 30129)
    assert m["received"] == 81339 == 35591 + 15619 + 30129
    assert (m["resolved_province"], m["resolved_district"], m["resolved_commune"]) == (35491, 15519, 30029)
    assert m["resolved"] == 81339 - 3 * PENDING_PER_LEVEL
    # Per month the levels still add up to what was received.
    months = dossier_metrics_series([f"2023-0{k}" for k in range(1, 7)])
    assert sum(months[f"2023-0{k}"][world.agency_a.pk]["received_commune"] for k in range(1, 7)) == 30129


def test_no_unit_asked_gives_no_rows_not_an_error(db):
    from chiso.ingest.metrics import dossier_metrics_series

    assert dossier_metrics_series(["2025", "2025-01"], []) == {"2025": {}, "2025-01": {}}
