"""Import units (đơn vị) from a CSV or XLSX file, all or nothing.

Columns: ``code, name, level`` (required), ``kind, parent_code, valid_from,
valid_to, active`` (optional); any other column is a free attribute of the
unit (``terrain`` → ``attributes["terrain"]``), which targets can depend on.

Units are created or updated by code. A parent may be defined later in the
same file or already exist. The whole file is checked before anything is
written; if any row is wrong nothing changes and every problem is reported.

When a column is absent the existing data it would hold is left alone; when a
column is present an empty cell clears it (an empty attribute cell removes that
attribute, an empty ``parent_code`` makes the unit top-level).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.db import transaction

from chiso.engine.numbers import NumberError, parse_bool
from chiso.tabular import (
    ProblemList,
    Row,
    Table,
    cell_text,
    lower_first,
    normalize_header,
    parse_date_cell,
    read_table,
)

from .models import Unit

FIELDS = ("code", "name", "level", "kind", "parent_code", "valid_from", "valid_to", "active")
REQUIRED = ("code", "name", "level")

_LEVELS: dict[str, str] = {}
for _level, _spellings in {
    "province": ("province", "tỉnh", "cấp tỉnh", "tinh", "t"),
    "district": ("district", "huyện", "cấp huyện", "quận", "thị xã", "thành phố thuộc tỉnh"),
    "commune": ("commune", "xã", "cấp xã", "phường", "thị trấn", "ward"),
}.items():
    for _s in _spellings:
        _LEVELS[normalize_header(_s)] = _level

MAX_CODE = Unit._meta.get_field("code").max_length
MAX_NAME = Unit._meta.get_field("name").max_length
MAX_KIND = Unit._meta.get_field("kind").max_length


def parse_level(text: str) -> str:
    """``province``/``district``/``commune`` from English or Vietnamese ("cấp tỉnh", "xã")."""
    level = _LEVELS.get(normalize_header(text))
    if level is None:
        raise ValueError(
            f"cấp {text!r} không hợp lệ: dùng province/district/commune hoặc tỉnh/huyện/xã"
        )
    return level


@dataclass
class UnitRow:
    """A row after its cells have been read, before it meets the database."""

    row: int
    code: str
    data: dict[str, Any]  # only the fields whose column is in the file
    attributes: dict[str, Any]  # attribute → value; None removes it
    valid: bool = True  # False: some cell was wrong (still used to check parents)


@dataclass
class UnitImportReport:
    """What an import did (or, in a dry run, would do)."""

    file: str
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)  # code → changed fields

    def summary(self) -> str:
        verb = "Sẽ tạo" if self.dry_run else "Đã tạo"
        head = f"{self.file}: {verb} {len(self.created)} đơn vị, " \
               f"{'sẽ cập nhật' if self.dry_run else 'cập nhật'} {len(self.updated)}, " \
               f"không đổi {len(self.unchanged)}."
        if self.dry_run:
            head += " (Chạy thử: chưa ghi gì vào cơ sở dữ liệu.)"
        return head


def _attribute_value(value: Any) -> Any:
    """A JSON-friendly attribute: whole Excel numbers as int, dates as ISO, text stripped."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def _read_rows(table, problems: ProblemList) -> list[UnitRow]:
    out: list[UnitRow] = []
    for row in table.rows:
        out_row = _read_row(row, table, problems)
        if out_row is not None:
            out.append(out_row)
    return out


def _read_row(row: Row, table, problems: ProblemList) -> UnitRow | None:
    ok = True
    code = row.text("code")
    if not code:
        problems.add(row.number, row.column("code"), "thiếu mã đơn vị")
        ok = False
    elif len(code) > MAX_CODE:
        problems.add(row.number, row.column("code"), f"mã đơn vị dài quá {MAX_CODE} ký tự")
        ok = False
    data: dict[str, Any] = {}
    name = row.text("name")
    if not name:
        problems.add(row.number, row.column("name"), "thiếu tên đơn vị")
        ok = False
    elif len(name) > MAX_NAME:
        problems.add(row.number, row.column("name"), f"tên dài quá {MAX_NAME} ký tự")
        ok = False
    data["name"] = name
    level_text = row.text("level")
    if not level_text:
        problems.add(row.number, row.column("level"), "thiếu cấp (tỉnh/huyện/xã)")
        ok = False
    else:
        try:
            data["level"] = parse_level(level_text)
        except ValueError as exc:
            problems.add(row.number, row.column("level"), str(exc))
            ok = False
    if table.has("kind"):
        kind = row.text("kind")
        if len(kind) > MAX_KIND:
            problems.add(row.number, row.column("kind"), f"loại dài quá {MAX_KIND} ký tự")
            ok = False
        data["kind"] = kind
    if table.has("parent_code"):
        parent = row.text("parent_code")
        data["parent_code"] = parent or None
    for name_ in ("valid_from", "valid_to"):
        if table.has(name_):
            raw = row.get(name_)
            if raw is None:
                data[name_] = None
            else:
                try:
                    data[name_] = parse_date_cell(raw)
                except ValueError as exc:
                    problems.add(row.number, row.column(name_), str(exc))
                    ok = False
    if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        problems.add(
            row.number, row.column("valid_to"),
            "ngày hết hiệu lực trước ngày bắt đầu hiệu lực",
        )
        ok = False
    if table.has("active"):
        raw = row.get("active")
        if raw is None:
            data["active"] = True
        else:
            try:
                data["active"] = raw if isinstance(raw, bool) else parse_bool(cell_text(raw))
            except (NumberError, ValueError) as exc:
                problems.add(row.number, row.column("active"), lower_first(exc))
                ok = False
    attributes = {key.strip(): _attribute_value(v) for key, v in row.extras.items()}
    if not code:
        return None
    return UnitRow(row=row.number, code=code, data=data, attributes=attributes, valid=ok)


def _merge_duplicates(rows: list[UnitRow], problems: ProblemList, code_column: str) -> dict[str, UnitRow]:
    """One row per code; a repeat must carry the same data."""
    by_code: dict[str, UnitRow] = {}
    for r in rows:
        first = by_code.get(r.code)
        if first is None:
            by_code[r.code] = r
            continue
        if not (first.valid and r.valid):
            continue  # the wrong cells are reported already
        differing = [k for k in sorted(set(first.data) | set(r.data)) if first.data.get(k) != r.data.get(k)]
        differing += [
            k for k in sorted(set(first.attributes) | set(r.attributes))
            if first.attributes.get(k) != r.attributes.get(k)
        ]
        if differing:
            problems.add(
                r.row, code_column,
                f"mã đơn vị {r.code!r} đã có ở dòng {first.row} với dữ liệu khác "
                f"(khác ở: {', '.join(differing)})",
            )
    return by_code


def _check_parents(by_code: dict[str, UnitRow], existing: dict[str, Unit], problems: ProblemList,
                   parent_column: str) -> dict[str, str | None]:
    """Final parent of every code in the file; reports unknown parents and cycles."""
    final_parent: dict[str, str | None] = {}
    for code, unit in existing.items():
        final_parent[code] = unit.parent.code if unit.parent_id else None
    for code, r in by_code.items():
        if "parent_code" in r.data:
            final_parent[code] = r.data["parent_code"]
        elif code not in existing:
            final_parent[code] = None
    ok = True
    for code, r in by_code.items():
        parent = final_parent.get(code)
        if parent is not None and parent not in by_code and parent not in existing:
            problems.add(
                r.row, parent_column,
                f"đơn vị cha {parent!r} không có trong tệp và chưa có trong hệ thống",
            )
            ok = False
    if not ok:
        return final_parent
    reported: set[str] = set()
    for code, r in by_code.items():
        chain = [code]
        seen = {code}
        current = final_parent.get(code)
        while current is not None:
            if current in seen:
                cycle = chain[chain.index(current):] + [current]
                key = frozenset(cycle)
                if code in cycle and key not in reported:
                    reported.add(key)
                    problems.add(
                        r.row, parent_column,
                        "quan hệ cha – con tạo thành vòng lặp: " + " → ".join(cycle),
                    )
                break
            seen.add(current)
            chain.append(current)
            current = final_parent.get(current)
    return final_parent


def _order(by_code: dict[str, UnitRow], final_parent: dict[str, str | None]) -> list[str]:
    """Codes of the file, parents before children."""
    ordered: list[str] = []
    placed: set[str] = set()

    def place(code: str) -> None:
        if code in placed:
            return
        parent = final_parent.get(code)
        if parent in by_code:
            place(parent)
        placed.add(code)
        ordered.append(code)

    for code in by_code:
        place(code)
    return ordered


def import_units(
    source: str | os.PathLike | IO[bytes] | bytes,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> UnitImportReport:
    """Create or update units from ``source``; all or nothing.

    Raises :class:`chiso.tabular.ImportError_` listing every problem (file,
    row, column) when anything is wrong; then the database is untouched.
    """
    table = read_table(source, fields=FIELDS, required=REQUIRED, filename=filename, sheet=sheet)
    return import_unit_table(table, dry_run=dry_run)


def import_unit_table(table: Table, *, dry_run: bool = False) -> UnitImportReport:
    """Create or update the units of an already read ``table``; all or nothing.

    The registry import (``chiso.units.registry``) builds its table from the package's data and
    comes through here, so registry units and file units obey the same checks.
    """
    problems = ProblemList(table.file)
    rows = _read_rows(table, problems)
    by_code = _merge_duplicates(rows, problems, table.fields["code"])
    parent_column = table.fields.get("parent_code", "parent_code")
    existing = {
        u.code: u for u in Unit.objects.select_related("parent").all()
    }
    final_parent = _check_parents(by_code, existing, problems, parent_column)
    problems.raise_if_any()

    report = UnitImportReport(file=table.file, dry_run=dry_run)
    plan: list[tuple[str, bool, dict[str, Any]]] = []
    for code in _order(by_code, final_parent):
        r = by_code[code]
        unit = existing.get(code)
        changes = _changes(unit, r, final_parent[code])
        if unit is None:
            report.created.append(code)
        elif changes:
            report.updated.append(code)
            report.changes[code] = sorted(changes)
        else:
            report.unchanged.append(code)
        plan.append((code, unit is None, changes))
    if dry_run:
        return report

    with transaction.atomic():
        saved: dict[str, Unit] = dict(existing)
        moved = False  # once a stored unit moves, stored paths below it change
        for code, is_new, changes in plan:
            if not is_new and not changes:
                continue
            unit = saved.get(code) or Unit(code=code)
            if moved and unit.pk:
                unit.path = Unit.objects.values_list("path", flat=True).get(pk=unit.pk)
            for key, value in changes.items():
                if key == "parent_code":
                    unit.parent = saved[value] if value else None
                else:
                    setattr(unit, key, value)
            parent = unit.parent if unit.parent_id else None
            if parent is not None:
                parent = saved[parent.code]
                if moved:
                    parent.path = Unit.objects.values_list("path", flat=True).get(pk=parent.pk)
                unit.parent = parent
            unit.save()
            saved[code] = unit
            if not is_new and "parent_code" in changes:
                moved = True
    return report


def _changes(unit: Unit | None, r: UnitRow, parent_code: str | None) -> dict[str, Any]:
    """Field → new value, for what differs from the stored unit (everything when new)."""
    wanted: dict[str, Any] = {k: v for k, v in r.data.items() if k != "parent_code"}
    changes: dict[str, Any] = {}
    current_attrs = dict(unit.attributes or {}) if unit is not None else {}
    new_attrs = dict(current_attrs)
    for key, value in r.attributes.items():
        if value is None:
            new_attrs.pop(key, None)
        else:
            new_attrs[key] = value
    if unit is None:
        changes.update(wanted)
        changes["attributes"] = new_attrs
        changes["parent_code"] = parent_code
        return changes
    for key, value in wanted.items():
        if getattr(unit, key) != value:
            changes[key] = value
    if new_attrs != current_attrs:
        changes["attributes"] = new_attrs
    current_parent = unit.parent.code if unit.parent_id else None
    if current_parent != parent_code:
        changes["parent_code"] = parent_code
    return changes
