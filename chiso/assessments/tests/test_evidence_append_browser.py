"""In Chromium: a second, third… evidence file is appended to its criterion's list out of band.

The upload's answer no longer holds the whole list once the criterion has files: the new file is
appended, the file box emptied, the message replaced. The page must look as if the whole block
had been swapped: every file listed once, deletable, typed figures untouched.
"""

from __future__ import annotations

import os

import pytest

from chiso.assessments.models import Evidence
from chiso.assessments.tests.test_bad_day_browser import session
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import PDF_BYTES, PNG_BYTES

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
def test_later_files_are_appended_to_the_list_and_stay_deletable(live_server, world, own_submission, browser,
                                                                 tmp_path, settings):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    page = session(browser, base, world.reporter.username)
    page.goto(base + f"/danh-gia/bao-cao/{own_submission.pk}/")
    page.locator('[name="v-1.numerator"]').fill("54.919")

    files = []
    for name, data in (("bien-ban.pdf", PDF_BYTES), ("bang-tinh.pdf", PDF_BYTES), ("anh-chup.pdf", PNG_BYTES)):
        path = tmp_path / name
        path.write_bytes(data)
        files.append(path)
    page.set_input_files("#evfile-1", str(files[0]))
    page.locator('button[form="ev-1"]').click()
    expect(page.locator("#evmsg-1")).to_contain_text("Đã lưu minh chứng “bien-ban.pdf”")

    page.set_input_files("#evfile-1", str(files[1]))
    page.locator('button[form="ev-1"]').click()
    expect(page.locator("#evmsg-1")).to_contain_text("Đã lưu minh chứng “bang-tinh.pdf”")
    # the third is a PNG named .pdf: stored as .png, and the note says so
    page.set_input_files("#evfile-1", str(files[2]))
    page.locator('button[form="ev-1"]').click()
    expect(page.locator("#evmsg-1")).to_contain_text("Đã lưu minh chứng “anh-chup.png”")
    expect(page.locator("#evmsg-1")).to_contain_text("thực chất là image/png")

    items = page.locator("#evidence-1 .evidence-list > li")
    expect(items).to_have_count(3)
    assert [t.split(" ")[0] for t in items.all_inner_texts()] == ["bien-ban.pdf", "bang-tinh.pdf", "anh-chup.png"]
    assert page.locator("#evidence-1 .evidence-upload").count() == 1
    assert page.locator("#evfile-1").input_value() == ""  # the file box was emptied
    assert page.locator("#evmsg-1").count() == 1
    assert page.locator('[name="v-1.numerator"]').input_value() == "54.919"
    assert Evidence.objects.filter(submission=own_submission).count() == 3

    # The appended file's delete button works like the others (htmx processed the new item).
    page.on("dialog", lambda dialog: dialog.accept())
    items.nth(2).get_by_role("button", name="Xoá").click()
    expect(page.locator("#evmsg-1")).to_contain_text("Đã xoá minh chứng “anh-chup.png”")
    expect(page.locator("#evidence-1 .evidence-list > li")).to_have_count(2)
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["bang-tinh.pdf", "bien-ban.pdf"]
    assert page.locator('[name="v-1.numerator"]').input_value() == "54.919"
    assert not [e for e in page.js_errors if "oob" in e.lower()]
