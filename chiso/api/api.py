"""JSON API (django-ninja): what the CLI prints, and the writes other provincial systems need.

Callers authenticate with a personal token (``Authorization: Bearer cs_…``,
see ``chiso create_token`` and the account page) or, in the browser, the
session cookie. Either way the caller acts with its user's role and scope:
answers hold only units in that scope, through ``visible_units`` like every
page, and a unit outside it is a 404, as on the pages. Verdicts come from
``figures_for`` and metrics from ``metric_rows``, so the API, the CLI, the
dashboard and the reports always agree. Writes go through the importer's
checks and the one guarded write path (``write_values``), and transitions
through ``apply_transition``. The OpenAPI document is at
``/api/v1/openapi.json`` and its browsable form at ``/api/v1/docs`` (served
from django-ninja's own static files, never a CDN). See ``docs/api.md``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import Status
from pydantic import ValidationError

from chiso.accounts.permissions import (
    ROLE_ADMIN,
    ROLE_REPORTER,
    can_edit_unit,
    get_unit_for_user_or_404,
    role_of,
    visible_units,
)
from chiso.assessments.evaluation import figures_for
from chiso.assessments.evidence import EvidenceError, store_evidence
from chiso.assessments.importer import FIELDS, REQUIRED
from chiso.assessments.models import (
    STATUS_APPROVED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    SUBMISSION_STATUS_CHOICES,
    Evidence,
    Submission,
)
from chiso.assessments.serialize import evaluation_to_dict
from chiso.assessments.workflow import (
    TRANSITIONS,
    ConflictError,
    WorkflowError,
    apply_transition,
    may_transition,
    open_round,
    status_label,
)
from chiso.engine.model import LEVELS
from chiso.engine.numbers import format_date
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.ingest.metrics import METRICS, metric_rows
from chiso.results.models import BASES, BASIS_OFFICIAL
from chiso.tabular import ImportError_, lower_first, read_table
from chiso.units.models import Unit

from . import values as value_import
from .auth import AUTH
from .ratelimit import RateLimited


class ReadableJSON(JSONRenderer):
    """UTF-8 JSON as written ("Kỳ không hợp lệ"), not \\u escapes: people read these answers too."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ReadableJSON(),
    title="Chỉ Số API",
    version="1",
    description=("Dữ liệu đánh giá chính quyền điện tử trong phạm vi của người dùng: đọc kết quả, gửi số liệu, "
                 "chuyển trạng thái báo cáo, mở đợt đánh giá. Xác thực bằng mã truy cập API "
                 "(Authorization: Bearer …) hoặc phiên đăng nhập."),
    auth=AUTH,
    docs_decorator=login_required,  # the schema is for the province's own integrators
    urls_namespace="api",
)

MAX_PAGE = 1000
MAX_OFFSET = 1_000_000_000


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


class PageQuery(Schema):
    limit: int | None = Field(None, ge=1, le=MAX_PAGE, description="số dòng tối đa của một trang")
    # Bounded: beyond a 64-bit integer the database cannot take it (schemathesis found that 500).
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="bỏ qua bấy nhiêu dòng đầu")


class EvaluationQuery(Schema):
    framework: str
    period: str
    unit: str | None = None
    basis: str | None = None  # official (default) | provisional
    level: str | None = Field(None, description="chỉ đơn vị ở cấp này: province | district | commune")
    parent: str | None = Field(None, description="chỉ các đơn vị trực thuộc đơn vị mã này")
    as_of: date | None = Field(None, description="đánh giá kỳ trên các đơn vị có hiệu lực ngày này (YYYY-MM-DD); "
                                                 "số liệu của đơn vị cũ được cộng dồn vào đơn vị kế thừa")


class MetricsQuery(Schema):
    source: str
    period: str
    unit: str | None = None


class Detail(Schema):
    detail: str


class ProblemsOut(Schema):
    detail: str
    problems: list[str]


def _user(request: HttpRequest):
    user = request.auth  # the token's user, or the session's
    if role_of(user) is None:
        raise HttpError(403, "Tài khoản chưa được phân vai trò: liên hệ quản trị hệ thống.")
    return user


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


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _body(request: HttpRequest, schema: type[Schema], lists: tuple[str, ...] = ()) -> Any:
    """The request body as ``schema``: JSON, or form fields (``curl -F``, an HTML form); 422 naming bad fields.

    Read by hand, not by ninja, because the request's form data is parsed by a middleware first
    (malformed-request checks), after which a multipart body can no longer be read raw.
    """
    if request.content_type in FORM_TYPES:
        data: Any = {k: (request.POST.getlist(k) if k in lists else request.POST[k]) for k in request.POST}
    else:
        data = _json(request)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise HttpError(422, "Cần một đối tượng JSON {…} trong thân yêu cầu.")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        raise HttpError(422, f"Thiếu hoặc sai trường: {', '.join(fields)}.") from None


def _json(request: HttpRequest) -> Any:
    """The JSON body; 413 beyond DATA_UPLOAD_MAX_MEMORY_SIZE, 422 when it is not JSON."""
    try:
        return json.loads(request.body or b"null")
    except RequestDataTooBig:
        mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        raise HttpError(413, f"Nội dung gửi lên vượt {mb} MB: chia thành nhiều lần gửi, "
                             "hoặc gửi tệp CSV/XLSX (trường file).") from None
    except ValueError:
        raise HttpError(422, "Nội dung gửi lên không phải JSON hợp lệ.") from None


def _json_body(schema: type[Schema]) -> dict[str, Any]:
    """The OpenAPI description of a body read by :func:`_body`."""
    doc = schema.model_json_schema()
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": doc}, "application/x-www-form-urlencoded": {"schema": doc}}}}


def _page(request: HttpRequest, response: HttpResponse, rows: Any, page: PageQuery) -> list[Any]:
    """One page of ``rows``; ``X-Total-Count`` and, when more follow, ``Link: <…>; rel="next"``.

    The body stays the plain list it always was (the contract); without ``limit`` it is the whole list.
    """
    total = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    response["X-Total-Count"] = str(total)
    if page.limit is None:
        return list(rows[page.offset:])
    end = page.offset + page.limit
    if end < total:
        query = request.GET.copy()
        query["offset"] = str(end)
        query["limit"] = str(page.limit)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
    return list(rows[page.offset:end])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": str(exc) or "Không tìm thấy."}, status=404)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError):
    """Vietnamese like every other error, naming the parameters; pydantic's own list stays under ``errors``."""
    names = sorted({".".join(str(p) for p in e.get("loc", ())[1:] if not isinstance(p, int)) or str(e.get("loc"))
                    for e in exc.errors})
    return api.create_response(request, {"detail": f"Thiếu hoặc sai tham số: {', '.join(names)}.",
                                         "errors": exc.errors}, status=422)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited):
    """429 in Vietnamese, with ``Retry-After``: the seconds until the token's next minute begins."""
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    response = api.create_response(request, {
        "detail": "Cần đăng nhập hoặc gửi mã truy cập API (Authorization: Bearer …)."}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="chiso"'
    return response


# --- reads -------------------------------------------------------------------------------------


@api.get("/frameworks", response=list[FrameworkOut], summary="Các bộ chỉ tiêu đã nạp")
def frameworks(request: HttpRequest, response: HttpResponse, page: Query[PageQuery]) -> list[dict[str, Any]]:
    _user(request)
    rows = _page(request, response, Framework.objects.order_by("code", "version"), page)
    return [
        {"code": f.code, "version": f.version, "title": f.title, "kind": f.kind,
         "legal_number": f.legal_number, "levels": list(f.spec().levels)}
        for f in rows
    ]


def _units_of(user: Any, level: str | None, parent: str | None):
    """The user's units, at ``level`` and directly under ``parent`` when given (a parent outside the scope: 404)."""
    rows = visible_units(user)
    if level:
        if level not in LEVELS:
            raise HttpError(422, f'Cấp "{level}" không có: chọn {", ".join(LEVELS)}.')
        rows = rows.filter(level=level)
    if parent:
        rows = rows.filter(parent=get_unit_for_user_or_404(user, parent))
    return rows


class UnitQuery(Schema):
    level: str | None = Field(None, description="chỉ đơn vị ở cấp này: province | district | commune")
    parent: str | None = Field(None, description="chỉ các đơn vị trực thuộc đơn vị mã này")


@api.get("/units", response=list[UnitOut], summary="Đơn vị trong phạm vi của người dùng")
def units(request: HttpRequest, response: HttpResponse, q: Query[UnitQuery],
          page: Query[PageQuery]) -> list[dict[str, Any]]:
    user = _user(request)
    rows = _units_of(user, q.level, q.parent).select_related("parent").order_by("path")
    rows = _page(request, response, rows, page)
    return [
        {"code": u.code, "name": u.name, "level": u.level, "kind": u.kind,
         "parent": u.parent.code if u.parent_id else None, "active": u.active}
        for u in rows
    ]


@api.get("/evaluations", summary="Kết quả đánh giá một bộ chỉ tiêu cho một kỳ (như chiso evaluate --format json)")
def evaluations(request: HttpRequest, q: Query[EvaluationQuery]) -> Any:
    """Answers ``ETag`` (a digest of the answer) and ``X-Chiso-Revision``; ``If-None-Match`` gives 304."""
    user = _user(request)
    framework = _framework(q.framework)
    period = _period(q.period)
    basis = q.basis or BASIS_OFFICIAL
    if basis not in BASES:
        raise HttpError(422, f'Cơ sở số liệu "{basis}" không có: chọn official (chính thức) hoặc provisional (tạm tính).')
    if q.as_of is not None:
        return _evaluations_as_of(request, user, framework, period, basis, q)
    if q.unit:
        unit = get_unit_for_user_or_404(user, q.unit)
        figures = figures_for(framework, period, unit=unit, basis=basis)
    else:
        figures = figures_for(framework, period, units=_units_of(user, q.level, q.parent).filter(active=True),
                              basis=basis)
    doc = {"basis": basis, **evaluation_to_dict(figures.evaluation), "left_out": figures.left_out}
    content = json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted or f"W/{etag}" in wanted or "*" in wanted:
        answer = HttpResponse(status=304)
    else:
        answer = api.create_response(request, doc, status=200)
    answer["ETag"] = etag
    answer["X-Chiso-Revision"] = str(figures.revision)
    answer["Cache-Control"] = "private, no-cache"
    return answer


def _evaluations_as_of(request: HttpRequest, user, framework, period: str, basis: str, q) -> Any:
    """A past period on the units valid on ``as_of``, as ``chiso evaluate --as-of`` answers it."""
    from chiso.results.history import aggregated_from, evaluate_as_of

    unit = get_unit_for_user_or_404(user, q.unit) if q.unit else None
    history = evaluate_as_of(framework, period, q.as_of, basis, unit=unit,
                             units=None if unit is not None else _units_of(user, q.level, q.parent))
    doc = {"basis": basis, "as_of": q.as_of.isoformat(), **evaluation_to_dict(history.evaluation),
           "left_out": history.left_out}
    for item in doc["units"]:
        item["aggregated_from"] = aggregated_from(history, item["unit"])
    return doc


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


# --- figures: POST /values ----------------------------------------------------------------------


class ValueRowIn(Schema):
    unit: str
    period: str
    element: str
    value: Any = Field(..., description="số (54919, 0.936), chuỗi theo cách viết Việt Nam (\"54.919\", \"93,6%\"), "
                                        "Có/Không, hoặc văn bản; null để xóa ô")
    comment: str | None = Field(None, description="ghi chú; bỏ trống thì giữ ghi chú đang có")


class ConflictOut(Schema):
    row: int | None = Field(..., description="dòng: thứ tự trong mảng JSON (từ 1) hoặc số dòng của tệp")
    column: str | None
    value: str
    code: str
    message: str


class CountsOut(Schema):
    created: int
    updated: int
    unchanged: int
    ignored: int


class ChangeOut(Schema):
    row: int
    unit: str
    period: str
    element: str
    old: str | None
    new: str


class ImportSummaryOut(Schema):
    status: str = Field(..., description="OK | WARNING (có dòng không làm thay đổi gì) | ERROR (không ghi gì)")
    dry_run: bool
    counts: CountsOut
    conflicts: list[ConflictOut]
    changes: list[ChangeOut]


_VALUES_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": ValueRowIn.model_json_schema()}},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary",
                                        "description": "tệp CSV/XLSX như chiso import_values nhận"},
                               "sheet": {"type": "string"}}}},
        },
    },
}


def _flag(text: str | None) -> bool:
    return (text or "").strip().lower() in ("1", "true", "yes", "on", "có", "co")


@api.post("/values", url_name="values",
          # 422: the import summary when rows were read, {"detail"} when there was nothing to read
          # (no framework, no file, not JSON): found by schemathesis (test_schemathesis.py).
          response={200: ImportSummaryOut, 403: Detail, 404: Detail, 413: Detail, 422: ImportSummaryOut | Detail},
          openapi_extra=_VALUES_BODY,
          summary="Gửi số liệu (JSON hoặc tệp CSV/XLSX), tất cả hoặc không; dry_run=true để chạy thử")
def post_values(request: HttpRequest, framework: str | None = None, dry_run: bool = False) -> Any:
    """Rows go through the importer's checks and the guarded write path; nothing is written on any problem.

    ``framework`` and ``dry_run`` are query parameters (a multipart upload may also send them as form fields).
    """
    user = _user(request)
    if role_of(user) not in (ROLE_REPORTER, ROLE_ADMIN):
        raise HttpError(403, "Vai trò của bạn không được nhập số liệu.")
    code = framework or request.POST.get("framework")
    if not code:
        raise HttpError(422, "Thiếu tham số framework (mã bộ chỉ tiêu).")
    fw = _framework(code)
    dry_run = dry_run or _flag(request.POST.get("dry_run"))
    units = None if role_of(user) == ROLE_ADMIN else visible_units(user)
    token = getattr(request, "api_token", None)
    via = {"api": token.shown if token is not None else "phiên đăng nhập"}
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise HttpError(422, "Thiếu tệp: gửi tệp CSV/XLSX trong trường file.")
        try:
            table = read_table(upload, fields=FIELDS, required=REQUIRED, filename=upload.name,
                               sheet=request.POST.get("sheet") or None)
        except ImportError_ as exc:
            return Status(422, value_import.summary(dry_run, conflicts=value_import.file_problems(exc)))
        bad: list[dict[str, Any]] = []
    else:
        rows = _json(request)
        if isinstance(rows, dict) and isinstance(rows.get("rows"), list):
            rows = rows["rows"]
        if not isinstance(rows, list) or not rows:
            raise HttpError(422, "Cần một mảng JSON các dòng {unit, period, element, value, comment}, "
                                 "ít nhất một dòng.")
        table, bad = value_import.rows_table(rows)
    if bad:
        return Status(422, value_import.summary(dry_run, conflicts=bad))
    answer = value_import.import_summary(table, fw, user, dry_run, units, provenance=via)
    return Status(422 if answer["status"] == value_import.STATUS_ERROR else 200, answer)


# --- the review workflow --------------------------------------------------------------------------

ACTIONS: dict[str, str] = {
    "submit": STATUS_SUBMITTED,
    "return": STATUS_RETURNED,
    "approve": STATUS_APPROVED,
    "reopen": STATUS_DRAFT,
}


class SubmissionQuery(Schema):
    framework: str
    period: str
    unit: str | None = None
    status: str | None = Field(None, description="draft | submitted | returned | approved")


class SubmissionOut(Schema):
    id: int
    round: int
    framework: str
    framework_version: str
    unit: str
    unit_name: str
    period: str
    status: str
    status_label: str
    version: int
    deadline: date
    round_open: bool
    updated_at: datetime
    may_submit: bool
    may_return: bool
    may_approve: bool
    may_reopen: bool


class TransitionIn(Schema):
    action: str = Field(..., description="submit | return | approve | reopen")
    version: int = Field(..., description="phiên bản báo cáo mà bên gọi đã thấy (chống ghi đè)")
    comment: str = ""


class EventOut(Schema):
    id: int
    from_status: str
    to_status: str
    comment: str
    at: datetime


class TransitionOut(Schema):
    submission: SubmissionOut
    event: EventOut


class StaleOut(Schema):
    detail: str
    current: SubmissionOut


def _may(sub: Submission, to_status: str, user: Any) -> bool:
    """The table allows it from the current status, for this user, and the round is open (validity aside)."""
    return sub.round.is_open and may_transition(sub, to_status, user)


def submission_dict(sub: Submission, user: Any) -> dict[str, Any]:
    """A report as the API shows it, with what ``user`` may do with it now."""
    rnd = sub.round
    may = {action: _may(sub, to_status, user) for action, to_status in ACTIONS.items()}
    return {
        "id": sub.pk, "round": rnd.pk, "framework": rnd.framework.code, "framework_version": rnd.framework.version,
        "unit": sub.unit.code, "unit_name": sub.unit.name, "period": rnd.period,
        "status": sub.status, "status_label": status_label(sub.status), "version": sub.version,
        "deadline": rnd.deadline, "round_open": rnd.is_open, "updated_at": sub.updated_at,
        "may_submit": may["submit"], "may_return": may["return"],
        "may_approve": may["approve"], "may_reopen": may["reopen"],
    }


def _submissions(user: Any):
    return Submission.objects.visible_to(user).select_related("round", "round__framework", "unit")


@api.get("/submissions", response=list[SubmissionOut],
         summary="Báo cáo của các đơn vị trong phạm vi, với những việc người gọi được làm")
def submissions(request: HttpRequest, response: HttpResponse, q: Query[SubmissionQuery],
                page: Query[PageQuery]) -> list[dict[str, Any]]:
    user = _user(request)
    fw = _framework(q.framework)
    period = _period(q.period)
    rows = _submissions(user).filter(round__framework__code=fw.code, round__period=period)
    if q.unit:
        rows = rows.filter(unit=get_unit_for_user_or_404(user, q.unit))
    if q.status:
        if q.status not in dict(SUBMISSION_STATUS_CHOICES):
            raise HttpError(422, f'Trạng thái "{q.status}" không có: chọn draft, submitted, returned hoặc approved.')
        rows = rows.filter(status=q.status)
    rows = rows.order_by("unit__path", "round__opened_at", "pk")
    return [submission_dict(sub, user) for sub in _page(request, response, rows, page)]


@api.post("/submissions/{submission_id}/transitions", url_name="transitions",
          response={200: TransitionOut, 403: Detail, 404: Detail, 409: StaleOut, 422: ProblemsOut},
          openapi_extra=_json_body(TransitionIn), summary="Nộp, trả lại, duyệt hoặc mở lại một báo cáo (kèm phiên bản đã thấy)")
def transition(request: HttpRequest, submission_id: int) -> Any:
    """403 when the role may not, 409 with the current state when ``version`` is stale or the status
    moved on, 422 with what is missing (a submit) or a missing comment (return, reopen)."""
    user = _user(request)
    sub = _submission_or_404(user, submission_id)
    body = _body(request, TransitionIn)
    to_status = ACTIONS.get(body.action)
    if to_status is None:
        return Status(422, {"problems": [],
                            "detail": f'Thao tác "{body.action}" không có: chọn submit, return, approve hoặc reopen.'})

    def stale(detail: str, current: Submission = sub) -> Status:
        return Status(409, {"detail": detail, "current": submission_dict(current, user)})

    if body.version != sub.version:
        return stale(f"Báo cáo đã thay đổi (phiên bản hiện tại {sub.version}, bạn gửi {body.version}): "
                     "hãy đọc lại trạng thái rồi thử lại.")
    rule = TRANSITIONS.get((sub.status, to_status))
    if rule is None:
        return stale(f"Không thể chuyển báo cáo từ “{status_label(sub.status)}” sang “{status_label(to_status)}”.")
    if not may_transition(sub, to_status, user):
        raise HttpError(403, f"Tài khoản của bạn không được “{rule.label}” báo cáo này.")
    if not sub.round.is_open:
        return stale("Đợt đánh giá đã đóng.")
    try:
        event = apply_transition(sub, to_status, user, comment=body.comment, expected_version=body.version)
    except ConflictError as exc:
        return stale(exc.message, _submissions(user).get(pk=exc.current.pk))
    except WorkflowError as exc:
        return Status(422, {"detail": exc.message, "problems": exc.problems})
    event_out = {"id": event.pk, "from_status": event.from_status, "to_status": event.to_status,
                 "comment": event.comment, "at": event.at}
    return Status(200, {"submission": submission_dict(sub, user), "event": event_out})


# --- evidence -----------------------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    indicator: str
    name: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: str | None
    uploaded_at: datetime
    download: str = Field(..., description="đường dẫn tải tệp qua API (mã truy cập hoặc phiên)")


def evidence_dict(request: HttpRequest, ev: Any) -> dict[str, Any]:
    return {
        "id": ev.pk, "indicator": ev.indicator, "name": ev.original_name, "content_type": ev.content_type,
        "size": ev.size, "sha256": ev.sha256, "description": ev.description,
        "uploaded_by": ev.uploaded_by.get_username() if ev.uploaded_by_id else None, "uploaded_at": ev.uploaded_at,
        "download": request.build_absolute_uri(reverse("api:evidence_file", args=(ev.pk,))),
    }


def _indicator_codes(sub: Submission) -> set[str]:
    codes: set[str] = set()

    def walk(ind: Any, code: str) -> None:
        codes.add(code)
        for item in ind.items:
            walk(item, f"{code}.{item.code}")

    for ind in sub.round.framework.spec().indicators:
        walk(ind, ind.code)
    return codes


def _submission_or_404(user: Any, submission_id: int) -> Submission:
    sub = _submissions(user).filter(pk=submission_id).first()
    if sub is None:
        raise Http404(f"Không tìm thấy báo cáo số {submission_id}.")
    return sub


@api.get("/submissions/{submission_id}/evidence", url_name="evidence", response=list[EvidenceOut],
         summary="Minh chứng của một báo cáo")
def evidence_list(request: HttpRequest, submission_id: int) -> list[dict[str, Any]]:
    sub = _submission_or_404(_user(request), submission_id)
    return [evidence_dict(request, ev) for ev in sub.evidence.select_related("uploaded_by").order_by("indicator", "pk")]


@api.get("/evidence/{evidence_id}/file", url_name="evidence_file", response={200: None, 404: Detail},
         summary="Tải một tệp minh chứng (đúng loại đã kiểm tra khi nộp)")
def evidence_file(request: HttpRequest, evidence_id: int) -> Any:
    """The file as an attachment, to those who may see its unit, like the web's download page."""
    user = _user(request)
    ev = Evidence.objects.filter(pk=evidence_id, submission__in=_submissions(user)).first()
    if ev is None:
        raise Http404(f"Không tìm thấy minh chứng số {evidence_id}.")
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp minh chứng không còn trên máy chủ.") from None
    response = FileResponse(handle, content_type=ev.content_type, as_attachment=True, filename=ev.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


_EVIDENCE_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "PDF, ảnh, DOCX hoặc XLSX"},
                   "indicator": {"type": "string", "description": "mã chỉ tiêu (ví dụ 1 hoặc 4.a)"},
                   "description": {"type": "string"}}}}}}}


@api.post("/submissions/{submission_id}/evidence", url_name="evidence",
          response={201: EvidenceOut, 403: Detail, 404: Detail, 409: Detail, 422: Detail},
          openapi_extra=_EVIDENCE_BODY, summary="Nộp một tệp minh chứng (cùng kiểm tra loại và dung lượng như trên web)")
def evidence_upload(request: HttpRequest, submission_id: int) -> Any:
    user = _user(request)
    sub = _submission_or_404(user, submission_id)
    if not can_edit_unit(user, sub.unit):
        raise HttpError(403, "Bạn không được nộp minh chứng cho đơn vị này.")
    if not sub.is_editable:
        raise HttpError(409, f"Báo cáo đang ở trạng thái “{status_label(sub.status)}”"
                             f"{'' if sub.round.is_open else ' trong đợt đã đóng'}, không thêm minh chứng được.")
    upload = request.FILES.get("file")
    if upload is None:
        raise HttpError(422, "Thiếu tệp: gửi tệp minh chứng trong trường file (multipart/form-data).")
    code = (request.POST.get("indicator") or "").strip()
    if code and code not in _indicator_codes(sub):
        raise HttpError(422, f"Bộ chỉ tiêu {sub.round.framework.code} không có chỉ tiêu {code!r}.")
    try:
        ev = store_evidence(sub, upload, user, code, request.POST.get("description") or "")
    except EvidenceError as exc:
        raise HttpError(422, str(exc)) from None
    return Status(201, evidence_dict(request, ev))


# --- rounds -----------------------------------------------------------------------------------------


class RoundIn(Schema):
    framework: str
    period: str
    deadline: date | None = Field(None, description="hạn nộp YYYY-MM-DD (mặc định: 30 ngày sau hôm nay)")
    units: list[str] = Field(default_factory=list, description="mã đơn vị gốc; mặc định mọi đơn vị trong phạm vi")
    levels: list[str] = Field(default_factory=list, description="chỉ đơn vị ở các cấp này")
    title: str = ""


class RoundOut(Schema):
    round: int
    framework: str
    framework_version: str
    period: str
    deadline: date
    title: str
    root_unit: str | None
    level: str | None
    reports: int


@api.post("/rounds", response={201: list[RoundOut], 403: Detail, 404: Detail, 409: Detail, 422: Detail},
          openapi_extra=_json_body(RoundIn), summary="Mở đợt đánh giá (quản trị viên), như chiso open_round")
def rounds(request: HttpRequest) -> Any:
    user = _user(request)
    if role_of(user) != ROLE_ADMIN:
        raise HttpError(403, "Chỉ quản trị viên được mở đợt đánh giá.")
    body = _body(request, RoundIn, lists=("units", "levels"))
    fw = _framework(body.framework)
    period = _period(body.period)
    today = timezone.localdate()
    deadline = body.deadline or today + timedelta(days=30)
    if deadline < today:
        raise HttpError(422, f"Hạn nộp {format_date(deadline)} đã qua (hôm nay {format_date(today)}).")
    unknown_levels = [lv for lv in body.levels if lv not in LEVELS]
    if unknown_levels:
        raise HttpError(422, f"Cấp không có: {', '.join(unknown_levels)} (chọn {', '.join(LEVELS)}).")
    roots: list[Unit | None] = []
    for code in body.units:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise Http404(f"Không có đơn vị mã {code!r}.")
        roots.append(unit)
    opened = []
    try:
        with transaction.atomic():
            for root in roots or [None]:
                for level in body.levels or [""]:
                    opened.append(open_round(fw, period, deadline, user, root_unit=root, level=level,
                                             title=body.title))
    except WorkflowError as exc:
        return Status(409, {"detail": f"Không mở đợt nào: {exc}"})
    return Status(201, [{
        "round": r.pk, "framework": fw.code, "framework_version": fw.version, "period": r.period,
        "deadline": r.deadline, "title": r.title, "root_unit": r.root_unit.code if r.root_unit else None,
        "level": r.level or None, "reports": r.submissions.count(),
    } for r in opened])


# Receiving another instance's results (chiso push) and where figures came from: chiso/api/pushes.py.
from . import pushes  # noqa: E402,F401
