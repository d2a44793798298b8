"""Reading the records dataset with DuckDB: drill-down lists, provenance, single records.

Metrics never come from here (they read the monthly summary); this is for the
questions a summary cannot answer — *which* dossiers were late in Xã Tân Trung
in 01/2025 — and for checking what an import stored. Every query reads only
the current files of the committed partitions (``dataset.current_files``),
with the partition columns used to skip whole months.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from chiso.engine.periods import Period, parse_period

from . import dataset
from .dataset import ELIGIBLE_SQL, ON_TIME_SQL, RECEIVED_CONDITIONS, RESOLVED_CONDITIONS, SCHEMA

PER_PAGE = 50


def _connect(files: list[Path], kind: str):
    from .importer import duckdb_connection

    workdir = tempfile.TemporaryDirectory(prefix="chiso-read-")
    con = duckdb_connection(workdir.name)
    con.execute(f"CREATE VIEW {kind} AS {dataset.relation_sql(kind, files)}")
    return con, workdir


def _value(name: str, value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)  # the dataset stores UTC instants without a zone
    return value


def _run(kind: str, sql: str, params: list | None, system: str | None, months: tuple[str, str] | None):
    """``sql`` over the current files (``None`` when there are none): rows and column names.

    An import that commits meanwhile deletes the files it replaced; the query is then run
    once more on the new current files.
    """
    for attempt in (1, 2):
        parts = dataset.current_parts(kind, system)
        if months is not None:
            parts = [p for p in parts if months[0] <= f"{p.year:04d}-{p.month:02d}" <= months[1]]
        files = dataset.current_files(kind, system, parts)
        if not files:
            return None
        con, workdir = _connect(files, kind)
        try:
            cur = con.execute(sql, params or [])
            return cur.fetchall(), [d[0] for d in cur.description]
        except duckdb.IOException:
            if attempt == 2:
                raise
        finally:
            con.close()
            workdir.cleanup()
    return None


def query(kind: str, where: str = "TRUE", params: list | None = None, *, system: str | None = None,
          order: str | None = None, limit: int | None = None, offset: int = 0,
          months: tuple[str, str] | None = None) -> list[dict]:
    """Records of ``kind`` matching ``where`` (DuckDB SQL over the dataset's columns), as dicts.

    ``months`` (first, last "YYYY-MM") limits the files read to the partitions of those months.
    Instants come back as aware UTC datetimes, as the database used to return them.
    """
    sql = f"SELECT * FROM {kind} WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    result = _run(kind, sql, params, system, months)
    if result is None:
        return []
    rows, names = result
    return [{n: _value(n, v) for n, v in zip(names, row, strict=True)} for row in rows]


def count(kind: str, where: str = "TRUE", params: list | None = None, *, system: str | None = None,
          months: tuple[str, str] | None = None) -> int:
    """How many records of ``kind`` match ``where``."""
    result = _run(kind, f"SELECT count(*) FROM {kind} WHERE {where}", params, system, months)
    return int(result[0][0][0]) if result else 0


def records(kind: str, system: str | None = None, **equal) -> list[dict]:
    """Every current record of ``kind`` (optionally equal to the given values), ordered by system and id."""
    where = " AND ".join(f"{name} = ?" for name in equal) or "TRUE"
    key = dataset.ID_COLUMN[kind]
    return query(kind, where, list(equal.values()), system=system, order=f"system, {key}")


def record(kind: str, ident: str, system: str = "main") -> dict:
    """One record by its id in ``system``; ``LookupError`` when there is none."""
    rows = records(kind, system, **{dataset.ID_COLUMN[kind]: ident})
    if not rows:
        raise LookupError(f"{kind} {system}/{ident}")
    return rows[0]


def batches_by_unit(kind: str, unit_ids: list[int], last_month: str) -> dict[int, list[int]]:
    """Unit id → ids of the imports whose records a metric up to ``last_month`` can count."""
    if not unit_ids:
        return {}
    month_col = dataset.MONTH_COLUMN[kind]
    result = _run(kind, f"SELECT DISTINCT unit_id, batch FROM {kind} WHERE {month_col} <= ? "
                        f"AND unit_id IN ({', '.join(str(int(u)) for u in unit_ids)})",
                  [last_month], None, ("0000-00", last_month))
    if result is None:
        return {}
    out: dict[int, list[int]] = {}
    for uid, bid in result[0]:
        out.setdefault(int(uid), []).append(int(bid))
    return {uid: sorted(ids) for uid, ids in out.items()}


# -- drill-down ---------------------------------------------------------------------------------
def _received_in(first: str, last: str) -> str:
    return f"received_month BETWEEN '{first}' AND '{last}'"


def _resolved_in(first: str, last: str) -> str:
    return f"status = 'resolved' AND resolved_month BETWEEN '{first}' AND '{last}'"


def dossier_condition(metric: str, period: Period) -> tuple[str, str | None]:
    """The SQL condition of the dossiers a metric of ``period`` counts, and the first month to read.

    The same conditions as the summary (``dataset.RECEIVED_CONDITIONS`` …), so a list
    has exactly as many dossiers as the metric's figure. ``None`` as the first month
    means every month up to the period's end (stocks: carried over, pending).
    """
    from .importer import month_keys

    first, last = month_keys(period)
    carried = (f"{ELIGIBLE_SQL} AND received_month < '{first}' "
               f"AND (status = 'received' OR resolved_month >= '{first}')")
    if metric in RECEIVED_CONDITIONS:
        return f"{_received_in(first, last)} AND ({RECEIVED_CONDITIONS[metric]})", first
    if metric == "resolved_late":
        return f"{_resolved_in(first, last)} AND NOT {ON_TIME_SQL}", None
    if metric in RESOLVED_CONDITIONS:
        return f"{_resolved_in(first, last)} AND ({RESOLVED_CONDITIONS[metric]})", None
    if metric == "carried_over":
        return carried, None
    if metric == "to_resolve":
        return f"({carried}) OR ({_received_in(first, last)} AND {ELIGIBLE_SQL})", None
    if metric == "pending":
        return (f"{ELIGIBLE_SQL} AND received_month <= '{last}' "
                f"AND (status = 'received' OR resolved_month > '{last}')"), None
    raise ValueError(f'Chỉ số "{metric}" không có danh sách hồ sơ')


DRILL_METRICS: tuple[str, ...] = (
    "received", "ineligible", "carried_over", "to_resolve", "resolved", "resolved_on_time", "resolved_late",
    "pending", "online_eligible", "online", "e_result", "digitized", "paid_online", "published_on_time",
    "satisfied", "reused_digitised", "received_full_online", "received_partial_online", "received_offline",
    "resolved_full_online", "resolved_partial_online", "resolved_offline",
)


@dataclass
class Page:
    """One page of a drill-down list."""

    rows: list[dict]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def drill_down(unit_id: int, period: Period | str, metric: str, *, page: int = 1, per_page: int = PER_PAGE,
               system: str | None = None) -> Page:
    """The dossiers of one unit that a metric of ``period`` counts, a page at a time.

    "Which dossiers were late in Xã Tân Trung in 01/2025" is
    ``drill_down(tan_trung.pk, "2025-01", "resolved_late")``. Ordered by received time and id.
    """
    period = parse_period(period)
    condition, first = dossier_condition(metric, period)
    from .importer import month_keys

    _, last = month_keys(period)
    # Stocks and resolved-month flows reach back to earlier partitions; received flows do not.
    months = (first or "0000-00", last) if metric in RECEIVED_CONDITIONS else ("0000-00", last)
    if metric in RESOLVED_CONDITIONS or metric == "resolved_late":
        months = ("0000-00", last)
    where = f"unit_id = {int(unit_id)} AND ({condition})"
    total = count("dossiers", where, system=system, months=months)
    page = max(1, min(int(page), max(1, -(-total // per_page))))
    rows = query("dossiers", where, system=system, months=months, order="received_at, dossier_id",
                 limit=per_page, offset=(page - 1) * per_page)
    return Page(rows, total, page, per_page)


__all__ = ["DRILL_METRICS", "Page", "batches_by_unit", "count", "drill_down", "dossier_condition", "query",
           "record", "records", "SCHEMA"]
