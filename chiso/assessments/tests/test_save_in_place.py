""""Lưu nháp" sent in place (htmx, as the page sends it): one request, nothing reloaded, and the
page learns the new version so the next save is not refused as stale."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from django.urls import reverse

from chiso.assessments.models import Submission, Value
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import client_for


def save(client, sub, version, seen="", **values):
    data = {"version": str(version), "action": "save", "seen": seen}
    data.update({f"v-{k.replace('_', '.')}": v for k, v in values.items()})
    return client.post(reverse("assessments:submission", args=[sub.pk]), data, HTTP_HX_REQUEST="true")


def oob_value(page: str, element_id: str) -> str:
    tag = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', page).group(0)
    assert 'hx-swap-oob="true"' in tag
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def test_a_save_in_place_stores_the_figures_and_hands_back_the_new_version(world, own_submission):
    client = client_for(world.reporter)
    v = own_submission.version
    r = save(client, own_submission, v, **{"1_numerator": "54.919", "1_denominator": "58.669"})
    assert r.status_code == 200  # a fragment, not a redirect to the whole form
    page = html.unescape(r.content.decode())
    assert "<html" not in page
    assert "Đã lưu 2 thay đổi." in page
    assert re.search(r'id="save-note"[^>]*>Đã lưu lúc \d\d:\d\d<', page)
    # The verdicts are the live preview's (they follow what is typed), not the save's answer.
    assert 'id="verdict-1"' not in page
    assert Value.objects.get(element="1.numerator").number == Decimal(54919)
    own_submission.refresh_from_db()
    assert own_submission.version == v + 1
    assert oob_value(page, "form-version") == str(v + 1)
    # The next save from the same page carries that version and what was stored: accepted, not a conflict.
    r2 = save(client, own_submission, oob_value(page, "form-version"), seen=oob_value(page, "form-seen"),
              **{"1_numerator": "55.000", "1_denominator": "58.669"})
    assert r2.status_code == 200
    assert "Đã lưu 1 thay đổi." in html.unescape(r2.content.decode())
    assert Value.objects.get(element="1.numerator").number == Decimal(55000)


def test_a_save_in_place_with_an_invalid_cell_keeps_the_valid_ones_and_marks_the_cell(world, own_submission):
    client = client_for(world.reporter)
    r = save(client, own_submission, own_submission.version, **{"1_numerator": "54.919", "1_denominator": "abc"})
    assert r.status_code == 200  # htmx swaps only 2xx answers; the message says what was not saved
    page = html.unescape(r.content.decode())
    assert "Đã lưu 1 thay đổi hợp lệ; 1 ô chưa đúng chưa được lưu" in page
    cell = re.search(r'<div id="msg-1-denominator"[^>]*hx-swap-oob="true">(.*?)</div>', page).group(1)
    assert 'Không đọc được "abc" thành số' in cell
    assert Value.objects.get(element="1.numerator").number == Decimal(54919)
    assert not Value.objects.filter(element="1.denominator").exists()


def test_a_stale_save_in_place_replaces_the_page_content_with_the_merged_form(world, own_submission):
    v = own_submission.version
    client = client_for(world.reporter)
    assert save(client, own_submission, v, **{"2_value": "1"}).status_code == 200
    r = save(client, own_submission, v, **{"1_numerator": "50.000", "1_denominator": "60.000"})
    assert r.status_code == 200
    assert r["HX-Retarget"] == "#noi-dung" and r["HX-Reselect"] == "#noi-dung"
    page = html.unescape(r.content.decode())
    assert 'id="conflict"' in page and "CHƯA được lưu" in page
    assert 'value="50.000"' in page
    assert not Value.objects.filter(element="1.numerator").exists()
    assert Submission.objects.get(pk=own_submission.pk).version == v + 1


def test_without_javascript_the_save_still_redirects_to_the_form(world, own_submission):
    client = client_for(world.reporter)
    r = client.post(reverse("assessments:submission", args=[own_submission.pk]),
                    {"version": str(own_submission.version), "action": "save", "v-1.numerator": "1"})
    assert r.status_code == 302
