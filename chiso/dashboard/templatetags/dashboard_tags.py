"""Vietnamese formatting and status marks for the dashboard templates.

Numbers are formatted by the engine's own functions so a page shows exactly
what the CLI and the reports print (54.919; 93,61%; 05/01/2026).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from django import template

from chiso.assessments.serialize import percent_fixed
from chiso.engine.numbers import format_date, format_int, format_number, format_percent

register = template.Library()

# Status → (letter, icon, label). Letters and icons so the matrix never relies on colour alone.
STATUS_MARKS: dict[str, tuple[str, str, str]] = {
    "met": ("Đ", "✓", "Đạt"),
    "not_met": ("K", "✗", "Không đạt"),
    "missing": ("?", "?", "Thiếu số liệu"),
    "not_applicable": ("–", "–", "Không áp dụng"),
    "invalid": ("!", "!", "Số liệu không hợp lệ"),
    "complete": ("HT", "✓", "Hoàn thành"),
    "incomplete": ("CHT", "✗", "Chưa hoàn thành"),
    "not_reported": ("CBC", "?", "Chưa báo cáo"),
}


@register.filter
def pct(value: Fraction | None, decimals: int = 2) -> str:
    """A ratio as a Vietnamese percentage ("93,61%"); "—" when there is none."""
    return format_percent(value, int(decimals)) if value is not None else "—"


@register.filter
def rate(value: Fraction | None, decimals: int = 2) -> str:
    """A computed rate with fixed decimals, as the CLI table prints it: 13/20 → "65,00%"."""
    return percent_fixed(value, int(decimals))


@register.filter
def vn_int(value: object) -> str:
    """54919 → "54.919"."""
    if value is None or value == "":
        return "—"
    return format_int(int(value))


@register.filter
def vn_num(value: object, decimals: int = 2) -> str:
    """1234.5 → "1.234,5"; booleans as Có/Không; text as is."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, str):
        return value
    return format_number(value, int(decimals))


@register.filter
def vn_date(value: date | None) -> str:
    """A date as dd/mm/yyyy."""
    return format_date(value) if value else "—"


@register.filter
def status_letter(status: str) -> str:
    return STATUS_MARKS.get(status, ("", "", status))[0]


@register.filter
def status_icon(status: str) -> str:
    return STATUS_MARKS.get(status, ("", "", status))[1]


@register.filter
def status_label(status: str) -> str:
    return STATUS_MARKS.get(status, ("", "", status))[2]


@register.filter
def level_label(level: str) -> str:
    from chiso.dashboard.data import LEVEL_LABELS

    return LEVEL_LABELS.get(level, level)


@register.filter
def get_item(mapping: object, key: object) -> object:
    """``mapping[key]`` in a template (None when absent)."""
    try:
        return mapping[key]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
