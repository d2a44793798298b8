"""Lineage import: merge / split / rename links, all or nothing, every problem located."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chiso.units.models import Unit, UnitLineage

pytestmark = pytest.mark.django_db

BROKEN = Path(__file__).parent / "lineage_broken"


@pytest.fixture
def units():
    old = Unit.objects.create(code="CU-AG", name="Tỉnh An Giang (cũ)", level="province", valid_to=date(2025, 6, 30))
    new = Unit.objects.create(code="AG", name="Tỉnh An Giang", level="province", valid_from=date(2025, 7, 1))
    for code in ("CU-X1", "CU-X2", "CU-X3"):
        Unit.objects.create(code=code, name=f"Xã {code}", level="commune", parent=old, valid_to=date(2025, 6, 30))
    for code in ("X-NEW", "X-OTHER"):
        Unit.objects.create(code=code, name=f"Xã {code}", level="commune", parent=new, valid_from=date(2025, 7, 1))


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_lineage", *args, stdout=out)
    return out.getvalue()


def run_fails(*args) -> str:
    before = list(UnitLineage.objects.values_list("predecessor__code", "successor__code", "share"))
    with pytest.raises(CommandError) as info:
        run(*args)
    assert list(UnitLineage.objects.values_list("predecessor__code", "successor__code", "share")) == before
    return str(info.value)


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD = """predecessor,successor,effective,kind,share,note
CU-X1,X-NEW,01/07/2025,merge,,
CU-X2,X-NEW,01/07/2025,sáp nhập,,
CU-X3,X-NEW,2025-07-01,split,"0,4",phần phía bắc
CU-X3,X-OTHER,01/07/2025,chia tách,60%,
"""


def links() -> dict[tuple[str, str], tuple[str, date, Decimal, str]]:
    return {
        (p, s): (kind, eff, share, note)
        for p, s, kind, eff, share, note in UnitLineage.objects.values_list(
            "predecessor__code", "successor__code", "kind", "effective", "share", "note")
    }


def test_it_imports_merges_and_a_split_with_declared_shares(units, tmp_path):
    out = run(write(tmp_path, "lineage.csv", GOOD))

    assert "Đã tạo 4 liên kết kế thừa, cập nhật 0, không đổi 0." in out
    assert "CU-X3 → X-OTHER" in out
    assert links() == {
        ("CU-X1", "X-NEW"): ("merge", date(2025, 7, 1), Decimal("1"), ""),
        ("CU-X2", "X-NEW"): ("merge", date(2025, 7, 1), Decimal("1"), ""),
        ("CU-X3", "X-NEW"): ("split", date(2025, 7, 1), Decimal("0.4"), "phần phía bắc"),
        ("CU-X3", "X-OTHER"): ("split", date(2025, 7, 1), Decimal("0.6"), ""),
    }


def test_a_second_run_changes_nothing_and_an_edit_updates_the_pair(units, tmp_path):
    path = write(tmp_path, "lineage.csv", GOOD)
    run(path)
    assert "Đã tạo 0 liên kết kế thừa, cập nhật 0, không đổi 4." in run(path)

    edited = GOOD.replace('split,"0,4"', 'split,"0,3"').replace("60%", "70%")
    out = run(write(tmp_path, "edited.csv", edited))
    assert "Đã tạo 0 liên kết kế thừa, cập nhật 2, không đổi 2." in out
    assert links()[("CU-X3", "X-NEW")][2] == Decimal("0.3")
    assert links()[("CU-X3", "X-OTHER")][2] == Decimal("0.7")
    assert UnitLineage.objects.count() == 4


def test_dry_run_writes_nothing(units, tmp_path):
    out = run(write(tmp_path, "lineage.csv", GOOD), "--dry-run")
    assert "Sẽ tạo 4 liên kết kế thừa" in out
    assert "chưa ghi gì" in out
    assert UnitLineage.objects.count() == 0


def test_it_reads_xlsx_with_vietnamese_headers(units, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị cũ", "Mã đơn vị mới", "Ngày hiệu lực", "Loại", "Tỷ trọng"])
    ws.append(["CU-X1", "X-NEW", date(2025, 7, 1), "Sáp nhập", None])
    ws.append(["CU-X3", "X-OTHER", "01/07/2025", "Chia tách", 0.25])
    path = tmp_path / "lineage.xlsx"
    wb.save(path)

    assert "Đã tạo 2 liên kết kế thừa" in run(str(path))
    assert links()[("CU-X3", "X-OTHER")][2] == Decimal("0.25")


def test_a_split_is_checked_against_the_shares_already_stored(units, tmp_path):
    run(write(tmp_path, "first.csv", "predecessor,successor,effective,kind,share\nCU-X3,X-NEW,01/07/2025,split,0.7\n"))
    message = run_fails(write(tmp_path, "second.csv",
                              "predecessor,successor,effective,kind,share\nCU-X3,X-OTHER,01/07/2025,split,0.5\n"))
    assert "second.csv, dòng 2, cột share: đơn vị CU-X3 được chia với tổng tỷ trọng 0,7 + 0,5 = 1,2" in message

    # Lowering the stored share in the same file makes room: the file's value replaces the stored one.
    out = run(write(tmp_path, "third.csv", "predecessor,successor,effective,kind,share\n"
                                           "CU-X3,X-NEW,01/07/2025,split,0.5\nCU-X3,X-OTHER,01/07/2025,split,0.5\n"))
    assert "Đã tạo 1 liên kết kế thừa, cập nhật 1" in out


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unknown_unit.csv", ["unknown_unit.csv, dòng 3, cột predecessor: không có đơn vị mã 'CU-X9' trong hệ thống"]),
        ("bad_kind.csv", ["bad_kind.csv, dòng 2, cột kind: loại 'giải thể' không hợp lệ: dùng merge (sáp nhập), "
                          "split (chia tách) hoặc rename (đổi tên)"]),
        ("share_outside.csv", ["share_outside.csv, dòng 2, cột share: tỷ trọng '1.5' phải nằm trong khoảng 0–1"]),
        ("split_over_one.csv", ["split_over_one.csv, dòng 3, cột share: đơn vị CU-X3 được chia với tổng tỷ trọng "
                                "0,6 + 0,5 = 1,1, vượt quá 1"]),
        ("duplicate_pair.csv", ["duplicate_pair.csv, dòng 4, cột successor: cặp CU-X1 → X-NEW đã có ở dòng 2"]),
        ("bad_date.csv", ["bad_date.csv, dòng 2, cột effective: không đọc được '31/06/2025' thành ngày"]),
        ("merge_with_share.csv", ["merge_with_share.csv, dòng 2, cột share: tỷ trọng chỉ dùng khi chia tách"]),
        ("merge_to_two.csv", ["merge_to_two.csv, dòng 2, cột kind: đơn vị CU-X1 sáp nhập trọn vào X-NEW nhưng "
                              "cũng chuyển sang X-OTHER"]),
        ("missing_column.csv", ["missing_column.csv, dòng 1, cột effective: thiếu cột bắt buộc effective"]),
    ],
)
def test_a_broken_file_writes_nothing_and_names_file_row_and_column(units, name, expected):
    message = run_fails(str(BROKEN / name))
    assert message.startswith("Không nhập được tệp, không có thay đổi nào được ghi")
    for text in expected:
        assert text in message
    assert UnitLineage.objects.count() == 0


def test_every_problem_of_a_file_is_reported_at_once(units, tmp_path):
    text = ("predecessor,successor,effective,kind,share\n"
            "CU-X1,X-NEW,01/07/2025,merge,\n"
            "CU-X9,X-NEW,01/07/2025,merge,\n"
            "CU-X2,X-NEW,hôm qua,merge,\n"
            "CU-X3,X-NEW,01/07/2025,split,-0.1\n")
    message = run_fails(write(tmp_path, "many.csv", text))
    assert "(3 lỗi)" in message
    assert "dòng 3, cột predecessor" in message
    assert "dòng 4, cột effective" in message
    assert "dòng 5, cột share" in message
