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

from .formats import (
    COLUMNS,
    ENUM_HELP,
    ENUMS,
    ID_FIELD,
    SCORE_HELP,
    SCORE_RANGE,
    SCORE_WORDS,
    Column,
    enum_map,
    header_map,
    score_value,
)

MAX_PROBLEMS = 1000
SAMPLE_ROWS = 2000  # the first rows whose coded spellings the one pass reads cells by
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
# The spellings a whole export commonly uses, each with a time (see ``_date_sql``).
_USUAL_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]
# Yes/no as exports commonly spell them, read in the one pass (others are read after it).
_BOOL_SPELLINGS = ["Có", "có", "CÓ", "Không", "không", "KHÔNG", "x", "X", "1", "0", "Đạt", "Không đạt",
                   "Chưa đạt", "đạt", "không đạt", "true", "false", "TRUE", "FALSE", "True", "False",
                   "yes", "no", "Yes", "No", "Đ", "v", "V"]
DATE_HELP = "cần dạng 2025-01-05, 2025-01-05 08:30, 05/01/2025 hoặc 05/01/2025 08:30"


@dataclass
class Prepared:
    """A checked export: table ``checked`` of the open DuckDB connection ``con``, in the dataset's
    columns but ``batch`` (the writer works on it in place: no second copy of the rows)."""

    kind: str
    system: str
    file_name: str
    checksum: str
    rows: int  # records kept (identical duplicates counted once)
    source_rows: int
    con: duckdb.DuckDBPyConnection
    workdir: tempfile.TemporaryDirectory
    unit_ids: list[int] = field(default_factory=list)
    # Rows per local (year, month) of the partition column, when the reader counted them.
    months: dict[tuple[int, int], int] | None = None

    def cleanup(self) -> None:
        try:
            self.con.close()
        finally:
            self.workdir.cleanup()


# The record fields per kind (the duplicate check compares all but system and id).
OUTPUT_FIELDS: dict[str, tuple[str, ...]] = {
    "dossiers": ("system", "dossier_id", "unit_id", "procedure", "service_level", "channel",
                 "received_at", "due_at", "resolved_at", "status", "e_result", "digitized",
                 "paid_online", "published_on_time", "satisfaction", "reused_digitised", "office_level"),
    "documents": ("system", "document_id", "unit_id", "direction", "date", "electronic", "signed",
                  "secret"),
}
DATETIME_FIELDS = {"received_at", "due_at", "resolved_at", "date"}
BOOL_FIELDS = {"e_result", "digitized", "electronic", "signed", "secret", "paid_online",
               "published_on_time", "reused_digitised"}
CODED_KINDS = ("unit", "enum", "bool", "score")  # read once per distinct spelling


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
        self.con.execute("SET enable_progress_bar = false")
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
        """Sniff the file once; the data is streamed from it by the passes below."""
        source = self._xlsx_to_csv() if self.is_xlsx else self.path
        self.source = self._sniffed(source) or f"read_csv({_sql_str(str(source))}, all_varchar=true, header=true)"
        names = [r[0] for r in self._run(f"DESCRIBE SELECT * FROM {self.source}").fetchall()]
        self._map_headers(names)

    def _sniffed(self, source: Path) -> str | None:
        """``read_csv`` with the dialect and columns DuckDB's sniffer finds, spelled out.

        Every ``read_csv`` left to detect them sniffs the file again (about 0,06 s each, three
        reads of a clean file); given explicitly they are the same dialect and names (the
        sniffer is deterministic), read without sniffing. None (auto-detect as before) when
        the sniffer fails or says something not carried over here.
        """
        try:
            cur = self.con.execute(f"SELECT * FROM sniff_csv({_sql_str(str(source))}, all_varchar=true, header=true)")
            found = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
        except (duckdb.Error, TypeError):
            return None
        if not found.get("HasHeader") or not found.get("Columns"):
            return None

        def text(key: str) -> str:
            value = found.get(key)
            return "" if value in (None, "(empty)") else str(value)

        # The sniffer reads a sample (some 20.000 rows): none quoted there means "no quote" to it, and a
        # comma quoted further down would split its cell. A CSV's quote is '"' (RFC 4180; the exact
        # path's csv module reads so) unless the sniffer saw another.
        quote = text("Quote") or '"'
        escape = text("Escape") or ('"' if quote == '"' else "")
        options = [f"delim={_sql_str(text('Delimiter'))}", f"quote={_sql_str(quote)}",
                   f"escape={_sql_str(escape)}", f"comment={_sql_str(text('Comment'))}",
                   f"skip={int(found.get('SkipRows') or 0)}"]
        if text("NewLineDelimiter"):
            options.append(f"new_line={_sql_str(text('NewLineDelimiter'))}")
        columns = ", ".join(f"{_sql_str(c['name'])}: 'VARCHAR'" for c in found["Columns"])
        return (f"read_csv({_sql_str(str(source))}, auto_detect=false, {', '.join(options)}, header=true, "
                f"columns={{{columns}}}, all_varchar=true)")

    def _run(self, sql: str, params: list | None = None):
        """Execute in DuckDB; a file DuckDB cannot read becomes a Vietnamese problem."""
        try:
            return self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        except duckdb.Error as exc:
            message = str(exc).split("\n")[0]
            if "unicode" in message.lower() or "utf" in message.lower():
                message = "Tệp không phải văn bản UTF-8 (hãy lưu lại dạng CSV UTF-8 hoặc XLSX)"
            else:
                message = f"Không đọc được tệp: {message}"
            raise ImportError_([ImportProblem(self.file_name, None, None, message)]) from None

    def _map_headers(self, names: list[str]) -> None:
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
        """A trimmed cell of the file, blank as NULL."""
        if name not in self.headers:
            return "CAST(NULL AS VARCHAR)"
        return f"NULLIF(trim({_ident(self.headers[name])}), '')"

    # -- value maps ----------------------------------------------------------------------
    def _coded(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.kind in CODED_KINDS and c.name in self.headers]

    def _build_maps(self) -> None:
        """One pass for the distinct spellings of units, codes and yes/no; read each once."""
        coded = self._coded()
        if not coded:
            self._maps_from({})
            return
        # The combinations of coded values are few (units × levels × statuses …): one pass.
        cells = ", ".join(f"{self._cell(n)} AS {_ident(n)}" for n in coded)
        combos = self._run(f"SELECT DISTINCT {cells} FROM {self.source}").fetchall()
        self._maps_from({n: {row[i] for row in combos if row[i] is not None} for i, n in enumerate(coded)})

    def _unit_lookup(self) -> tuple[dict[str, int], dict[str, int | None]]:
        """Unit ids by code, and by folded name (None when two units share it)."""
        if getattr(self, "_units", None) is None:
            by_code = dict(Unit.objects.values_list("code", "id"))
            by_name: dict[str, int | None] = {}
            names: list[tuple[str, str]] = []
            for name, pk in Unit.objects.values_list("name", "id"):
                key = normalize_header(name)
                by_name[key] = None if key in by_name else pk
                names.append((name, key))
            self._units = (by_code, by_name)
            # Every code and exact name as a spelling the one pass reads cells by (folded once).
            self._unit_spellings = {**{n: by_code.get(n) or by_name.get(k) for n, k in names}, **by_code}
        return self._units

    def _read_spelling(self, name: str, text: str) -> object | None:
        """One trimmed spelling of a coded cell read with the project's rules; None if unreadable."""
        col = self.columns[name]
        if col.kind == "unit":
            by_code, by_name = self._unit_lookup()
            return by_code.get(text) or by_name.get(normalize_header(text)) or None
        if col.kind == "enum":
            return enum_map(col.choices).get(normalize_header(text)) or None
        if col.kind == "score":
            return score_value(text)
        try:
            return parse_bool(text)
        except NumberError:
            return None

    def _maps_from(self, distinct: dict[str, set[str]]) -> None:
        """Each distinct spelling of a coded column read once, with the project's rules."""
        self.maps: dict[str, dict[str, object]] = {name: {} for name in self._coded()}
        for name in self.maps:
            for raw in sorted(distinct.get(name) or ()):
                value = self._read_spelling(name, raw)
                if value is not None:
                    self.maps[name][raw] = value
        units = [(raw, pk) for raw, pk in self.maps.get("unit", {}).items()]
        self.con.execute("CREATE OR REPLACE TABLE map_unit (raw VARCHAR, id BIGINT)")
        if units:  # two lists in one statement: a province's thousands of units in one round trip
            self.con.execute("INSERT INTO map_unit SELECT unnest(?), unnest(?)",
                             [[r for r, _ in units], [pk for _, pk in units]])

    def _bad_message(self, name: str, raw: str) -> str:
        col = self.columns[name]
        if col.kind == "unit":
            return f'Không có đơn vị "{raw}" trong danh mục đơn vị (ghi mã đơn vị, ví dụ AG-STTTT)'
        if col.kind == "enum":
            return f'Không hiểu {col.label} "{raw}": cần {ENUM_HELP[col.choices]}'
        if col.kind == "score":
            return f'Không hiểu {col.label} "{raw}": {SCORE_HELP}'
        if col.kind == "bool":
            try:
                parse_bool(raw)
            except NumberError as exc:
                return str(exc)
        return f'Không đọc được {col.label} "{raw}": {DATE_HELP}'

    def _case(self, name: str, sql_type: str, cell: str | None = None) -> str:
        """The canonical value of a coded cell via its (few) readable spellings; NULL otherwise."""
        cell = cell or self._cell(name)
        pairs = self.maps.get(name) or {}
        if not pairs:
            return f"CAST(NULL AS {sql_type})"
        whens = " ".join(
            f"WHEN {_sql_str(raw)} THEN {_sql_literal(v)}"
            for raw, v in pairs.items()
        )
        return f"CAST(CASE {cell} {whens} END AS {sql_type})"

    # -- normalising ---------------------------------------------------------------------
    def _date_sql(self, name: str, end_of_day: bool = False, cell: str | None = None) -> str:
        """A date cell (trimmed, blank as NULL) as a UTC instant; NULL when unreadable."""
        cell = cell or self._cell(name)
        formats = "[" + ", ".join(_sql_str(f) for f in _NAIVE_FORMATS) + "]"
        zformats = "[" + ", ".join(_sql_str(f) for f in _ZONED_FORMATS) + "]"
        # ISO is what most systems export: DuckDB's own cast is fastest; it ignores a zone
        # suffix, so values that may carry one ("…T08:30+07:00", "…Z") take the zoned path.
        naive = f"coalesce(try_cast({cell} AS TIMESTAMP), try_strptime({cell}, {formats}))"
        if end_of_day:
            # A deadline given as a day means the end of that day.
            naive = (f"CASE WHEN contains({cell}, ':') THEN {naive} "
                     f"ELSE {naive} + INTERVAL 1 DAY - INTERVAL 1 SECOND END")
        local = self._to_utc(naive)
        zoned = f"timezone('UTC', try_strptime(regexp_replace({cell}, 'Z$', '+00:00'), {zformats}))"
        tail = f"{cell}[11:]"
        maybe_zoned = (f"(ends_with({cell}, 'Z') OR contains({tail}, '+') OR contains({tail}, '-')) "
                       f"AND regexp_matches({cell}, {_sql_str(_ZONE_RE)})")
        return (f"CASE WHEN {cell} IS NULL THEN NULL "
                f"WHEN {maybe_zoned} THEN {zoned} ELSE {local} END")

    @staticmethod
    def _to_utc(naive: str) -> str:
        """A naive local time (Asia/Ho_Chi_Minh) as a naive UTC instant."""
        offset = _utc_offset_seconds()
        if offset is not None:
            return f"({naive}) - INTERVAL {offset} SECOND"
        return f"timezone('UTC', timezone({_sql_str(settings.TIME_ZONE)}, {naive}))"

    def _head(self) -> str:
        """A table of some thousand rows of the file (read once; not necessarily the first ones, as
        the reads do not keep the file's order): the usual date spelling and the likely coded
        spellings are both sniffed from it — a guess only, every other spelling is read after the pass."""
        if not getattr(self, "_head_read", False):
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE head AS SELECT * FROM {self.source} "
                             f"LIMIT {max(SAMPLE_ROWS, 1000)}")
            self._head_read = True
        return "head"

    def _usual_format(self, dates: list[str]) -> str | None:
        """The one spelling of ``_USUAL_FORMATS`` that the first non-blank date cells all have."""
        if not dates:
            return None
        cells = [self._cell(d) for d in dates]
        sample = f"SELECT unnest([{', '.join(cells)}]) AS v FROM {self._head()} LIMIT 1000"
        tests = ", ".join(f"bool_and(try_strptime(v, {_sql_str(f)}) IS NOT NULL)" for f in _USUAL_FORMATS)
        seen, *ok = self.con.execute(f"SELECT count(v), {tests} FROM ({sample}) WHERE v IS NOT NULL").fetchone()
        return next((f for f, fits in zip(_USUAL_FORMATS, ok, strict=True) if seen and fits), None)

    def _normalise(self, ordered: bool = True) -> None:
        """One streamed pass into table ``norm``. With ``ordered`` file order is kept, so
        ``rowid`` is the record's index in the file (what locating a problem needs); without,
        DuckDB reads the file in parallel, about twice as fast, and ``rowid`` means nothing.

        Only parsed values are stored, plus the original text of cells that could
        not be read (NULL otherwise), which keeps a million rows small in memory.
        """
        self.con.execute(f"SET preserve_insertion_order = {'true' if ordered else 'false'}")
        self.con.execute("DROP TABLE IF EXISTS norm")
        selects = ["CAST(_row AS BIGINT) AS _row"] if self.is_xlsx else []
        present = [self._cell(n) for n in self.headers]
        selects.append(f"({' AND '.join(f'{c} IS NULL' for c in present) or 'FALSE'}) AS _blank")
        for col in self.columns.values():
            cell = self._cell(col.name)
            if col.kind == "id":
                selects.append(f"{cell} AS {col.name}")
            elif col.kind == "unit":
                selects.append(f"{cell} AS c_unit")
            elif col.kind == "text":
                selects.append(f"coalesce({cell}, '') AS {col.name}")
            elif col.kind in ("enum", "bool", "score"):
                sql_type = {"bool": "BOOLEAN", "score": "INTEGER"}.get(col.kind, "VARCHAR")
                value = self._case(col.name, sql_type)
                selects.append(f"{value} AS {col.name}")
                selects.append(f"CASE WHEN {value} IS NULL THEN {cell} END AS bad_{col.name}")
            elif col.kind == "datetime":
                parsed = self._date_sql(col.name, end_of_day=col.name == "due_at")
                selects.append(f"{parsed} AS p_{col.name}")
                selects.append(f"{cell} AS r_{col.name}")
        dates = [c.name for c in self.columns.values() if c.kind == "datetime"]
        outer = ["* EXCLUDE (" + ", ".join([f"p_{d}" for d in dates] + [f"r_{d}" for d in dates]) + ")"]
        for d in dates:
            # Two-digit years ("05/01/25") parse as year 25: refuse anything outside 1990–2100.
            outer.append(f"CASE WHEN year(p_{d}) BETWEEN 1990 AND 2100 THEN date_trunc('second', p_{d}) END AS {d}")
            outer.append(f"CASE WHEN r_{d} IS NOT NULL AND (p_{d} IS NULL OR year(p_{d}) NOT BETWEEN 1990 AND 2100) "
                         f"THEN r_{d} END AS bad_{d}")
            outer.append(f"r_{d} IS NULL AS empty_{d}")
        self._run(f"CREATE TABLE norm AS SELECT {', '.join(outer)} FROM (SELECT {', '.join(selects)} FROM {self.source})")
        self.con.execute("ALTER TABLE norm ADD COLUMN unit_id BIGINT")
        self.con.execute("UPDATE norm SET unit_id = m.id FROM map_unit m WHERE norm.c_unit = m.raw")

    # -- the fast path: a clean file in one parallel pass ---------------------------------
    def _fast(self) -> bool:
        """Read a clean file once, in parallel; ``checked`` is then a view of it. False when in doubt.

        Most exports are clean. The file is parsed once: dates with the exact path's own
        expression (the file's usual spelling tried first), coded cells read as they are parsed
        through the spellings known in advance (``_likely_spellings``); a cell spelled
        otherwise keeps its raw text, and those few distinct spellings are read after the pass
        with the same rules. One aggregate counts every problem the exact path would name. Any
        problem, a repeated id, no data row or a file DuckDB cannot read returns False with
        nothing kept: the caller then takes the exact path (file order, rows and columns
        named), so messages and records are the exact path's. ``checked`` is a view of the
        parsed table (no second copy of the rows).
        """
        try:
            if self._fast_pass():
                return True
        except duckdb.Error:
            pass
        for sql in ("DROP VIEW IF EXISTS checked", "DROP TABLE IF EXISTS fast", "DROP TABLE IF EXISTS map_late"):
            self.con.execute(sql)
        for name in self._coded():
            self.con.execute(f"DROP TYPE IF EXISTS {_enum_type(name)}")
        return False

    def _likely_spellings(self, coded: list[str]) -> dict[str, list[tuple[str, object]]]:
        """Per coded column, (raw spelling, value) pairs to read cells by during the one pass.

        First the spellings of the file's first rows, most frequent first (a CASE tries its
        branches in order), then the catalogue's: unit codes and names, each code list's
        synonyms, common yes/no words. Each is read with the project's rules
        (``_read_spelling``), so a cell read through this list gets exactly the value the
        exact path gives it; a cell spelled otherwise is read after the pass.
        """
        found: dict[str, dict[str, object]] = {n: {} for n in coded}
        if coded:
            items = ", ".join(f"{{'c': {i}, 'v': s.{_ident(self.headers[n])}}}" for i, n in enumerate(coded))
            rows = self.con.execute(
                f"SELECT x.c, x.v, NULLIF(trim(x.v), ''), count(*) AS n FROM (SELECT unnest([{items}]) AS x "
                f"FROM (SELECT * FROM {self._head()} LIMIT {SAMPLE_ROWS}) s) WHERE x.v IS NOT NULL GROUP BY ALL "
                "ORDER BY n DESC, x.v").fetchall()
            for i, spelling, text, _ in rows:
                value = self._read_spelling(coded[i], text) if text is not None else None
                if value is not None:
                    found[coded[i]][spelling] = value
        for name in coded:
            col = self.columns[name]
            if col.kind == "unit":
                self._unit_lookup()
                for spelling, pk in self._unit_spellings.items():
                    # Python's strip covers every space DuckDB's trim removes (NBSP and the other
                    # Unicode spaces too): a spelling either strips to nothing here or is read later.
                    if pk and spelling == spelling.strip() and spelling:
                        found[name].setdefault(spelling, pk)
                continue
            if col.kind == "enum":
                extra = [v for code, words in ENUMS[col.choices].items() for w in (code, *words)
                         for v in (w, w.capitalize(), w.upper())]
            elif col.kind == "score":
                extra = [str(n) for n in range(SCORE_RANGE[0], SCORE_RANGE[1] + 1)] + \
                    [v for w in SCORE_WORDS for v in (w, w.capitalize())]
            else:
                extra = _BOOL_SPELLINGS
            for spelling in extra:
                if spelling and spelling == spelling.strip() and spelling not in found[name]:
                    value = self._read_spelling(name, spelling)
                    if value is not None:
                        found[name][spelling] = value
        return {n: list(pairs.items()) for n, pairs in found.items()}

    def _fast_pass(self) -> bool:
        """Only parsed values are stored (codes as ENUM, yes/no as BOOLEAN, units as ids), plus
        the raw text of the rare cell not read in the pass: materialising raw text costs more
        than the parse. Where the exact path trims a cell, this reads the raw cell first and
        trims only what that does not settle."""
        self.con.execute("SET preserve_insertion_order = false")
        raw = {n: f"s.{_ident(h)}" for n, h in self.headers.items()}
        dates = [c.name for c in self.columns.values() if c.kind == "datetime"]
        usual = self._usual_format([d for d in dates if d in self.headers])
        key = ID_FIELD[self.kind]
        coded = self._coded()
        likely = self._likely_spellings(coded)
        # A blank row: every cell blank once trimmed (CASE tries the next cell only when needed).
        order = sorted(raw, key=lambda n: n != key)
        blank = " ".join(f"WHEN NULLIF(trim({raw[n]}), '') IS NOT NULL THEN FALSE" for n in order)
        inner = [f"CASE {blank} ELSE TRUE END AS _blank" if blank else "FALSE AS _blank"]
        outer = ["_blank"]
        join = ""
        types = {}  # column → its SQL type in the table
        for col in self.columns.values():
            name = col.name
            if name not in self.headers:
                continue
            cell = raw[name]
            if col.kind == "id":
                inner.append(f"NULLIF(trim({cell}), '') AS {name}")
                outer.append(name)
            elif col.kind == "text":
                inner.append(f"coalesce(NULLIF(trim({cell}), ''), '') AS {name}")
                outer.append(name)
            elif col.kind == "unit":
                pairs = likely[name]
                self.con.execute("CREATE OR REPLACE TABLE map_unit (raw VARCHAR, id BIGINT)")
                if pairs:
                    self.con.execute("INSERT INTO map_unit SELECT unnest(?), unnest(?)",
                                     [[r for r, _ in pairs], [pk for _, pk in pairs]])
                join = " LEFT JOIN map_unit m ON " + cell + " = m.raw"
                inner += ["m.id AS unit_id", f"CASE WHEN m.id IS NULL THEN {cell} END AS c_unit"]
                outer += ["unit_id", "c_unit"]
            elif col.kind in ("enum", "bool", "score"):
                if col.kind == "enum":
                    types[name] = _enum_type(name)
                    self.con.execute(f"DROP TYPE IF EXISTS {types[name]}")
                    codes = ", ".join(_sql_str(c) for c in ENUMS[col.choices])
                    self.con.execute(f"CREATE TYPE {types[name]} AS ENUM ({codes})")
                else:
                    types[name] = {"bool": "BOOLEAN", "score": "INTEGER"}[col.kind]
                whens = " ".join(f"WHEN {_sql_str(r)} THEN CAST({_sql_literal(v)} AS {types[name]})"
                                 for r, v in likely[name])
                value = f"CASE {cell} {whens} END" if whens else f"CAST(NULL AS {types[name]})"
                inner += [f"{value} AS v_{name}", f"{cell} AS r_{name}"]
                outer += [f"v_{name} AS {name}", f"CASE WHEN v_{name} IS NULL THEN r_{name} END AS c_{name}"]
            elif col.kind == "datetime":
                # The usual spelling has a time (no end-of-day rule) and no zone, and strptime
                # reads the whole cell to the second: what it reads, the general expression
                # reads the same. The 1990–2100 range is checked by the aggregate below.
                first = self._to_utc(f"try_strptime({cell}, {_sql_str(usual)})") if usual else \
                    "CAST(NULL AS TIMESTAMP)"
                inner += [f"{first} AS f_{name}", f"{cell} AS r_{name}"]
                trimmed = f"NULLIF(trim(r_{name}), '')"
                general = self._date_sql(name, end_of_day=name == "due_at", cell=trimmed)
                # CASE, not coalesce: DuckDB's coalesce computes the general expression for
                # every row (0,12 s of CPU per million rows), CASE only where the first is NULL.
                outer += [f"CASE WHEN f_{name} IS NOT NULL THEN f_{name} ELSE date_trunc('second', {general}) END "
                          f"AS {name}",
                          f"CASE WHEN f_{name} IS NOT NULL THEN FALSE ELSE {trimmed} IS NULL END AS empty_{name}"]
        self.con.execute(f"CREATE TABLE fast AS SELECT {', '.join(outer)} FROM "
                         f"(SELECT {', '.join(inner)} FROM {self.source} s{join})")
        # The cells not read in the pass: their few distinct spellings, read now with the same rules.
        blanks: dict[str, list[str]] = {n: [] for n in coded}
        late: dict[str, dict[str, object]] = {n: {} for n in coded}
        if coded:
            union = " UNION ALL ".join(
                f"SELECT {i} AS col, c_{n} AS raw, NULLIF(trim(c_{n}), '') AS text "
                f"FROM (SELECT DISTINCT c_{n} FROM fast WHERE c_{n} IS NOT NULL)"
                for i, n in enumerate(coded))
            for i, spelling, text in self.con.execute(union).fetchall():
                if text is None:
                    blanks[coded[i]].append(spelling)
                else:
                    value = self._read_spelling(coded[i], text)
                    if value is not None:
                        late[coded[i]][spelling] = value
        for name, pairs in late.items():
            if not pairs:
                continue
            if name == "unit":
                self.con.execute("CREATE OR REPLACE TABLE map_late (raw VARCHAR, id BIGINT)")
                self.con.execute("INSERT INTO map_late SELECT unnest(?), unnest(?)",
                                 [list(pairs), list(pairs.values())])
                self.con.execute("UPDATE fast SET unit_id = m.id FROM map_late m WHERE fast.c_unit = m.raw")
            else:
                whens = " ".join(f"WHEN {_sql_str(r)} THEN CAST({_sql_literal(v)} AS {types[name]})"
                                 for r, v in pairs.items())
                listed = ", ".join(_sql_str(r) for r in pairs)
                self.con.execute(f"UPDATE fast SET {name} = CASE c_{name} {whens} END WHERE c_{name} IN ({listed})")

        def blank_sql(name: str) -> str:
            listed = ", ".join(_sql_str(r) for r in blanks.get(name, []))
            return f"(c_{name} IS NULL OR c_{name} IN ({listed}))" if listed else f"c_{name} IS NULL"

        in_range = "{} BETWEEN TIMESTAMP '1990-01-01' AND TIMESTAMP '2101-01-01' - INTERVAL 1 MICROSECOND"
        problems = []  # every problem ``_check`` names, as conditions on a row
        for col in self.columns.values():
            name = col.name
            if name not in self.headers:
                continue
            value = "unit_id" if col.kind == "unit" else name
            if col.kind == "id":
                problems.append(f"{name} IS NULL")
            elif col.kind in CODED_KINDS:
                problems.append(f"{value} IS NULL" if col.required else f"{value} IS NULL AND NOT {blank_sql(name)}")
            elif col.kind == "datetime":
                problems.append(f"NOT empty_{name} AND NOT coalesce({in_range.format(name)}, FALSE)")
                if col.required:
                    problems.append(f"empty_{name}")
        if self.kind == "dossiers":
            if "resolved_at" in self.headers:
                problems += ["status = 'resolved' AND resolved_at IS NULL", "resolved_at < received_at",
                             "status = 'received' AND resolved_at IS NOT NULL"]
            else:
                problems.append("status = 'resolved'")
        # The rows per partition (local month of the partition column) in the same scan, when
        # the zone's offset is fixed: the writer then writes each partition by itself.
        offset = _utc_offset_seconds()
        dated = {"dossiers": "received_at", "documents": "date"}[self.kind]
        local = f"{dated} + INTERVAL {offset} SECOND"
        months = f"histogram(year({local}) * 100 + month({local}))" if offset is not None else "NULL"
        units = "list(DISTINCT unit_id)" if "unit" in self.headers else "[]"
        live, bad, repeated, per_month, unit_ids = self.con.execute(
            f"SELECT count(*), count(*) FILTER ({' OR '.join(f'({p})' for p in problems) or 'FALSE'}), "
            f"count(*) - count(DISTINCT {key}), {months}, {units} FROM fast WHERE NOT _blank").fetchone()
        if not live or bad or repeated:
            return False  # the exact path names the problems (or keeps identical repeats once)
        self.source_rows = int(live)
        self.months = {divmod(int(k), 100): int(n) for k, n in per_month.items()} if per_month else None
        self.unit_ids = sorted(int(u) for u in unit_ids if u is not None)
        self._checked_view(types)
        return True

    def _checked_view(self, types: dict[str, str]) -> None:
        """View ``checked`` over the one pass's table, in the dataset's columns (no batch).

        Coded columns stay ENUM: written to Parquet they are the same UTF-8 strings, read
        back as VARCHAR, and DuckDB's writer encodes them several times faster than text."""
        def column(name: str, sql_type: str) -> str:
            if name == "unit_id":
                return "unit_id" if "unit" in self.headers else "CAST(NULL AS BIGINT) AS unit_id"
            if name not in self.headers:
                empty = "''" if self.columns[name].kind == "text" else "NULL"
                return f"CAST({empty} AS {sql_type}) AS {name}"
            if name in types and types[name] not in ("BOOLEAN", "INTEGER"):
                return name  # ENUM
            return f"CAST({name} AS {sql_type}) AS {name}"

        exprs = self._output_columns(column)
        self.con.execute(f"CREATE VIEW checked AS SELECT {', '.join(exprs)} FROM fast WHERE NOT _blank")

    # -- checking ------------------------------------------------------------------------
    def _collect(self, sql: str, column: str, message: Callable[[tuple], str]) -> None:
        for row in self.con.execute(sql + f" ORDER BY _idx LIMIT {MAX_PROBLEMS}").fetchall():
            self.problems.add(row[0], self.labels.get(column, column), message(row))

    def _check(self) -> None:
        live = "NOT _blank"
        for col in self.columns.values():
            if col.name not in self.headers:
                continue
            if col.kind == "id":
                empty = f"{col.name} IS NULL"
            elif col.kind == "unit":
                empty = "c_unit IS NULL"
            elif col.kind in ("enum", "bool", "score"):
                empty = f"{col.name} IS NULL AND bad_{col.name} IS NULL"
            elif col.kind == "datetime":
                empty = f"empty_{col.name}"
            else:
                empty = "FALSE"
            if col.required:
                self._collect(f"SELECT rowid AS _idx FROM norm WHERE {live} AND {empty}", col.name,
                              lambda r, c=col: f"Thiếu {c.label}")
            if col.kind == "unit":
                self._collect(f"SELECT rowid AS _idx, c_unit FROM norm WHERE {live} AND c_unit IS NOT NULL "
                              "AND unit_id IS NULL", col.name, lambda r: self._bad_message("unit", r[1]))
            elif col.kind in ("enum", "bool", "score", "datetime"):
                self._collect(f"SELECT rowid AS _idx, bad_{col.name} FROM norm WHERE {live} "
                              f"AND bad_{col.name} IS NOT NULL", col.name,
                              lambda r, c=col: self._bad_message(c.name, r[1]))
        if self.kind == "dossiers" and not self.problems.items:
            if "resolved_at" in self.headers:
                self._collect(
                    f"SELECT rowid AS _idx FROM norm WHERE {live} AND status = 'resolved' AND resolved_at IS NULL",
                    "resolved_at", lambda r: "Hồ sơ đã giải quyết (resolved) nhưng thiếu ngày có kết quả")
                self._collect(
                    f"SELECT rowid AS _idx, resolved_at, received_at FROM norm WHERE {live} "
                    "AND resolved_at < received_at", "resolved_at",
                    lambda r: f"Ngày có kết quả ({_local_text(r[1])}) trước ngày tiếp nhận ({_local_text(r[2])})")
                self._collect(
                    f"SELECT rowid AS _idx, resolved_at FROM norm WHERE {live} AND status = 'received' "
                    "AND resolved_at IS NOT NULL", "resolved_at",
                    lambda r: f"Hồ sơ đang xử lý (received) mà đã có ngày có kết quả ({_local_text(r[1])}): "
                              "sửa trạng thái thành resolved hoặc xoá ngày có kết quả")
            else:
                self._collect(f"SELECT rowid AS _idx FROM norm WHERE {live} AND status = 'resolved'", "status",
                              lambda r: 'Hồ sơ đã giải quyết nhưng tệp không có cột "ngày có kết quả"')
        if not self.problems.items:
            self._check_duplicates()

    def _data_fields(self) -> list[str]:
        return [f for f in OUTPUT_FIELDS[self.kind] if f not in ("system", ID_FIELD[self.kind])]

    def _check_duplicates(self) -> None:
        key = ID_FIELD[self.kind]
        self.duplicates = self.con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM norm WHERE NOT _blank GROUP BY {key} HAVING count(*) > 1)"
        ).fetchone()[0]
        if not self.duplicates:
            return
        fields = self._data_fields()
        self.con.execute(
            f"CREATE TABLE dup AS SELECT {key}, min(rowid) AS first, "
            f"count(DISTINCT hash({', '.join(fields)})) AS versions FROM norm WHERE NOT _blank "
            f"GROUP BY {key} HAVING count(*) > 1"
        )
        rows = self.con.execute(
            f"SELECT n.rowid AS _idx, d.first, n.{key} FROM norm n JOIN dup d USING ({key}) "
            f"WHERE d.versions > 1 AND n.rowid <> d.first ORDER BY _idx LIMIT {MAX_PROBLEMS}"
        ).fetchall()
        if not rows:
            return
        first_rows = self._row_numbers([r[1] for r in rows])
        cols = ", ".join(fields)
        for idx, first, ident in rows:
            a = self.con.execute(f"SELECT {cols} FROM norm WHERE rowid = ?", [idx]).fetchone()
            b = self.con.execute(f"SELECT {cols} FROM norm WHERE rowid = ?", [first]).fetchone()
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
                f"SELECT rowid, _row FROM norm WHERE rowid IN ({placeholders})", list(wanted)
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
    def _local_month(self, column: str) -> str:
        """The local calendar month ("2025-01") of a UTC instant, as the dataset stores it."""
        offset = _utc_offset_seconds()
        if offset is not None:
            local = f"{column} + INTERVAL {offset} SECOND"
        else:
            local = f"timezone({_sql_str(settings.TIME_ZONE)}, timezone('UTC', {column}))"
        return f"strftime({local}, '%Y-%m')"

    def _output_columns(self, column: Callable[[str, str], str]) -> list[str]:
        """The dataset's columns (``dataset.SCHEMA``, no batch) as select expressions: each ``*_month``
        the local month of the instant it is named after, the others as ``column(name, sql_type)``."""
        from .dataset import SCHEMA

        months = {"received_month": "received_at", "resolved_month": "resolved_at", "date_month": "date"}
        return [f"{self._local_month(months[name])} AS {name}" if name in months else column(name, sql_type)
                for name, sql_type in SCHEMA[self.kind] if name != "batch"]

    def _write_output(self, relation: str = "norm WHERE NOT _blank", view: bool = False) -> None:
        """Table ``checked``: the rows to import in the dataset's columns (``dataset.SCHEMA``, no batch)."""
        exprs = self._output_columns(lambda name, sql_type: f"CAST({name} AS {sql_type}) AS {name}")
        where = ""
        if getattr(self, "duplicates", 0):
            where += (f" AND rowid NOT IN (SELECT n.rowid FROM norm n JOIN dup d USING ({ID_FIELD[self.kind]}) "
                      f"WHERE n.rowid <> d.first)")
        # File order (exports come in time order), no sort.
        self.con.execute(f"CREATE {'VIEW' if view else 'TABLE'} checked AS SELECT {', '.join(exprs)} "
                         f"FROM {relation}{where}")

    def prepare(self) -> Prepared:
        """Read, check and normalise the file; raise ``ImportError_`` listing every problem."""
        try:
            checksum = getattr(self, "checksum", None) or file_checksum(self.path)
            self.progress("Đang đọc tệp", 0.02)
            self._load()
            if self.problems.items:
                self._raise_problems()
            self.progress("Đang kiểm tra dữ liệu", 0.15)
            # Most files are clean: one parallel pass (``_fast``). Only a file with a problem or a
            # repeated id is read again, in file order, to name rows as a spreadsheet does.
            if self._fast():
                self.con.execute("SET preserve_insertion_order = false")
                return Prepared(self.kind, self.system, self.file_name, checksum, self.source_rows,
                                self.source_rows, self.con, self.workdir, self.unit_ids, self.months)
            self._build_maps()
            self._normalise(ordered=True)
            source_rows = self.con.execute("SELECT count(*) FROM norm WHERE NOT _blank").fetchone()[0]
            if not source_rows:
                raise ImportError_([ImportProblem(self.file_name, None, None, "Tệp không có dòng dữ liệu nào")])
            self._check()
            if self.problems.items:
                self._raise_problems()
            self.progress("Đang chuẩn bị ghi", 0.3)
            self._write_output()
            kept = source_rows - self.con.execute(
                "SELECT coalesce(sum(c - 1), 0) FROM (SELECT count(*) c FROM norm WHERE NOT _blank GROUP BY "
                f"{ID_FIELD[self.kind]})"
            ).fetchone()[0] if getattr(self, "duplicates", 0) else source_rows
            unit_ids = [r[0] for r in self.con.execute(
                "SELECT DISTINCT unit_id FROM norm WHERE NOT _blank").fetchall()]
            self.con.execute("DROP TABLE IF EXISTS dup")
            self.con.execute("DROP TABLE norm")  # memory back before the writer's work
            self.con.execute("SET preserve_insertion_order = false")
            return Prepared(self.kind, self.system, self.file_name, checksum, int(kept), int(source_rows),
                            self.con, self.workdir, sorted(unit_ids))
        except BaseException:
            try:
                self.con.close()
            finally:
                self.workdir.cleanup()
            raise


def _enum_type(name: str) -> str:
    """The DuckDB ENUM type of a coded column in the one pass's table."""
    return f"chiso_{name}"


def _sql_literal(value: object) -> str:
    """A mapped value as a DuckDB literal: booleans, integers (scores) or text (codes)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    return _sql_str(str(value))


def _local_text(value: datetime | None) -> str:
    """A stored UTC instant shown back in local time, dd/mm/yyyy HH:MM."""
    if value is None:
        return ""
    from datetime import UTC

    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%d/%m/%Y %H:%M")


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
                   progress: Progress | None = None, checksum: str | None = None) -> Prepared:
    """Check an export of ``kind`` (dossiers | documents) and normalise it for the writer.

    ``checksum``: the file's SHA-256 when the caller has already computed it."""
    path = Path(path)
    reader = ExportReader(path, kind, system, file_name or path.name, progress)
    reader.checksum = checksum
    return reader.prepare()
