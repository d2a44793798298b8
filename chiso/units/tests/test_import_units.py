"""Units import: create/update by code, all or nothing, every problem located."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chiso.tabular import ImportError_
from chiso.units.importer import import_units, parse_level
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


def write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    if encoding == "cp1258":  # Windows Vietnamese: base letters + combining tone marks
        text = unicodedata.normalize("NFD", text)
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_units", *args, stdout=out)
    return out.getvalue()


def run_fails(*args) -> str:
    before = Unit.objects.count()
    with pytest.raises(CommandError) as info:
        run(*args)
    assert Unit.objects.count() == before
    return str(info.value)


TWO_PROVINCES = """code,name,level,kind,parent_code,terrain,valid_to
AG-STTTT,Sở Thông tin và Truyền thông,province,Sở,AG,,
AG,Tỉnh An Giang,tỉnh,Tỉnh,,,30/06/2025
AG-PT,UBND huyện Phú Tân,huyện,UBND huyện,AG,,
AG-PT-PL,UBND xã Phú Lâm,xã,UBND xã,AG-PT,lowland,
KG,Tỉnh Kiên Giang,cấp tỉnh,Tỉnh,,,
KG-HT,UBND xã Hòn Tre,commune,UBND xã,KG,island,
"""


def test_it_imports_two_top_level_units_with_attributes_and_parents_defined_later(tmp_path):
    out = run(write(tmp_path, "units.csv", TWO_PROVINCES))

    assert "Đã tạo 6 đơn vị" in out
    assert set(Unit.objects.filter(parent=None).values_list("code", flat=True)) == {"AG", "KG"}
    pl = Unit.objects.get(code="AG-PT-PL")
    assert pl.level == "commune"
    assert pl.parent.code == "AG-PT"
    assert pl.path == "/AG/AG-PT/AG-PT-PL/"
    assert pl.attributes == {"terrain": "lowland"}
    assert Unit.objects.get(code="KG-HT").attributes == {"terrain": "island"}
    assert Unit.objects.get(code="AG-STTTT").attributes == {}
    assert Unit.objects.get(code="AG").valid_to == date(2025, 6, 30)
    assert Unit.objects.get(code="AG").level == "province"
    assert Unit.objects.get(code="AG-PT").level == "district"
    assert [u.code for u in Unit.objects.subtree_of(Unit.objects.get(code="AG"))] == [
        "AG", "AG-PT", "AG-PT-PL", "AG-STTTT",
    ]


def test_a_second_run_changes_nothing_and_an_edit_updates_by_code(tmp_path):
    path = write(tmp_path, "units.csv", TWO_PROVINCES)
    run(path)
    out = run(path)
    assert "Đã tạo 0 đơn vị, cập nhật 0, không đổi 6" in out

    edited = TWO_PROVINCES.replace("UBND xã Phú Lâm,xã,UBND xã,AG-PT,lowland",
                                   "UBND xã Phú Lâm mới,xã,UBND xã,AG,mountain")
    out = run(write(tmp_path, "units2.csv", edited))
    assert "Đã tạo 0 đơn vị, cập nhật 1, không đổi 5" in out
    pl = Unit.objects.get(code="AG-PT-PL")
    assert pl.name == "UBND xã Phú Lâm mới"
    assert pl.parent.code == "AG"
    assert pl.path == "/AG/AG-PT-PL/"
    assert pl.attributes == {"terrain": "mountain"}
    assert Unit.objects.count() == 6


def test_moving_a_unit_re_roots_its_descendants(tmp_path):
    run(write(tmp_path, "units.csv", TWO_PROVINCES))
    run(write(tmp_path, "move.csv", "code,name,level,parent_code\nAG-PT,UBND huyện Phú Tân,district,KG\n"))
    assert Unit.objects.get(code="AG-PT-PL").path == "/KG/AG-PT/AG-PT-PL/"


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    path = write(tmp_path, "units.csv", TWO_PROVINCES)
    out = run(path, "--dry-run")
    assert "Sẽ tạo 6 đơn vị" in out
    assert "chưa ghi gì" in out
    assert Unit.objects.count() == 0

    run(path)
    edited = TWO_PROVINCES.replace("Tỉnh Kiên Giang", "Tỉnh Kiên Giang (cũ)")
    out = run(write(tmp_path, "units2.csv", edited), "--dry-run")
    assert "Sẽ tạo 0 đơn vị, sẽ cập nhật 1, không đổi 5" in out
    assert "KG (name)" in out
    assert Unit.objects.get(code="KG").name == "Tỉnh Kiên Giang"


def test_it_reads_xlsx_with_vietnamese_headers_and_excel_dates(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "TÊN ĐƠN VỊ", "Cấp", "Loại", "Mã đơn vị cha", "Hiệu lực từ", "Số ấp"])
    ws.append(["AG", "Tỉnh An Giang", "Tỉnh", "Tỉnh", None, date(2025, 7, 1), None])
    ws.append([None, None, None, None, None, None, None])  # a blank line is skipped
    ws.append(["AG-X1", "UBND xã Một", "Xã", "UBND xã", "AG", "01/07/2025", 5])
    path = tmp_path / "units.xlsx"
    wb.save(path)

    report = import_units(str(path))

    assert report.created == ["AG", "AG-X1"]
    x1 = Unit.objects.get(code="AG-X1")
    assert x1.valid_from == date(2025, 7, 1)
    assert x1.attributes == {"Số ấp": 5}
    assert Unit.objects.get(code="AG").valid_from == date(2025, 7, 1)


def test_it_accepts_a_csv_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "Mã;Tên;Cấp\nAG;Tỉnh An Giang;tỉnh\n".encode())
    run(str(path))
    assert Unit.objects.get(code="AG").name == "Tỉnh An Giang"


@pytest.mark.parametrize("text,level", [
    ("province", "province"), ("Cấp tỉnh", "province"), ("TỈNH", "province"),
    ("huyện", "district"), ("cap huyen", "district"), ("xã", "commune"), ("commune", "commune"),
])
def test_levels_are_read_in_english_or_vietnamese(text, level):
    assert parse_level(text) == level


# --- bad files: each names row and column, and writes nothing ---------------------------


def test_unknown_parent_is_reported_at_its_row(tmp_path):
    msg = run_fails(write(tmp_path, "u.csv", "code,name,level,parent_code\nA,Một,province,\nB,Hai,district,ZZ\n"))
    assert "u.csv, dòng 3, cột parent_code: đơn vị cha 'ZZ' không có" in msg


def test_bad_level_is_reported_at_its_row(tmp_path):
    msg = run_fails(write(tmp_path, "u.csv", "code,name,level\nA,Một,province\nB,Hai,ấp\n"))
    assert "u.csv, dòng 3, cột level: cấp 'ấp' không hợp lệ" in msg


def test_a_cycle_is_reported(tmp_path):
    msg = run_fails(write(tmp_path, "u.csv", "code,name,level,parent_code\nA,Một,province,B\nB,Hai,district,A\n"))
    assert "vòng lặp" in msg
    assert "dòng 2, cột parent_code" in msg


def test_a_cycle_through_existing_units_is_reported(tmp_path):
    run(write(tmp_path, "u.csv", "code,name,level,parent_code\nA,Một,province,\nB,Hai,district,A\n"))
    msg = run_fails(write(tmp_path, "v.csv", "code,name,level,parent_code\nA,Một,province,B\n"))
    assert "v.csv, dòng 2, cột parent_code: quan hệ cha – con tạo thành vòng lặp: A → B → A" in msg
    assert Unit.objects.get(code="A").parent is None


def test_duplicate_codes_with_conflicting_data_are_a_problem_but_repeats_are_not(tmp_path):
    msg = run_fails(write(tmp_path, "u.csv", "code,name,level\nA,Một,province\nA,Khác,province\n"))
    assert "u.csv, dòng 3, cột code: mã đơn vị 'A' đã có ở dòng 2 với dữ liệu khác (khác ở: name)" in msg
    run(write(tmp_path, "ok.csv", "code,name,level\nA,Một,province\nA,Một,province\n"))
    assert Unit.objects.count() == 1


def test_every_problem_is_listed_and_nothing_is_written(tmp_path):
    run(write(tmp_path, "base.csv", "code,name,level\nA,Một,province\n"))
    text = "code,name,level,parent_code,valid_from\nA,Đổi tên,province,,\nB,,district,A,\nC,Ba,xx,A,31/02/2025\nD,Bốn,commune,Q,\n"
    msg = run_fails(write(tmp_path, "u.csv", text))
    assert "dòng 3, cột name: thiếu tên đơn vị" in msg
    assert "dòng 4, cột level" in msg
    assert "dòng 4, cột valid_from" in msg
    assert Unit.objects.get(code="A").name == "Một"


def test_missing_required_column(tmp_path):
    msg = run_fails(write(tmp_path, "u.csv", "code,name\nA,Một\n"))
    assert "u.csv, dòng 1, cột level: thiếu cột bắt buộc level (cấp); dòng tiêu đề đang có: code, name" in msg


def test_empty_file(tmp_path):
    msg = run_fails(write(tmp_path, "u.csv", ""))
    assert "u.csv, dòng 1: tệp rỗng" in msg
    msg = run_fails(write(tmp_path, "h.csv", "code,name,level\n\n"))
    assert "không có dòng dữ liệu nào" in msg


def test_non_utf8_csv_names_row_and_column(tmp_path):
    msg = run_fails(write(tmp_path, "u.csv", "code,name,level\nA,Tỉnh An Giang,province\n", encoding="cp1258"))
    assert "u.csv, dòng 2, cột name: tệp không phải mã UTF-8" in msg


def test_unknown_file_type(tmp_path):
    msg = run_fails(write(tmp_path, "u.pdf", "%PDF-1.4"))
    assert "không nhận dạng được loại tệp '.pdf'" in msg


def test_import_error_lists_problems():
    with pytest.raises(ImportError_) as info:
        import_units(io.BytesIO(b"code,name,level\nA,,province\n"), filename="x.csv")
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("x.csv", 2, "name")]


def test_active_column_and_clearing_an_attribute(tmp_path):
    run(write(tmp_path, "u.csv", "code,name,level,terrain,Số ấp\nA,Một,xã,mountain,5\n"))
    assert Unit.objects.get(code="A").attributes == {"terrain": "mountain", "Số ấp": "5"}
    out = run(write(tmp_path, "v.csv", "code,name,level,terrain,Đang hoạt động\nA,Một,xã,,Không\n"))
    assert "cập nhật 1" in out
    a = Unit.objects.get(code="A")
    assert a.active is False
    assert a.attributes == {"Số ấp": "5"}  # an empty cell removes; an absent column keeps
    msg = run_fails(write(tmp_path, "w.csv", "code,name,level,active\nA,Một,xã,có lẽ\n"))
    assert "w.csv, dòng 2, cột active: không đọc được \"có lẽ\" thành Có/Không" in msg
