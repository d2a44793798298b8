"""``chiso reconcile``: the portal's published 766 figures against the province's stored results.

The province's side is the hand-worked export of ``chiso/frameworks/tests/test_qd766.py``
(sở AG-STTTT: 2.1 = 6/8 → 15 points, payment 4/8 = 50% → 5, 5.4 = 16/3 ≈ 5,33, group số hoá
12,75, total 4433/60 ≈ 73,88; xã AG-PT-PL: no payment known, 4.3 = 4/5). The portal's side is
a hand-made CSV, some figures equal, some not.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from chiso.frameworks.tests.test_qd766 import run_chain
from chiso.ingest.tests.exports import write_csv

HEADER = ["Mã đơn vị", "Kỳ", "Chỉ số", "Loại số liệu", "Giá trị", "Ghi chú"]
PORTAL = [
    ["AG-STTTT", "2025-01", "2.1", "điểm", "15", ""],  # province 15 → khớp
    ["AG-STTTT", "2025-01", "2.1", "tỷ lệ", "75%", ""],  # 6/8 = 75% → khớp
    ["AG-STTTT", "2025-01", "2.1", "mẫu số", "10", "Cổng tính cả hồ sơ liên thông"],  # province 8 → −2
    ["AG-STTTT", "2025-01", "5.4", "điểm", "5,33", ""],  # 16/3 = 5,333… shown 5,33 → khớp
    ["AG-STTTT", "2025-01", "thanh-toan", "tỷ lệ", "62,5%", ""],  # province 50% → −12,5 điểm %
    ["AG-STTTT", "2025-01", "Số hoá hồ sơ", "điểm", "12,75", ""],  # a group, by its name → khớp
    ["AG-STTTT", "2025-01", "Tổng", "", "75,12", ""],  # blank measure = points; 73,8833… → −1,2367
    ["AG-PT-PL", "2025-01", "thanh-toan", "điểm", "10", ""],  # the xã has no payment known → missing
    ["AG-PT-PL", "2025-01", "4.3", "tử số", "4", ""],  # 4 → khớp
]


@pytest.fixture
def province(world, tmp_path):
    return run_chain(tmp_path)


def reconcile(path, *extra) -> str:
    out = StringIO()
    call_command("reconcile", str(path), "--framework", "qd766-2022", "--period", "2025-01", *extra, stdout=out)
    return out.getvalue()


def test_each_portal_figure_is_set_against_the_stored_result(province, tmp_path) -> None:
    path = write_csv(tmp_path / "cong-dvcqg-2025-01.csv", PORTAL, header=HEADER)
    data = json.loads(reconcile(path, "--format", "json"))
    assert (data["framework"], data["period"], data["basis"], data["file"]) == (
        "qd766-2022", "2025-01", "official", "cong-dvcqg-2025-01.csv")
    assert data["summary"] == {"figures": 9, "match": 5, "differs": 3, "missing": 1}
    got = [(ln["unit"], ln["figure"], ln["measure"], ln["status"], ln["portal_text"], ln["province_text"],
            ln["difference_text"]) for ln in data["lines"]]
    assert got == [
        ("AG-STTTT", "2.1", "points", "match", "15", "15", "0"),
        ("AG-STTTT", "2.1", "rate", "match", "75,00%", "75,00%", "0 điểm %"),
        ("AG-STTTT", "2.1", "denominator", "differs", "10", "8", "−2"),
        ("AG-STTTT", "5.4", "points", "match", "5,33", "5,33", "0"),
        ("AG-STTTT", "thanh-toan", "rate", "differs", "62,50%", "50,00%", "−12,5 điểm %"),
        ("AG-STTTT", "so-hoa", "points", "match", "12,75", "12,75", "0"),
        ("AG-STTTT", "total", "points", "differs", "75,12", "73,88", "−1,24"),
        ("AG-PT-PL", "thanh-toan", "points", "missing", "10", "—", "—"),
        ("AG-PT-PL", "4.3", "numerator", "match", "4", "4", "0"),
    ]
    by = {(ln["unit"], ln["figure"], ln["measure"]): ln for ln in data["lines"]}
    assert by[("AG-STTTT", "2.1", "denominator")]["difference"] == -2
    assert by[("AG-STTTT", "thanh-toan", "rate")]["difference"] == pytest.approx(-0.125)
    assert by[("AG-STTTT", "total", "points")]["difference"] == pytest.approx(4433 / 60 - 75.12)
    assert by[("AG-STTTT", "so-hoa", "points")]["figure_name"] == "Số hoá hồ sơ"
    assert by[("AG-STTTT", "2.1", "denominator")]["comment"] == "Cổng tính cả hồ sơ liên thông"
    assert by[("AG-PT-PL", "thanh-toan", "points")]["note"].startswith("Chưa có số liệu")


def test_the_table_names_each_difference_in_vietnamese(province, tmp_path) -> None:
    text = reconcile(write_csv(tmp_path / "cong.csv", PORTAL, header=HEADER))
    assert "Lệch     AG-STTTT · thanh-toan Thanh toán trực tuyến · Tỷ lệ: Cổng 62,50%, tỉnh 50,00%, " \
           "chênh lệch −12,5 điểm %" in text
    assert "Lệch     AG-STTTT · total Tổng điểm · Điểm: Cổng 75,12, tỉnh 73,88, chênh lệch −1,24" in text
    assert text.rstrip().endswith("9 số liệu: 5 khớp, 3 lệch, 1 tỉnh chưa có số liệu.")


def test_the_xlsx_holds_numbers_a_sheet_can_sum(province, tmp_path) -> None:
    out = tmp_path / "doi-chieu.xlsx"
    message = reconcile(write_csv(tmp_path / "cong.csv", PORTAL, header=HEADER), "--format", "xlsx", "-o", str(out))
    assert "9 số liệu, 3 lệch, 1 tỉnh chưa có số liệu" in message
    ws = load_workbook(out).active
    assert ws.title == "Đối chiếu"
    assert [c.value for c in ws[4]] == ["TT", "Mã đơn vị", "Đơn vị", "Chỉ số", "Tên chỉ số", "Loại số liệu",
                                        "Cổng DVCQG", "Tỉnh", "Chênh lệch", "Kết quả", "Ghi chú"]
    payment = [c.value for c in ws[9]]
    assert payment[:4] == [5, "AG-STTTT", "Sở Thông tin và Truyền thông", "thanh-toan"]
    assert payment[6:10] == [0.625, 0.5, -0.125, "Lệch"]
    assert ws.cell(row=9, column=7).number_format == "0.00%"
    missing = [c.value for c in ws[12]]
    assert (missing[7], missing[9]) == (None, "Tỉnh chưa có số liệu")


def test_a_bad_file_is_refused_whole_naming_row_and_column(province, tmp_path) -> None:
    bad = write_csv(tmp_path / "cong-loi.csv", [
        ["AG-XX", "2025-01", "2.1", "điểm", "15", ""],
        ["AG-STTTT", "2025-02", "2.1", "điểm", "15", ""],
        ["AG-STTTT", "2025-01", "9.9", "điểm", "1", ""],
        ["AG-STTTT", "2025-01", "2.1", "tỷ lệ", "75", ""],
        ["AG-STTTT", "2025-01", "2.1", "điểm", "25", ""],
        ["AG-STTTT", "2025-01", "2.1", "số lượng", "1", ""],
        ["AG-STTTT", "2025-01", "tien-do", "tỷ lệ", "75%", ""],
        ["AG-STTTT", "2025-01", "2.1", "mẫu số", "8,5", ""],
        ["AG-STTTT", "2025-01", "4.1", "điểm", "abc", ""],
        ["AG-STTTT", "2025-01", "1.4", "điểm", "5", ""],
        ["AG-STTTT", "2025-01", "1.4", "Điểm", "6", ""],
    ], header=HEADER)
    with pytest.raises(CommandError) as info:
        reconcile(bad, "--format", "json")
    message = str(info.value)
    assert "(10 lỗi)" in message
    for expected in (
        "cong-loi.csv, dòng 2, cột Mã đơn vị: không có đơn vị mã “AG-XX”",
        "cong-loi.csv, dòng 3, cột Kỳ: kỳ “2025-02” khác kỳ đang đối chiếu (Tháng 01/2025)",
        "cong-loi.csv, dòng 4, cột Chỉ số: bộ chỉ số qd766-2022 không có chỉ số, nhóm “9.9”",
        "cong-loi.csv, dòng 5, cột Giá trị: tỷ lệ “75” lớn hơn 1: viết 75% hoặc dạng 0,xx",
        "cong-loi.csv, dòng 6, cột Giá trị: 25 điểm lớn hơn điểm tối đa 20",
        "cong-loi.csv, dòng 7, cột Loại số liệu: không hiểu loại số liệu “số lượng”",
        "cong-loi.csv, dòng 8, cột Loại số liệu: nhóm và tổng chỉ có điểm, không có tỷ lệ",
        "cong-loi.csv, dòng 9, cột Giá trị: mẫu số phải là số nguyên",
        "cong-loi.csv, dòng 10, cột Giá trị: ",
        "cong-loi.csv, dòng 12, cột Chỉ số: số liệu này đã có ở dòng 11",
    ):
        assert expected in message, expected


def test_a_file_without_the_figure_column_is_refused(province, tmp_path) -> None:
    bad = write_csv(tmp_path / "thieu-cot.csv", [["AG-STTTT", "15"]], header=["Mã đơn vị", "Giá trị"])
    with pytest.raises(CommandError) as info:
        reconcile(bad)
    assert "thieu-cot.csv, dòng 1, cột figure: thiếu cột bắt buộc figure" in str(info.value)


# ---- the web page ------------------------------------------------------------------------------
def _post(client, path, **extra):
    from django.urls import reverse

    with open(path, "rb") as fh:
        return client.post(reverse("reports:reconcile"), {
            "framework": "qd766-2022", "period": "2025-01", "basis": "official", "output": "page", "file": fh,
            **extra})


def test_the_page_shows_each_difference(province, world, tmp_path) -> None:
    from chiso.conftest import client_for

    path = write_csv(tmp_path / "cong.csv", PORTAL, header=HEADER)
    response = _post(client_for(world.viewer), path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "9 số liệu: 5 khớp, 3 lệch, 1 tỉnh chưa có số liệu." in page
    assert page.count('class="reconcile-differs"') == 3 and page.count('class="reconcile-missing"') == 1
    assert "−12,5 điểm %" in page and "62,50%" in page and "50,00%" in page
    # The kind of each figure in Vietnamese, as in the XLSX, never the file's code words.
    assert "<td>Tỷ lệ</td>" in page and "<td>Điểm</td>" in page
    assert "<td>rate</td>" not in page and "<td>points</td>" not in page

    xlsx = _post(client_for(world.viewer), path, output="xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="doi-chieu-qd766-2022-2025-01.xlsx"'
    from io import BytesIO

    ws = load_workbook(BytesIO(xlsx.content)).active
    assert [c.value for c in ws[9]][6:10] == [0.625, 0.5, -0.125, "Lệch"]


def test_a_unit_outside_the_users_scope_reads_as_unknown(province, world, tmp_path) -> None:
    from chiso.conftest import client_for

    path = write_csv(tmp_path / "cong.csv", PORTAL, header=HEADER)
    # The commune's reporter sees only AG-PT-PL: the sở's rows are refused, nothing is compared.
    response = _post(client_for(world.reporter), path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "cong.csv, dòng 2, cột Mã đơn vị: không có đơn vị mã “AG-STTTT”" in page
    assert "reconcile-lines" not in page


def test_figure_codes_keep_their_dots_and_names_fold() -> None:
    from chiso.reports.reconcile import _fold

    assert (_fold("2.1"), _fold("21"), _fold("tthc-dan-cu")) == ("2.1", "21", "tthc-dan-cu")
    assert _fold("  Số hoá HỒ SƠ ") == _fold("so hoa ho so") == "so hoa ho so"
    assert _fold("Công khai, minh bạch") == "cong khai minh bach"


def test_an_xlsx_from_the_portal_reads_like_the_csv_and_names_columns_by_letter(province, tmp_path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["AG-STTTT", "2025-01", "thanh-toan", "tỷ lệ", 0.625, ""])  # a share typed as a number
    ws.append(["AG-STTTT", "2025-01", "2.1", "điểm", 15, ""])
    good = tmp_path / "cong.xlsx"
    wb.save(good)
    data = json.loads(reconcile(good, "--format", "json"))
    assert [(ln["figure"], ln["status"], ln["difference_text"]) for ln in data["lines"]] == [
        ("thanh-toan", "differs", "−12,5 điểm %"), ("2.1", "match", "0")]

    ws.append(["AG-STTTT", "2025-01", "4.1", "điểm", 7, ""])  # 4.1 is worth 6 points
    bad = tmp_path / "cong-loi.xlsx"
    wb.save(bad)
    with pytest.raises(CommandError) as info:
        reconcile(bad)
    assert "cong-loi.xlsx, dòng 4, cột E: 7 điểm lớn hơn điểm tối đa 6" in str(info.value)
