"""The shared tabular reader: rows and columns as a spreadsheet user sees them."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from chiso.tabular import ImportError_, ImportProblem, normalize_header, read_table

FIELDS = ("unit", "period", "element", "value", "comment")
REQUIRED = ("unit", "period", "element", "value")


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("header,normal", [
    ("Mã đơn vị", "madonvi"), ("MÃ ĐƠN VỊ", "madonvi"), (" ma_don_vi ", "madonvi"),
    ("Kỳ", "ky"), ("Giá trị", "giatri"), ("parent_code", "parentcode"),
])
def test_headers_are_compared_without_case_spaces_or_diacritics(header, normal):
    assert normalize_header(header) == normal


def test_csv_rows_keep_spreadsheet_numbers_and_header_names():
    data = "Mã đơn vị,KỲ,Phần tử,giá trị,Ghi chú,extra\n\nAG,2025-01,2.numerator,54.919,\"một, hai\",x\n".encode()
    table = read_table(data, fields=FIELDS, required=REQUIRED, filename="v.csv")
    assert table.kind == "csv"
    assert table.fields == {"unit": "Mã đơn vị", "period": "KỲ", "element": "Phần tử",
                            "value": "giá trị", "comment": "Ghi chú"}
    [row] = table.rows
    assert row.number == 3  # the blank line 2 still counts, as in Excel
    assert row.text("value") == "54.919"
    assert row.text("comment") == "một, hai"
    assert row.extras == {"extra": "x"}
    assert row.column("value") == "giá trị"


def test_xlsx_rows_use_column_letters_and_a_named_sheet():
    data = xlsx_bytes({
        "Bìa": [["không phải bảng số liệu"]],
        "Số liệu": [["Ghi chú", "unit", "period", "element", "value"], ["", "AG", "2025", "5.value", True]],
    })
    table = read_table(data, fields=FIELDS, required=REQUIRED, filename="s.xlsx", sheet="Số liệu")
    [row] = table.rows
    assert row.number == 2
    assert row.column("unit") == "B"
    assert row.column("value") == "E"
    assert row.get("value") is True

    with pytest.raises(ImportError_) as info:
        read_table(data, fields=FIELDS, required=REQUIRED, filename="s.xlsx", sheet="Không có")
    assert "không có trang tính 'Không có'; các trang có: Bìa, Số liệu" in str(info.value)

    with pytest.raises(ImportError_) as info:  # the first sheet is the cover: no columns there
        read_table(data, fields=FIELDS, required=REQUIRED, filename="s.xlsx")
    assert [p.column for p in info.value.problems] == ["unit", "period", "element", "value"]


def test_a_header_below_a_title_keeps_the_sheet_row_numbers():
    data = xlsx_bytes({"S": [[None], ["unit", "period", "element", "value"], ["AG", "2025", "5.value", 1]]})
    table = read_table(data, fields=FIELDS, required=REQUIRED, filename="s.xlsx")
    assert [r.number for r in table.rows] == [3]


def test_two_columns_meaning_the_same_field_are_a_problem():
    data = b"unit,Don vi,period,element,value\nA,B,2025,5.value,1\n"
    with pytest.raises(ImportError_) as info:
        read_table(data, fields=FIELDS, required=REQUIRED, filename="v.csv")
    assert str(info.value) == "v.csv, dòng 1, cột Don vi: cột 'Don vi' trùng nghĩa với cột 'unit' (mã đơn vị)"


def test_problem_text_is_vietnamese():
    assert str(ImportProblem("values.csv", 7, "value", 'không đọc được "12a" thành số')) == (
        'values.csv, dòng 7, cột value: không đọc được "12a" thành số'
    )
    assert str(ImportProblem("x.xlsx", None, None, "tệp hỏng")) == "x.xlsx: tệp hỏng"
