"""PDF exports as tasks (Django's tasks framework): immediate in the embedded default, in
``chiso db_worker`` with ``TASKS_BACKEND=database``; the page polls until the file is ready."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.http import QueryDict
from django.tasks import task
from django.utils import timezone

from chiso.accounts.permissions import get_unit_for_user_or_404, visible_units

from .models import ReportJob
from .pdf import PdfError
from .services import ExportedFile, ReportError, export_report, issuing_unit

log = logging.getLogger(__name__)


def export_from_params(params: QueryDict, user: Any) -> ExportedFile:
    """The export form's parameters → the file, as the download view makes it (the user's scope applies).

    Raises ``ReportError`` (a Vietnamese sentence) for parameters the form refuses.
    """
    from .forms import ExportForm

    form = ExportForm(params, user=user)
    if not form.is_valid():
        lines = [f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                 for name, errors in form.errors.items()]
        raise ReportError("Chưa xuất được báo cáo: " + "; ".join(lines))
    data = form.cleaned_data
    unit = get_unit_for_user_or_404(user, data["unit"]) if data["unit"] else None
    return export_report(
        data["kind"], data["format"], data["framework"], data["period"],
        unit=unit, meta=form.meta(issuing_unit(user)), units=visible_units(user), basis=data.get("basis") or "official",
        as_of=data.get("as_of"),
    )


def start_job(params: QueryDict, user: Any) -> ReportJob:
    """Record the request and queue it; with the immediate backend it is done when this returns."""
    job = ReportJob.objects.create(user=user, params={k: params.getlist(k) for k in params})
    make_report_file.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task
def make_report_file(job_id: int) -> str:
    """Make the file of one job and keep it in storage; safe to run twice."""
    job = ReportJob.objects.select_related("user").get(pk=job_id)
    if job.finished:
        return job.status
    ReportJob.objects.filter(pk=job_id).update(status="running")
    params = QueryDict(mutable=True)
    for key, values in job.params.items():
        params.setlist(key, values)
    try:
        made = export_from_params(params, job.user)
    except (ReportError, PdfError) as exc:
        ReportJob.objects.filter(pk=job_id).update(status="failed", message=str(exc), finished_at=timezone.now())
        return "failed"
    except Exception as exc:  # noqa: BLE001 - the page must say something, the log keeps the trace
        log.exception("report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id).update(
            status="failed", message=f"Lỗi hệ thống khi tạo tệp: {exc.__class__.__name__}",
            finished_at=timezone.now())
        return "failed"
    job.file.save(made.filename, ContentFile(made.content), save=False)
    ReportJob.objects.filter(pk=job_id).update(
        status="done", file=job.file.name, filename=made.filename, content_type=made.content_type,
        finished_at=timezone.now())
    return "done"
