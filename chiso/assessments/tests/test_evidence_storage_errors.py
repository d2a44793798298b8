"""A full or read-only evidence store gives the user a sentence and leaves no partial file."""

from __future__ import annotations

import errno
import html
import os
import resource
import signal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments.evidence import EvidenceError, store_evidence
from chiso.assessments.models import Evidence
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import PDF_BYTES
from chiso.conftest import client_for

BIG_PDF = PDF_BYTES + b"0" * 300_000


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "minh-chung")
    return tmp_path / "minh-chung"


def stored_files(root) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


@pytest.fixture
def disk_full_after_100_kb():
    """The kernel refuses writes past 100 KB (RLIMIT_FSIZE → EFBIG), as a full disk would."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_write_that_fails_half_way_leaves_no_file_and_no_row(world, own_submission, media,
                                                                disk_full_after_100_kb):
    upload = SimpleUploadedFile("bien-ban.pdf", BIG_PDF)
    with pytest.raises(EvidenceError) as caught:
        store_evidence(own_submission, upload, world.reporter, "1")
    assert "Chưa lưu được tệp “bien-ban.pdf”: kho minh chứng trên máy chủ đang đầy" in str(caught.value)
    assert stored_files(media) == []
    assert Evidence.objects.count() == 0


def test_a_read_only_store_is_a_message_on_the_page_not_a_500(world, own_submission, media,
                                                              monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(default_storage, "_save", read_only)
    response = client_for(world.reporter).post(
        reverse("assessments:evidence_upload", args=[own_submission.pk]),
        {"indicator": "1", "file": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES)}, follow=True)
    assert response.status_code in (200, 400)
    page = html.unescape(response.content.decode())
    assert "Chưa lưu được tệp “bien-ban.pdf”" in page and os.strerror(errno.EROFS) in page
    assert Evidence.objects.count() == 0 and stored_files(media) == []
