"""Read-only JSON API (django-ninja): what the CLI prints, for other provincial systems.

Every endpoint needs a logged-in session (Django's session cookie) and answers
only with units in the caller's scope, through ``visible_units`` like every
page; a unit outside it is a 404, as on the pages. Verdicts come from
``evaluate_framework`` and metrics from ``metric_rows``, so the API, the CLI,
the dashboard and the reports always agree. The OpenAPI document is at
``/api/v1/openapi.json`` and its browsable form at ``/api/v1/docs`` (served
from django-ninja's own static files, never a CDN).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from chiso.accounts.permissions import get_unit_for_user_or_404, role_of, visible_units
from chiso.assessments.evaluation import figures_for
from chiso.assessments.serialize import evaluation_to_dict
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.ingest.metrics import METRICS, metric_rows
from chiso.results.models import BASES, BASIS_OFFICIAL
from chiso.tabular import lower_first


class ReadableJSON(JSONRenderer):
    """UTF-8 JSON as written ("Kỳ không hợp lệ"), not \\u escapes: people read these answers too."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ReadableJSON(),
    title="Chỉ Số API",
    version="1",
    description="Dữ liệu đánh giá chính quyền điện tử trong phạm vi của người dùng (chỉ đọc).",
    auth=django_auth,
    docs_decorator=login_required,  # the schema is for the province's own integrators
    urls_namespace="api",
)


class FrameworkOut(Schema):
    code: str
    version: str
    title: str
    kind: str
    legal_number: str
    levels: list[str]


class UnitOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    active: bool


class EvaluationQuery(Schema):
    framework: str
    period: str
    unit: str | None = None
    basis: str | None = None  # official (default) | provisional


class MetricsQuery(Schema):
    source: str
    period: str
    unit: str | None = None


def _user(request: HttpRequest):
    if role_of(request.user) is None:
        raise HttpError(403, "Tài khoản chưa được phân vai trò: liên hệ quản trị hệ thống.")
    return request.user


def _framework(code: str) -> Framework:
    try:
        return Framework.objects.latest_of(code)
    except Framework.DoesNotExist:
        raise Http404(f"Không có bộ chỉ tiêu mã {code!r}.") from None


def _period(text: str) -> str:
    try:
        return parse_period(text).code
    except PeriodError as exc:
        raise HttpError(422, f"Kỳ không hợp lệ: {lower_first(str(exc))}") from None


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": str(exc) or "Không tìm thấy."}, status=404)


@api.get("/frameworks", response=list[FrameworkOut], summary="Các bộ chỉ tiêu đã nạp")
def frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    _user(request)
    return [
        {"code": f.code, "version": f.version, "title": f.title, "kind": f.kind,
         "legal_number": f.legal_number, "levels": list(f.spec().levels)}
        for f in Framework.objects.order_by("code", "version")
    ]


@api.get("/units", response=list[UnitOut], summary="Đơn vị trong phạm vi của người dùng")
def units(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    rows = visible_units(user).select_related("parent").order_by("path")
    return [
        {"code": u.code, "name": u.name, "level": u.level, "kind": u.kind,
         "parent": u.parent.code if u.parent_id else None, "active": u.active}
        for u in rows
    ]


@api.get("/evaluations", summary="Kết quả đánh giá một bộ chỉ tiêu cho một kỳ (như chiso evaluate --format json)")
def evaluations(request: HttpRequest, q: Query[EvaluationQuery]) -> dict[str, Any]:
    user = _user(request)
    framework = _framework(q.framework)
    period = _period(q.period)
    basis = q.basis or BASIS_OFFICIAL
    if basis not in BASES:
        raise HttpError(422, f'Cơ sở số liệu "{basis}" không có: chọn official (chính thức) hoặc provisional (tạm tính).')
    if q.unit:
        unit = get_unit_for_user_or_404(user, q.unit)
        figures = figures_for(framework, period, unit=unit, basis=basis)
    else:
        figures = figures_for(framework, period, units=visible_units(user).filter(active=True), basis=basis)
    return {"basis": basis, **evaluation_to_dict(figures.evaluation), "left_out": figures.left_out}


@api.get("/metrics", summary="Chỉ số tính từ dữ liệu nghiệp vụ (như chiso metrics --format json)")
def metrics(request: HttpRequest, q: Query[MetricsQuery]) -> dict[str, Any]:
    user = _user(request)
    if q.source not in METRICS:
        raise HttpError(422, f'Nguồn dữ liệu "{q.source}" không có: chọn dossiers (hồ sơ) hoặc documents (văn bản).')
    period = _period(q.period)
    if q.unit:
        rows = metric_rows(q.source, period, unit=get_unit_for_user_or_404(user, q.unit))
    else:
        rows = metric_rows(q.source, period, units=visible_units(user))
    return {"metrics": rows}
