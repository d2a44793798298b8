"""`chiso export`: files on disk with the engine's figures; non-zero exit with a Vietnamese message on bad input."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from .test_report import cqdt  # noqa: F401  (fixture)


def _export(*args: str) -> None:
    call_command("export", *args)


def test_appendix_xlsx_to_a_file(nq17, world, tmp_path):
    target = tmp_path / "phu-luc.xlsx"
    _export("--framework", "nq17-2019", "--period", "2025-01", "--unit", "AG", "--kind", "appendix",
            "--format", "xlsx", "-o", str(target))
    ws = openpyxl.load_workbook(target).active
    row = next(r for r in ws.iter_rows(min_row=6, values_only=True) if r[0] == "2")
    assert row[4] == 54919 / 58669 and "54.919 / 58.669 hồ sơ" in row[3]


def test_report_docx_with_number_date_and_signer(cqdt, world, tmp_path):  # noqa: F811
    target = tmp_path / "bao-cao.docx"  # format taken from the file name
    _export("--framework", "ag-cqdt-2021", "--period", "2025", "--unit", "AG", "--kind", "report",
            "-o", str(target), "--number", "05", "--date", "05/01/2026", "--signer", "Trần Thị Bình",
            "--authority", "GIÁM ĐỐC", "--position", "", "--recipient", "UBND tỉnh (b/c)",
            "--recipient", "Các sở, ban, ngành tỉnh")
    doc = Document(target)
    left, right = doc.tables[0].rows[0].cells
    assert "Số: 05/BC-SKHCN" in left.text
    assert "An Giang, ngày 05 tháng 01 năm 2026" in right.text
    recipients, signature = doc.tables[1].rows[0].cells
    assert [p.text for p in recipients.paragraphs if p.text] == [
        "Nơi nhận:", "- UBND tỉnh (b/c);", "- Các sở, ban, ngành tỉnh;", "- Lưu: VT, CNTT."]
    assert [p.text for p in signature.paragraphs if p.text][0] == "GIÁM ĐỐC"
    assert "Trần Thị Bình" in signature.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--framework", "khong-co", "--period", "2025", "--kind", "report", "--format", "docx"],
         "Không có bộ chỉ tiêu mã \u201ckhong-co\u201d"),
        (["--framework", "nq17-2019", "--period", "2025-13", "--unit", "AG", "--kind", "appendix",
          "--format", "xlsx"], "2025-13"),
        (["--framework", "nq17-2019", "--period", "2025-01", "--unit", "KHONG", "--kind", "appendix",
          "--format", "xlsx"], "Không có đơn vị mã \u201cKHONG\u201d"),
        (["--framework", "nq17-2019", "--period", "2025-01", "--kind", "ranking", "--format", "xlsx"],
         "không phải bộ chấm điểm nên không có bảng xếp hạng"),
        (["--framework", "nq17-2019", "--period", "2025-01", "--kind", "report", "--format", "xlsx"],
         "chỉ xuất được DOCX hoặc PDF"),
        (["--framework", "nq17-2019", "--period", "2025-01", "--kind", "appendix", "--format", "xlsx"],
         "phụ lục cần chọn một đơn vị"),
    ],
)
def test_bad_input_fails_with_a_vietnamese_message(nq17, world, tmp_path, args, message):
    target = tmp_path / "out.bin"
    with pytest.raises(CommandError, match=message):
        _export(*args, "-o", str(target))
    assert not target.exists()


def test_appendix_of_a_unit_outside_the_framework_scope_is_refused(nq17, world, tmp_path):
    with pytest.raises(CommandError, match="không thuộc phạm vi đánh giá của bộ chỉ tiêu nq17-2019"):
        _export("--framework", "nq17-2019", "--period", "2025-01", "--unit", "AG-PT-PL", "--kind", "appendix",
                "--format", "xlsx", "-o", str(tmp_path / "x.xlsx"))


def test_report_with_addressee_and_section_three(cqdt, world, tmp_path):  # noqa: F811
    target = tmp_path / "bao-cao.docx"
    _export("--framework", "ag-cqdt-2021", "--period", "2025", "--kind", "report", "-o", str(target),
            "--number", "15/BC-STTTT", "--addressee", "UBND tỉnh An Giang",
            "--next-steps", "Đôn đốc các đơn vị.\\nRà soát số liệu.")
    doc = Document(target)
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert "Kính gửi: UBND tỉnh An Giang" in texts
    steps = texts.index("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
    assert texts[steps + 1:steps + 3] == ["Đôn đốc các đơn vị.", "Rà soát số liệu."]
    assert "Số: 15/BC-STTTT" in doc.tables[0].rows[0].cells[0].text
