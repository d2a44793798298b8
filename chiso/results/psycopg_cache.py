"""Let psycopg keep the conversion of a deadline-day save's statement, as it does for short ones.

Before sending a query, psycopg turns its ``%s`` placeholders into PostgreSQL's ``$1, $2, …`` and
keeps the result per query text — but only for texts of at most 50 parameters and 4.096
characters, so that ORMs' bulk inserts of ever-changing sizes do not crowd out the rest. A web
save sends its writes, the revision's bump and the stale flags as one statement
(``chiso.results.store._writes_and_bump``): 15 + 24 parameters per changed cell — 63 for two cells —
and the same text save after save. Above the limit psycopg parsed it again on every save — 5% of
the web processes' CPU under the deadline-day load (docs/operations.md, 04/12/2026). The limits are psycopg module settings read
on each query (``psycopg._queries``, not public API): raised here, once, at start-up; if a psycopg
release renames them, nothing changes and ``test_psycopg_cache`` says so.
"""

from __future__ import annotations

# A save of up to ALONG_AT_MOST (50) cells — 15 + 24 × 50 = 1.215 parameters — stays under these. An
# import's multi-row inserts (up to 900 parameters each) are kept too; psycopg's cache holds at most
# 128 conversions per process, the least used dropped first, so they cannot grow it.
CACHED_PARAMS_AT_MOST = 1300
CACHED_LENGTH_AT_MOST = 256 * 1024


def raise_limits() -> bool:
    """Raise psycopg's limits for keeping a query's conversion; False when psycopg has no such limits."""
    try:
        from psycopg import _queries
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    if not (hasattr(_queries, "MAX_CACHED_STATEMENT_PARAMS") and hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH")):
        return False
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, CACHED_PARAMS_AT_MOST)
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, CACHED_LENGTH_AT_MOST)
    return True
