"""The upload page: administrators only, background task, progress, summary or problems."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.conftest import client_for
from chiso.ingest.models import IngestBatch
from chiso.ingest.records import records
from chiso.ingest.tasks import run_ingest

from .exports import DOSSIER_HEADER, dossier


def _csv(rows) -> bytes:
    lines = [",".join(DOSSIER_HEADER)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _upload(client, content: bytes, name: str = "igate.csv"):
    return client.post(reverse("ingest:upload"), {
        "kind": "dossiers", "system": "igate", "file": SimpleUploadedFile(name, content, "text/csv"),
    })


def test_an_administrator_uploads_and_sees_the_summary(world):
    client = client_for(world.admin)
    page = client.get(reverse("ingest:upload"))
    assert page.status_code == 200
    assert "Nhập dữ liệu nghiệp vụ (hồ sơ, văn bản)" in page.content.decode()
    response = _upload(client, _csv([dossier("A"), dossier("B"), dossier("B")]))
    batch = IngestBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ingest:batch", args=[batch.pk])
    # The embedded default runs the task immediately; the batch holds the outcome.
    assert (batch.status, batch.progress, batch.created, batch.user) == ("done", 100, 2, world.admin)
    assert len(records("dossiers", "igate")) == 2
    html = client.get(response["Location"]).content.decode()
    assert "Đã nhập xong." in html
    assert "hx-trigger" not in html  # finished: the page stops polling
    listing = client.get(reverse("ingest:upload")).content.decode()
    assert "igate.csv" in listing


def test_a_broken_upload_lists_every_problem_and_writes_nothing(world):
    client = client_for(world.admin)
    response = _upload(client, _csv([dossier("A"), dossier("B", unit="NOPE"), dossier("C", received="30/02/2025")]))
    batch = IngestBatch.objects.get()
    assert batch.status == "failed" and batch.error_count == 2
    assert batch.errors[0] == {"row": 3, "column": "unit", "message":
                               'Không có đơn vị "NOPE" trong danh mục đơn vị (ghi mã đơn vị, ví dụ AG-STTTT)'}
    assert batch.errors[1]["row"] == 4 and batch.errors[1]["column"] == "received_at"
    assert records("dossiers") == []
    html = client.get(response["Location"]).content.decode()
    assert "Tệp có 2 lỗi: không ghi dòng nào." in html
    assert "Không có đơn vị &quot;NOPE&quot;" in html


def test_a_running_import_shows_progress_and_polls(world):
    batch = IngestBatch.objects.create(kind="dossiers", file_name="lon.csv", status="running",
                                       phase="Đang kiểm tra dữ liệu", progress=15)
    client = client_for(world.admin)
    html = client.get(reverse("ingest:batch", args=[batch.pk])).content.decode()
    assert 'value="15"' in html and "Đang kiểm tra dữ liệu" in html
    assert 'hx-trigger="every 2s"' in html
    fragment = client.get(reverse("ingest:batch", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<section id="batch-status"')


def test_the_task_does_not_import_a_finished_batch_twice(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(_csv([dossier("A")]))
    batch = IngestBatch.objects.create(kind="dossiers", file_name="x.csv", stored_path=str(path))
    assert run_ingest.call(batch.pk) == "done"
    assert run_ingest.call(batch.pk) == "done"
    assert len(records("dossiers")) == 1
    assert not path.exists()  # the uploaded copy is removed once imported


def test_only_csv_or_xlsx_files_are_accepted(world):
    response = _upload(client_for(world.admin), b"%PDF-1.4", name="baocao.pdf")
    assert response.status_code == 200
    assert "Chỉ nhận tệp .csv hoặc .xlsx" in response.content.decode()
    assert IngestBatch.objects.count() == 0


def test_other_roles_may_not_upload(world):
    for user in (world.reviewer_tinh, world.viewer, world.reporter):
        response = _upload(client_for(user), _csv([dossier("A")]))
        assert response.status_code == 403
    assert IngestBatch.objects.count() == 0 and records("dossiers") == []


def test_the_upload_goes_through_the_storage_api_and_is_removed_once_imported(world, settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(world.admin)
    seen = {}
    real_save = default_storage.save

    def save(name, content, **kw):
        seen["name"] = real_save(name, content, **kw)
        return seen["name"]

    default_storage.save = save
    try:
        _upload(client, _csv([dossier("A")]))
    finally:
        del default_storage.save
    batch = IngestBatch.objects.get()
    # a storage name, not a path of this machine: a worker elsewhere opens it through the same storage
    assert batch.stored_path == seen["name"] and batch.stored_path.startswith("ingest-uploads/")
    assert batch.status == "done"
    assert not default_storage.exists(batch.stored_path)
