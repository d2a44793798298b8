"""The corpus of bad files (tests/corpus/): each is refused, located, and changes nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from .import_fixtures import CORPUS, spec_framework, table_counts

# file → (where the problem is, what the message says)
VALUES = {
    "values_unknown_unit.csv": ("dòng 3, cột unit", "không có đơn vị mã 'AG-XYZ'"),
    "values_unknown_element.csv": ("dòng 2, cột element", "phần tử '2.numeratr' không có"),
    "values_bad_number.csv": ("dòng 7, cột value", 'không đọc được "12a" thành số'),
    "values_negative_count.csv": ("dòng 2, cột value", '"-5" là số âm'),
    "values_fraction_count.csv": ("dòng 2, cột value", '"3.5" không phải số nguyên'),
    "values_duplicate_conflict.csv": ("dòng 3, cột value", "đã có ở dòng 2 với giá trị khác ('54.919' ≠ '54.920')"),
    "values_bad_period.csv": ("dòng 2, cột period", "2025-13"),
    "values_missing_column.csv": ("dòng 1, cột value", "thiếu cột bắt buộc value (giá trị)"),
    "values_empty.csv": ("dòng 1", "tệp rỗng"),
    "values_not_utf8.csv": ("dòng 3, cột comment", "tệp không phải mã UTF-8"),
    "values_empty_value.csv": ("dòng 3, cột value", "ô giá trị để trống"),
}
UNITS = {
    "units_unknown_parent.csv": ("dòng 3, cột parent_code", "đơn vị cha 'AG-ZZ' không có"),
    "units_bad_level.csv": ("dòng 3, cột level", "cấp 'thôn' không hợp lệ"),
}


def test_the_corpus_lists_every_file_it_holds():
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix == ".csv"}
    assert on_disk == set(VALUES) | set(UNITS)


def refused(command: str, *args) -> str:
    before = table_counts()
    with pytest.raises(CommandError) as info:
        call_command(command, *args, stdout=io.StringIO())
    assert table_counts() == before
    return str(info.value)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_bad_values_file_is_refused_with_row_and_column(name, world, monkeypatch):
    spec_framework(monkeypatch)
    where, what = VALUES[name]
    msg = refused("import_values", str(CORPUS / name), "--framework", "mau-nhap")
    assert f"{name}, {where}: " in msg
    assert what in msg


@pytest.mark.parametrize("name", sorted(UNITS))
def test_bad_units_file_is_refused_with_row_and_column(name, world):
    where, what = UNITS[name]
    msg = refused("import_units", str(CORPUS / name))
    assert f"{name}, {where}: " in msg
    assert what in msg


def test_xlsx_text_in_a_count_column_is_refused_at_its_cell(tmp_path, world, monkeypatch):
    spec_framework(monkeypatch)
    wb = Workbook()
    ws = wb.active
    ws.append(["unit", "period", "element", "value"])
    ws.append(["AG-STTTT", "2025-01", "2.numerator", 54919])
    ws.append(["AG-STTTT", "2025-01", "2.denominator", "năm mươi"])
    ws.append(["AG-STTTT", "2025-01", "11.numerator", 3.5])
    path = tmp_path / "so-lieu.xlsx"
    wb.save(path)
    msg = refused("import_values", str(path), "--framework", "mau-nhap")
    assert 'so-lieu.xlsx, dòng 3, cột D: không đọc được "năm mươi" thành số' in msg
    assert 'so-lieu.xlsx, dòng 4, cột D: "3.5" không phải số nguyên' in msg


def test_xlsx_units_with_a_bad_date_and_unknown_parent(tmp_path, world):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Tên", "Cấp", "Mã đơn vị cha", "Hiệu lực từ"])
    ws.append(["AG-NEW", "UBND xã Mới", "xã", "AG-PT", date(2025, 7, 1)])
    ws.append(["AG-NEW2", "UBND xã Mới 2", "xã", "KHONG-CO", "1/7/25"])
    path = tmp_path / "don-vi.xlsx"
    wb.save(path)
    msg = refused("import_units", str(path))
    assert "don-vi.xlsx, dòng 3, cột D: đơn vị cha 'KHONG-CO' không có" in msg
    assert "don-vi.xlsx, dòng 3, cột E: không đọc được '1/7/25' thành ngày" in msg


def test_a_broken_xlsx_is_refused(tmp_path, world, monkeypatch):
    spec_framework(monkeypatch)
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    msg = refused("import_values", str(path), "--framework", "mau-nhap")
    assert "hong.xlsx, dòng 1: " not in msg
    assert "hong.xlsx: không đọc được tệp Excel .xlsx" in msg
