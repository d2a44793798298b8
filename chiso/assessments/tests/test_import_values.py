"""Values import: long-format CSV/XLSX → Value rows, all or nothing, every problem located."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chiso.assessments.importer import import_values
from chiso.assessments.models import Value
from chiso.tabular import ImportError_

from .import_fixtures import spec_framework, table_counts


@pytest.fixture
def framework(world, monkeypatch):
    return spec_framework(monkeypatch)


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_values", *args, stdout=out)
    return out.getvalue()


def run_fails(*args) -> str:
    before = table_counts()
    with pytest.raises(CommandError) as info:
        run(*args)
    assert table_counts() == before
    return str(info.value)


GOOD = """unit,period,element,value,comment
AG-STTTT,2025-01,2.numerator,54.919,theo iGate
AG-STTTT,2025-01,2.denominator,58669,
AG-STTTT,2025-01,11.numerator,"54.935",
AG-STTTT,2025-01,11.denominator,62.922,
AG-STTTT,2025-01,5.value,Có,
AG-STTTT,2025-01,7.value,"4,5",
AG-STTTT,2025-01,21.value,"Đã triển khai 1.234 dịch vụ, đạt 93,6%",
AG-STTTT,2025-01,8.a.numerator,20,
AG-STTTT,2025-01,8.a.denominator,20,
AG-PT,2025-Q1,5.value,Không,
"""


def stored(unit: str, period: str, element: str) -> Value:
    return Value.objects.get(unit__code=unit, period=period, element=element)


def test_it_stores_every_kind_of_value_with_its_source(tmp_path, framework):
    out = run(write(tmp_path, "values.csv", GOOD), "--framework", "mau-nhap")

    assert "đã nhập 10 dòng; tạo mới 10, cập nhật 0, không đổi 0" in out
    numerator = stored("AG-STTTT", "2025-01", "2.numerator")
    assert numerator.number == Decimal(54919)
    assert numerator.comment == "theo iGate"
    assert numerator.source == "import"
    assert numerator.provenance["file"] == "values.csv"
    assert numerator.provenance["row"] == 2
    assert "imported_at" in numerator.provenance
    assert stored("AG-STTTT", "2025-01", "2.denominator").number == 58669
    assert stored("AG-STTTT", "2025-01", "11.numerator").number == 54935
    assert stored("AG-STTTT", "2025-01", "11.denominator").number == 62922
    assert stored("AG-STTTT", "2025-01", "5.value").number == 1
    assert stored("AG-PT", "2025-Q1", "5.value").number == 0
    assert stored("AG-STTTT", "2025-01", "7.value").number == Decimal("4.5")
    text = stored("AG-STTTT", "2025-01", "21.value")
    assert (text.number, text.text) == (None, "Đã triển khai 1.234 dịch vụ, đạt 93,6%")
    assert stored("AG-STTTT", "2025-01", "8.a.numerator").number == 20
    # Every write is in the value's history (who changed what, when).
    assert Value.history.filter(element="2.numerator", history_type="+").count() == 1


def test_reimport_is_unchanged_and_an_edit_updates_only_that_value(tmp_path, framework):
    path = write(tmp_path, "values.csv", GOOD)
    run(path, "--framework", "mau-nhap")
    out = run(path, "--framework", "mau-nhap")
    assert "tạo mới 0, cập nhật 0, không đổi 10" in out

    edited = GOOD.replace("58669", "58.670")
    out = run(write(tmp_path, "values2.csv", edited), "--framework", "mau-nhap")
    assert "tạo mới 0, cập nhật 1, không đổi 9" in out
    value = stored("AG-STTTT", "2025-01", "2.denominator")
    assert value.number == 58670
    assert value.provenance["file"] == "values2.csv"
    assert Value.objects.count() == 10
    assert Value.history.filter(element="2.denominator").count() == 2


def test_dry_run_says_what_would_change_and_writes_nothing(tmp_path, framework):
    run(write(tmp_path, "first.csv", "unit,period,element,value\nAG-STTTT,2025-01,2.denominator,58.669\n"),
        "--framework", "mau-nhap")
    before = table_counts()
    out = run(write(tmp_path, "values.csv", GOOD.replace("58669", "58.670")), "--framework", "mau-nhap",
              "--dry-run")
    assert table_counts() == before
    assert "chạy thử, chưa ghi gì" in out
    assert "sẽ tạo mới 9, sẽ cập nhật 1, không đổi 0" in out
    assert "dòng 3: AG-STTTT · 2025-01 · 2.denominator: 58.669 → 58.670" in out
    assert "dòng 2: AG-STTTT · 2025-01 · 2.numerator: mới: 54.919" in out
    assert stored("AG-STTTT", "2025-01", "2.denominator").number == 58669


def test_identical_repeated_rows_are_fine(tmp_path, framework):
    text = "unit,period,element,value\nAG-STTTT,2025-01,2.numerator,54.919\nAG-STTTT,2025-01,2.numerator,54919\n"
    out = run(write(tmp_path, "v.csv", text), "--framework", "mau-nhap")
    assert "tạo mới 1" in out


def test_xlsx_with_vietnamese_headers_and_excel_numbers(tmp_path, framework):
    wb = Workbook()
    ws = wb.active
    ws.title = "So lieu"
    ws.append(["Mã đơn vị", "Kỳ", "Chỉ tiêu", "Giá trị", "Ghi chú"])
    ws.append(["AG-STTTT", "2025-01", "2.numerator", 54919, None])
    ws.append(["AG-STTTT", "2025-01", "2.denominator", 58669.0, "iGate"])
    ws.append([None, None, None, None, None])
    ws.append(["AG-STTTT", "Quý I/2025", "7.value", 0.25, None])
    ws.append(["AG-STTTT", "2025-01", "5.value", True, None])
    ws.append(["AG-STTTT", 2025, "21.value", "Đã làm", None])
    path = tmp_path / "values.xlsx"
    wb.save(path)

    report = import_values(str(path), "mau-nhap")

    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    assert stored("AG-STTTT", "2025-01", "2.denominator").comment == "iGate"
    assert stored("AG-STTTT", "2025-01", "2.denominator").provenance["row"] == 3
    assert stored("AG-STTTT", "2025-Q1", "7.value").number == Decimal("0.25")
    assert stored("AG-STTTT", "2025-01", "5.value").number == 1
    assert stored("AG-STTTT", "2025", "21.value").text == "Đã làm"


def test_a_csv_with_bom_and_semicolons_is_read(tmp_path, framework):
    path = tmp_path / "v.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "Mã đơn vị;Kỳ;Phần tử;Giá trị\nAG-SNV;2025-01;2.numerator;93,6%\n".encode())
    msg = run_fails(str(path), "--framework", "mau-nhap")
    # A percentage is not a count: the BOM header was read, the cell was checked.
    assert "v.csv, dòng 2, cột Giá trị: " in msg
    assert "tỷ lệ phần trăm" in msg
    path.write_bytes(b"\xef\xbb\xbf" + "Mã đơn vị;Kỳ;Phần tử;Giá trị\nAG-SNV;2025-01;2.numerator;1.234\n".encode())
    run(str(path), "--framework", "mau-nhap")
    assert stored("AG-SNV", "2025-01", "2.numerator").number == 1234


def test_the_web_upload_path_takes_a_file_object_a_user_and_limits_units(framework, world):
    upload = SimpleUploadedFile(
        "bao-cao.csv",
        "unit,period,element,value\nAG-PT-PL,2025-01,5.value,Có\nAG-SNV,2025-01,5.value,Có\n".encode(),
    )
    before = table_counts()
    with pytest.raises(ImportError_) as info:
        import_values(upload, framework, user=world.reporter, units=[world.commune_a])
    assert table_counts() == before
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("bao-cao.csv", 3, "unit")]

    upload = SimpleUploadedFile("bao-cao.csv", b"unit,period,element,value\nAG-PT-PL,2025-01,5.value,1\n")
    report = import_values(upload, framework, user=world.reporter, units=[world.commune_a])
    assert report.created == 1
    value = stored("AG-PT-PL", "2025-01", "5.value")
    assert value.updated_by == world.reporter
    assert Value.history.get(id=value.id).history_user == world.reporter


def test_every_problem_of_a_file_is_listed_at_once(tmp_path, framework):
    text = (
        "unit,period,element,value\n"
        "AG-STTTT,2025-01,2.numerator,54.919\n"
        "NOPE,2025-13,2.numeratr,12a\n"
        "AG-STTTT,2025-01,5.value,có lẽ\n"
        "AG-STTTT,2025-01,2.denominator,\n"
    )
    msg = run_fails(write(tmp_path, "v.csv", text), "--framework", "mau-nhap")
    lines = msg.splitlines()[1:]
    assert lines[0] == "v.csv, dòng 3, cột unit: không có đơn vị mã 'NOPE' trong hệ thống"
    assert lines[1].startswith("v.csv, dòng 3, cột period: ")
    assert lines[2].startswith("v.csv, dòng 3, cột element: phần tử '2.numeratr' không có trong bộ "
                               "chỉ tiêu mau-nhap; có phải: 2.numerator,")
    assert lines[3].startswith('v.csv, dòng 4, cột value: không đọc được "có lẽ" thành Có/Không')
    assert lines[4] == "v.csv, dòng 5, cột value: ô giá trị để trống"
    assert len(lines) == 5


def test_unknown_framework_is_a_vietnamese_error(tmp_path, framework):
    with pytest.raises(CommandError, match="Không có bộ chỉ tiêu mã 'khong-co'"):
        run(write(tmp_path, "v.csv", GOOD), "--framework", "khong-co")


def test_a_value_outside_the_units_validity_is_refused(tmp_path, framework, world):
    world.commune_a.valid_to = date(2025, 6, 30)  # merged on 1 July 2025
    world.commune_a.save()
    world.commune_b.valid_from = date(2025, 7, 1)
    world.commune_b.save()
    text = ("unit,period,element,value\n"
            "AG-PT-PL,2025-H1,5.value,Có\n"      # valid: the half-year ends on its last day
            "AG-PT-PL,2025-Q3,5.value,Có\n"
            "AG-PT-PT,2024,5.value,Có\n"
            "AG-PT-PT,2025,5.value,Có\n")       # valid: the year overlaps
    msg = run_fails(write(tmp_path, "v.csv", text), "--framework", "mau-nhap")
    assert msg.splitlines()[1:] == [
        "v.csv, dòng 3, cột period: đơn vị AG-PT-PL chỉ có hiệu lực đến 30/06/2025, "
        "kỳ Quý III/2025 nằm sau thời gian đó",
        "v.csv, dòng 4, cột period: đơn vị AG-PT-PT chỉ có hiệu lực từ 01/07/2025, "
        "kỳ Năm 2024 nằm trước thời gian đó",
    ]
