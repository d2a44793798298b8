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


def _local(value):
    """A stored UTC instant in local time (the template prints dd/mm/yyyy HH:MM)."""
    from django.utils import timezone

    return timezone.localtime(value) if value is not None else None


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """Drill-down: the dossiers a metric of one unit and period counts, 50 a page.

    ``?don_vi=AG-PT-TT&ky=2025-01&chi_so=resolved_late&trang=2``. Only a unit the user may
    see (``get_unit_for_user_or_404``); the list is read from the dataset with DuckDB.
    """
    from chiso.accounts.permissions import get_unit_for_user_or_404
    from chiso.engine.periods import PeriodError, parse_period

    from .metrics import METRIC_LABELS
    from .models import CHANNEL_CHOICES, DOSSIER_STATUS_CHOICES, SERVICE_LEVEL_CHOICES
    from .records import DRILL_METRICS, drill_down

    code = request.GET.get("don_vi", "").strip()
    metric = request.GET.get("chi_so", "resolved_late")
    context: dict = {"code": code, "period_text": request.GET.get("ky", ""), "metric": metric,
                     "metrics": [(m, METRIC_LABELS[m]) for m in DRILL_METRICS], "error": None}
    if code:
        unit = get_unit_for_user_or_404(request.user, code)
        context["unit"] = unit
        try:
            period = parse_period(context["period_text"])
        except PeriodError as exc:
            context["error"] = str(exc)
        else:
            if metric not in DRILL_METRICS:
                context["error"] = f'Chỉ số "{metric}" không có danh sách hồ sơ'
            else:
                page = drill_down(unit.pk, period, metric, page=_int(request.GET.get("trang"), 1))
                labels = {**dict(DOSSIER_STATUS_CHOICES), **dict(SERVICE_LEVEL_CHOICES), **dict(CHANNEL_CHOICES)}
                for row in page.rows:
                    for name in ("received_at", "due_at", "resolved_at"):
                        row[name] = _local(row[name])
                    for name in ("status", "service_level", "channel"):
                        row[f"{name}_label"] = labels.get(row[name], row[name])
                context.update(period=period, page=page, metric_label=METRIC_LABELS[metric])
    return render(request, "ingest/dossier_list.html", context)


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, int(text or default))
    except ValueError:
        return default
