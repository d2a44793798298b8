"""In a real browser: log in as the administrator, see the home page and the unit tree.

Drives Debian's Chromium through Playwright (never ``playwright install``) against
pytest-django's live server; screenshots go to var/screenshots/ (git-ignored).
"""

import pytest

from chiso.conftest import WORLD_PASSWORD
from chiso.web.tests.browser import SHOTS, chromium, new_page


@pytest.fixture
def page():
    with chromium() as browser:
        pg = new_page(browser, width=1280)
        yield pg
        pg.context.close()


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Đăng nhập Chỉ Số"
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(WORLD_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


@pytest.mark.browser
def test_an_administrator_logs_in_and_browses_the_unit_tree(live_server, world, page):
    base = live_server.url
    log_in(page, base, "admin")
    assert page.locator("h1").inner_text() == "Xin chào Quản trị viên"
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    assert nav.get_by_role("link", name="Đơn vị").is_visible()
    assert page.evaluate("typeof window.htmx") == "object"  # htmx served locally, not blocked by CSP
    page.screenshot(path=str(SHOTS / "trang-chu-quan-tri.png"), full_page=True)

    nav.get_by_role("link", name="Đơn vị").click()
    page.wait_for_url(base + "/quan-tri/don-vi/")
    tree = page.locator("#unit-tree")
    def unit(name):
        return tree.locator("span.name").get_by_text(name, exact=True)

    commune = unit("UBND xã Phú Lâm")
    assert not commune.is_visible()  # districts start collapsed
    page.get_by_role("button", name="Mở tất cả").click()
    assert commune.is_visible()
    page.get_by_role("button", name="Thu gọn").click()
    assert not commune.is_visible()

    # Typing in the search box filters the tree in place and opens the way to the match.
    page.get_by_label("Tìm đơn vị (mã, tên, loại)").fill("phú mỹ")
    assert unit("UBND thị trấn Phú Mỹ").is_visible()
    assert not commune.is_visible()
    assert not unit("Sở Nội vụ").is_visible()
    assert page.locator("#tree-status").inner_text() == "Tìm thấy 1 đơn vị."
    page.screenshot(path=str(SHOTS / "cay-don-vi.png"), full_page=True)
    assert page.js_errors == []


@pytest.mark.browser
def test_a_reporter_on_a_phone_sees_the_home_page_without_administration(live_server, world, page):
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    log_in(page, base, "rep_ag_pt_pl")
    assert "UBND xã Phú Lâm" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Đơn vị").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
    page.screenshot(path=str(SHOTS / "trang-chu-bao-cao-dien-thoai.png"), full_page=True)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(base + "/dang-nhap/")
    assert page.js_errors == []
