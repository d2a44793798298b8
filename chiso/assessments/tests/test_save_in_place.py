""""Lưu nháp" sent in place (htmx, as the page sends it): one request, nothing reloaded, and the
page learns the new version so the next save is not refused as stale."""

from __future__ import annotations

import html
import json
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


def oob_value(response, element_id: str) -> str:
    """A hidden field's value as the answer hands it back out of band (read from the raw HTML)."""
    raw = response.content.decode()
    tag = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', raw).group(0)
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
    # The page keeps the version it loaded; what it stored is now part of what it has seen.
    assert oob_value(r, "form-version") == str(v)
    assert json.loads(oob_value(r, "form-seen"))["1.numerator"] == ["54919", ""]
    # The next save from the same page carries that state: checked cell by cell, accepted, not a conflict.
    r2 = save(client, own_submission, oob_value(r, "form-version"), seen=oob_value(r, "form-seen"),
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


def test_a_refused_save_in_place_does_not_make_the_page_see_someone_elses_figures(world, own_submission):
    """The reviewer's case: A's page is open; B saves; A's save is refused (the report was
    submitted meanwhile); the report is reopened; A saves again from the same page. B's figures,
    which A's page never showed, must not be overwritten or deleted."""
    from chiso.accounts.models import ROLE_REPORTER
    from chiso.assessments.models import STATUS_DRAFT, STATUS_SUBMITTED
    from chiso.conftest import make_user

    deputy = make_user("rep_pl_b", ROLE_REPORTER, [world.commune_a], first_name="Trần Văn B")
    a, b = client_for(world.reporter), client_for(deputy)
    v = own_submission.version
    seen = "{}"  # A's page: nothing stored yet
    assert save(b, own_submission, v, **{"1_numerator": "54.919", "1_denominator": "58.669"}).status_code == 200
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_SUBMITTED)
    refused = save(a, own_submission, v, seen=seen, **{"2_value": "1"})
    assert "Đã lưu" not in re.search(r'id="save-note"[^>]*>([^<]*)<', refused.content.decode()).group(1)
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_DRAFT)
    # A's boxes for criterion 1 are still blank; A types only criterion 2 and saves with the state handed back.
    again = save(a, own_submission, oob_value(refused, "form-version"), seen=oob_value(refused, "form-seen"),
                 **{"1_numerator": "", "1_denominator": "", "2_value": "1"})
    assert again.status_code == 200
    assert Value.objects.get(element="1.numerator").number == Decimal(54919)
    assert Value.objects.get(element="1.denominator").number == Decimal(58669)
    assert Value.objects.get(element="2.value").number == Decimal(1)


def test_a_figure_saved_by_someone_else_after_my_save_is_not_overwritten_unseen(world, own_submission):
    """A saves in place; B then changes a cell; A (whose box still shows the old figure) changes that
    same cell: a conflict with both figures named, not a silent overwrite."""
    from chiso.accounts.models import ROLE_REPORTER
    from chiso.conftest import make_user

    deputy = make_user("rep_pl_b", ROLE_REPORTER, [world.commune_a], first_name="Trần Văn B")
    a, b = client_for(world.reporter), client_for(deputy)
    v = own_submission.version
    first = save(a, own_submission, v, seen="{}", **{"1_numerator": "100"})
    page_version, page_seen = oob_value(first, "form-version"), oob_value(first, "form-seen")
    own_submission.refresh_from_db()
    assert save(b, own_submission, own_submission.version, **{"1_numerator": "200"}).status_code == 200
    clash = save(a, own_submission, page_version, seen=page_seen, **{"1_numerator": "300"})
    assert clash["HX-Retarget"] == "#noi-dung"
    assert "CHƯA được lưu" in html.unescape(clash.content.decode())
    assert Value.objects.get(element="1.numerator").number == Decimal(200)
    # A cell A did not touch again is not written back either: B's figure stays.
    untouched = save(a, own_submission, page_version, seen=page_seen, **{"1_numerator": "100", "2_value": "1"})
    assert untouched.status_code == 200 and "HX-Retarget" not in untouched
    assert Value.objects.get(element="1.numerator").number == Decimal(200)


def test_without_javascript_a_save_with_a_typo_does_not_make_the_page_see_someone_elses_figure(
        world, own_submission, test_framework):
    """The 400 page shows the figures as posted; its hidden state must say so. Before: it carried a
    fresh read of the store, so the colleague's 2 counted as seen and the next save overwrote it."""
    from chiso.assessments.writes import CellWrite, write_values

    def page_state(raw: str, ident: str) -> str:
        tag = re.search(rf'<input[^>]*id="{ident}"[^>]*>', raw).group(0)
        return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))

    sub = own_submission
    url = reverse("assessments:submission", args=[sub.pk])
    write_values(test_framework, [CellWrite(sub.unit_id, sub.period, "1.numerator", number=Decimal(1))])
    client = client_for(world.reporter)
    page = client.get(url).content.decode()
    write_values(test_framework, [CellWrite(sub.unit_id, sub.period, "1.numerator", number=Decimal(2))])  # a colleague
    r = client.post(url, {"version": page_state(page, "form-version"), "seen": page_state(page, "form-seen"),
                          "action": "save", "v-1.numerator": "1", "v-1.denominator": "abc"})
    assert r.status_code == 400
    page = r.content.decode()
    r = client.post(url, {"version": page_state(page, "form-version"), "seen": page_state(page, "form-seen"),
                          "action": "save", "v-1.numerator": "1", "v-1.denominator": "58.669"})
    assert r.status_code == 302  # saved: the denominator, the only cell this reporter changed
    stored = {v.element: v.number for v in Value.objects.filter(framework=test_framework, unit=sub.unit)}
    assert stored["1.numerator"] == 2  # left as the page showed it (1), so the colleague's 2 stays
    assert stored["1.denominator"] == Decimal("58669")
