"""Read and check an export with DuckDB, before anything touches the database.

A million-row export is parsed, normalised and checked column-wise in DuckDB
(fast, bounded memory, spills to disk), not row by row in Python. Values that
repeat (units, service levels, yes/no) are read once per distinct spelling in
Python, with the same rules as the rest of Chỉ Số (``parse_bool``, folded
headers). The result is a clean CSV in the exact shape the database bulk paths
load, or every problem found, located by row and column.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from django.conf import settings

from chiso.engine.numbers import NumberError, parse_bool
from chiso.tabular import ImportError_, ImportProblem, normalize_header
from chiso.units.models import Unit

from .formats import COLUMNS, ENUM_HELP, ID_FIELD, Column, enum_map, header_map

MAX_PROBLEMS = 1000
DUCKDB_MEMORY = os.environ.get("CHISO_INGEST_MEMORY", "512MB")
Progress = Callable[[str, float], None]  # (phase, fraction 0–1 of the whole import)

# Naive date-time spellings accepted, tried in order (ISO first, then Vietnamese dd/mm/yyyy).
_NAIVE_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%d-%m-%Y", "%H:%M:%S %d/%m/%Y", "%H:%M %d/%m/%Y",
]
_ZONED_FORMATS = [
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M%z",
]
_ZONE_RE = r"\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d:?\d\d)$"
DATE_HELP = "cần dạng 2025-01-05, 2025-01-05 08:30, 05/01/2025 hoặc 05/01/2025 08:30"


@dataclass
class Prepared:
    """A checked export, normalised into ``out_path`` (CSV, no header, database column order)."""

    kind: str
    system: str
    file_name: str
    checksum: str
    rows: int  # records kept (identical duplicates counted once)
    source_rows: int
    out_path: Path
    workdir: tempfile.TemporaryDirectory
    unit_ids: list[int] = field(default_factory=list)

    def cleanup(self) -> None:
        self.workdir.cleanup()


# Database column order of the normalised CSV, per kind.
OUTPUT_FIELDS: dict[str, tuple[str, ...]] = {
    "dossiers": ("system", "dossier_id", "unit_id", "procedure", "service_level", "channel",
                 "received_at", "due_at", "resolved_at", "status", "e_result", "digitized"),
    "documents": ("system", "document_id", "unit_id", "direction", "date", "electronic", "signed",
                  "secret"),
}
DATETIME_FIELDS = {"received_at", "due_at", "resolved_at", "date"}
BOOL_FIELDS = {"e_result", "digitized", "electronic", "signed", "secret"}


def file_checksum(path: Path) -> str:
    """SHA-256 of the file, so an import names exactly what it read."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _utc_offset_seconds() -> int | None:
    """The local zone's offset when it is fixed over 1990–2100 (Asia/Ho_Chi_Minh: +7 h), else None."""
    zone = ZoneInfo(settings.TIME_ZONE)
    offsets = {
        datetime(year, month, 15, tzinfo=zone).utcoffset()
        for year in range(1990, 2101, 5) for month in (1, 7)
    }
    if len(offsets) == 1:
        return int(next(iter(offsets)).total_seconds())
    return None


class _Problems:
    def __init__(self, file_name: str):
        self.file = file_name
        self.items: list[tuple[int | None, str | None, str]] = []  # (_idx or None, column, message)
        self.truncated = False

    def add(self, idx: int | None, column: str | None, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.items.append((idx, column, message))


class ExportReader:
    """Parses one export file into DuckDB and checks it; see ``prepare``."""

    def __init__(self, path: Path, kind: str, system: str, file_name: str,
                 progress: Progress | None = None):
        self.path = Path(path)
        self.kind = kind
        self.system = system
        self.file_name = file_name
        self.progress = progress or (lambda phase, fraction: None)
        self.columns: dict[str, Column] = {c.name: c for c in COLUMNS[kind]}
        self.workdir = tempfile.TemporaryDirectory(prefix="chiso-ingest-")
        self.con = duckdb.connect(config={
            "memory_limit": DUCKDB_MEMORY,
            "temp_directory": os.path.join(self.workdir.name, "spill"),
            "preserve_insertion_order": True,
        })
        self.is_xlsx = self.path.suffix.lower() in (".xlsx", ".xlsm")
        self.headers: dict[str, str] = {}  # canonical → DuckDB column name
        self.labels: dict[str, str] = {}  # canonical → how problems name the column
        self.problems = _Problems(file_name)

    # -- reading -------------------------------------------------------------------------
    def _xlsx_to_csv(self) -> Path:
        """XLSX → CSV with the spreadsheet row number first (calamine streams the sheet)."""
        from python_calamine import CalamineWorkbook

        out = Path(self.workdir.name) / "sheet.csv"
        sheet = CalamineWorkbook.from_path(str(self.path)).get_sheet_by_index(0)
        start_col = sheet.start[1] if sheet.start else 0
        self._xlsx_start_col = start_col
        header_seen = False
        with open(out, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                texts = [_cell_text(c) for c in cells]
                if not any(texts):
                    continue
                if not header_seen:
                    writer.writerow(["_row", *texts])
                    header_seen = True
                    self._xlsx_header_row = number
                else:
                    writer.writerow([number, *texts])
        if not header_seen:
            raise ImportError_([ImportProblem(self.file_name, None, None, "Tệp không có dữ liệu")])
        return out

    def _load(self) -> None:
        source = self._xlsx_to_csv() if self.is_xlsx else self.path
        try:
            self.con.execute(
                "CREATE TABLE raw AS SELECT * FROM read_csv(?, all_varchar=true, header=true, "
                "null_padding=true, encoding='utf-8')",
                [str(source)],
            )
        except duckdb.Error as exc:
            message = str(exc).split("\n")[0]
            if "unicode" in message.lower() or "utf" in message.lower():
                message = "Tệp không phải văn bản UTF-8 (hãy lưu lại dạng CSV UTF-8 hoặc XLSX)"
            else:
                message = f"Không đọc được tệp: {message}"
            raise ImportError_([ImportProblem(self.file_name, None, None, message)]) from None

    def _map_headers(self) -> None:
        names = [r[0] for r in self.con.execute("DESCRIBE raw").fetchall()]
        known = header_map(self.kind)
        seen: dict[str, str] = {}
        offset = 1 if self.is_xlsx else 0
        for position, name in enumerate(names):
            if self.is_xlsx and position == 0:
                continue
            canonical = known.get(normalize_header(name))
            if canonical is None:
                continue  # extra columns are allowed and ignored
            letter = _letter(position - offset + getattr(self, "_xlsx_start_col", 0))
            label = f"{letter} ({name})" if self.is_xlsx else name
            if canonical in seen:
                self.problems.add(None, label, f'Hai cột cùng là "{self.columns[canonical].label}": '
                                               f'"{seen[canonical]}" và "{name}"')
                continue
            seen[canonical] = name
            self.headers[canonical] = name
            self.labels[canonical] = label
        for col in self.columns.values():
            if col.required and col.name not in self.headers:
                spellings = ", ".join(f'"{a}"' for a in (col.name, *col.aliases[:2]))
                self.problems.add(None, None, f'Thiếu cột "{col.label}" (tên cột chấp nhận: {spellings} …)')

    def _cell(self, name: str) -> str:
        if name not in self.headers:
            return "CAST(NULL AS VARCHAR)"
        return f"NULLIF(trim({_ident(self.headers[name])}), '')"

    # -- value maps ----------------------------------------------------------------------
    def _distinct(self, name: str) -> list[str]:
        if name not in self.headers:
            return []
        rows = self.con.execute(f"SELECT DISTINCT {self._cell(name)} FROM raw").fetchall()
        return [r[0] for r in rows if r[0] is not None]

    def _map_table(self, table: str, pairs: list[tuple[str, object, str | None]], value_type: str) -> None:
        self.con.execute(f"CREATE TABLE {table} (raw VARCHAR, val {value_type}, err VARCHAR)")
        if pairs:
            self.con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", pairs)

    def _build_maps(self) -> None:
        # Units: by code, or by exact (folded) name when that name is unique.
        by_code = dict(Unit.objects.values_list("code", "id"))
        by_name: dict[str, int | None] = {}
        for name, pk in Unit.objects.values_list("name", "id"):
            key = normalize_header(name)
            by_name[key] = None if key in by_name else pk
        pairs = []
        for raw in self._distinct("unit"):
            pk = by_code.get(raw)
            if pk is None:
                pk = by_name.get(normalize_header(raw))
            pairs.append((raw, pk, None if pk else f'Không có đơn vị "{raw}" trong danh mục đơn vị '
                                                    f"(ghi mã đơn vị, ví dụ AG-STTTT)"))
        self._map_table("map_unit", pairs, "BIGINT")
        for col in self.columns.values():
            if col.kind == "enum":
                table = enum_map(col.choices)
                pairs = []
                for raw in self._distinct(col.name):
                    code = table.get(normalize_header(raw))
                    pairs.append((raw, code, None if code else
                                  f'Không hiểu {col.label} "{raw}": cần {ENUM_HELP[col.choices]}'))
                self._map_table(f"map_{col.name}", pairs, "VARCHAR")
            elif col.kind == "bool":
                pairs = []
                for raw in self._distinct(col.name):
                    try:
                        pairs.append((raw, parse_bool(raw), None))
                    except NumberError as exc:
                        pairs.append((raw, None, str(exc)))
                self._map_table(f"map_{col.name}", pairs, "BOOLEAN")

    # -- normalising ---------------------------------------------------------------------
    def _date_sql(self, name: str, end_of_day: bool = False) -> str:
        cell = self._cell(name)
        formats = "[" + ", ".join(_sql_str(f) for f in _NAIVE_FORMATS) + "]"
        zformats = "[" + ", ".join(_sql_str(f) for f in _ZONED_FORMATS) + "]"
        naive = f"try_strptime({cell}, {formats})"
        if end_of_day:
            # A deadline given as a day means the end of that day.
            naive = (f"CASE WHEN regexp_matches({cell}, '\\d:\\d') THEN {naive} "
                     f"ELSE {naive} + INTERVAL 1 DAY - INTERVAL 1 SECOND END")
        offset = _utc_offset_seconds()
        if offset is not None:
            local = f"({naive}) - INTERVAL {offset} SECOND"
        else:
            local = f"timezone('UTC', timezone({_sql_str(settings.TIME_ZONE)}, {naive}))"
        zoned = f"timezone('UTC', try_strptime(regexp_replace({cell}, 'Z$', '+00:00'), {zformats}))"
        parsed = (f"CASE WHEN {cell} IS NULL THEN NULL "
                  f"WHEN regexp_matches({cell}, {_sql_str(_ZONE_RE)}) THEN {zoned} ELSE {local} END")
        return parsed

    def _normalise(self) -> None:
        selects = ["raw.rowid AS _idx"]
        if self.is_xlsx:
            selects.append("CAST(raw._row AS BIGINT) AS _row")
        joins = ["LEFT JOIN map_unit mu ON mu.raw = " + self._cell("unit")]
        dates: list[str] = []
        for col in self.columns.values():
            cell = self._cell(col.name)
            selects.append(f"{cell} AS c_{col.name}")
            if col.kind == "id":
                selects.append(f"{cell} AS {col.name}")
            elif col.kind == "unit":
                selects.append("mu.val AS unit_id")
                selects.append("mu.err AS e_unit")
            elif col.kind == "text":
                selects.append(f"coalesce({cell}, '') AS {col.name}")
            elif col.kind in ("enum", "bool"):
                alias = f"m_{col.name}"
                joins.append(f"LEFT JOIN map_{col.name} {alias} ON {alias}.raw = {cell}")
                selects.append(f"{alias}.val AS {col.name}")
                selects.append(f"{alias}.err AS e_{col.name}")
            elif col.kind == "datetime":
                selects.append(f"{self._date_sql(col.name, end_of_day=col.name == 'due_at')} AS p_{col.name}")
                dates.append(col.name)
        blank = " AND ".join(f"{self._cell(name)} IS NULL" for name in self.headers) or "FALSE"
        # Two-digit years ("05/01/25") parse as year 25: refuse anything outside 1990–2100.
        sane = [f"CASE WHEN year(p_{d}) BETWEEN 1990 AND 2100 THEN date_trunc('second', p_{d}) END AS {d}"
                for d in dates]
        exclude = f"EXCLUDE ({', '.join('p_' + d for d in dates)})" if dates else ""
        self.con.execute(
            f"CREATE TABLE norm AS SELECT * {exclude}{', ' if sane else ''}{', '.join(sane)} FROM "
            f"(SELECT {', '.join(selects)} FROM raw {' '.join(joins)} WHERE NOT ({blank})) "
            f"ORDER BY _idx"
        )

    # -- checking ------------------------------------------------------------------------
    def _collect(self, sql: str, column: str, message: Callable[[tuple], str]) -> None:
        for row in self.con.execute(sql + f" ORDER BY _idx LIMIT {MAX_PROBLEMS}").fetchall():
            self.problems.add(row[0], self.labels.get(column, column), message(row))

    def _check(self) -> None:
        for col in self.columns.values():
            if col.name not in self.headers:
                continue
            if col.required:
                self._collect(f"SELECT _idx FROM norm WHERE c_{col.name} IS NULL", col.name,
                              lambda r, c=col: f"Thiếu {c.label}")
            if col.kind in ("unit", "enum", "bool"):
                err = "e_unit" if col.kind == "unit" else f"e_{col.name}"
                self._collect(f"SELECT _idx, {err} FROM norm WHERE {err} IS NOT NULL", col.name,
                              lambda r: r[1])
            if col.kind == "datetime":
                self._collect(
                    f"SELECT _idx, c_{col.name} FROM norm WHERE c_{col.name} IS NOT NULL "
                    f"AND {col.name} IS NULL", col.name,
                    lambda r, c=col: f'Không đọc được {c.label} "{r[1]}": {DATE_HELP}')
        if self.kind == "dossiers" and "resolved_at" in self.headers and not self.problems.items:
            self._collect(
                "SELECT _idx FROM norm WHERE status = 'resolved' AND resolved_at IS NULL",
                "resolved_at", lambda r: "Hồ sơ đã giải quyết (resolved) nhưng thiếu ngày có kết quả")
            self._collect(
                "SELECT _idx, c_resolved_at, c_received_at FROM norm WHERE resolved_at < received_at",
                "resolved_at",
                lambda r: f'Ngày có kết quả "{r[1]}" trước ngày tiếp nhận "{r[2]}"')
            self._collect(
                "SELECT _idx, c_resolved_at FROM norm WHERE status = 'received' "
                "AND resolved_at IS NOT NULL", "resolved_at",
                lambda r: f'Hồ sơ đang xử lý (received) mà đã có ngày có kết quả "{r[1]}": '
                          "sửa trạng thái thành resolved hoặc xoá ngày có kết quả")
        elif self.kind == "dossiers" and "resolved_at" not in self.headers and not self.problems.items:
            self._collect("SELECT _idx FROM norm WHERE status = 'resolved'", "status",
                          lambda r: 'Hồ sơ đã giải quyết nhưng tệp không có cột "ngày có kết quả"')
        if not self.problems.items:
            self._check_duplicates()

    def _data_fields(self) -> list[str]:
        return [f for f in OUTPUT_FIELDS[self.kind] if f not in ("system", ID_FIELD[self.kind])]

    def _check_duplicates(self) -> None:
        key = ID_FIELD[self.kind]
        fields = self._data_fields()
        self.con.execute(
            f"CREATE TABLE dup AS SELECT {key}, min(_idx) AS first, "
            f"count(DISTINCT hash({', '.join(fields)})) AS versions FROM norm "
            f"GROUP BY {key} HAVING count(*) > 1"
        )
        self.duplicates = self.con.execute("SELECT count(*) FROM dup").fetchone()[0]
        if not self.duplicates:
            return
        rows = self.con.execute(
            f"SELECT n._idx, d.first, n.{key} FROM norm n JOIN dup d USING ({key}) "
            f"WHERE d.versions > 1 AND n._idx <> d.first ORDER BY n._idx LIMIT {MAX_PROBLEMS}"
        ).fetchall()
        if not rows:
            return
        first_rows = self._row_numbers([r[1] for r in rows])
        cols = ", ".join(fields)
        for idx, first, ident in rows:
            a = self.con.execute(f"SELECT {cols} FROM norm WHERE _idx = ?", [idx]).fetchone()
            b = self.con.execute(f"SELECT {cols} FROM norm WHERE _idx = ?", [first]).fetchone()
            differ = [f for f, x, y in zip(fields, a, b, strict=True) if x != y]
            names = ", ".join(self.columns["unit" if f == "unit_id" else f].label for f in differ)
            self.problems.add(idx, self.labels[key],
                              f'Mã "{ident}" trùng với dòng {first_rows[first]} nhưng khác dữ liệu '
                              f"({names})")

    # -- locating ------------------------------------------------------------------------
    def _row_numbers(self, indexes: list[int]) -> dict[int, int]:
        """DuckDB row ids → row numbers as a spreadsheet shows them (header = row 1)."""
        wanted = set(indexes)
        if not wanted:
            return {}
        if self.is_xlsx:
            placeholders = ", ".join("?" for _ in wanted)
            rows = self.con.execute(
                f"SELECT _idx, _row FROM norm WHERE _idx IN ({placeholders})", list(wanted)
            ).fetchall()
            return dict(rows)
        # CSV: DuckDB skips empty lines that a spreadsheet would show as rows; count them.
        out: dict[int, int] = {}
        with open(self.path, newline="", encoding="utf-8-sig", errors="replace") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            idx = -1
            for number, record in enumerate(reader, start=2):
                if not record:
                    continue
                idx += 1
                if idx in wanted:
                    out[idx] = number
                    if len(out) == len(wanted):
                        break
        return out

    def _raise_problems(self) -> None:
        rows = self._row_numbers([i for i, _, _ in self.problems.items if i is not None])
        problems = [
            ImportProblem(self.file_name, rows.get(i) if i is not None else None, column, message)
            for i, column, message in self.problems.items
        ]
        problems.sort(key=lambda p: (-1 if p.row is None else p.row))
        if self.problems.truncated:
            problems.append(ImportProblem(self.file_name, None, None,
                                          f"Còn nhiều lỗi khác: chỉ liệt kê {MAX_PROBLEMS} lỗi đầu tiên"))
        raise ImportError_(problems)

    # -- output --------------------------------------------------------------------------
    def _write_output(self) -> Path:
        out = Path(self.workdir.name) / "normalised.csv"
        exprs = []
        for name in OUTPUT_FIELDS[self.kind]:
            if name == "system":
                exprs.append(f"{_sql_str(self.system)} AS system")
            elif name in DATETIME_FIELDS:
                exprs.append(f"strftime({name}, '%Y-%m-%d %H:%M:%S') AS {name}")
            elif name in BOOL_FIELDS:
                exprs.append(f"CASE WHEN {name} THEN '1' WHEN NOT {name} THEN '0' END AS {name}")
            else:
                exprs.append(name)
        where = ""
        if getattr(self, "duplicates", 0):
            where = (f"WHERE _idx NOT IN (SELECT n._idx FROM norm n JOIN dup d USING ({ID_FIELD[self.kind]}) "
                     f"WHERE n._idx <> d.first)")
        order = "unit_id, received_at" if self.kind == "dossiers" else "unit_id, date"
        self.con.execute(
            f"COPY (SELECT {', '.join(exprs)} FROM norm {where} ORDER BY {order}) "
            f"TO {_sql_str(str(out))} (HEADER false)"
        )
        return out

    def prepare(self) -> Prepared:
        """Read, check and normalise the file; raise ``ImportError_`` listing every problem."""
        try:
            checksum = file_checksum(self.path)
            self.progress("Đang đọc tệp", 0.02)
            self._load()
            self._map_headers()
            if self.problems.items:
                self._raise_problems()
            self.progress("Đang kiểm tra dữ liệu", 0.15)
            self._build_maps()
            self._normalise()
            source_rows = self.con.execute("SELECT count(*) FROM norm").fetchone()[0]
            if not source_rows:
                raise ImportError_([ImportProblem(self.file_name, None, None, "Tệp không có dòng dữ liệu nào")])
            self._check()
            if self.problems.items:
                self._raise_problems()
            self.progress("Đang chuẩn bị ghi", 0.3)
            out = self._write_output()
            kept = source_rows - self.con.execute(
                "SELECT coalesce(sum(c - 1), 0) FROM (SELECT count(*) c FROM norm GROUP BY "
                f"{ID_FIELD[self.kind]})"
            ).fetchone()[0] if getattr(self, "duplicates", 0) else source_rows
            unit_ids = [r[0] for r in self.con.execute("SELECT DISTINCT unit_id FROM norm").fetchall()]
            self.con.close()
            return Prepared(self.kind, self.system, self.file_name, checksum, int(kept), int(source_rows),
                            out, self.workdir, sorted(unit_ids))
        except BaseException:
            try:
                self.con.close()
            finally:
                self.workdir.cleanup()
            raise


def _cell_text(value: object) -> str:
    """An XLSX cell as the text an export would carry."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def prepare_export(path: Path | str, kind: str, system: str, file_name: str | None = None,
                   progress: Progress | None = None) -> Prepared:
    """Check an export of ``kind`` (dossiers | documents) and normalise it for the bulk writers."""
    path = Path(path)
    return ExportReader(path, kind, system, file_name or path.name, progress).prepare()
