"""An htmx upload to a criterion that already lists files answers with the new file only.

The first file (or a refusal) still gets the criterion's whole evidence block; later files are
sent out of band (the new list item, the emptied file box, the message) with ``HX-Reswap: none``,
so the answer does not grow with the list. The browser side: test_evidence_append_browser.py.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments.models import Evidence
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import PDF_BYTES, PNG_BYTES
from chiso.conftest import client_for


def send(client, sub, name: str, data: bytes, htmx: bool = True, indicator: str = "1"):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("assessments:evidence_upload", args=[sub.pk]),
                       {"indicator": indicator, "file": SimpleUploadedFile(name, data)}, **extra)


def test_the_first_file_gets_the_whole_block_later_files_only_their_item(world, own_submission):
    c = client_for(world.reporter)
    first = send(c, own_submission, "bien-ban.pdf", PDF_BYTES)
    body = first.content.decode()
    assert first.status_code == 200 and "HX-Reswap" not in first
    assert body.lstrip().startswith('<div class="evidence" id="evidence-1">')

    second = send(c, own_submission, "bang-tinh.pdf", PNG_BYTES)  # really a PNG: stored as .png
    body = second.content.decode()
    new = Evidence.objects.get(original_name="bang-tinh.png")
    assert second.status_code == 200 and second["HX-Reswap"] == "none"
    assert second["HX-Trigger"] == "evidence-changed"
    assert body.count("<li>") == 1 and "bang-tinh.png" in body and "bien-ban.pdf" not in body
    assert '<ul hx-swap-oob="beforeend:#evidence-1 .evidence-list">' in body
    assert reverse("assessments:evidence_download", args=[new.pk]) in body
    assert reverse("assessments:evidence_delete", args=[new.pk]) in body
    assert 'id="evup-1" hx-swap-oob="true"' in body and 'id="evfile-1"' in body
    msg = body[body.index('id="evmsg-1"'):]
    assert 'hx-swap-oob="true"' in msg[:60]
    assert "Đã lưu minh chứng “bang-tinh.png”." in msg and "thực chất là image/png" in msg
    assert f'id="evdel-{new.pk}"' in body and '<div id="evidence-delete-forms" hx-swap-oob="beforeend">' in body
    assert Evidence.objects.filter(submission=own_submission, indicator="1").count() == 2


def test_a_refusal_after_files_shows_the_whole_block_with_the_reason(world, own_submission):
    c = client_for(world.reporter)
    send(c, own_submission, "bien-ban.pdf", PDF_BYTES)
    send(c, own_submission, "bang-tinh.pdf", PDF_BYTES)
    refused = send(c, own_submission, "virus.pdf", b"MZ\x90\x00 not a pdf")
    body = refused.content.decode()
    assert refused.status_code == 200 and "HX-Reswap" not in refused and "HX-Trigger" not in refused
    assert body.lstrip().startswith('<div class="evidence" id="evidence-1">')
    assert body.count("<li>") == 2 and "bien-ban.pdf" in body and "bang-tinh.pdf" in body
    assert 'class="errorlist evidence-error"' in body and "virus.pdf" in body
    assert Evidence.objects.count() == 2


def test_files_of_another_criterion_do_not_count_as_a_list_on_the_page(world, own_submission):
    c = client_for(world.reporter)
    send(c, own_submission, "bien-ban.pdf", PDF_BYTES, indicator="1")
    other = send(c, own_submission, "giay-to.pdf", PDF_BYTES, indicator="3")
    assert "HX-Reswap" not in other
    assert other.content.decode().lstrip().startswith('<div class="evidence" id="evidence-3">')


def test_without_javascript_an_upload_still_reloads_the_page_at_its_criterion(world, own_submission):
    c = client_for(world.reporter)
    send(c, own_submission, "bien-ban.pdf", PDF_BYTES, htmx=False)
    r = send(c, own_submission, "bang-tinh.pdf", PDF_BYTES, htmx=False)
    assert r.status_code == 302
    assert r["Location"] == reverse("assessments:submission", args=[own_submission.pk]) + "#ind-1"
    assert Evidence.objects.count() == 2


def test_outside_the_scope_the_report_does_not_exist_inside_it_a_reviewer_may_not_upload(
        world, own_submission):
    assert send(client_for(world.outsider), own_submission, "a.pdf", PDF_BYTES).status_code == 404
    assert send(client_for(world.reporters["AG-PT-PT"]), own_submission, "a.pdf", PDF_BYTES).status_code == 404
    assert send(client_for(world.reviewer), own_submission, "a.pdf", PDF_BYTES).status_code == 403
    assert send(client_for(world.admin), own_submission, "a.pdf", PDF_BYTES).status_code == 200
    assert list(Evidence.objects.values_list("uploaded_by", flat=True)) == [world.admin.pk]
