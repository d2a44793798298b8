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

    # The administrator sees the lock on the user's page and lifts it; the history keeps it.
    admin = new_page(page.context.browser, width=1280)
    log_in(admin, base, "admin")
    admin.goto(base + f"/quan-tri/nguoi-dung/{world.reporter.pk}/")
    assert "Tài khoản đang bị tạm khóa đăng nhập đến" in admin.locator("#login-lock").inner_text()
    admin.get_by_role("button", name="Mở khóa đăng nhập ngay").click()
    admin.wait_for_load_state()
    assert "Đã mở khóa đăng nhập cho rep_ag_pt_pl" in admin.locator(".messages").inner_text()
    assert admin.locator("#login-lock").count() == 0
    # Six: django-axes also counts the right password tried while locked.
    assert "Mở khóa đăng nhập (đã nhập sai mật khẩu 6 lần" in admin.locator(".account-history").inner_text()
    admin.screenshot(path=str(SHOTS / "mo-khoa-dang-nhap.png"), full_page=True)
    admin.context.close()
    # And the reporter logs in at once.
    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("rep_ag_pt_pl")
    page.get_by_label("Mật khẩu").fill(WORLD_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")
