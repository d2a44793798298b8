"""Import reported values from a long-format CSV or XLSX file, all or nothing.

Columns: ``unit, period, element, value`` and optionally ``comment`` (Vietnamese
headers accepted: "Mã đơn vị", "Kỳ", "Chỉ tiêu", "Giá trị", "Ghi chú"). One row
is one input element of one unit for one period, e.g. ``AG-STTTT, 2025-01,
2.numerator, 54.919``.

Each value is read according to the kind of element the framework declares
(count: whole ≥ 0; number; yes/no; text as typed), with the engine's
Vietnamese number rules, so "54.919" and 54919 are the same count. The whole
file is checked first; when anything is wrong nothing is written and every
problem is reported with its row and column. The CLI (``chiso import_values``)
and the web upload both call :func:`import_values`.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import IO, Any

from django.utils import timezone

from chiso.engine.numbers import (
    NumberError,
    format_date,
    format_int,
    format_number,
    format_percent,
    parse_bool,
    parse_count,
    parse_number,
)
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.tabular import ImportProblem, ProblemList, Row, Table, cell_text, lower_first, read_table
from chiso.units.models import Unit

from .evaluation import element_kinds
from .models import Value
from .writes import CellWrite, WriteRefused, locked_reason, reports_for, write_values

FIELDS = ("unit", "period", "element", "value", "comment")
REQUIRED = ("unit", "period", "element", "value")

_NUMBER = Value._meta.get_field("number")
_QUANTUM = Decimal(1).scaleb(-_NUMBER.decimal_places)
_MAX_ABS = Decimal(10) ** (_NUMBER.max_digits - _NUMBER.decimal_places)

KIND_LABELS = {"count": "số lượng (số nguyên ≥ 0)", "number": "số", "boolean": "Có/Không", "text": "văn bản",
               "rate": "tỷ lệ (98,7% hoặc 0,987)"}


@dataclass(frozen=True)
class Change:
    """One value that is (or would be) created or changed."""

    unit: str
    period: str
    element: str
    old: str | None  # as shown to the user; None when new
    new: str
    row: int


@dataclass
class ImportReport:
    """What an import of values did, or in a dry run would do."""

    file: str
    framework: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)

    def summary(self) -> str:
        """One Vietnamese line for the CLI and the upload page."""
        if self.dry_run:
            return (
                f"{self.file} (chạy thử, chưa ghi gì): {self.rows} dòng hợp lệ; sẽ tạo mới {self.created}, "
                f"sẽ cập nhật {self.updated}, không đổi {self.unchanged} số liệu của bộ {self.framework}."
            )
        return (
            f"{self.file}: đã nhập {self.rows} dòng; tạo mới {self.created}, cập nhật {self.updated}, "
            f"không đổi {self.unchanged} số liệu của bộ {self.framework}."
        )


@dataclass
class _Parsed:
    row: int
    unit: str
    period: str
    element: str
    number: Decimal | None
    text: str
    shown: str
    comment: str | None  # None: no comment column


# Stable machine codes of the problems an import can report (the API answers with them).
E_FILE = "E_FILE_INVALID"  # the file itself: unreadable, a column missing… (from chiso.tabular)
E_UNIT_MISSING = "E_UNIT_MISSING"
E_UNIT_UNKNOWN = "E_UNIT_UNKNOWN"
E_OUT_OF_SCOPE = "E_OUT_OF_SCOPE"
E_PERIOD_MISSING = "E_PERIOD_MISSING"
E_PERIOD_INVALID = "E_PERIOD_INVALID"
E_PERIOD_OUTSIDE_UNIT = "E_PERIOD_OUTSIDE_UNIT"
E_ELEMENT_MISSING = "E_ELEMENT_MISSING"
E_ELEMENT_UNKNOWN = "E_ELEMENT_UNKNOWN"
E_VALUE_MISSING = "E_VALUE_MISSING"
E_NOT_A_NUMBER = "E_NOT_A_NUMBER"
E_NOT_A_BOOLEAN = "E_NOT_A_BOOLEAN"
E_DUPLICATE = "E_DUPLICATE_ROW"
E_REPORT_LOCKED = "E_REPORT_LOCKED"


@dataclass(frozen=True)
class CodedProblem(ImportProblem):
    """A problem of a values import with its machine code and the cell as sent."""

    code: str = E_FILE
    value: str = ""


class _Problems(ProblemList):
    def add(self, row: int | None, column: str | None, message: str,
            code: str = E_FILE, value: Any = None) -> None:
        self.items.append(CodedProblem(self.file, row, column, message, code,
                                       "" if value is None else cell_text(value)))


def problem_code(problem: ImportProblem) -> str:
    """The machine code of any problem of a values import (file-level ones are ``E_FILE_INVALID``)."""
    return getattr(problem, "code", E_FILE)


def to_decimal(value: Fraction | int | bool) -> Decimal:
    """The stored form of a number: exact when it fits the column's 6 decimals, else rounded."""
    if isinstance(value, bool):
        return Decimal(int(value))
    frac = Fraction(value)
    dec = Decimal(frac.numerator) / Decimal(frac.denominator)
    return dec.quantize(_QUANTUM)


def read_value(kind: str, raw: Any) -> tuple[Decimal | None, str, str]:
    """``(number, text, shown)`` for a cell of an element of ``kind``; raises ``ValueError``.

    Excel numbers are taken as they are; text goes through the engine's
    Vietnamese number rules ("54.919" → 54919, "93,6%" → 0.936).
    """
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if kind == "text":
        text = cell_text(raw)
        return None, text, text
    if kind == "boolean":
        flag = parse_bool(raw if isinstance(raw, bool | int) else cell_text(raw))
        return Decimal(int(flag)), "", "Có" if flag else "Không"
    if isinstance(raw, bool):
        raise NumberError(f'"{cell_text(raw)}" là Có/Không, ở đây cần {KIND_LABELS[kind]}')
    if kind == "count":
        count = parse_count(raw)
        dec = Decimal(count)
        shown = format_int(count)
    elif kind == "rate":
        rate = parse_number(raw)
        if rate < 0 or rate > 1:
            raise NumberError(f'tỷ lệ phải từ 0% đến 100%, gặp "{cell_text(raw)}" '
                              f'(viết 98,7% hoặc 0,987; "98,7" không có dấu % là 9.870%)')
        dec = to_decimal(rate)
        shown = format_percent(Fraction(dec), 4)
    else:
        number = parse_number(raw)
        dec = to_decimal(number)
        shown = _shown_decimal(dec)
    if abs(dec) >= _MAX_ABS:
        raise NumberError(f'"{cell_text(raw)}" quá lớn để lưu')
    return dec, "", shown


def _shown_decimal(dec: Decimal) -> str:
    """A stored number the Vietnamese way: 54.919, 0,936."""
    return format_number(Fraction(dec), decimals=_NUMBER.decimal_places)


def _stored_shown(kind: str, number: Decimal | None, text: str) -> str:
    if kind == "text":
        return text
    if number is None:
        return ""
    if kind == "rate":
        return format_percent(Fraction(number), 4)
    if kind == "boolean":
        return "Có" if number != 0 else "Không"
    return _shown_decimal(number)


def _resolve_framework(framework: Framework | str) -> Framework:
    if isinstance(framework, Framework):
        return framework
    return Framework.objects.latest_of(framework)


def import_values(
    source: str | os.PathLike | IO[bytes] | bytes,
    framework: Framework | str,
    user=None,
    dry_run: bool = False,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    units=None,
) -> ImportReport:
    """Create or update ``Value`` rows of ``framework`` from ``source``; all or nothing.

    ``units``, when given (a queryset or iterable of units), limits which units
    the file may hold values for: the web upload passes the units the user may
    report for, and a row for any other unit is a problem. Raises
    :class:`chiso.tabular.ImportError_` listing every problem; the database is
    then exactly as before.
    """
    fw = _resolve_framework(framework)
    table = read_table(source, fields=FIELDS, required=REQUIRED, filename=filename, sheet=sheet)
    return import_table(table, fw, user, dry_run, units=units)


def import_table(table: Table, framework: Framework, user=None, dry_run: bool = False, *, units=None,
                 provenance: dict[str, Any] | None = None) -> ImportReport:
    """:func:`import_values` for rows already read (a file, or the API's JSON rows).

    Every problem raised is a :class:`CodedProblem` carrying a stable code.
    ``provenance`` is added to each value's provenance (e.g. the API token that sent it).
    """
    fw = framework
    problems = _Problems(table.file)
    kinds = element_kinds(fw.spec())
    allowed_ids = None if units is None else {u.pk for u in units}

    codes = {row.text("unit") for row in table.rows} - {""}
    unit_by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}

    parsed: list[_Parsed] = []
    for row in table.rows:
        item = _read_row(row, kinds, unit_by_code, allowed_ids, table.has("comment"), fw.code, problems)
        if item is not None:
            parsed.append(item)

    wanted: dict[tuple[str, str, str], _Parsed] = {}
    for item in parsed:
        key = (item.unit, item.period, item.element)
        first = wanted.get(key)
        if first is None:
            wanted[key] = item
        elif (first.number, first.text) != (item.number, item.text):
            problems.add(
                item.row, table.fields["value"],
                f"đơn vị {item.unit}, kỳ {item.period}, phần tử {item.element} đã có ở dòng "
                f"{first.row} với giá trị khác ({first.shown!r} ≠ {item.shown!r})",
                E_DUPLICATE, item.shown,
            )
        elif item.comment and first.comment and item.comment != first.comment:
            problems.add(
                item.row, table.fields.get("comment"),
                f"đơn vị {item.unit}, kỳ {item.period}, phần tử {item.element} đã có ở dòng "
                f"{first.row} với ghi chú khác",
                E_DUPLICATE, item.comment,
            )
    problems.raise_if_any()

    # The guard, checked here first so each refusal names its row; write_values checks again under lock.
    first_row: dict[tuple[int, str], _Parsed] = {}
    for item in wanted.values():
        first_row.setdefault((unit_by_code[item.unit].pk, item.period), item)
    for key, sub in reports_for(fw, first_row).items():
        why = locked_reason(sub)
        if why:
            item = first_row[key]
            problems.add(item.row, table.fields["unit"], lower_first(why), E_REPORT_LOCKED, item.unit)
    problems.raise_if_any()

    report = ImportReport(file=table.file, framework=fw.code, dry_run=dry_run, rows=len(parsed))
    now = timezone.now()
    cells = []
    for item in wanted.values():
        unit = unit_by_code[item.unit]
        cells.append(CellWrite(
            unit.pk, item.period, item.element, number=item.number, text=item.text,
            comment=item.comment, source="import",
            provenance={"file": table.file, "row": item.row, "imported_at": now.isoformat(), **(provenance or {})},
            label=item.element, row=item.row,
        ))
    try:
        outcome = write_values(fw, cells, user, dry_run=dry_run, reason=f"Nhập từ tệp {table.file}")
    except WriteRefused as exc:
        problems.add(None, None, lower_first(" ".join([exc.message, *exc.problems])), exc.code)
        problems.raise_if_any()
        raise
    codes_by_id = {u.pk: u.code for u in unit_by_code.values()}
    report.created = outcome.created
    report.updated = outcome.updated + outcome.deleted
    report.unchanged = outcome.unchanged
    for change in outcome.changes:
        report.changes.append(Change(codes_by_id[change.unit_id], change.period, change.element,
                                     old=None if change.created else change.old, new=change.new,
                                     row=change.row))
    return report


def _read_row(
    row: Row,
    kinds: dict[str, str],
    unit_by_code: dict[str, Unit],
    allowed_ids: set[int] | None,
    has_comment: bool,
    framework_code: str,
    problems: _Problems,
) -> _Parsed | None:
    ok = True
    code = row.text("unit")
    if not code:
        problems.add(row.number, row.column("unit"), "thiếu mã đơn vị", E_UNIT_MISSING)
        ok = False
    elif code not in unit_by_code:
        problems.add(row.number, row.column("unit"), f"không có đơn vị mã {code!r} trong hệ thống",
                     E_UNIT_UNKNOWN, code)
        ok = False
    elif allowed_ids is not None and unit_by_code[code].pk not in allowed_ids:
        problems.add(row.number, row.column("unit"), f"bạn không được nhập số liệu cho đơn vị {code!r}",
                     E_OUT_OF_SCOPE, code)
        ok = False

    period_code = ""
    raw_period = row.text("period")
    if not raw_period:
        problems.add(row.number, row.column("period"), "thiếu kỳ (ví dụ 2025-01, 2025-Q1, 2025)",
                     E_PERIOD_MISSING)
        ok = False
    else:
        try:
            period = parse_period(raw_period)
        except PeriodError as exc:
            problems.add(row.number, row.column("period"), lower_first(exc), E_PERIOD_INVALID, raw_period)
            ok = False
        else:
            period_code = period.code
            unit = unit_by_code.get(code)
            # Codes are reused after mergers: a value for a period the unit did not exist in
            # almost always belongs to another unit (the old one that carried the same code).
            if unit is not None and unit.valid_from and period.end < unit.valid_from:
                problems.add(
                    row.number, row.column("period"),
                    f"đơn vị {code} chỉ có hiệu lực từ {format_date(unit.valid_from)}, "
                    f"kỳ {period.label} nằm trước thời gian đó",
                    E_PERIOD_OUTSIDE_UNIT, raw_period,
                )
                ok = False
            elif unit is not None and unit.valid_to and period.start > unit.valid_to:
                problems.add(
                    row.number, row.column("period"),
                    f"đơn vị {code} chỉ có hiệu lực đến {format_date(unit.valid_to)}, "
                    f"kỳ {period.label} nằm sau thời gian đó",
                    E_PERIOD_OUTSIDE_UNIT, raw_period,
                )
                ok = False

    element = row.text("element")
    kind = kinds.get(element)
    if kind is None and element.endswith(".narrative"):
        kind = "text"  # an indicator's "Nội dung thực hiện", accepted as the write path does
    if not element:
        problems.add(row.number, row.column("element"), "thiếu mã phần tử (ví dụ 2.numerator)",
                     E_ELEMENT_MISSING)
        ok = False
    elif kind is None:
        near = difflib.get_close_matches(element, list(kinds), n=3)
        hint = f"; có phải: {', '.join(near)}?" if near else ""
        problems.add(
            row.number, row.column("element"),
            f"phần tử {element!r} không có trong bộ chỉ tiêu {framework_code}{hint}",
            E_ELEMENT_UNKNOWN, element,
        )
        ok = False

    raw_value = row.get("value")
    number: Decimal | None = None
    text = shown = ""
    if raw_value is None:
        problems.add(row.number, row.column("value"), "ô giá trị để trống", E_VALUE_MISSING)
        ok = False
    elif kind is not None:
        try:
            number, text, shown = read_value(kind, raw_value)
        except (NumberError, InvalidOperation, ValueError) as exc:
            problems.add(row.number, row.column("value"), lower_first(exc),
                         E_NOT_A_BOOLEAN if kind == "boolean" else E_NOT_A_NUMBER, raw_value)
            ok = False
    # A row without the comment cell at all (API rows may leave it out) leaves the stored comment alone.
    comment = row.text("comment") if has_comment and "comment" in row.cells else None
    if not ok:
        return None
    return _Parsed(row.number, code, period_code, element, number, text, shown, comment)
