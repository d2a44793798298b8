"""PDF exports run as tasks: the request queues, the page waits, the owner downloads."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from chiso.conftest import client_for
from chiso.reports.models import ReportJob
from chiso.reports.pdf import find_soffice

PARAMS = {"framework": "nq17-2019", "period": "2025-01", "unit": "AG", "kind": "appendix", "format": "pdf"}


@pytest.fixture
def needs_libreoffice():
    assert find_soffice(), "Thiếu LibreOffice (soffice): chạy `make libreoffice`"


def test_a_pdf_is_made_by_a_task_and_downloaded_by_its_owner(needs_libreoffice, nq17, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(world.admin)
    response = client.get(reverse("reports:export"), PARAMS)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    # the embedded default runs the task at once; a worker would do the same later
    assert (job.status, job.user, job.filename) == ("done", world.admin, "phu-luc-nq17-2019-2025-01-AG.pdf")
    page = client.get(response["Location"]).content.decode()
    assert "Tệp đã sẵn sàng." in page and 'hx-trigger' not in page
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    pdf = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert "Phụ lục" in text.decode() or "PHỤ LỤC" in text.decode()
    # another user cannot see it
    other = client_for(world.viewer)
    assert other.get(reverse("reports:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("reports:job_file", args=[job.pk])).status_code == 404


def test_a_failed_job_says_why_and_offers_the_docx(nq17, world, settings, tmp_path, monkeypatch):
    from chiso.reports import jobs
    from chiso.reports.pdf import PdfError

    settings.MEDIA_ROOT = tmp_path / "media"

    def broken(*args, **kwargs):
        raise PdfError("LibreOffice không chuyển xong sang PDF trong 180 giây")

    monkeypatch.setattr(jobs, "export_report", broken)
    monkeypatch.setattr("chiso.reports.views.find_soffice", lambda configured=None: "/usr/bin/soffice")
    client = client_for(world.admin)
    response = client.get(reverse("reports:export"), PARAMS)
    job = ReportJob.objects.get()
    assert job.status == "failed" and "180 giây" in job.message
    page = client.get(response["Location"]).content.decode()
    assert "Không tạo được tệp PDF." in page and "180 giây" in page and "format=docx" in page
