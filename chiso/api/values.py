"""Figures sent to the API, through the importer's checks and the one guarded write path.

JSON rows (``[{unit, period, element, value, comment}]``) become the same
:class:`chiso.tabular.Table` a CSV or XLSX file becomes, so both go through
:func:`chiso.assessments.importer.import_table`: the same Vietnamese messages,
the same all-or-nothing rule, the same guard. The answer is an import summary
with a stable machine code per problem.
"""

from __future__ import annotations

from typing import Any

from chiso.assessments.importer import FIELDS, ImportReport, import_table, problem_code
from chiso.tabular import ImportError_, Row, Table

JSON_FILE = "JSON"

STATUS_OK = "OK"
STATUS_WARNING = "WARNING"  # written, but some rows changed nothing (repeated, or blank into blank)
STATUS_ERROR = "ERROR"  # nothing written


def rows_table(rows: list[Any]) -> tuple[Table, list[dict[str, Any]]]:
    """JSON rows as a table (row 1 = the first element); and conflicts for rows that are not objects."""
    table_rows: list[Row] = []
    bad: list[dict[str, Any]] = []
    columns = {f: f for f in FIELDS}
    for number, item in enumerate(rows, start=1):
        if not isinstance(item, dict):
            bad.append(conflict(number, None, item, "E_ROW_INVALID",
                                "dòng phải là một đối tượng JSON {unit, period, element, value, comment}"))
            continue
        cells = {f: item.get(f) for f in FIELDS if f != "comment"}
        if item.get("comment") is not None:
            cells["comment"] = item["comment"]
        table_rows.append(Row(number=number, cells=cells, columns=columns))
    return Table(JSON_FILE, "json", list(FIELDS), dict(columns), {}, table_rows), bad


def conflict(row: int | None, column: str | None, value: Any, code: str, message: str) -> dict[str, Any]:
    shown = "" if value is None else (value if isinstance(value, str) else str(value))
    return {"row": row, "column": column, "value": shown, "code": code, "message": message}


def summary(dry_run: bool, report: ImportReport | None = None,
            conflicts: list[dict[str, Any]] | None = None, codes: dict[int, str] | None = None) -> dict[str, Any]:
    """The answer of ``POST /values``: status, counts, conflicts and the changes (as the CLI lists them)."""
    if conflicts:
        return {"status": STATUS_ERROR, "dry_run": dry_run,
                "counts": {"created": 0, "updated": 0, "unchanged": 0, "ignored": 0},
                "conflicts": conflicts, "changes": []}
    assert report is not None
    ignored = max(report.rows - report.created - report.updated - report.unchanged, 0)
    return {
        "status": STATUS_WARNING if ignored else STATUS_OK,
        "dry_run": dry_run,
        "counts": {"created": report.created, "updated": report.updated,
                   "unchanged": report.unchanged, "ignored": ignored},
        "conflicts": [],
        "changes": [{"row": c.row, "unit": c.unit, "period": c.period, "element": c.element,
                     "old": c.old, "new": c.new} for c in report.changes],
    }


def import_summary(table: Table, framework: Any, user: Any, dry_run: bool, units: Any,
                   provenance: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check and (unless ``dry_run``) write ``table``; the summary either way, nothing written on error."""
    try:
        report = import_table(table, framework, user, dry_run, units=units, provenance=provenance)
    except ImportError_ as exc:
        return summary(dry_run, conflicts=[
            conflict(p.row, p.column, getattr(p, "value", ""), problem_code(p), p.message) for p in exc.problems])
    return summary(dry_run, report)


def file_problems(exc: ImportError_) -> list[dict[str, Any]]:
    """Problems of a file that could not be read at all, as conflicts."""
    return [conflict(p.row, p.column, getattr(p, "value", ""), problem_code(p), p.message) for p in exc.problems]
