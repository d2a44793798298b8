"""Importing dossier and document exports: formats, idempotence, updates, explicit deletion."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from chiso.engine.periods import parse_period
from chiso.ingest.importer import DeleteScope, ingest_file
from chiso.ingest.models import IngestBatch
from chiso.ingest.records import records

from .exports import DOCUMENT_HEADER, dossier, stored, write_csv


def test_it_reads_vietnamese_headers_synonyms_and_both_date_styles(world, tmp_path):
    path = tmp_path / "igate.csv"
    with open(path, "w", encoding="utf-8-sig") as fh:  # Excel's "CSV UTF-8" carries a BOM
        fh.write("Mã hồ sơ;Đơn vị;Thủ tục;Mức độ;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;"
                 "Ngày có kết quả;Trạng thái;Kết quả điện tử;Số hoá\n")
        fh.write("H-1;AG-STTTT;1.001;toàn trình;trực tuyến;05/01/2025 08:30;10/01/2025;"
                 "09/01/2025 15:00;đã giải quyết;Có;x\n")
        fh.write("H-2;Sở Nội vụ;1.002;mức độ 3;bưu chính;2025-01-06T09:00:00+07:00;;"
                 ";đang xử lý;;Không\n")
        fh.write("H-3;AG-STTTT;1.003;trực tiếp;trực tiếp;2025-01-07;;;từ chối;;\n")
    batch = ingest_file(path, "dossiers")
    assert (batch.rows, batch.created, batch.updated, batch.unchanged) == (3, 3, 0, 0)
    h1 = stored("H-1")
    assert h1.unit_id == world.agency_a.pk
    assert (h1.service_level, h1.channel, h1.status) == ("full_online", "online", "resolved")
    # Naive local times are Asia/Ho_Chi_Minh (UTC+7); a deadline given as a day ends that day.
    assert h1.received_at == datetime(2025, 1, 5, 1, 30, tzinfo=UTC)
    assert h1.due_at == datetime(2025, 1, 10, 16, 59, 59, tzinfo=UTC)
    assert h1.resolved_at == datetime(2025, 1, 9, 8, 0, tzinfo=UTC)
    assert (h1.e_result, h1.digitized) == (True, True)
    h2 = stored("H-2")
    assert h2.unit_id == world.agency_b.pk  # found by its exact name
    assert (h2.service_level, h2.channel, h2.status) == ("partial_online", "postal", "received")
    assert h2.received_at == datetime(2025, 1, 6, 2, 0, tzinfo=UTC)
    assert (h2.due_at, h2.resolved_at, h2.e_result, h2.digitized) == (None, None, None, False)
    h3 = stored("H-3")
    assert (h3.service_level, h3.channel, h3.status) == ("offline", "in_person", "rejected")
    assert h3.received_at == datetime(2025, 1, 6, 17, 0, tzinfo=UTC)


def test_reimporting_the_same_export_changes_nothing(world, tmp_path):
    rows = [dossier("A"), dossier("B", status="resolved", resolved="2025-01-11 10:00", e_result="Có")]
    path = write_csv(tmp_path / "a.csv", rows)
    first = ingest_file(path, "dossiers")
    before = records("dossiers")
    second = ingest_file(path, "dossiers")
    assert (second.created, second.updated, second.unchanged, second.deleted) == (0, 0, 2, 0)
    assert records("dossiers") == before
    # Records still point at the import that last changed them.
    assert {r["batch"] for r in records("dossiers")} == {first.pk}


def test_a_corrected_export_updates_by_dossier_id(world, tmp_path):
    write_csv(tmp_path / "v1.csv", [dossier("A"), dossier("B")])
    ingest_file(tmp_path / "v1.csv", "dossiers")
    fixed = [dossier("A", status="resolved", resolved="2025-01-12 09:00"), dossier("B"), dossier("C")]
    batch = ingest_file(write_csv(tmp_path / "v2.csv", fixed), "dossiers")
    assert (batch.created, batch.updated, batch.unchanged) == (1, 1, 1)
    a = stored("A")
    assert a.status == "resolved" and a.batch_id == batch.pk
    assert stored("B").batch_id != batch.pk
    assert len(records("dossiers")) == 3


def test_records_missing_from_a_new_export_stay_unless_deletion_is_asked(world, tmp_path):
    write_csv(tmp_path / "v1.csv", [dossier("A"), dossier("B"), dossier("OLD", received="2024-12-01")])
    ingest_file(tmp_path / "v1.csv", "dossiers")
    path = write_csv(tmp_path / "v2.csv", [dossier("A")])
    kept = ingest_file(path, "dossiers")
    assert kept.deleted == 0 and len(records("dossiers")) == 3
    scope = DeleteScope(period=parse_period("2025-01"), unit=world.agency_a)
    batch = ingest_file(path, "dossiers", delete_scope=scope)
    assert batch.deleted == 1
    # B (January, in scope) is gone; OLD (December, outside the period) stays.
    assert sorted(r["dossier_id"] for r in records("dossiers")) == ["A", "OLD"]


def test_identical_repeated_rows_count_once(world, tmp_path):
    batch = ingest_file(write_csv(tmp_path / "d.csv", [dossier("A"), dossier("A"), dossier("B")]), "dossiers")
    assert (batch.rows, batch.created) == (2, 2)


def test_dry_run_counts_but_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "d.csv", [dossier("A"), dossier("B")])
    out = StringIO()
    call_command("ingest_dossiers", str(path), "--dry-run", "--no-progress", stdout=out)
    assert "2 thêm mới" in out.getvalue()
    assert records("dossiers") == [] and IngestBatch.objects.count() == 0


def test_the_command_reports_counts_in_vietnamese(world, tmp_path):
    path = write_csv(tmp_path / "d.csv", [dossier("A"), dossier("B")])
    out = StringIO()
    call_command("ingest_dossiers", str(path), "--no-progress", stdout=out)
    batch = IngestBatch.objects.get()
    assert f"Đã nhập lần #{batch.pk}: d.csv — 2 hồ sơ: 2 thêm mới, 0 cập nhật, 0 không đổi" in out.getvalue()
    assert (batch.kind, batch.status, batch.created, len(batch.checksum)) == ("dossiers", "done", 2, 64)


def test_xlsx_exports_with_excel_dates_are_read(world, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã hồ sơ", "Mã đơn vị", "Mức độ", "Kênh", "Ngày tiếp nhận", "Ngày có kết quả",
               "Trạng thái", "Số hóa"])
    ws.append(["X1", "AG-PT", "Toàn trình", "Trực tuyến", datetime(2025, 2, 3, 8, 15),
               datetime(2025, 2, 4, 10, 0), "Đã giải quyết", "Có"])
    ws.append(["X2", "AG-PT", "Một phần", "Trực tiếp", "04/02/2025", None, "Đang xử lý", None])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    batch = ingest_file(path, "dossiers")
    assert batch.created == 2
    x1 = stored("X1")
    assert x1.received_at == datetime(2025, 2, 3, 1, 15, tzinfo=UTC)
    assert x1.resolved_at == datetime(2025, 2, 4, 3, 0, tzinfo=UTC)
    assert (x1.unit_id, x1.digitized, x1.due_at) == (world.district.pk, True, None)


def test_document_exports_are_imported_and_reimported_idempotently(world, tmp_path):
    rows = [
        ["VB-1", "AG-STTTT", "đi", "05/01/2025", "Có", "Có", "Không"],
        ["VB-2", "AG-STTTT", "văn bản đến", "2025-01-06", "Có", "Không", ""],
        ["VB-3", "AG-STTTT", "outgoing", "2025-01-07", "Không", "Không", "Có"],
    ]
    path = write_csv(tmp_path / "vb.csv", rows, DOCUMENT_HEADER)
    batch = ingest_file(path, "documents")
    assert batch.created == 3
    assert [(r["direction"], r["electronic"], r["signed"], r["secret"]) for r in records("documents")] == [
        ("outgoing", True, True, False), ("incoming", True, False, None), ("outgoing", False, False, True)]
    again = ingest_file(path, "documents")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize("system", ["igate", "dvc-quoc-gia"])
def test_ids_are_unique_per_source_system(world, tmp_path, system):
    path = write_csv(tmp_path / "d.csv", [dossier("A")])
    ingest_file(path, "dossiers")
    batch = ingest_file(path, "dossiers", system=system)
    assert batch.created == 1
    assert len(records("dossiers", dossier_id="A")) == 2
