"""The report form on a bad day: messages follow the state, uploads never cost typed figures."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments.models import STATUS_APPROVED, STATUS_RETURNED, STATUS_SUBMITTED, Evidence
from chiso.assessments.tests.test_review import submitted
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import PDF_BYTES
from chiso.assessments.workflow import apply_transition
from chiso.conftest import client_for

RETURN_BANNER = "Báo cáo bị trả lại"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def returned_then(world, sub, final: str):
    """Return the report with a general and a per-criterion comment, resubmit, then ``final``."""
    sub = submitted(world, sub)
    client_for(world.reviewer).post(reverse("assessments:review", args=[sub.pk]), {
        "action": "return", "version": sub.version,
        "c-3": "Số hồ sơ công việc chưa khớp với iOffice.", "comment": "Bổ sung minh chứng chỉ tiêu 3.",
    })
    sub.refresh_from_db()
    assert sub.status == STATUS_RETURNED
    apply_transition(sub, STATUS_SUBMITTED, world.reporter)
    if final == STATUS_APPROVED:
        apply_transition(sub, STATUS_APPROVED, world.reviewer)
    sub.refresh_from_db()
    return sub


@pytest.mark.parametrize("final", [STATUS_SUBMITTED, STATUS_APPROVED])
def test_after_the_return_the_banner_and_comments_leave_the_form_but_stay_in_the_history(
        world, own_submission, final):
    sub = returned_then(world, own_submission, final)
    assert sub.status == final
    page = text_of(client_for(world.reporter).get(reverse("assessments:submission", args=[sub.pk])))
    assert RETURN_BANNER not in page and "Nộp lại" not in page
    history = page[page.index('id="history-title"'):]
    form = page[:page.index('id="history-title"')]
    assert "Số hồ sơ công việc chưa khớp với iOffice." not in form
    assert "Số hồ sơ công việc chưa khớp với iOffice." in history  # the per-criterion comment
    assert "Bổ sung minh chứng chỉ tiêu 3." in history  # the return's general comment


def test_while_returned_the_banner_and_comments_show(world, own_submission):
    sub = submitted(world, own_submission)
    client_for(world.reviewer).post(reverse("assessments:review", args=[sub.pk]), {
        "action": "return", "version": sub.version, "c-3": "Chưa khớp iOffice.", "comment": "Xem lại."})
    page = text_of(client_for(world.reporter).get(reverse("assessments:submission", args=[sub.pk])))
    assert RETURN_BANNER in page and "Nộp lại" in page
    block3 = page[page.index('id="ind-3"'):page.index('id="ind-4"')]
    assert "Chưa khớp iOffice." in block3


def test_an_htmx_upload_answers_with_the_criterions_evidence_block_only(world, own_submission):
    c = client_for(world.reporter)
    r = c.post(reverse("assessments:evidence_upload", args=[own_submission.pk]),
               {"indicator": "1", "file": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES)}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    body = text_of(r)
    assert body.lstrip().startswith('<div class="evidence" id="evidence-1">')
    assert "<html" not in body and "bien-ban.pdf" in body and "Đã lưu minh chứng “bien-ban.pdf”." in body
    ev = Evidence.objects.get()
    assert f'id="evdel-{ev.pk}"' in body and 'hx-swap-oob="beforeend"' in body  # its delete form
    assert r["HX-Trigger"] == "evidence-changed"


def test_a_refused_file_says_why_next_to_its_criterion(world, own_submission):
    c = client_for(world.reporter)
    upload = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf")
    r = c.post(reverse("assessments:evidence_upload", args=[own_submission.pk]),
               {"indicator": "1", "file": upload}, HTTP_HX_REQUEST="true")
    body = text_of(r)
    assert r.status_code == 200 and Evidence.objects.count() == 0
    reason = body[body.index('id="evmsg-1"'):]
    assert 'class="errorlist evidence-error"' in reason and "bien-ban.pdf" in reason
    # Without JavaScript: the whole page again, the reason inside criterion 1's block.
    r = c.post(reverse("assessments:evidence_upload", args=[own_submission.pk]),
               {"indicator": "1", "file": SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf")})
    assert r.status_code == 400
    page = text_of(r)
    block1 = page[page.index('id="ind-1"'):page.index('id="ind-2"')]
    assert "evidence-error" in block1 and "bien-ban.pdf" in block1


def test_the_file_input_carries_the_size_limit_and_the_server_refuses_a_larger_body(world, own_submission,
                                                                                  settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    c = client_for(world.reporter)
    page = text_of(c.get(reverse("assessments:submission", args=[own_submission.pk])))
    assert 'data-max-bytes="1048576"' in page
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    r = c.post(reverse("assessments:evidence_upload", args=[own_submission.pk]), {"indicator": "1", "file": big})
    assert r.status_code == 413
    assert "vượt giới hạn 1,0\xa0MB" in text_of(r)
    assert Evidence.objects.count() == 0
