"""The dashboard in Chromium: charts drawn by ECharts under the CSP, screenshots for a person.

Data: the demo province (``chiso load_demo``: 62 units, 2023 and 2024). Screenshots
of the overview, matrix, unit page, planner and forecast go to var/screenshots/.
"""

import os

import pytest
from django.core.management import call_command

from chiso.accounts.models import ROLE_ADMIN
from chiso.conftest import WORLD_PASSWORD, make_user
from chiso.web.tests.browser import SHOTS, chromium, new_page

from .helpers import load_framework


@pytest.fixture
def page():
    with chromium() as browser:
        pg = new_page(browser, width=1366)
        yield pg
        pg.context.close()


@pytest.mark.browser
def test_a_leader_reads_the_dashboard(live_server, db, page):
    load_framework("ag-cqdt-2021")
    call_command("load_demo", stdout=open(os.devnull, "w"))
    make_user("lanhdao_tinh", ROLE_ADMIN, first_name="Lãnh đạo")
    base = live_server.url
    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao_tinh")
    page.get_by_label("Mật khẩu").fill(WORLD_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tổng quan").click()
    page.wait_for_selector(".chart[data-chart='levels'][data-drawn] svg")
    assert page.locator("h1").inner_text() == "Tổng quan hoàn thiện chính quyền điện tử"
    rate = page.locator("#overall-rate").inner_text()
    assert rate.endswith("%") and "," in rate
    assert page.locator(".chart[data-chart='trend'][data-drawn]").count() == 1
    assert page.locator(".chart[data-chart='histogram'][data-drawn]").count() == 1
    page.screenshot(path=str(SHOTS / "dashboard-tong-quan.png"), full_page=True)

    page.get_by_role("navigation", name="Bảng điều khiển").get_by_role("link", name="Ma trận").click()
    page.wait_for_selector("#matrix")
    first_fail = page.locator("td.cell.s-not_met").first
    assert first_fail.inner_text().strip().startswith("K")  # a letter, not colour alone
    assert "Chưa đạt" in first_fail.get_attribute("title")
    page.screenshot(path=str(SHOTS / "dashboard-ma-tran.png"), full_page=False)

    page.get_by_label("Cấp", exact=True).select_option("commune")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_selector("#matrix")
    levels = set(page.locator("#matrix tbody th small").all_inner_texts())
    assert levels == {"UBND cấp xã"}

    page.locator("#matrix tbody th a").first.click()
    page.wait_for_selector("#indicators")
    assert page.locator("#unit-status").is_visible()
    page.screenshot(path=str(SHOTS / "dashboard-don-vi.png"), full_page=True)

    page.get_by_role("navigation", name="Bảng điều khiển").get_by_role("link", name="Kế hoạch đạt mục tiêu").click()
    page.wait_for_selector("#plans")
    assert "cần" in page.locator("#plans ul.gaps li").first.inner_text()
    page.screenshot(path=str(SHOTS / "dashboard-ke-hoach.png"), full_page=True)

    page.get_by_role("navigation", name="Bảng điều khiển").get_by_role("link", name="Dự báo").click()
    page.wait_for_selector(".chart[data-chart='forecast'][data-drawn] svg")
    assert "bình phương tối thiểu" in page.locator("#method").inner_text()
    page.screenshot(path=str(SHOTS / "dashboard-du-bao.png"), full_page=True)

    page.get_by_role("navigation", name="Bảng điều khiển").get_by_role("link", name="Tiêu chí vướng").click()
    page.wait_for_selector(".chart[data-chart='blocking'][data-drawn] svg")
    page.screenshot(path=str(SHOTS / "dashboard-tieu-chi-vuong.png"), full_page=True)
    assert page.js_errors == []
