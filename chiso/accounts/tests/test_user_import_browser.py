"""In Chromium: the administrator uploads a refused file (rows and columns named), then a good one, downloads
the one-time passwords, and a new clerk logs in with one and is sent to change it."""

from __future__ import annotations

import os

import pytest

from chiso.conftest import WORLD_PASSWORD
from chiso.web.tests.browser import SHOTS, new_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(browser, base: str, username: str, password: str):
    page = new_page(browser)
    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    return page


@pytest.mark.browser
def test_the_administrator_uploads_accounts_and_downloads_their_passwords_once(live_server, world, browser,
                                                                              tmp_path):
    from playwright.sync_api import expect

    base = live_server.url
    page = log_in(browser, base, world.admin.username, WORLD_PASSWORD)
    page.goto(base + "/quan-tri/nguoi-dung/")
    page.get_by_role("link", name="Nhập tài khoản từ tệp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập tài khoản từ tệp CSV/XLSX")

    bad = tmp_path / "can-bo-loi.csv"
    bad.write_text("username,name,email,role,units\nxa.phulam,An,an@x.vn,reporter,AG-PT-PL\n"
                   "xa.phumy,Bình,,giam-doc,AG-PT-XX\n", encoding="utf-8")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Tải lên").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("Tệp có 2 lỗi; chưa ghi gì vào hệ thống")
    expect(problems.locator("tbody tr").nth(0)).to_contain_text("3")
    expect(problems.locator("tbody tr").nth(0)).to_contain_text("role")
    expect(problems.locator("tbody tr").nth(1)).to_contain_text("units")
    expect(problems.locator("tbody tr").nth(1)).to_contain_text("'AG-PT-XX'")
    expect(page.locator("#download-passwords")).to_have_count(0)

    good = tmp_path / "can-bo.csv"
    good.write_text("Tên đăng nhập,Họ tên,Email,Vai trò,Đơn vị\nxa.phulam,Nguyễn Văn An,,Báo cáo,AG-PT-PL\n"
                    "xa.phumy,Lê Thị Bình,,Báo cáo,AG-PT-PT\n", encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#import-outcome")).to_contain_text("tạo mới 2 tài khoản, cập nhật 0 tài khoản")
    page.screenshot(path=str(SHOTS / "user-import.png"), full_page=True)
    with page.expect_download() as caught:
        page.locator("#download-passwords").click()
    download = caught.value
    assert download.suggested_filename.startswith("mat-khau-mot-lan-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "username,password" and sorted(line.split(",")[0] for line in lines[1:]) == [
        "xa.phulam", "xa.phumy"]
    password = dict(line.split(",", 1) for line in lines[1:])["xa.phulam"]
    assert password not in page.locator("main").inner_text()  # offered as a file, not printed on the page

    # Leaving the page loses the link: the passwords are nowhere else.
    page.goto(base + "/quan-tri/nguoi-dung/nhap/")
    expect(page.locator("#download-passwords")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(password)
    assert page.js_errors == []

    clerk = log_in(browser, base, "xa.phulam", password)
    expect(clerk).to_have_url(base + "/tai-khoan/doi-mat-khau/")
