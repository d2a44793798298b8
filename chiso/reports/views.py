"""Report pages: a form to choose and fill in a report, and the download itself.

Every download is limited to what the user may see: a named unit outside
their scope is a 404 (``get_unit_for_user_or_404``), and without a unit the
report covers only ``visible_units(user)``. Figures come from
``chiso.reports.services.export_report``, the same function as the CLI.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chiso.accounts.permissions import (
    ROLE_REPORTER,
    ROLE_REVIEWER,
    ROLE_VIEWER,
    get_unit_for_user_or_404,
    role_required,
    visible_units,
)
from chiso.frameworks.models import Framework

from .forms import ExportForm
from .jobs import start_job
from .models import ReportJob
from .pdf import PDF_UNAVAILABLE, PdfError, PdfUnavailable, find_soffice
from .services import ReportError, default_meta, export_report, issuing_unit

ROLES = (ROLE_VIEWER, ROLE_REVIEWER, ROLE_REPORTER)


@role_required(*ROLES)
def index(request: HttpRequest) -> HttpResponse:
    """The report form (filled from the query string, e.g. from a dashboard's buttons)."""
    initial = {k: v for k, v in request.GET.items() if k in ExportForm.base_fields}
    form = ExportForm(initial={"kind": "report", "format": "docx", **initial}, user=request.user)
    return _form_page(request, form)


def _form_page(request: HttpRequest, form: ExportForm, status: int = 200, problem: str = "") -> HttpResponse:
    defaults = default_meta()  # shown as placeholders: an empty field keeps the default
    for name, value in (("signer", defaults.signer), ("authority", defaults.authority),
                        ("position", defaults.position), ("recipients", "\n".join(defaults.recipients))):
        if value:
            form.fields[name].widget.attrs["placeholder"] = value
    frameworks = Framework.objects.order_by("code", "-effective_from")
    return render(request, "reports/index.html", {"form": form, "frameworks": frameworks, "problem": problem},
                  status=status)


def _problem(request: HttpRequest, message: str, status: int, docx_url: str | None = None) -> HttpResponse:
    return render(
        request, "reports/problem.html", {"message": message, "docx_url": docx_url}, status=status
    )


@role_required(*ROLES)
def export(request: HttpRequest) -> HttpResponse:
    """Download one report: ?framework=&period=&unit=&kind=&format= (+ number, date, signer …)."""
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        # The form again with each problem under its field (a mis-typed unit is not a 404).
        lines = [f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                 for name, errors in form.errors.items()]
        return _form_page(request, form, 400,
                          _("Chưa xuất được báo cáo: %(problems)s") % {"problems": "; ".join(lines)})
    data = form.cleaned_data
    unit = get_unit_for_user_or_404(request.user, data["unit"]) if data["unit"] else None
    if data["format"] == "pdf":
        # LibreOffice may take minutes: a task makes the file, the page waits for it.
        if find_soffice(getattr(settings, "CHISO_SOFFICE", None) or None) is None:
            query = request.GET.copy()
            query["format"] = "docx"
            return _problem(request, PDF_UNAVAILABLE, 503,
                            docx_url=f"{reverse('reports:export')}?{query.urlencode()}")
        job = start_job(request.GET, request.user)
        return redirect("reports:job", pk=job.pk)
    try:
        exported = export_report(
            data["kind"], data["format"], data["framework"], data["period"],
            unit=unit, meta=form.meta(issuing_unit(request.user)), units=visible_units(request.user),
            basis=data.get("basis") or "official", as_of=data.get("as_of"),
        )
    except PdfUnavailable as exc:
        query = request.GET.copy()
        query["format"] = "docx"
        return _problem(request, str(exc), 503, docx_url=f"{reverse('reports:export')}?{query.urlencode()}")
    except (ReportError, PdfError) as exc:
        return _problem(request, str(exc), 400)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def export_url(framework: str, period: str, kind: str, fmt: str, unit: str | None = None) -> str:
    """The download link for a report (used by the buttons on the dashboard and round pages)."""
    params = {"framework": framework, "period": period, "kind": kind, "format": fmt}
    if unit:
        params["unit"] = unit
    return f"{reverse('reports:export')}?{urlencode(params)}"


@role_required(*ROLES)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A PDF being made: the state (the page polls), then the download link or why it failed."""
    found = get_object_or_404(ReportJob, pk=pk, user=request.user)
    docx_query = QueryDict(mutable=True)
    for key, values in found.params.items():
        docx_query.setlist(key, values)
    docx_query["format"] = "docx"
    template = "reports/_job_status.html" if request.htmx else "reports/job.html"
    return render(request, template, {
        "job": found, "docx_url": f"{reverse('reports:export')}?{docx_query.urlencode()}"})


@role_required(*ROLES)
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished file, to the user who asked for it only."""
    found = get_object_or_404(ReportJob, pk=pk, user=request.user, status="done")
    response = FileResponse(found.file.open("rb"), content_type=found.content_type, as_attachment=True,
                            filename=found.filename)
    response["Cache-Control"] = "no-store"
    return response
