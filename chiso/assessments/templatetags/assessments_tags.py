"""Display helpers for the assessment pages: verdict words, Vietnamese numbers and dates."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.engine.numbers import format_date, format_number
from chiso.results import vocabulary

register = template.Library()


def status_words() -> dict[str, str]:
    """Verdicts and unit statuses in words (``chiso.results.vocabulary``), so colour is never the only signal."""
    return {code: str(label) for code, label in (*vocabulary.VERDICTS.items(), *vocabulary.UNIT_STATUSES.items())}


@register.filter
def status_label(status: str) -> str:
    return vocabulary.status_label(status)


@register.filter
def result_value(result: Any, decimals: int = 2) -> str:
    """An indicator result's value: 93,61% for ratios, 54.919 for numbers, Có/Không for yes/no."""
    value = getattr(result, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, str) or result.kind in ("composite", "text"):
        return ""
    if result.kind == "ratio":
        return vocabulary.rate(Fraction(value), int(decimals))
    return format_number(Fraction(value), decimals=int(decimals))


@register.filter
def vn_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (local date for timestamps)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value)


@register.filter
def vn_datetime(value: datetime | None) -> str:
    """HH:MM dd/mm/yyyy in local time."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


@register.filter
def days_label(days: int | None) -> str:
    """"còn 5 ngày", "hôm nay là hạn", "trễ 3 ngày"."""
    if days is None:
        return ""
    if days > 0:
        return _("còn %(n)d ngày") % {"n": days}
    if days == 0:
        return _("hôm nay là hạn")
    return _("trễ %(n)d ngày") % {"n": -days}


@register.filter
def percent(value: Fraction | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return vocabulary.rate(Fraction(value), int(decimals))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    return mapping.get(key)
