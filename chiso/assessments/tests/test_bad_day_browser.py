"""In Chromium: typed figures survive an evidence upload, a refused or oversized file says why
beside its criterion, and an approved report no longer shows the return banner."""

from __future__ import annotations

import os

import pytest

from chiso.assessments.models import STATUS_APPROVED, Evidence
from chiso.assessments.tests.test_bad_day import RETURN_BANNER, returned_then
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import PDF_BYTES
from chiso.conftest import WORLD_PASSWORD
from chiso.web.tests.browser import SHOTS, new_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def session(browser, base: str, username: str, width: int = 1366):
    page = new_page(browser, width, 900)
    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(WORLD_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")
    return page


@pytest.mark.browser
def test_typed_values_survive_an_evidence_upload(live_server, world, own_submission, browser, tmp_path,
                                                 settings):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_MAX_BYTES = 64 * 1024
    base = live_server.url
    page = session(browser, base, world.reporter.username)
    page.goto(base + f"/danh-gia/bao-cao/{own_submission.pk}/")
    page.locator('[name="v-1.numerator"]').fill("54.919")
    page.locator('[name="v-1.denominator"]').fill("58.669")
    page.locator('[name="v-3.numerator"]').fill("70")
    expect(page.locator("#verdict-1")).to_contain_text("93,61%")

    good = tmp_path / "bien-ban.pdf"
    good.write_bytes(PDF_BYTES)
    page.set_input_files("#evfile-1", str(good))
    page.locator('button[form="ev-1"]').click()
    expect(page.locator("#evmsg-1")).to_contain_text("Đã lưu minh chứng “bien-ban.pdf”")
    expect(page.locator("#evidence-1 .evidence-list")).to_contain_text("bien-ban.pdf")
    # Nothing reloaded: what was typed (and never saved) is still in the boxes.
    assert page.locator('[name="v-1.numerator"]').input_value() == "54.919"
    assert page.locator('[name="v-1.denominator"]').input_value() == "58.669"
    assert page.locator('[name="v-3.numerator"]').input_value() == "70"
    expect(page.locator("#submit-check")).not_to_contain_text("Chỉ tiêu 1 cần tệp minh chứng")

    # A file that is not what it claims: the reason beside criterion 1, figures still there.
    fake = tmp_path / "bao-cao.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is not a pdf")
    page.set_input_files("#evfile-1", str(fake))
    page.locator('button[form="ev-1"]').click()
    expect(page.locator("#evmsg-1 .evidence-error")).to_contain_text("bao-cao.pdf")
    assert page.locator('[name="v-1.numerator"]').input_value() == "54.919"

    # A file over the limit is refused in the page: nothing is sent.
    big = tmp_path / "anh-chup.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (100 * 1024))
    page.set_input_files("#evfile-1", str(big))
    expect(page.locator("#evmsg-1 .evidence-error")).to_contain_text("vượt giới hạn")
    assert page.locator("#evfile-1").input_value() == ""
    # Without the page's check (an old page, a script), the server's request limit refuses it (413)
    # before reading it, and the criterion says so; the figures stay.
    page.evaluate("document.getElementById('evfile-1').removeAttribute('data-max-bytes')")
    huge = tmp_path / "quet-ho-so.pdf"
    huge.write_bytes(b"%PDF-1.4\n" + b"0" * (400 * 1024))
    page.set_input_files("#evfile-1", str(huge))
    page.locator('button[form="ev-1"]').click()
    expect(page.locator("#evmsg-1 .evidence-error")).to_contain_text("Máy chủ không nhận tệp")
    assert page.locator('[name="v-1.numerator"]').input_value() == "54.919"
    page.js_errors[:] = [e for e in page.js_errors if "413" not in e]  # the console reports the refusal
    page.screenshot(path=str(SHOTS / "minh-chung-giu-so-lieu.png"), full_page=True)
    assert Evidence.objects.filter(submission=own_submission).count() == 1

    # Deleting the evidence also swaps only its block (after the confirmation).
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#evidence-1").get_by_role("button", name="Xoá").click()
    expect(page.locator("#evmsg-1")).to_contain_text("Đã xoá minh chứng “bien-ban.pdf”")
    expect(page.locator("#evidence-1")).to_contain_text("chưa có")
    assert page.locator('[name="v-1.numerator"]').input_value() == "54.919"
    assert Evidence.objects.filter(submission=own_submission).count() == 0

    # The figures were never lost, so saving now stores them.
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 3 thay đổi")
    assert page.js_errors == []


@pytest.mark.browser
def test_an_approved_report_shows_no_return_banner(live_server, world, own_submission, browser):
    from playwright.sync_api import expect

    sub = returned_then(world, own_submission, STATUS_APPROVED)
    page = session(browser, live_server.url, world.reporter.username)
    page.goto(live_server.url + f"/danh-gia/bao-cao/{sub.pk}/")
    expect(page.locator("#sub-status")).to_have_text("Đã duyệt")
    assert RETURN_BANNER not in page.locator("main").inner_text()
    assert page.locator(".review-comment").count() == 0
    expect(page.locator(".history")).to_contain_text("Số hồ sơ công việc chưa khớp với iOffice.")
    page.screenshot(path=str(SHOTS / "bao-cao-da-duyet.png"), full_page=True)
    assert page.js_errors == []


@pytest.mark.browser
def test_the_administrator_forms_protect_against_hurried_defaults(live_server, world, test_framework, browser):
    from datetime import date

    from playwright.sync_api import expect

    test_framework.effective_from, test_framework.effective_to = date(2021, 1, 1), date(2025, 12, 31)
    test_framework.save()
    base = live_server.url
    page = session(browser, base, "admin")
    page.goto(base + "/danh-gia/dot/mo/")
    page.select_option("#id_framework", value=str(test_framework.pk))
    page.fill("#id_period", "2026-Q1")
    page.fill("#id_deadline", "2020-01-31")
    page.get_by_role("button", name="Mở đợt").click()
    expect(page.locator(".field.has-error").first).to_be_visible()
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("Hạn nộp phải sau hôm nay" in e for e in errors)
    assert any("nằm ngoài thời gian hiệu lực của bộ chỉ tiêu này (01/01/2021 – 31/12/2025)" in e for e in errors)
    page.screenshot(path=str(SHOTS / "mo-dot-bao-loi.png"), full_page=True)

    page.goto(base + "/quan-tri/nguoi-dung/them/")
    role = page.locator("#id_role")
    assert role.input_value() == ""
    assert role.locator("option:checked").inner_text() == "— Chọn vai trò —"
    assert page.js_errors == []
