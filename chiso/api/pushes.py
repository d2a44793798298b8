"""``POST /api/v1/pushes`` (receive another instance's results) and ``GET /api/v1/pushes`` (where figures came from).

The logic is in :mod:`chiso.api.receive`; this module reads the request (JSON,
or multipart with the payload and the mapping file as files, for ``curl -F``)
and documents the answers for the OpenAPI schema. Imported at the end of
:mod:`chiso.api.api`, whose ``api`` it adds the two operations to.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from chiso.accounts.permissions import get_unit_for_user_or_404, unit_scope_q

from .api import PageQuery, _framework, _json, _page, _period, _user, api
from .models import PushedUnit
from .receive import may_receive, receive_push


class PushConflictOut(Schema):
    file: str = Field(..., description="payload (nội dung gửi) hoặc tên tệp ánh xạ")
    row: int | None = Field(..., description="vị trí đơn vị trong units (từ 1) hoặc số dòng của tệp ánh xạ")
    column: str | None
    value: str
    code: str
    message: str


class PushCountsOut(Schema):
    units: int
    created: int
    updated: int
    deleted: int
    unchanged: int


class PushChangeOut(Schema):
    unit: str
    sender_unit: str
    element: str
    old: str | None
    new: str | None


class PushOut(Schema):
    status: str = Field(..., description="OK | WARNING (đã ghi nhưng kết quả ở đây khác bên gửi) | ERROR (không ghi gì)")
    dry_run: bool
    counts: PushCountsOut
    conflicts: list[PushConflictOut]
    unknown: list[str] = Field(..., description="mã đơn vị không đặt được: không có ở nơi nhận hoặc không có trong tệp ánh xạ")
    receipt: int | None = Field(..., description="số của lần nhận; null khi chạy thử hoặc không có gì đổi")
    payload_hash: str | None
    check: dict[str, Any] | None = Field(..., description="kết quả chính thức ở nơi nhận so với bên gửi")
    changes: list[PushChangeOut] = []


class PushDetail(Schema):
    detail: str


class PushQuery(Schema):
    framework: str | None = Field(None, description="mã bộ chỉ tiêu ở nơi nhận (mặc định: như bên gửi)")
    dry_run: bool = False


class ProvenanceQuery(Schema):
    framework: str
    period: str
    unit: str | None = None


class ProvenanceOut(Schema):
    unit: str
    unit_name: str
    framework: str
    framework_version: str
    period: str
    instance: str
    sender_unit: str
    sender_unit_name: str
    basis: str
    pushed_at: datetime
    received_at: datetime
    payload_hash: str
    receipt: int
    status: str
    met: int
    applicable: int
    figures: int


_PUSH_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "description": "nội dung do chiso push tạo (format chiso-push/1)",
                                    "properties": {"format": {"type": "string"}, "units": {"type": "array"},
                                                   "mapping": {"type": "object", "properties": {
                                                       "file": {"type": "string"}, "content": {"type": "string"}}}}}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["payload"], "properties": {
        "payload": {"type": "string", "format": "binary", "description": "tệp JSON do chiso push tạo"},
        "mapping": {"type": "string", "format": "binary", "description": "tệp CSV/XLSX: mã bên gửi, mã bên nhận"}}}},
}}}


def _read(request: HttpRequest) -> tuple[Any, bytes | None, str]:
    """(payload, mapping bytes or None, mapping file name) from JSON or multipart."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("payload")
        text = upload.read() if upload is not None else (request.POST.get("payload") or "").encode("utf-8")
        if not text:
            raise HttpError(422, "Thiếu nội dung gửi: tệp JSON trong trường payload.")
        try:
            payload = json.loads(text)
        except ValueError:
            raise HttpError(422, "Trường payload không phải JSON hợp lệ.") from None
        mapping = request.FILES.get("mapping")
        return payload, (mapping.read() if mapping is not None else None), (mapping.name if mapping else "")
    payload = _json(request)
    if not isinstance(payload, dict):
        raise HttpError(422, "Cần một đối tượng JSON do chiso push tạo trong thân yêu cầu.")
    mapping = payload.get("mapping")
    if isinstance(mapping, dict) and isinstance(mapping.get("content"), str):
        return payload, mapping["content"].encode("utf-8"), str(mapping.get("file") or "ánh xạ.csv")
    return payload, None, ""


@api.post("/pushes", url_name="pushes",
             response={200: PushOut, 403: PushDetail, 404: PushDetail, 413: PushDetail, 422: PushOut | PushDetail},
             openapi_extra=_PUSH_BODY,
             summary="Nhận kết quả một tỉnh gửi lên bằng chiso push (quản trị viên hoặc quyền api.receive_push)")
def receive(request: HttpRequest, q: Query[PushQuery]) -> Any:
    """All or nothing; 422 lists every problem (unknown codes under ``unknown``); the same data again changes nothing."""
    user = _user(request)
    if not may_receive(user):
        raise HttpError(403, "Chỉ quản trị viên hoặc tài khoản được cấp quyền nhận số liệu mới gửi được vào đây.")
    payload, mapping, mapping_name = _read(request)
    code = q.framework or (payload.get("framework") if isinstance(payload, dict) else None)
    if not isinstance(code, str) or not code:
        raise HttpError(422, "Thiếu mã bộ chỉ tiêu (trường framework của nội dung gửi, hoặc tham số framework).")
    framework = _framework(code)
    answer = receive_push(payload, user, framework, mapping_data=mapping, mapping_name=mapping_name,
                          dry_run=q.dry_run, token=getattr(request, "api_token", None))
    return Status(422 if answer["status"] == "ERROR" else 200, answer)


def provenance_rows(user: Any, framework_code: str | None = None, period: str | None = None, unit: Any = None):
    """Per-unit provenance the user may see, newest first."""
    rows = (PushedUnit.objects.filter(unit_scope_q(user, "unit__"))
            .select_related("unit", "framework", "receipt").order_by("-receipt__received_at", "unit__path"))
    if framework_code:
        rows = rows.filter(framework__code=framework_code)
    if period:
        rows = rows.filter(period=period)
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows


def provenance_dict(row: PushedUnit) -> dict[str, Any]:
    receipt = row.receipt
    return {
        "unit": row.unit.code, "unit_name": row.unit.name, "framework": row.framework.code,
        "framework_version": row.framework.version, "period": row.period, "instance": receipt.instance,
        "sender_unit": row.sender_code, "sender_unit_name": row.sender_name, "basis": receipt.basis,
        "pushed_at": receipt.pushed_at, "received_at": receipt.received_at, "payload_hash": receipt.payload_hash,
        "receipt": receipt.pk, "status": row.status, "met": row.met, "applicable": row.applicable,
        "figures": row.cells,
    }


@api.get("/pushes", url_name="pushes", response=list[ProvenanceOut],
            summary="Nguồn của số liệu nhận từ hệ thống khác: mỗi đơn vị, từ đâu, lúc nào")
def provenance(request: HttpRequest, response: HttpResponse, q: Query[ProvenanceQuery],
               page: Query[PageQuery]) -> list[dict[str, Any]]:
    user = _user(request)
    framework = _framework(q.framework)
    period = _period(q.period)
    unit = get_unit_for_user_or_404(user, q.unit) if q.unit else None
    rows = provenance_rows(user, framework.code, period, unit)
    return [provenance_dict(r) for r in _page(request, response, rows, page)]
