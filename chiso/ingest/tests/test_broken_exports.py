"""A corpus of broken exports: each is refused whole, naming row and column; nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.ingest.importer import ingest_file
from chiso.ingest.models import IngestBatch
from chiso.ingest.records import records
from chiso.tabular import ImportError_

from .exports import DOSSIER_HEADER, dossier, write_csv

GOOD = dossier("OK-1")

# name → (rows after a good first row, expected (row, column, words in the message))
CORPUS = {
    "unknown_unit": ([dossier("X", unit="AG-KHONG-CO")], (3, "unit", 'Không có đơn vị "AG-KHONG-CO"')),
    "unreadable_date": ([dossier("X", received="32/01/2025")], (3, "received_at", 'Không đọc được ngày tiếp nhận "32/01/2025"')),
    "two_digit_year": ([dossier("X", received="05/01/25")], (3, "received_at", 'Không đọc được ngày tiếp nhận "05/01/25"')),
    "resolved_before_received": (
        [dossier("X", received="2025-01-10 08:00", resolved="2025-01-09 08:00", status="resolved")],
        (3, "resolved_at", "trước ngày tiếp nhận")),
    "resolved_without_resolved_at": ([dossier("X", status="resolved")], (3, "resolved_at", "thiếu ngày có kết quả")),
    "bad_status": ([dossier("X", status="đã nộp lệ phí")], (3, "status", 'Không hiểu trạng thái "đã nộp lệ phí"')),
    "bad_service_level": ([dossier("X", level="mức độ 9")], (3, "service_level", 'Không hiểu mức độ "mức độ 9"')),
    "bad_boolean": ([dossier("X", e_result="hình như có")], (3, "e_result", 'Không đọc được "hình như có" thành Có/Không')),
    "missing_unit_cell": ([dossier("X", unit="")], (3, "unit", "Thiếu đơn vị")),
    "duplicate_id_conflicting": ([dossier("OK-1", channel="in_person")], (3, "dossier_id", 'trùng với dòng 2 nhưng khác dữ liệu (kênh nộp)')),
    "pending_with_resolved_at": ([dossier("X", resolved="2025-01-12 08:00")], (3, "resolved_at", "đang xử lý")),
}


def _write(tmp_path: Path, name: str) -> Path:
    extra, _ = CORPUS[name]
    return write_csv(tmp_path / f"{name}.csv", [GOOD, *extra])


@pytest.fixture
def existing(world, tmp_path):
    """A database that already holds one import, to prove a refused file changes nothing."""
    ingest_file(write_csv(tmp_path / "before.csv", [dossier("KEEP", status="received")]), "dossiers")
    return records("dossiers"), IngestBatch.objects.count()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_broken_export_is_refused_naming_row_and_column(name, existing, tmp_path):
    path = _write(tmp_path, name)
    row, column, words = CORPUS[name][1]
    with pytest.raises(ImportError_) as caught:
        ingest_file(path, "dossiers")
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    assert (problems[0].row, problems[0].column) == (row, column)
    assert words in problems[0].message
    assert problems[0].file == path.name
    assert records("dossiers") == existing[0]
    assert IngestBatch.objects.count() == existing[1]


def test_the_command_exits_with_every_problem_and_writes_nothing(existing, tmp_path):
    rows = [GOOD, dossier("X", unit="NOPE"), dossier("Y", received="hôm qua"), dossier("Z", status="??")]
    path = write_csv(tmp_path / "many.csv", rows)
    err = StringIO()
    with pytest.raises(CommandError, match="3 lỗi; cơ sở dữ liệu không thay đổi"):
        call_command("ingest_dossiers", str(path), "--no-progress", stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        'many.csv, dòng 3, cột unit: Không có đơn vị "NOPE" trong danh mục đơn vị (ghi mã đơn vị, ví dụ AG-STTTT)',
        'many.csv, dòng 4, cột received_at: Không đọc được ngày tiếp nhận "hôm qua": cần dạng 2025-01-05, '
        "2025-01-05 08:30, 05/01/2025 hoặc 05/01/2025 08:30",
        'many.csv, dòng 5, cột status: Không hiểu trạng thái "??": cần received (đang xử lý), resolved (đã giải quyết), '
        "rejected (từ chối) hoặc withdrawn (rút)",
    ]
    assert records("dossiers") == existing[0]


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(world, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text(",".join(DOSSIER_HEADER) + "\n" + ",".join(GOOD) + "\n\n\n"
                    + ",".join(dossier("X", unit="NOPE")) + "\n", encoding="utf-8")
    with pytest.raises(ImportError_) as caught:
        ingest_file(path, "dossiers")
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "unit")]


def test_a_missing_required_column_is_named(world, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("Mã hồ sơ,Đơn vị,Ngày tiếp nhận\nA,AG-STTTT,2025-01-05\n", encoding="utf-8")
    with pytest.raises(ImportError_) as caught:
        ingest_file(path, "dossiers")
    messages = [p.message for p in caught.value.problems]
    assert any('Thiếu cột "mức độ"' in m for m in messages)
    assert any('Thiếu cột "trạng thái"' in m for m in messages)
    assert any('Thiếu cột "kênh nộp"' in m for m in messages)


def test_a_file_that_is_not_utf8_is_refused_in_vietnamese(world, tmp_path):
    path = tmp_path / "cp1258.csv"
    path.write_bytes((",".join(DOSSIER_HEADER) + "\n").encode() + "A,AG-STTTT,Thủ tục\n".encode("utf-16"))
    with pytest.raises(ImportError_) as caught:
        ingest_file(path, "dossiers")
    assert caught.value.problems[0].row is None
    assert records("dossiers") == []


def test_the_real_console_script_exits_non_zero(world, tmp_path, settings):
    """One run through the installed ``chiso`` script, as an operator would (own database file)."""
    db = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin", "CHISO_VAR_DIR": str(tmp_path),
           "SECRET_KEY": os.environ["SECRET_KEY"]}  # production refuses to start without a real key
    chiso = str(Path(sys.executable).with_name("chiso"))
    subprocess.run([chiso, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    path = write_csv(tmp_path / "bad.csv", [dossier("X", unit="NOPE")])
    done = subprocess.run([chiso, "ingest_dossiers", str(path), "--no-progress"], env=env,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert 'bad.csv, dòng 2, cột unit: Không có đơn vị "NOPE"' in done.stderr
    assert "cơ sở dữ liệu không thay đổi" in done.stderr
