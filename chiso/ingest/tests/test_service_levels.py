"""Dossiers by service level (mức độ 4 toàn trình / 3 một phần / 2 trực tiếp), and the upgrade of old summaries.

The six flows were added to the monthly summary after installations had data (migration
``ingest.0004``): rows counted before hold NULL in them. Those months' figures by level are
missing — never 0 — until ``chiso dataset_check`` (or the system's next import) recounts the
summary from the dataset files.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chiso.ingest.importer import ingest_file
from chiso.ingest.metrics import SERVICE_LEVEL_METRICS, dossier_metrics, dossier_metrics_series
from chiso.ingest.models import DossierMonth

from .exports import dossier, write_csv
from .test_metrics import DECEMBER, HAND_MADE, JANUARY

BY_LEVEL = {name: JANUARY[name] for name in SERVICE_LEVEL_METRICS}


def _as_before_the_migration() -> int:
    """What migration 0004 leaves in summary rows counted before it: NULL in the six flows."""
    return DossierMonth.objects.update(**dict.fromkeys(SERVICE_LEVEL_METRICS, None))


def _check(*args: str) -> dict:
    """`chiso dataset_check --format json`: its JSON, with ``exit`` 1 when the command failed."""
    out = StringIO()
    try:
        call_command("dataset_check", "--format", "json", *args, stdout=out)
        status = 0
    except CommandError:
        status = 1
    return {**json.loads(out.getvalue()), "exit": status}


def test_the_levels_add_up_to_received_and_resolved_in_every_period(world, tmp_path):
    ingest_file(write_csv(tmp_path / "hand.csv", HAND_MADE), "dossiers")
    assert BY_LEVEL == {"received_full_online": 5, "received_partial_online": 1, "received_offline": 1,
                        "resolved_full_online": 2, "resolved_partial_online": 1, "resolved_offline": 0}
    series = dossier_metrics_series(["2024-11", "2024-12", "2025-01", "2025-02", "2025-Q1", "2025"])
    for period, by_unit in series.items():
        for uid, m in by_unit.items():
            assert m["received"] == sum(m[f"received_{lv}"] for lv in ("full_online", "partial_online", "offline")), (
                period, uid)
            assert m["resolved"] == sum(m[f"resolved_{lv}"] for lv in ("full_online", "partial_online", "offline")), (
                period, uid)
    assert series["2025-Q1"][world.agency_a.pk]["resolved_partial_online"] == 2  # C1 in January, J2 in February


def test_months_counted_before_the_levels_existed_have_no_figure_by_level_until_recounted(world, tmp_path):
    ingest_file(write_csv(tmp_path / "hand.csv", HAND_MADE), "dossiers")
    assert DossierMonth._meta.get_field("received_offline").null  # the migration adds NULL, not a false 0
    assert _as_before_the_migration() == 4  # Nov (S1), Dec, Jan, Feb
    january = dossier_metrics("2025-01")[world.agency_a.pk]
    assert not set(SERVICE_LEVEL_METRICS) & set(january)  # missing, not 0
    assert january == {k: v for k, v in JANUARY.items() if k not in SERVICE_LEVEL_METRICS}  # the rest unchanged
    out = StringIO()
    call_command("metrics", "--source", "dossiers", "--period", "2025-01", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())["metrics"]
    assert not [r for r in rows if r["unit"] == "AG-STTTT" and r["name"] in SERVICE_LEVEL_METRICS]
    # AG-SNV has no month in January at all: nothing uncounted, its zeros are true zeros
    assert {r["name"]: r["value"] for r in rows if r["unit"] == "AG-SNV" and r["name"] in SERVICE_LEVEL_METRICS} == (
        dict.fromkeys(SERVICE_LEVEL_METRICS, 0))

    dry = _check("--dry-run")
    assert not dry["ok"] and dry["exit"] == 1 and dry["recounted"] == []
    assert {(d["source"], d["month"]) for d in dry["summary_mismatches"]} == {
        ("dossiers", "2024-11"), ("dossiers", "2024-12"), ("dossiers", "2025-01"), ("dossiers", "2025-02")}
    assert all(set(d["metrics"]) == set(SERVICE_LEVEL_METRICS) for d in dry["summary_mismatches"])
    assert DossierMonth.objects.filter(received_offline__isnull=True).count() == 4  # a dry run changes nothing

    fixed = _check()
    assert fixed["ok"] and fixed["exit"] == 0 and fixed["recounted"] == [{"source": "dossiers", "system": "main", "rows": 4}]
    assert dossier_metrics("2025-01")[world.agency_a.pk] == JANUARY
    assert dossier_metrics("2024-12")[world.agency_a.pk] == DECEMBER
    again = _check()
    assert again["ok"] and again["exit"] == 0 and again["summary_mismatches"] == [] and again["recounted"] == []


def test_the_text_output_says_what_it_recounted(world, tmp_path):
    ingest_file(write_csv(tmp_path / "hand.csv", HAND_MADE), "dossiers")
    _as_before_the_migration()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("dataset_check", "--dry-run", stdout=out)
    assert "Chạy lại không có --dry-run để đếm lại bảng tổng hợp từ tệp dữ liệu." in out.getvalue()
    out = StringIO()
    call_command("dataset_check", stdout=out)
    text = out.getvalue()
    assert "Đã đếm lại bảng tổng hợp từ tệp dữ liệu: dossiers main (4 dòng đơn vị × tháng)." in text
    assert "Dữ liệu nghiệp vụ khớp với cơ sở dữ liệu." in text


def test_the_next_import_of_the_system_recounts_every_month(world, tmp_path):
    ingest_file(write_csv(tmp_path / "hand.csv", HAND_MADE), "dossiers")
    _as_before_the_migration()
    # A later export of the same system touching only March: the whole system's summary is recounted.
    ingest_file(write_csv(tmp_path / "march.csv", [*HAND_MADE, dossier("M1", received="2025-03-03 08:00")]),
                "dossiers")
    assert not DossierMonth.objects.filter(received_offline__isnull=True).exists()
    assert dossier_metrics("2025-01")[world.agency_a.pk] == JANUARY


def test_one_system_not_recounted_leaves_the_levels_missing_only_where_it_has_months(world, tmp_path):
    ingest_file(write_csv(tmp_path / "hand.csv", HAND_MADE), "dossiers")
    _as_before_the_migration()
    ingest_file(write_csv(tmp_path / "igate.csv", [dossier("G1", received="2025-03-03 08:00", level="offline")]),
                "dossiers", system="igate")
    assert "received_offline" not in dossier_metrics("2025-01")[world.agency_a.pk]  # main's January: NULL
    march = dossier_metrics("2025-03")[world.agency_a.pk]  # only igate has March
    assert (march["received"], march["received_offline"], march["received_full_online"]) == (1, 1, 0)
    assert "received_offline" not in dossier_metrics("2025-Q1")[world.agency_a.pk]  # a quarter with a NULL month
    assert dossier_metrics("2025-01", system="igate") == {world.agency_a.pk: {
        **dict.fromkeys(JANUARY, 0)}}  # igate has no January: zeros, levels included
