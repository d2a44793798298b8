"""Metrics from records, worked out by hand, and seed 001's figures reproduced from an export."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from chiso.ingest.importer import ingest_file
from chiso.ingest.metrics import (
    DOSSIER_METRICS,
    document_metrics,
    dossier_metrics,
    dossier_metrics_series,
)

from .exports import DOCUMENT_HEADER, dossier, write_csv

# One agency's dossiers around January 2025; local times (UTC+7).
HAND_MADE = [
    # carried into January: received before, eligible, not resolved before 1/1
    dossier("C1", level="partial_online", channel="in_person", received="2024-12-20 09:00",
            due="2025-01-02 17:00", resolved="2025-01-03 10:00", status="resolved", e_result="Có"),
    dossier("C2", received="2024-12-28 09:00", status="received"),
    dossier("B1", received="2024-12-31 23:30", status="received"),  # still December locally
    # not carried: resolved in December, or ineligible
    dossier("C3", received="2024-12-15 09:00", due="2024-12-31 17:00", resolved="2024-12-30 10:00",
            status="resolved"),
    dossier("C4", received="2024-12-29 09:00", status="rejected"),
    # received in January
    dossier("J1", received="2025-01-05 08:00", due="2025-01-10 17:00", resolved="2025-01-08 10:00",
            status="resolved", e_result="Có", digitized="Có"),
    dossier("J2", level="partial_online", channel="in_person", received="2025-01-06 08:00",
            resolved="2025-02-02 10:00", status="resolved", digitized="Có"),
    dossier("J3", level="offline", channel="in_person", received="2025-01-07 08:00", digitized="Không"),
    dossier("J4", received="2025-01-08 08:00", status="rejected", digitized="Có"),
    dossier("J5", channel="postal", received="2025-01-09 08:00", status="withdrawn"),
    dossier("J6", received="2025-01-10 08:00", due="", resolved="2025-01-10 20:00", status="resolved",
            e_result="Không"),
    dossier("B2", received="2025-01-31 23:59", resolved="2025-02-01 00:10", status="resolved"),
    # another unit: one dossier, long finished
    dossier("S1", unit="AG-SNV", received="2024-11-04 08:00", resolved="2024-11-05 08:00", status="resolved"),
]

JANUARY = {
    "carried_over": 3,  # C1, C2, B1
    "received": 7,  # J1–J6, B2
    "ineligible": 2,  # J4 rejected, J5 withdrawn
    "to_resolve": 8,  # 3 + 7 − 2
    "resolved": 3,  # C1, J1, J6 (J2 and B2 in February)
    "resolved_on_time": 2,  # J1; J6 has no deadline
    "resolved_late": 1,  # C1
    "pending": 5,  # C2, B1, J2, J3, B2
    "online_eligible": 4,  # J1, J2, J6, B2
    "online": 3,  # J1, J6, B2 (J2 came in person)
    "e_result": 2,  # C1, J1
    "digitized": 2,  # J1, J2 (J4 is ineligible)
    # by service level: received (any status) adds up to received, resolved to resolved
    "received_full_online": 5,  # J1, J4, J5, J6, B2
    "received_partial_online": 1,  # J2
    "received_offline": 1,  # J3
    "resolved_full_online": 2,  # J1, J6
    "resolved_partial_online": 1,  # C1
    "resolved_offline": 0,
}
DECEMBER = {
    "carried_over": 0, "received": 5, "ineligible": 1, "to_resolve": 4, "resolved": 1,
    "resolved_on_time": 1, "resolved_late": 0, "pending": 3, "online_eligible": 4, "online": 3,
    "e_result": 0, "digitized": 0,
    "received_full_online": 4, "received_partial_online": 1, "received_offline": 0,  # C2 B1 C3 C4 · C1
    "resolved_full_online": 1, "resolved_partial_online": 0, "resolved_offline": 0,  # C3
}


@pytest.fixture
def hand_made(world, tmp_path):
    ingest_file(write_csv(tmp_path / "hand.csv", HAND_MADE), "dossiers")
    return world


def test_january_metrics_worked_out_by_hand(hand_made):
    metrics = dossier_metrics("2025-01")
    assert metrics[hand_made.agency_a.pk] == JANUARY
    # A unit with records but none in the period is listed with zeros.
    assert metrics[hand_made.agency_b.pk] == dict.fromkeys(DOSSIER_METRICS, 0)
    assert set(metrics) == {hand_made.agency_a.pk, hand_made.agency_b.pk}


def test_december_pending_is_januarys_carried_over(hand_made):
    december = dossier_metrics("2024-12")[hand_made.agency_a.pk]
    assert december == DECEMBER
    assert december["pending"] == JANUARY["carried_over"]


def test_a_quarter_is_computed_over_its_own_range_not_summed_from_months(hand_made):
    q1 = dossier_metrics("2025-Q1")[hand_made.agency_a.pk]
    assert (q1["carried_over"], q1["received"], q1["resolved"], q1["pending"]) == (3, 7, 5, 3)
    months = [dossier_metrics(f"2025-0{m}")[hand_made.agency_a.pk] for m in (1, 2, 3)]
    assert sum(m["pending"] for m in months) != q1["pending"]  # stocks do not add up


def test_one_computation_for_a_period_and_a_series(hand_made):
    """There is one dossier computation: many periods at once give the figures worked out by hand."""
    agency = hand_made.agency_a.pk
    series = dossier_metrics_series(["2024-11", "2024-12", "2025-01", "2025-Q1", "2025"])
    assert series["2025-01"][agency] == JANUARY and series["2024-12"][agency] == DECEMBER
    q1 = series["2025-Q1"][agency]
    assert (q1["carried_over"], q1["received"], q1["resolved"], q1["pending"]) == (3, 7, 5, 3)
    assert series["2024-11"][hand_made.agency_b.pk]["resolved"] == 1  # S1, resolved 05/11/2024
    assert series["2025"][hand_made.agency_b.pk] == dict.fromkeys(DOSSIER_METRICS, 0)


def test_a_zone_with_daylight_saving_time_counts_the_same_months(world, tmp_path, monkeypatch):
    """Without a fixed offset the local months come from DuckDB's time-zone functions: same figures."""
    from chiso.ingest import reader

    monkeypatch.setattr(reader, "_utc_offset_seconds", lambda: None)
    ingest_file(write_csv(tmp_path / "hand.csv", HAND_MADE), "dossiers", system="dst")
    assert dossier_metrics("2025-01", system="dst")[world.agency_a.pk] == JANUARY
    assert dossier_metrics_series(["2024-12"], system="dst")["2024-12"][world.agency_a.pk] == DECEMBER


def test_metrics_command_prints_json_for_every_unit_with_records(hand_made):
    out = StringIO()
    call_command("metrics", "--source", "dossiers", "--period", "2025-01", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())["metrics"]
    assert len(rows) == 2 * len(DOSSIER_METRICS)
    got = {(r["unit"], r["name"]): r["value"] for r in rows}
    assert {name: got[("AG-STTTT", name)] for name in DOSSIER_METRICS} == JANUARY
    assert got[("AG-SNV", "received")] == 0
    assert {r["period"] for r in rows} == {"2025-01"}
    out = StringIO()
    call_command("metrics", "--source", "dossiers", "--period", "2025-01", "--unit", "AG-SNV",
                 "--format", "json", stdout=out)
    assert {r["unit"] for r in json.loads(out.getvalue())["metrics"]} == {"AG-SNV"}


def test_document_metrics_leave_out_secret_documents(world, tmp_path):
    rows = [
        ["D1", "AG-STTTT", "outgoing", "2025-01-03", "Có", "Có", "Không"],
        ["D2", "AG-STTTT", "outgoing", "2025-01-04", "Có", "Không", ""],
        ["D3", "AG-STTTT", "outgoing", "2025-01-05", "Không", "Không", "Có"],
        ["D4", "AG-STTTT", "incoming", "2025-01-06", "Có", "Có", "Không"],
        ["D5", "AG-STTTT", "incoming", "2025-01-07", "Không", "Không", ""],
        ["D6", "AG-STTTT", "outgoing", "2025-02-01 00:30", "Có", "Có", "Không"],  # February locally
    ]
    ingest_file(write_csv(tmp_path / "vb.csv", rows, DOCUMENT_HEADER), "documents")
    assert document_metrics("2025-01")[world.agency_a.pk] == {
        "outgoing": 2, "outgoing_electronic": 2, "outgoing_signed": 1, "incoming": 2,
        "incoming_electronic": 1, "incoming_signed": 1, "secret": 1,
    }


def _seed_001_export(path):
    """An export with the figures of seed 001 (Văn phòng UBND tỉnh An Giang, 6 tháng đầu năm 2023).

    4.985 carried over; 81.339 received (35.591 mức độ 2, 15.619 mức độ 3, 30.129 mức độ 4) of
    which 538 ineligible; 79.569 resolved; 6.217 still being processed.
    """
    header = ["Mã hồ sơ", "Đơn vị", "Mức độ", "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
              "Ngày có kết quả", "Trạng thái"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        # Finished before the half-year began: not carried over.
        for i in range(300):
            w.writerow([f"OLD-{i}", "AG-STTTT", "mức độ 2", "trực tiếp", "15/11/2022 08:00",
                        "25/11/2022", "20/11/2022 10:00", "đã giải quyết"])
        # 4.985 carried over from 2022, all resolved in the half-year.
        for i in range(4985):
            w.writerow([f"CO-{i}", "AG-STTTT", "mức độ 2", "trực tiếp", "20/12/2022 08:00",
                        "10/01/2023", "05/01/2023 10:00", "đã giải quyết"])
        levels = ["mức độ 4"] * 30129 + ["mức độ 3"] * 15619 + ["mức độ 2"] * 35591
        resolved_left = 79569 - 4985
        pending_in_july = 217
        for i, level in enumerate(levels):
            day = f"{1 + i % 28:02d}/{1 + i % 6:02d}/2023"
            online = "trực tuyến" if level != "mức độ 2" else "trực tiếp"
            if level == "mức độ 2" and i >= len(levels) - 538:
                status, resolved = "không đủ điều kiện", ""
            elif resolved_left:
                resolved_left -= 1
                status, resolved = "đã giải quyết", f"{day} 16:00"
            elif pending_in_july:
                pending_in_july -= 1
                status, resolved = "đã giải quyết", "03/07/2023 09:00"
            else:
                status, resolved = "đang xử lý", ""
            w.writerow([f"H-{i}", "AG-STTTT", level, online, f"{day} 08:00", "", resolved, status])
    return path


def test_seed_001_figures_and_identities_from_an_export(world, tmp_path):
    batch = ingest_file(_seed_001_export(tmp_path / "vpubnd-6thang-2023.csv"), "dossiers")
    assert batch.created == 300 + 4985 + 81339
    m = dossier_metrics("2023-H1")[world.agency_a.pk]
    assert (m["carried_over"], m["received"], m["ineligible"]) == (4985, 81339, 538)
    assert (m["to_resolve"], m["resolved"], m["pending"]) == (85786, 79569, 6217)
    # The identities of seed 001 hold by construction.
    assert m["carried_over"] + m["received"] - m["ineligible"] == m["to_resolve"] == 85786
    assert m["to_resolve"] - m["resolved"] == m["pending"] == 6217
    assert m["online_eligible"] == 30129 + 15619
    assert m["resolved_on_time"] + m["resolved_late"] == m["resolved"]
    assert dossier_metrics_series(["2023-H1"])["2023-H1"][world.agency_a.pk] == m
