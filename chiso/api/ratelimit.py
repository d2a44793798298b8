"""Per-token rate limit: at most ``API_RATE_LIMIT_PER_MINUTE`` requests in each fixed minute.

A script that loops too fast must not starve the province's other users of the
one shared server. The counter lives in the database (:class:`ApiRateWindow`)
so several gunicorn processes share it; browser sessions are not limited (a
person cannot click 120 times a minute). Over the limit the answer is ``429``
with ``Retry-After``: the seconds until the next minute begins.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from ninja.errors import Throttled

from .models import ApiRateWindow, ApiToken

DEFAULT_LIMIT = 120
WINDOW = timedelta(minutes=1)


class RateLimited(Throttled):
    """Too many requests from one token in this minute; ``wait`` is the Retry-After in seconds."""

    def __init__(self, wait: int, limit: int) -> None:
        super().__init__(wait)
        self.message = (f"Mã truy cập API đã gửi quá {limit} yêu cầu trong một phút: "
                        f"thử lại sau {wait} giây.")


def limit_per_minute() -> int:
    """The setting ``API_RATE_LIMIT_PER_MINUTE`` (0 or less: no limit)."""
    return int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_LIMIT))


def _now() -> datetime:
    return timezone.now()


def count_request(token: ApiToken) -> None:
    """Count one request of ``token`` in the current minute; :class:`RateLimited` beyond the limit.

    The ``UPDATE`` locks the minute's row until the transaction ends, so concurrent workers count
    one after another and each reads its own total; the first request of a minute creates the row
    (a concurrent creator loses the unique constraint and updates instead) and drops older minutes.
    """
    limit = limit_per_minute()
    if limit <= 0:
        return
    now = _now()
    start = now.replace(second=0, microsecond=0)
    rows = ApiRateWindow.objects.filter(token=token, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    ApiRateWindow.objects.create(token=token, window_start=start, count=1)
            except IntegrityError:
                rows.update(count=F("count") + 1)
            else:
                ApiRateWindow.objects.filter(token=token, window_start__lt=start).delete()
        count = rows.values_list("count", flat=True).get()
    if count > limit:
        wait = max(1, math.ceil((start + WINDOW - now).total_seconds()))
        raise RateLimited(wait, limit)
