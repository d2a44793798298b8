"""In Chromium: "Lưu nháp" saves in place — the page is not reloaded, the scroll position and
every typed figure stay, a wrong cell is marked beside itself, and saving again works."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from chiso.assessments.models import Value
from chiso.assessments.tests.test_bad_day_browser import session
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.web.tests.browser import SHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
def test_save_in_place_keeps_the_page_and_saves_again(live_server, world, own_submission, browser):
    from playwright.sync_api import expect

    base = live_server.url
    page = session(browser, base, world.reporter.username, width=375)
    page.goto(base + f"/danh-gia/bao-cao/{own_submission.pk}/")
    page.evaluate("window.__notReloaded = true")
    page.locator('[name="v-1.numerator"]').fill("54.919")
    page.locator('[name="v-1.denominator"]').fill("abc")
    page.locator('[name="v-3.numerator"]').fill("70")
    page.locator('[name="v-3.numerator"]').scroll_into_view_if_needed()
    where = "document.querySelector('[name=\"v-3.numerator\"]').getBoundingClientRect().top"
    before = page.evaluate(where)
    page.get_by_role("button", name="Lưu nháp").click()

    # The wrong cell is marked beside itself; the valid ones are stored; nothing was reloaded.
    expect(page.locator("#msg-1-denominator")).to_contain_text('Không đọc được "abc" thành số')
    expect(page.locator(".messages")).to_contain_text("Đã lưu 2 thay đổi hợp lệ; 1 ô chưa đúng chưa được lưu")
    assert page.evaluate("window.__notReloaded") is True
    # The box the clerk was looking at is where it was on the screen (the message above it does not
    # push it away: the browser's scroll anchoring keeps the view).
    assert abs(page.evaluate(where) - before) <= 2
    assert page.locator('[name="v-1.denominator"]').input_value() == "abc"
    assert Value.objects.get(element="1.numerator", unit=own_submission.unit).number == Decimal(54919)
    assert Value.objects.get(element="3.numerator", unit=own_submission.unit).number == Decimal(70)

    # Fixed and saved again from the same page: the page carried the new version, so no conflict.
    page.locator('[name="v-1.denominator"]').fill("58.669")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 1 thay đổi.")
    expect(page.locator("#save-note")).to_contain_text("Đã lưu lúc")
    expect(page.locator("#msg-1-denominator")).to_have_text("")
    expect(page.locator("#verdict-1")).to_contain_text("93,61%")
    assert page.evaluate("window.__notReloaded") is True
    assert Value.objects.get(element="1.denominator", unit=own_submission.unit).number == Decimal(58669)
    page.screenshot(path=str(SHOTS / "luu-nhap-tai-cho-375.png"), full_page=True)

    # Reopened later, the stored figures are there.
    page.reload()
    assert page.locator('[name="v-1.numerator"]').input_value() == "54.919"
    assert page.locator('[name="v-1.denominator"]').input_value() == "58.669"
    assert page.js_errors == []
