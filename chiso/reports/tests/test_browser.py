"""In a real browser: a viewer opens "Báo cáo", fills the document number and downloads the appendix."""

from __future__ import annotations

import os

import openpyxl
import pytest

from chiso.web.tests.test_browser import SHOTS, log_in, page  # noqa: F401  (fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
def test_viewer_downloads_the_appendix_from_the_report_page(live_server, nq17, world, page, tmp_path):  # noqa: F811
    base = live_server.url
    log_in(page, base, "viewer")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Báo cáo").click()
    assert page.locator("h1").inner_text() == "Xuất báo cáo"
    page.get_by_label("Kỳ").select_option("2025-01")
    page.locator("select#id_unit").select_option("AG")
    page.get_by_label("Loại báo cáo").select_option("appendix")
    page.get_by_label("Định dạng").select_option("xlsx")
    page.get_by_label("Số văn bản").fill("05")
    page.get_by_label("Ngày văn bản").fill("05/01/2026")
    page.screenshot(path=str(SHOTS / "bao-cao-bieu-mau.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Xuất báo cáo").click()
    download = info.value
    assert download.suggested_filename == "phu-luc-nq17-2019-2025-01-AG.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    ws = openpyxl.load_workbook(target).active
    assert ws["A3"].value == (
        "(Kèm theo Báo cáo số 05/BC-SKHCN ngày 05 tháng 01 năm 2026 của Sở Khoa học và Công nghệ)")
    row = next(r for r in ws.iter_rows(min_row=6, values_only=True) if r[0] == "2")
    assert row[4] == 54919 / 58669  # 93,61% as a number with a percentage format
    assert not page.js_errors
