"""Operational-data page: an administrator uploads an export, watches it run, reads the result."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from chiso.accounts.permissions import is_administrator

from .forms import UploadForm
from .models import IngestBatch
from .tasks import run_ingest

UPLOAD_DIR = "ingest-uploads"


def _require_admin(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form and the latest imports."""
    _require_admin(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        # Django's storage API, not a local path: a worker on another machine reads the same file.
        name = f"{UPLOAD_DIR}/{uuid.uuid4().hex}{Path(upload_file.name).suffix.lower()}"
        try:
            stored = default_storage.save(name, upload_file)
        except OSError:
            form.add_error("file", "Máy chủ không lưu được tệp (thư mục lưu trữ đầy hoặc chỉ đọc): "
                                   "chưa nhập gì, hãy báo quản trị hệ thống.")
        else:
            batch = IngestBatch.objects.create(
                kind=form.cleaned_data["kind"], system=form.cleaned_data["system"],
                file_name=Path(upload_file.name).name[:255], stored_path=stored, user=request.user,
                status="queued", phase="Đang chờ xử lý",
            )
            run_ingest.enqueue(batch.pk)
            return redirect("ingest:batch", pk=batch.pk)
    batches = IngestBatch.objects.select_related("user")[:20]
    return render(request, "ingest/upload.html", {"form": form, "batches": batches})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: progress while it runs (the page polls), then the summary or every problem."""
    _require_admin(request)
    batch = get_object_or_404(IngestBatch, pk=pk)
    template = "ingest/_batch_status.html" if request.htmx else "ingest/batch.html"
    return render(request, template, {"batch": batch})
