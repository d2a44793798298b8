"""GET/POST /api/v1/submissions/{id}/evidence: the web's evidence checks (real type, size), for machines."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.api.models import ApiToken
from chiso.assessments.models import STATUS_SUBMITTED, Evidence, Submission
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.assessments.tests.workflow_world import PDF_BYTES, add_evidence
from chiso.conftest import client_for


def url(sub: Submission) -> str:
    return f"/api/v1/submissions/{sub.pk}/evidence"


def test_a_reporter_uploads_evidence_with_a_token_and_lists_it(world, own_submission):
    _token, raw = ApiToken.issue(world.reporter)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = Client().post(url(own_submission), {
        "file": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES), "indicator": "1", "description": "Biên bản"},
        **auth)
    assert response.status_code == 201, response.content
    doc = response.json()
    assert (doc["indicator"], doc["name"], doc["content_type"], doc["size"], doc["sha256"], doc["uploaded_by"]) == (
        "1", "bien-ban.pdf", "application/pdf", len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest(),
        "rep_ag_pt_pl")
    listed = Client().get(url(own_submission), **auth).json()
    assert [e["id"] for e in listed] == [doc["id"]]
    assert listed[0]["download"] == f"http://testserver/api/v1/evidence/{doc['id']}/file"
    download = Client().get(listed[0]["download"], **auth)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert client_for(world.outsider).get(listed[0]["download"]).status_code == 404
    assert Evidence.objects.get(pk=doc["id"]).uploaded_by == world.reporter


def test_a_file_whose_content_is_not_accepted_is_refused(world, own_submission):
    response = client_for(world.reporter).post(url(own_submission), {
        "file": SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf"), "indicator": "1"})
    assert response.status_code == 422 and "không phải loại được nhận" in response.json()["detail"]
    unknown = client_for(world.reporter).post(url(own_submission), {
        "file": SimpleUploadedFile("a.pdf", PDF_BYTES), "indicator": "99"})
    assert unknown.status_code == 422 and "'99'" in unknown.json()["detail"]
    missing = client_for(world.reporter).post(url(own_submission), {"indicator": "1"})
    assert missing.status_code == 422
    assert not Evidence.objects.exists()


def test_the_size_limit_applies(world, own_submission, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    response = client_for(world.reporter).post(url(own_submission), {
        "file": SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * 200)})
    assert response.status_code == 422 and "vượt giới hạn" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_who_may_upload_and_see(world, own_submission, other_submission):
    pdf = {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
    assert client_for(world.reviewer).post(url(own_submission), pdf).status_code == 403
    assert client_for(world.reporter).post(url(other_submission), pdf).status_code == 404
    assert client_for(world.outsider).get(url(own_submission)).status_code == 404
    add_evidence(own_submission, "1")
    assert len(client_for(world.viewer).get(url(own_submission)).json()) == 1


def test_a_submitted_report_takes_no_more_evidence(world, own_submission):
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_SUBMITTED)
    response = client_for(world.reporter).post(url(own_submission), {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)})
    assert response.status_code == 409 and "Đã nộp, chờ thẩm định" in response.json()["detail"]
    assert not Evidence.objects.exists()
