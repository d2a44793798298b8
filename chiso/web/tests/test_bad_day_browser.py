"""In Chromium: an address outside one's scope is the Vietnamese 404 page in the site's layout,
and a locked account is told it is locked and until when."""

from __future__ import annotations

import pytest

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import WORLD_PASSWORD
from chiso.web.tests.browser import SHOTS, chromium, new_page
from chiso.web.tests.test_browser import log_in


@pytest.fixture
def page():
    with chromium() as browser:
        pg = new_page(browser, width=1280)
        yield pg
        pg.context.close()


@pytest.mark.browser
def test_an_out_of_scope_address_shows_the_vietnamese_404_page(live_server, world, other_submission, page):
    base = live_server.url
    log_in(page, base, "rep_ag_pt_pl")
    response = page.goto(base + f"/danh-gia/bao-cao/{other_submission.pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert "nằm ngoài phạm vi đơn vị bạn phụ trách" in page.locator("main").inner_text()
    assert page.get_by_role("navigation", name="Điều hướng chính").is_visible()  # the site's layout
    assert "Page not found" not in page.content() and "URLconf" not in page.content()
    page.screenshot(path=str(SHOTS / "loi-404.png"), full_page=True)
    page.get_by_role("link", name="Về trang chủ").click()
    page.wait_for_url(base + "/")
    # The console reports the 404 status of the page itself; nothing else went wrong.
    assert [e for e in page.js_errors if "status of 404" not in e] == []


@pytest.mark.browser
def test_a_locked_account_is_told_until_when(live_server, world, page):
    base = live_server.url
    page.goto(base + "/dang-nhap/")
    for i in range(5):
        page.get_by_label("Tên đăng nhập").fill("rep_ag_pt_pl")
        page.get_by_label("Mật khẩu").fill(f"sai-{i}")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
    message = page.locator("#lockout-message").inner_text()
    assert "Tài khoản “rep_ag_pt_pl” đang bị tạm khóa đăng nhập đến " in message
    assert "sai mật khẩu" not in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "khoa-dang-nhap.png"), full_page=True)
    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("rep_ag_pt_pl")
    page.get_by_label("Mật khẩu").fill(WORLD_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "đang bị tạm khóa đăng nhập đến" in page.locator("#lockout-message").inner_text()
