"""A connection whose prepared statements outlived a change of a column's type is closed, not kept.

With prepared statements on PostgreSQL (``DB_PREPARED_STATEMENTS``, docs/operations.md), a
migration that changes a column's type makes each statement an older connection prepared on that
column fail with "cached plan must not change result type" — and Django keeps the connection, since
its health check (``SELECT 1``) still passes, so the process fails the same way until the connection
is ``DB_CONN_MAX_AGE`` old. The upgrade runbook reloads the processes right after ``migrate``; this
closes such a connection at its first failure, so the next request starts on a fresh one.
"""

from __future__ import annotations

import sys

from django.core.signals import got_request_exception
from django.db import connections
from django.dispatch import receiver

STALE_PLAN = "cached plan must not change result type"
FEATURE_NOT_SUPPORTED = "0A000"  # PostgreSQL's SQLSTATE for it


def is_stale_plan(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it: Django wraps psycopg's error) is PostgreSQL's stale plan error."""
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "sqlstate", None) == FEATURE_NOT_SUPPORTED and STALE_PLAN in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


@receiver(got_request_exception, dispatch_uid="ops-close-after-stale-plan")
def close_after_stale_plan(sender, request=None, **kwargs) -> None:
    if is_stale_plan(sys.exc_info()[1]):
        for connection in connections.all(initialized_only=True):
            connection.close()
