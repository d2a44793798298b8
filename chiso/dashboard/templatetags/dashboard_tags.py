"""Vietnamese formatting and status marks for the dashboard templates.

Numbers are formatted by the engine's own functions and words come from
``chiso.results.vocabulary``, so a page shows exactly what the CLI and the
reports print (54.919; 65,00%; 05/01/2026; "UBND cấp xã"; "Chưa đạt").
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from django import template

from chiso.engine.numbers import format_date, format_int, format_number, format_percent
from chiso.results import vocabulary

register = template.Library()


@register.filter
def pct(value: Fraction | None, decimals: int = 2) -> str:
    """A target as the decision writes it ("90%"); measured rates use ``rate``. "—" when none."""
    return format_percent(value, int(decimals)) if value is not None else "—"


@register.filter
def rate(value: Fraction | None, decimals: int = 2) -> str:
    """A measured rate with fixed decimals, as every surface prints it: 13/20 → "65,00%"."""
    return vocabulary.rate(value, int(decimals))


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
    """"Đ", "K", "?", "−", "!" for verdicts; "HT", "CHT", "CBC" for units."""
    return vocabulary.status_mark(status)


@register.filter
def status_icon(status: str) -> str:
    return vocabulary.status_mark(status, icon=True)


@register.filter
def status_label(status: str) -> str:
    """A verdict or unit status in words, in the active language."""
    return vocabulary.status_label(status)


@register.filter
def level_label(level: str) -> str:
    """"CQNN cấp tỉnh", "UBND cấp huyện", "UBND cấp xã"."""
    return vocabulary.level_agency(level)


@register.filter
def forecast_label(verdict: str) -> str:
    """"đúng tiến độ", "đã đạt mục tiêu", "có nguy cơ", "chưa đủ dữ liệu để dự báo"."""
    return vocabulary.forecast_verdict(verdict)


@register.simple_tag
def not_ranked() -> str:
    """"Không xếp hạng", for a category below a criterion's minimum."""
    return str(vocabulary.NOT_RANKED)


@register.filter
def get_item(mapping: object, key: object) -> object:
    """``mapping[key]`` in a template (None when absent)."""
    try:
        return mapping[key]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
