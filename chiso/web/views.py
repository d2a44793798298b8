"""Home page: where each role starts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chiso.accounts.permissions import (
    ROLE_ADMIN,
    ROLE_REPORTER,
    ROLE_REVIEWER,
    ROLE_VIEWER,
    role_of,
    visible_units,
)


def _link(name: str, label: str, hint: str) -> dict | None:
    try:
        return {"url": reverse(name), "label": label, "hint": hint}
    except NoReverseMatch:
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One screen that tells each role where their work is, in plain words.

    Links to pages of other parts (data entry, review, dashboard) appear only
    once those pages exist, so the home page never shows a dead link.
    """
    role = role_of(request.user)
    candidates: list[dict | None] = []
    if role in (ROLE_REPORTER, ROLE_ADMIN):
        candidates.append(_link("assessments:my_work", _("Việc cần làm"),
                                _("Các đợt đánh giá đang mở của đơn vị bạn, kèm hạn nộp.")))
    if role in (ROLE_REVIEWER, ROLE_ADMIN):
        candidates.append(_link("assessments:review_queue", _("Hồ sơ chờ thẩm định"),
                                _("Báo cáo các đơn vị đã nộp, chờ bạn trả lại hoặc duyệt.")))
    if role in (ROLE_VIEWER, ROLE_REVIEWER, ROLE_ADMIN):
        candidates.append(_link("dashboard:overview", _("Tổng quan"),
                                _("Tỷ lệ đơn vị hoàn thành, tiêu chí chưa đạt, theo cấp.")))
        candidates.append(_link("reports:index", _("Báo cáo tổng hợp"),
                                _("Phụ lục, báo cáo theo mẫu Nghị định 30, ma trận xã.")))
    if role == ROLE_ADMIN:
        candidates += [
            _link("assessments:round_list", pgettext("trang", "Đợt đánh giá"), _("Mở đợt mới, đặt hạn nộp.")),
            _link("accounts:unit_tree", pgettext("trang", "Đơn vị"), _("Cây đơn vị, nhập từ tệp CSV/XLSX.")),
            _link("accounts:framework_list", pgettext("trang", "Bộ chỉ tiêu"), _("Tải lên tệp YAML, xem chỉ tiêu.")),
            _link("accounts:user_list", _("Người dùng"), _("Tài khoản, vai trò, phạm vi.")),
        ]
    links = [c for c in candidates if c]
    scope_roots = []
    if role and role != ROLE_ADMIN:
        scope_roots = list(request.user.profile.scopes.order_by("path"))
    return render(request, "web/home.html", {
        "role": role,
        "links": links,
        "scope_roots": scope_roots,
        "unit_count": visible_units(request.user).filter(active=True).count() if role else 0,
    })
