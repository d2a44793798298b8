"""The offline path: download the pre-filled XLSX, fill it, upload it back (all or nothing)."""

from __future__ import annotations

import html
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chiso.assessments.models import Value
from chiso.assessments.offline import COL_ELEMENT, COL_REASON, COL_VALUE, HEADER_ROW, SHEET
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import put_values
from chiso.assessments.workflow import ValueChange, save_values
from chiso.conftest import client_for


def download(client, sub):
    r = client.get(reverse("assessments:offline_download", args=[sub.pk]))
    assert r.status_code == 200
    return r, load_workbook(io.BytesIO(r.content))


def rows_by_element(ws) -> dict[str, int]:
    return {ws.cell(r, COL_ELEMENT).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(r, COL_ELEMENT).value}


def upload(client, sub, wb, name="bieu-mau.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    return client.post(reverse("assessments:offline_upload", args=[sub.pk]),
                       {"file": SimpleUploadedFile(name, buffer.getvalue())})


def test_the_download_is_a_prefilled_protected_form_of_this_unit(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(54919), "2.value": Decimal(1)})
    r, wb = download(client_for(world.reporter), own_submission)
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "bieu-mau-AG-PT-PL-2025.xlsx" in r["Content-Disposition"]
    ws = wb[SHEET]
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 7)] == [
        "Mã đơn vị", "Kỳ", "Mã phần tử", "Chỉ tiêu / nội dung", "Mục tiêu của đơn vị", "Giá trị"]
    rows = rows_by_element(ws)
    assert list(rows)[:4] == ["1.numerator", "1.denominator", "1.narrative", "2.value"]
    assert {"3.numerator", "4.a.numerator", "4.b.value", "5.value"} <= set(rows)
    r1 = rows["1.numerator"]
    assert ws.cell(r1, 1).value == "AG-PT-PL" and ws.cell(r1, 2).value == "2025"
    assert ws.cell(r1, COL_VALUE).value == 54919
    assert "Số hồ sơ trực tuyến" in ws.cell(r1, 4).value
    assert ws.cell(rows["3.numerator"], 5).value == "≥ 65%"  # the commune's target
    assert ws.cell(rows["2.value"], COL_VALUE).value == "Có"
    # Protected: labels locked, the value and reason columns open.
    assert ws.protection.sheet is True
    assert ws.cell(r1, 4).protection.locked is True
    assert ws.cell(r1, COL_VALUE).protection.locked is False
    assert ws.cell(r1, COL_REASON).protection.locked is False
    # Yes/no cells offer Có/Không.
    validations = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"Có,Không"']
    assert validations and f"F{rows['2.value']}" in str(validations[0].sqref)
    assert f"F{rows['1.numerator']}" not in str(validations[0].sqref)


def test_round_trip_stores_every_filled_row_as_an_import(world, own_submission):
    c = client_for(world.reporter)
    _r, wb = download(c, own_submission)
    ws = wb[SHEET]
    rows = rows_by_element(ws)
    ws.cell(rows["1.numerator"], COL_VALUE, "54.919")  # Vietnamese text
    ws.cell(rows["1.denominator"], COL_VALUE, 58669)    # a number cell
    ws.cell(rows["2.value"], COL_VALUE, "Không")
    ws.cell(rows["3.numerator"], COL_VALUE, 70)
    ws.cell(rows["3.denominator"], COL_VALUE, 100)
    ws.cell(rows["4.b.value"], COL_VALUE, 5)
    ws.cell(rows["1.narrative"], COL_VALUE, "Triển khai dịch vụ công trực tuyến toàn trình")
    r = upload(c, own_submission, wb)
    assert r.status_code == 302
    stored = {v.element: v for v in Value.objects.filter(unit=world.commune_a)}
    assert stored["1.numerator"].number == 54919 and stored["1.denominator"].number == 58669
    assert stored["2.value"].number == 0
    assert stored["4.b.value"].number == 5
    assert stored["1.narrative"].text == "Triển khai dịch vụ công trực tuyến toàn trình"
    assert stored["1.numerator"].source == "import"
    assert stored["1.numerator"].provenance == {"file": "bieu-mau.xlsx", "sheet": SHEET,
                                                "row": rows["1.numerator"]}
    page = html.unescape(c.get(reverse("assessments:submission", args=[own_submission.pk])).content.decode())
    assert "93,61%" in page  # the engine's verdict on the uploaded figures
    # Downloading again gives back what was uploaded.
    _r, wb2 = download(c, own_submission)
    assert wb2[SHEET].cell(rows["1.numerator"], COL_VALUE).value == 54919


def test_a_bad_file_is_refused_whole_with_row_and_column_named(world, own_submission):
    c = client_for(world.reporter)
    _r, wb = download(c, own_submission)
    ws = wb[SHEET]
    rows = rows_by_element(ws)
    ws.cell(rows["1.numerator"], COL_VALUE, "54.919")   # fine on its own
    ws.cell(rows["1.denominator"], COL_VALUE, "12a")    # unreadable
    ws.cell(rows["2.value"], COL_VALUE, "Có lẽ")        # not yes/no
    ws.cell(rows["3.numerator"], 1, "AG-PT-PT")         # another unit's code
    r = upload(c, own_submission, wb, name="da-dien.xlsx")
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    assert "Chưa nhận tệp da-dien.xlsx: có 3 lỗi, không số liệu nào được lưu." in page
    assert (f'da-dien.xlsx, trang “Biểu mẫu”, dòng {rows["1.denominator"]}, cột F (Giá trị): '
            'Không đọc được "12a" thành số') in page
    assert f'dòng {rows["2.value"]}, cột F (Giá trị): Không đọc được "Có lẽ" thành Có/Không' in page
    assert f'dòng {rows["3.numerator"]}, cột A (Mã đơn vị): tệp ghi đơn vị “AG-PT-PT”' in page
    assert Value.objects.count() == 0  # all or nothing


def test_a_file_that_is_not_xlsx_is_refused(world, own_submission):
    r = client_for(world.reporter).post(reverse("assessments:offline_upload", args=[own_submission.pk]),
                                        {"file": SimpleUploadedFile("bieu-mau.xlsx", b"not a workbook")})
    assert r.status_code == 400
    assert "Không đọc được bieu-mau.xlsx" in html.unescape(r.content.decode())


def test_a_figure_changed_by_someone_else_after_download_is_not_overwritten(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(100)})
    c = client_for(world.reporter)
    _r, wb = download(c, own_submission)
    own_submission.refresh_from_db()
    save_values(own_submission, world.admin, [ValueChange("1.numerator", number=Decimal(120))],
                own_submission.version)
    ws = wb[SHEET]
    row = rows_by_element(ws)["1.numerator"]
    ws.cell(row, COL_VALUE, 130)
    r = upload(c, own_submission, wb)
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    assert f"dòng {row}, cột F (Giá trị): số liệu này đã được Quản trị viên sửa thành “120”" in page
    assert Value.objects.get(element="1.numerator").number == 120


def test_a_computed_figure_needs_a_reason_in_column_g(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(54935)}, source="computed",
               provenance={"metric": "dossiers.online"})
    c = client_for(world.reporter)
    _r, wb = download(c, own_submission)
    ws = wb[SHEET]
    row = rows_by_element(ws)["1.numerator"]
    assert "tính tự động" in ws.cell(row, 8).value
    ws.cell(row, COL_VALUE, 55000)
    r = upload(c, own_submission, wb)
    assert r.status_code == 400
    assert f"dòng {row}, cột G" in html.unescape(r.content.decode())
    ws.cell(row, COL_REASON, "Bổ sung hồ sơ nhập muộn")
    assert upload(c, own_submission, wb).status_code == 302
    value = Value.objects.get(element="1.numerator")
    assert value.source == "override" and value.number == 55000
    assert value.provenance["reason"] == "Bổ sung hồ sơ nhập muộn"


def test_another_units_form_is_404(world, own_submission, other_submission):
    c = client_for(world.reporter)
    assert c.get(reverse("assessments:offline_download", args=[other_submission.pk])).status_code == 404
    assert c.post(reverse("assessments:offline_upload", args=[other_submission.pk]), {}).status_code == 404


def test_a_row_left_as_downloaded_keeps_the_newer_figure_stored_since(world, own_submission):
    put_values(own_submission, {"3.numerator": Decimal(40), "3.denominator": Decimal(100)})
    c = client_for(world.reporter)
    _r, wb = download(c, own_submission)
    own_submission.refresh_from_db()
    save_values(own_submission, world.admin, [ValueChange("3.numerator", number=Decimal(95))],
                own_submission.version)  # e.g. an import while the form was being filled offline
    ws = wb[SHEET]
    ws.cell(rows_by_element(ws)["3.denominator"], COL_VALUE, 120)  # the one figure the reporter changed
    r = upload(c, own_submission, wb)
    assert r.status_code in (200, 302)
    assert Value.objects.get(element="3.numerator").number == 95
    assert Value.objects.get(element="3.denominator").number == 120


def test_a_figure_typed_for_a_criterion_that_does_not_apply_is_refused_with_its_row(world, test_framework):
    from datetime import timedelta

    from django.utils import timezone

    from chiso.assessments.offline import COL_PERIOD, COL_UNIT
    from chiso.assessments.workflow import open_round

    rnd = open_round(test_framework, "2025", timezone.localdate() + timedelta(days=5), world.admin,
                     root_unit=world.district, level="district")
    sub = rnd.submissions.get(unit=world.district)
    c = client_for(world.reporters["AG-PT"])
    _r, wb = download(c, sub)
    ws = wb[SHEET]
    assert "4.b.value" not in rows_by_element(ws)  # criterion 4 is for communes only: not listed
    row = ws.max_row + 1  # a stale or hand-made form still carries it
    ws.cell(row, COL_UNIT, "AG-PT")
    ws.cell(row, COL_PERIOD, "2025")
    ws.cell(row, COL_ELEMENT, "4.b.value")
    ws.cell(row, COL_VALUE, 5)
    r = upload(c, sub, wb)
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    assert f"dòng {row}, cột F (Giá trị): chỉ tiêu 4.b không áp dụng cho UBND huyện Phú Tân" in page
    assert not Value.objects.filter(element="4.b.value").exists()
