"""The whole path in a real browser, with seed 000's criteria (ag-cqdt-2021) for a commune.

An administrator opens a round; the commune's reporter fills it in (Vietnamese
numbers, verdicts appearing as they type), attaches evidence and submits; the
district reviewer returns it with a comment on criterion 6; the reporter fixes
the figure and resubmits; the reviewer approves; the round shows the commune
complete with 6/6 criteria met and the right counts. Drives Debian's Chromium
through Playwright against pytest-django's live server; screenshots go to
var/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from chiso.accounts.tests.helpers import bundled_framework
from chiso.assessments.models import STATUS_APPROVED, Evidence, Submission
from chiso.assessments.tests.workflow_world import PDF_BYTES
from chiso.conftest import WORLD_PASSWORD
from chiso.web.tests.browser import SHOTS, new_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A commune's figures: criterion 1 from seed 003 (373 / 416 = 89,66%), criterion 6 from seed 002
# (54.935 / 62.922 = 87,31%, short of 100%), the others met.
FIGURES = {
    "1.numerator": "373", "1.denominator": "416",
    "3.numerator": "416", "3.denominator": "416",
    "4.numerator": "12", "4.denominator": "12",
    "6.numerator": "54.935", "6.denominator": "62.922",
    "7.numerator": "6.597", "7.denominator": "6.597",
    "10.numerator": "1.234", "10.denominator": "1.300",
}


def session(browser, base: str, username: str, phone: bool = False):
    """A fresh browser context logged in as ``username`` (its own cookies)."""
    page = new_page(browser, 390, 844) if phone else new_page(browser)
    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(WORLD_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")
    return page


def field(page, element: str):
    return page.locator(f'[name="v-{element}"]')


def type_and_wait(page, element: str, text: str) -> None:
    """Fill a field and wait for the engine's answer (htmx preview), so no request is left in flight."""
    with page.expect_response(lambda r: "/xem-truoc/" in r.url):
        field(page, element).fill(text)


@pytest.mark.browser
def test_open_fill_submit_return_fix_resubmit_approve(live_server, world, browser, tmp_path, settings):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    framework = bundled_framework("ag-cqdt-2021")
    deadline = timezone.localdate() + timedelta(days=7)

    # 1. The administrator opens a round for the communes of district Phú Tân.
    admin = session(browser, base, "admin")
    admin.goto(base + "/danh-gia/dot/mo/")
    admin.select_option("#id_framework", value=str(framework.pk))
    admin.fill("#id_period", "2025")
    admin.fill("#id_deadline", deadline.isoformat())
    admin.select_option("#id_root_unit", value=str(world.district.pk))
    admin.select_option("#id_level", value="commune")
    admin.screenshot(path=str(SHOTS / "e2e-1-mo-dot.png"), full_page=True)
    admin.get_by_role("button", name="Mở đợt").click()
    expect(admin.locator(".messages")).to_contain_text("Đã mở đợt đánh giá cho 2 đơn vị.")
    expect(admin.locator("#count-units")).to_have_text("2")
    round_url = admin.url
    sub = Submission.objects.get(unit=world.commune_a, round__framework=framework)

    # 2. The commune's reporter finds the work, types Vietnamese numbers and sees verdicts appear.
    rep = session(browser, base, world.reporter.username, phone=True)
    rep.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Việc cần làm").click()
    expect(rep.locator(".work-item")).to_contain_text("UBND xã Phú Lâm")
    expect(rep.locator(".work-item")).to_contain_text("còn 7 ngày")
    rep.locator(".work-item a").first.click()
    expect(rep.locator("#summary")).to_contain_text("0/6")
    for element, text in FIGURES.items():
        field(rep, element).fill(text)
    expect(rep.locator("#verdict-1")).to_contain_text("89,66%")
    expect(rep.locator("#verdict-1")).to_contain_text("Đạt")
    expect(rep.locator("#verdict-6")).to_contain_text("Chưa đạt")
    expect(rep.locator("#verdict-6")).to_contain_text("87,31%")
    expect(rep.locator("#summary")).to_contain_text("5/6")
    type_and_wait(rep, "1.narrative", "Tiếp nhận hồ sơ trực tuyến toàn trình tại bộ phận một cửa.")
    rep.get_by_role("button", name="Lưu nháp").click()
    expect(rep.locator(".messages")).to_contain_text("Đã lưu")
    # Evidence for criterion 1.
    pdf = tmp_path / "bien-ban-kiem-tra.pdf"
    pdf.write_bytes(PDF_BYTES)
    rep.set_input_files("#evfile-1", str(pdf))
    rep.locator('button[form="ev-1"]').click()
    expect(rep.locator("#evmsg-1")).to_contain_text("Đã lưu minh chứng “bien-ban-kiem-tra.pdf”")
    expect(rep.locator("#ind-1 .evidence-list")).to_contain_text("bien-ban-kiem-tra.pdf")
    rep.screenshot(path=str(SHOTS / "e2e-2-nhap-lieu-dien-thoai.png"), full_page=True)
    rep.get_by_role("button", name="Nộp báo cáo").click()
    expect(rep.locator(".messages")).to_contain_text("Đã nộp báo cáo")
    sub.refresh_from_db()
    assert sub.status == "submitted"
    assert Evidence.objects.filter(submission=sub, indicator="1").count() == 1

    # 3. The district reviewer returns it with a comment on criterion 6.
    rev = session(browser, base, "reviewer")
    rev.goto(base + "/danh-gia/tham-dinh/")
    rev.get_by_role("link", name="Thẩm định").last.click()
    expect(rev.locator("#summary")).to_contain_text("5/6")
    expect(rev.locator("#ind-6")).to_contain_text("Chưa đạt")
    expect(rev.locator("#ind-1")).to_contain_text("bien-ban-kiem-tra.pdf")
    rev.fill('textarea[name="c-6"]', "Số hồ sơ trả kết quả điện tử chưa khớp với iGate, đề nghị kiểm tra lại.")
    rev.screenshot(path=str(SHOTS / "e2e-3-tham-dinh.png"), full_page=True)
    rev.get_by_role("button", name="Trả lại để sửa").click()
    expect(rev.locator(".messages")).to_contain_text("Đã trả lại")

    # 4. The reporter sees the comment under criterion 6, fixes it and resubmits.
    rep.goto(base + f"/danh-gia/bao-cao/{sub.pk}/")
    expect(rep.locator("#sub-status")).to_have_text("Bị trả lại, cần sửa")
    expect(rep.locator("#ind-6 .review-comment")).to_contain_text("chưa khớp với iGate")
    rep.screenshot(path=str(SHOTS / "e2e-4-bi-tra-lai.png"), full_page=True)
    type_and_wait(rep, "6.numerator", "62.922")
    expect(rep.locator("#verdict-6")).to_contain_text("Đạt")
    expect(rep.locator("#summary")).to_contain_text("6/6")
    rep.get_by_role("button", name="Nộp lại").click()
    expect(rep.locator(".messages")).to_contain_text("Đã nộp báo cáo")

    # 5. The reviewer approves.
    rev.goto(base + f"/danh-gia/tham-dinh/{sub.pk}/")
    expect(rev.locator("#summary")).to_contain_text("6/6")
    expect(rev.locator(".history")).to_contain_text("54.935")  # old → new of criterion 6 in the history
    rev.get_by_role("button", name="Duyệt").click()
    expect(rev.locator(".messages")).to_contain_text("Đã duyệt báo cáo của UBND xã Phú Lâm")
    sub.refresh_from_db()
    assert sub.status == STATUS_APPROVED

    # 6. The round shows the result with the right counts.
    admin.goto(round_url)
    row = admin.locator("#unit-AG-PT-PL")
    expect(row).to_contain_text("Đã duyệt")
    expect(row).to_contain_text("Hoàn thành")
    expect(row).to_contain_text("6/6")
    expect(admin.locator("#unit-AG-PT-PT")).to_contain_text("Chưa báo cáo")
    expect(admin.locator("#count-approved")).to_have_text("1")
    expect(admin.locator("#count-complete")).to_have_text("1")
    expect(admin.locator("#count-not-reported")).to_have_text("1")
    expect(admin.locator("#count-rate")).to_have_text("50,00%")
    admin.screenshot(path=str(SHOTS / "e2e-5-ket-qua-dot.png"), full_page=True)
    # The approved form is locked for the reporter.
    rep.goto(base + f"/danh-gia/bao-cao/{sub.pk}/")
    assert rep.locator('[name="v-1.numerator"]').count() == 0
    for pg in (admin, rep, rev):
        assert pg.js_errors == [], pg.js_errors
