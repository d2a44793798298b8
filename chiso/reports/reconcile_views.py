"""The reconciliation page: upload the portal's figures, see where the province's differ.

The same functions as ``chiso reconcile`` (``chiso.reports.reconcile``); a row naming a unit
outside the user's scope is refused like an unknown unit (its existence is not revealed).
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.accounts.permissions import (
    ROLE_REPORTER,
    ROLE_REVIEWER,
    ROLE_VIEWER,
    role_required,
    visible_units,
)
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results.models import BASIS_OFFICIAL
from chiso.results.vocabulary import BASES as BASE_LABELS
from chiso.tabular import ImportError_

from .reconcile import (
    STATUS_LABELS,
    read_portal_figures,
    reconcile,
    reconciliation_to_dict,
    reconciliation_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReconcileForm(forms.Form):
    framework = forms.CharField(label=gettext_lazy("Bộ chỉ số"), initial="qd766-2022")
    period = forms.CharField(label=gettext_lazy("Kỳ"), help_text=gettext_lazy("2025-01, 2025-Q1, 2025-H1 hoặc 2025"))
    basis = forms.ChoiceField(label=gettext_lazy("Số liệu của tỉnh"), choices=list(BASE_LABELS.items()),
                              initial=BASIS_OFFICIAL)
    file = forms.FileField(label=gettext_lazy("Tệp số liệu của Cổng (CSV hoặc XLSX)"))
    output = forms.ChoiceField(label=gettext_lazy("Kết quả"), initial="page",
                               choices=[("page", gettext_lazy("Xem trên trang")), ("xlsx", gettext_lazy("Tải Excel"))])

    def clean_framework(self) -> Framework:
        code = self.cleaned_data["framework"].strip()
        try:
            return Framework.objects.latest_of(code)
        except Framework.DoesNotExist as exc:
            raise forms.ValidationError(_("Không có bộ chỉ số mã “%(code)s”.") % {"code": code}) from exc

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"].strip())
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


@role_required(ROLE_VIEWER, ROLE_REVIEWER, ROLE_REPORTER)
def reconcile_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the portal's file against the stored results (a page or an XLSX)."""
    if request.method != "POST":
        return _page(request, ReconcileForm())
    form = ReconcileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    upload = data["file"]
    try:
        figures = read_portal_figures(upload, data["framework"], data["period"], filename=upload.name,
                                      units=visible_units(request.user))
    except ImportError_ as exc:
        return _page(request, form, status=400, problems=[str(p) for p in exc.problems])
    rec = reconcile(data["framework"], data["period"], figures, basis=data["basis"], file=upload.name)
    if data["output"] == "xlsx":
        response = HttpResponse(reconciliation_xlsx(rec), content_type=XLSX)
        name = f"doi-chieu-{rec.framework.code}-{rec.period.code}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return _page(request, form, result=reconciliation_to_dict(rec))


def _page(request: HttpRequest, form: ReconcileForm, status: int = 200, problems: list[str] | None = None,
          result: dict | None = None) -> HttpResponse:
    return render(request, "reports/reconcile.html", {
        "form": form, "problems": problems or [], "result": result, "status_labels": STATUS_LABELS,
    }, status=status)
