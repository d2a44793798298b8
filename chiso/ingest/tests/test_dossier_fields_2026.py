"""The optional 2026 dossier columns (Decision 766): read with Vietnamese headers, refused by row
and column when unreadable, unknown when blank; old exports import exactly as before."""

from __future__ import annotations

import pytest

from chiso.ingest.importer import ingest_file
from chiso.ingest.models import IngestBatch
from chiso.ingest.records import record, records
from chiso.tabular import ImportError_

from .exports import DOSSIER_HEADER, VI_HEADER, dossier, row, write_csv

NEW_FIELDS = ("paid_online", "published_on_time", "satisfaction", "reused_digitised", "office_level")


def _new_fields(ident: str) -> tuple:
    stored = record("dossiers", ident)
    return tuple(stored[name] for name in NEW_FIELDS)


def test_vietnamese_headers_and_values_are_read(world, tmp_path):
    rows = [
        row("A", paid="Có", published="có", satisfaction="5", reused="x", office="Tỉnh",
            received="2025-01-05 08:00", resolved="2025-01-08 10:00", status="resolved"),
        row("B", paid="Không", published="không", satisfaction="Hài lòng", reused="0", office="Cấp xã"),
        row("C", satisfaction="4.0", office="phường"),
        row("D", satisfaction="rất không hài lòng", office="huyện"),
        row("E", office="SỞ"),
        row("F"),  # every new cell blank: unknown
    ]
    batch = ingest_file(write_csv(tmp_path / "ho-so-2026.csv", rows, VI_HEADER), "dossiers")
    assert batch.created == 6
    assert _new_fields("A") == (True, True, 5, True, "province")
    assert _new_fields("B") == (False, False, 4, False, "commune")
    assert _new_fields("C") == (None, None, 4, None, "commune")
    assert _new_fields("D") == (None, None, 1, None, "district")
    assert _new_fields("E") == (None, None, None, None, "province")
    assert _new_fields("F") == (None, None, None, None, None)  # unknown, never "no" or 0


def test_canonical_column_names_are_accepted_too(world, tmp_path):
    header = [*DOSSIER_HEADER, *NEW_FIELDS]
    ingest_file(write_csv(tmp_path / "canon.csv", [row("A", "1", "0", "3", "có", "commune")], header),
                "dossiers")
    assert _new_fields("A") == (True, False, 3, True, "commune")


# name → (the bad row's 2026 cells, expected (column as the file names it, words in the message))
BAD = {
    "paid": ({"paid": "có lẽ"}, ("Thanh toán trực tuyến", 'Không đọc được "có lẽ" thành Có/Không')),
    "published": ({"published": "trễ"}, ("Công khai kết quả đúng hạn", 'Không đọc được "trễ"')),
    "satisfaction_too_high": ({"satisfaction": "6"}, (
        "Mức độ hài lòng", 'Không hiểu mức độ hài lòng "6": cần số nguyên từ 1 đến 5')),
    "satisfaction_zero": ({"satisfaction": "0"}, ("Mức độ hài lòng", 'Không hiểu mức độ hài lòng "0"')),
    "satisfaction_fraction": ({"satisfaction": "4,5"}, ("Mức độ hài lòng", 'Không hiểu mức độ hài lòng "4,5"')),
    "reused": ({"reused": "một phần"}, ("Tái sử dụng dữ liệu số hoá", 'Không đọc được "một phần"')),
    "office_level": ({"office": "thôn"}, ("Cấp của cơ quan tiếp nhận", (
        'Không hiểu cấp của cơ quan tiếp nhận "thôn": cần tỉnh (province), xã (commune) '
        "hoặc huyện (district"))),
}


@pytest.fixture
def existing(world, tmp_path):
    """One import already there, to prove a refused file changes nothing."""
    ingest_file(write_csv(tmp_path / "before.csv", [row("KEEP", paid="Có")], VI_HEADER), "dossiers")
    return records("dossiers"), IngestBatch.objects.count()


@pytest.mark.parametrize("name", sorted(BAD))
def test_an_unreadable_2026_cell_refuses_the_file_naming_row_and_column(name, existing, tmp_path):
    cells, (column, words) = BAD[name]
    path = write_csv(tmp_path / f"{name}.csv", [row("OK"), row("X", **cells)], VI_HEADER)
    with pytest.raises(ImportError_) as caught:
        ingest_file(path, "dossiers")
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(3, column)], [str(p) for p in problems]
    assert words in problems[0].message
    assert records("dossiers") == existing[0]
    assert IngestBatch.objects.count() == existing[1]


def test_every_bad_2026_cell_is_listed_at_once(existing, tmp_path):
    rows = [row("OK"), row("X", paid="?"), row("Y", satisfaction="mười"), row("Z", office="ấp", reused="??")]
    with pytest.raises(ImportError_) as caught:
        ingest_file(write_csv(tmp_path / "many.csv", rows, VI_HEADER), "dossiers")
    assert sorted((p.row, p.column) for p in caught.value.problems) == [
        (3, "Thanh toán trực tuyến"), (4, "Mức độ hài lòng"),
        (5, "Cấp của cơ quan tiếp nhận"), (5, "Tái sử dụng dữ liệu số hoá"),
    ]
    assert records("dossiers") == existing[0]


def test_a_duplicate_id_differing_only_in_a_2026_cell_is_named(world, tmp_path):
    rows = [row("A", satisfaction="5"), row("A", satisfaction="4")]
    with pytest.raises(ImportError_) as caught:
        ingest_file(write_csv(tmp_path / "dup.csv", rows, VI_HEADER), "dossiers")
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (3, "Mã hồ sơ")
    assert "trùng với dòng 2 nhưng khác dữ liệu (mức độ hài lòng)" in problem.message


def test_an_old_export_imports_as_before_and_its_new_fields_stay_unknown(world, tmp_path):
    old = [dossier("A", e_result="Có"), dossier("B", received="2025-01-11 08:00")]
    first = ingest_file(write_csv(tmp_path / "old.csv", old), "dossiers")
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert {_new_fields(i) for i in "AB"} == {(None,) * 5}
    again = ingest_file(write_csv(tmp_path / "old-again.csv", old), "dossiers")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # The same dossiers with the 2026 columns present but blank: nothing changes either.
    blank = ingest_file(write_csv(tmp_path / "blank.csv", [row("A", e_result="Có"),
                                                           row("B", received="2025-01-11 08:00")],
                                  VI_HEADER), "dossiers")
    assert (blank.created, blank.updated, blank.unchanged) == (0, 0, 2)
    # Filled in later: only the dossier that gained values is updated.
    filled = ingest_file(write_csv(tmp_path / "filled.csv", [
        row("A", e_result="Có", paid="Có", office="xã"), row("B", received="2025-01-11 08:00")],
        VI_HEADER), "dossiers")
    assert (filled.created, filled.updated, filled.unchanged) == (0, 1, 1)
    assert _new_fields("A") == (True, None, None, None, "commune")
    assert _new_fields("B") == (None,) * 5


def test_an_old_exports_loose_extra_columns_are_still_ignored(world, tmp_path):
    """Headers such as "Cấp" or "Đánh giá" were extra columns before 2026 and must stay ignored."""
    header = [*DOSSIER_HEADER, "Cấp", "Đánh giá", "Hài lòng", "Tái sử dụng"]
    path = write_csv(tmp_path / "extra.csv", [[*dossier("A"), "Tỉnh lộ 91", "tốt", "??", "không rõ"]], header)
    assert ingest_file(path, "dossiers").created == 1
    assert _new_fields("A") == (None,) * 5


def test_xlsx_numbers_and_problems_name_the_column_letter(world, tmp_path):
    """A spreadsheet stores ratings as numbers (4.0) and booleans as TRUE/FALSE: both are read."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(VI_HEADER)
    ws.append([*dossier("A")[:11], True, False, 4.0, None, "Xã"])
    ws.append([*dossier("B")[:11], None, None, 7, None, None])
    path = tmp_path / "ho-so.xlsx"
    wb.save(path)
    with pytest.raises(ImportError_) as caught:
        ingest_file(path, "dossiers")
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "N (Mức độ hài lòng)")]
    ws.delete_rows(3)
    wb.save(path)
    assert ingest_file(path, "dossiers").created == 1
    assert _new_fields("A") == (True, False, 4, None, "commune")
