"""The words every surface uses for levels, verdicts, statuses and bases — defined once, translated.

The page, the CLI table, the XLSX and DOCX exports and the API used to spell
these each their own way ("UBND cấp xã" vs "CQNN cấp xã", "Không đạt" vs
"Chưa đạt", "Thiếu số liệu" vs "Chưa có số liệu"). They are defined here, once,
through ``gettext_lazy`` (Vietnamese is the source language; English lives in
``chiso/locale/en``), and everyone imports them. The wording follows the
province's own documents (seeds 000–004, DOMAIN.md): "CQNN cấp tỉnh",
"UBND cấp huyện", "UBND cấp xã"; "Đạt" / "Chưa đạt".

Rates are printed by one function too: ``rate`` (``chiso.engine.rates.format_rate``,
"65,00%").

Importing this module needs Django but not a configured project: the labels
are lazy and become text when shown, in the language active then.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chiso.engine.rates import format_rate

__all__ = [
    "LEVEL_NAMES", "LEVEL_AGENCIES", "LEVEL_WORDS", "VERDICTS", "VERDICT_MARKS", "MARK_LEGEND",
    "UNIT_STATUSES", "UNIT_STATUS_MARKS", "SUBMISSION_STATUSES", "BASES", "OFFICIAL", "PROVISIONAL",
    "NOT_OFFICIAL", "PROVISIONAL_BANNER", "NOT_RANKED", "WHOLE_SCOPE",
    "level_name", "level_agency", "level_words", "verdict", "unit_status", "status_label",
    "status_mark", "submission_status", "basis_label", "rate", "FORECAST_VERDICTS", "forecast_verdict",
]

# --------------------------------------------------------------------------- levels

# A column "Cấp" or a heading inside a level's block: "Cấp tỉnh".
LEVEL_NAMES: dict[str, Promise] = {
    "province": _("Cấp tỉnh"),
    "district": _("Cấp huyện"),
    "commune": _("Cấp xã"),
}
# The assessed bodies of a level, as the decisions name them: "CQNN cấp tỉnh".
LEVEL_AGENCIES: dict[str, Promise] = {
    "province": _("CQNN cấp tỉnh"),
    "district": _("UBND cấp huyện"),
    "commune": _("UBND cấp xã"),
}
# Inside a sentence: "Không áp dụng cho cấp xã".
LEVEL_WORDS: dict[str, Promise] = {
    "province": _("cấp tỉnh"),
    "district": _("cấp huyện"),
    "commune": _("cấp xã"),
}
WHOLE_SCOPE = _("Toàn bộ đơn vị")

# --------------------------------------------------------------------------- indicator verdicts

# Every status of ``chiso.engine.model.STATUSES``.
VERDICTS: dict[str, Promise] = {
    "met": _("Đạt"),
    "not_met": _("Chưa đạt"),
    "missing": _("Chưa có số liệu"),
    "invalid": _("Số liệu không hợp lệ"),
    "not_applicable": _("Không áp dụng"),
}
# One mark per verdict so colour is never the only signal: letter (tables, CLI) and icon (badges).
VERDICT_MARKS: dict[str, tuple[str, str]] = {
    "met": ("Đ", "✓"),
    "not_met": ("K", "✗"),
    "missing": ("?", "?"),
    "not_applicable": ("−", "–"),
    "invalid": ("!", "!"),
}
MARK_LEGEND = _(
    "Đ: đạt · K: chưa đạt · −: không áp dụng · ?: chưa có số liệu · !: số liệu không hợp lệ"
)

# --------------------------------------------------------------------------- unit statuses

# Every status of ``chiso.engine.model.UnitStatus``.
UNIT_STATUSES: dict[str, Promise] = {
    "complete": _("Hoàn thành"),
    "incomplete": _("Chưa hoàn thành"),
    "not_reported": _("Chưa báo cáo"),
}
UNIT_STATUS_MARKS: dict[str, tuple[str, str]] = {
    "complete": ("HT", "✓"),
    "incomplete": ("CHT", "✗"),
    "not_reported": ("CBC", "?"),
}

# --------------------------------------------------------------------------- submission statuses

# The review workflow's states, worded as ``chiso.assessments.models.SUBMISSION_STATUS_CHOICES``.
SUBMISSION_STATUSES: dict[str, Promise] = {
    "draft": _("Đang nhập"),
    "submitted": _("Đã nộp, chờ thẩm định"),
    "returned": _("Bị trả lại, cần sửa"),
    "approved": _("Đã duyệt"),
}

# --------------------------------------------------------------------------- bases

OFFICIAL = "official"
PROVISIONAL = "provisional"
BASES: dict[str, Promise] = {
    OFFICIAL: _("Chính thức"),
    PROVISIONAL: _("Tạm tính"),
}
# A unit left out on the official basis (no approved figures): counted as not reported, never 0.
NOT_OFFICIAL = _("chưa có số liệu chính thức")
# Printed under the title of every provisional export.
PROVISIONAL_BANNER = _("SỐ LIỆU TẠM TÍNH")

# --------------------------------------------------------------------------- forecast verdicts

# Every verdict of ``chiso.engine.forecast.VERDICTS``.
FORECAST_VERDICTS: dict[str, Promise] = {
    "on_track": _("đúng tiến độ"),
    "reached": _("đã đạt mục tiêu"),
    "at_risk": _("có nguy cơ"),
    "insufficient": _("chưa đủ dữ liệu để dự báo"),
}

# --------------------------------------------------------------------------- ranking

NOT_RANKED = _("Không xếp hạng")


# --------------------------------------------------------------------------- lookups


def level_name(level: str | None) -> str:
    """"Cấp tỉnh" (the code itself for an unknown level)."""
    return str(LEVEL_NAMES.get(level, level or ""))


def level_agency(level: str | None) -> str:
    """"CQNN cấp tỉnh", "UBND cấp huyện", "UBND cấp xã"."""
    return str(LEVEL_AGENCIES.get(level, level or ""))


def level_words(level: str | None) -> str:
    """"cấp xã", inside a sentence."""
    return str(LEVEL_WORDS.get(level, level or ""))


def verdict(status: str) -> str:
    """An indicator's verdict in words: "Đạt", "Chưa đạt", …"""
    return str(VERDICTS.get(status, status))


def unit_status(status: str) -> str:
    """A unit's status in words: "Hoàn thành", "Chưa hoàn thành", "Chưa báo cáo"."""
    return str(UNIT_STATUSES.get(status, status))


def status_label(status: str) -> str:
    """An indicator verdict or a unit status in words (the two sets of codes do not overlap)."""
    if status in VERDICTS:
        return verdict(status)
    return unit_status(status)


def status_mark(status: str, icon: bool = False) -> str:
    """The letter ("Đ", "K", "CBC") or, with ``icon``, the symbol ("✓", "✗") of a status."""
    mark = VERDICT_MARKS.get(status) or UNIT_STATUS_MARKS.get(status)
    if mark is None:
        return ""
    return mark[1] if icon else mark[0]


def submission_status(status: str) -> str:
    """A report's review state in words: "Đang nhập", "Đã duyệt", …"""
    return str(SUBMISSION_STATUSES.get(status, status))


def forecast_verdict(verdict: str) -> str:
    """"đúng tiến độ", "có nguy cơ", …"""
    return str(FORECAST_VERDICTS.get(verdict, verdict))


def basis_label(basis: str) -> str:
    """"Chính thức" or "Tạm tính"."""
    return str(BASES.get(basis, basis))


def rate(value, decimals: int = 2) -> str:
    """A rate as every surface prints it: 13/20 → "65,00%" (None → "—")."""
    return format_rate(value, decimals)
