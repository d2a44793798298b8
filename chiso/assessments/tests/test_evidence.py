"""Evidence: type from the content, size limit, checksum, storage outside the web root, permission."""

from __future__ import annotations

import hashlib
import html
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments.evidence import EvidenceError, store_evidence
from chiso.assessments.models import STATUS_APPROVED, Evidence, Submission
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import PDF_BYTES, PNG_BYTES, add_evidence
from chiso.conftest import client_for

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run in DOS mode"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Biên bản kiểm tra Cổng thông tin điện tử")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "Số hồ sơ"
    wb.save(buffer)
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("virus.exe", EXE_BYTES)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(("name", "data", "content_type", "stored_name"), [
    ("bien-ban.pdf", PDF_BYTES, "application/pdf", "bien-ban.pdf"),
    ("anh-chup.png", PNG_BYTES, "image/png", "anh-chup.png"),
    ("anh.jpeg", JPEG_BYTES, "image/jpeg", "anh.jpeg"),
    ("bao-cao.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "bao-cao.docx"),
    ("so-lieu.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "so-lieu.xlsx"),
    # Rule: a file whose name lies but whose content is an accepted type is stored as what it is.
    ("that-ra-la-anh.pdf", PNG_BYTES, "image/png", "that-ra-la-anh.png"),
])
def test_accepted_types_are_read_from_the_content(world, own_submission, name, data, content_type,
                                                  stored_name):
    if data is None:
        data = docx_bytes() if name.endswith(".docx") else xlsx_bytes()
    ev = store_evidence(own_submission, upload(name, data), world.reporter, "1")
    assert ev.content_type == content_type
    assert ev.original_name == stored_name
    assert ev.size == len(data)
    assert ev.sha256 == hashlib.sha256(data).hexdigest()
    path = Path(ev.file.path)
    assert path.read_bytes() == data
    media = Path(django_settings.MEDIA_ROOT).resolve()
    assert media in path.resolve().parents
    assert Path(django_settings.STATIC_ROOT).resolve() not in path.resolve().parents


@pytest.mark.parametrize(("name", "data"), [
    ("quyet-dinh.pdf", EXE_BYTES),          # an .exe renamed .pdf
    ("bang-tinh.xlsx", plain_zip_bytes()),  # a zip that is not an Office document
    ("ghi-chu.docx", b"just some text, not a document"),
    ("rong.pdf", b""),
])
def test_other_content_is_refused_whatever_the_name(world, own_submission, name, data):
    with pytest.raises(EvidenceError) as exc:
        store_evidence(own_submission, upload(name, data), world.reporter, "1")
    assert name in str(exc.value)
    assert Evidence.objects.count() == 0
    media = Path(django_settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_the_size_limit_is_checked(world, own_submission, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(EvidenceError, match="vượt giới hạn"):
        store_evidence(own_submission, upload("lon.pdf", PDF_BYTES + b"0" * 2000), world.reporter, "1")
    assert Evidence.objects.count() == 0


def test_upload_through_the_page_then_download_with_its_real_type(world, own_submission):
    c = client_for(world.reporter)
    r = c.post(reverse("assessments:evidence_upload", args=[own_submission.pk]),
               {"indicator": "1", "file": upload("that-ra-la-anh.pdf", PNG_BYTES)}, follow=True)
    text = html.unescape(r.content.decode())
    assert "thực chất là image/png" in text and "that-ra-la-anh.png" in text
    ev = Evidence.objects.get()
    assert ev.indicator == "1" and ev.uploaded_by == world.reporter
    r = c.get(reverse("assessments:evidence_download", args=[ev.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png"
    assert r["Content-Disposition"].startswith("attachment;") and "that-ra-la-anh.png" in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content) == PNG_BYTES


def test_an_exe_upload_through_the_page_is_refused_with_a_message(world, own_submission):
    r = client_for(world.reporter).post(reverse("assessments:evidence_upload", args=[own_submission.pk]),
                                        {"indicator": "1", "file": upload("quyet-dinh.pdf", EXE_BYTES)},
                                        follow=True)
    text = html.unescape(r.content.decode())
    assert "không phải loại được nhận" in text and "quyet-dinh.pdf" in text
    assert Evidence.objects.count() == 0


def test_evidence_of_another_unit_is_404(world, own_submission, other_submission):
    ev = add_evidence(other_submission, "1")
    download = reverse("assessments:evidence_download", args=[ev.pk])
    assert client_for(world.reporter).get(download).status_code == 404
    assert client_for(world.outsider).get(download).status_code == 404
    assert client_for(world.reporter).post(reverse("assessments:evidence_delete", args=[ev.pk])).status_code == 404
    assert client_for(world.reporter).post(
        reverse("assessments:evidence_upload", args=[other_submission.pk]),
        {"indicator": "1", "file": upload("a.pdf", PDF_BYTES)}).status_code == 404
    assert Evidence.objects.count() == 1
    # Those whose scope covers the commune may read it.
    assert client_for(world.reviewer).get(download).status_code == 200
    assert client_for(world.viewer).get(download).status_code == 200
    assert client_for(world.reporters["AG-PT-PT"]).get(download).status_code == 200
    assert client_for(None).get(download).status_code == 302


def test_evidence_cannot_be_added_or_removed_once_approved(world, own_submission):
    ev = add_evidence(own_submission, "1")
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_APPROVED)
    c = client_for(world.reporter)
    c.post(reverse("assessments:evidence_upload", args=[own_submission.pk]),
           {"indicator": "1", "file": upload("b.pdf", PDF_BYTES)})
    c.post(reverse("assessments:evidence_delete", args=[ev.pk]))
    assert list(Evidence.objects.values_list("pk", flat=True)) == [ev.pk]


def test_the_reporter_removes_own_evidence_while_drafting(world, own_submission):
    ev = add_evidence(own_submission, "1")
    path = Path(ev.file.path)
    r = client_for(world.reporter).post(reverse("assessments:evidence_delete", args=[ev.pk]))
    assert r.status_code == 302
    assert Evidence.objects.count() == 0 and not path.exists()
