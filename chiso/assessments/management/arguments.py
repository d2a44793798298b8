"""What the assessment commands read from their options the same way: a framework and a period."""

from __future__ import annotations

from django.core.management.base import CommandError

from chiso.engine.periods import Period, PeriodError, parse_period
from chiso.frameworks.models import Framework


def framework_option(code: str) -> Framework:
    """The newest stored version of ``code`` (or ``code@version``); a Vietnamese ``CommandError`` otherwise."""
    try:
        return Framework.objects.latest_of(code)
    except Framework.DoesNotExist as exc:
        raise CommandError(f"Không có bộ chỉ tiêu mã {code!r}.") from exc


def period_option(text: str) -> Period:
    """The period ``text`` names (2025-01, 2025-Q1, 2025-H1, 2025); a Vietnamese ``CommandError`` otherwise."""
    try:
        return parse_period(text)
    except PeriodError as exc:
        detail = str(exc)
        raise CommandError(f"Kỳ không hợp lệ: {detail[:1].lower()}{detail[1:]}") from exc
