"""Read a CSV or XLSX table the way a spreadsheet user sees it.

Every import (units, values, the web upload) goes through here so that all of
them accept the same files and report problems the same way: the file name,
the row number as the spreadsheet shows it (header = row 1), the column (its
letter in XLSX, its header in CSV) and a Vietnamese sentence. Problems are
collected, never raised one at a time, so a reporter fixes a file in one pass.

Header names are matched case-, space- and diacritics-insensitively and with
Vietnamese aliases ("Mã đơn vị" → ``code``), because the people who fill these
files in type headers by hand.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from chiso.spreadsheets import SpreadsheetRefused, XlsxLimits, check_xlsx

# Canonical field → the header spellings people use. Matching ignores case,
# spaces, punctuation and diacritics, so "MÃ ĐƠN VỊ", "ma_don_vi" and
# "Mã đơn vị" are the same header.
COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "mã", "mã đơn vị", "unit code", "unit_code"),
    "unit": ("unit", "mã đơn vị", "đơn vị", "unit code", "unit_code"),
    "name": ("name", "tên", "tên đơn vị"),
    "level": ("level", "cấp", "cấp đơn vị"),
    "kind": ("kind", "loại", "loại đơn vị", "loại hình"),
    "parent_code": ("parent_code", "parent", "mã đơn vị cha", "đơn vị cha", "mã cha", "cha",
                    "đơn vị cấp trên", "mã đơn vị cấp trên", "cấp trên", "đơn vị chủ quản"),
    "valid_from": ("valid_from", "hiệu lực từ", "từ ngày", "ngày hiệu lực"),
    "valid_to": ("valid_to", "hiệu lực đến", "đến ngày", "ngày hết hiệu lực"),
    "active": ("active", "đang hoạt động", "hoạt động"),
    "period": ("period", "kỳ", "kỳ báo cáo", "kỳ đánh giá"),
    "element": ("element", "chỉ tiêu", "phần tử", "mã chỉ tiêu", "mã phần tử"),
    "value": ("value", "giá trị", "số liệu"),
    "comment": ("comment", "ghi chú", "note"),
}

FIELD_LABELS: dict[str, str] = {
    "code": "mã đơn vị",
    "unit": "mã đơn vị",
    "name": "tên",
    "level": "cấp",
    "kind": "loại",
    "parent_code": "mã đơn vị cha",
    "valid_from": "hiệu lực từ",
    "valid_to": "hiệu lực đến",
    "active": "đang hoạt động",
    "period": "kỳ",
    "element": "chỉ tiêu / phần tử",
    "value": "giá trị",
    "comment": "ghi chú",
}

# Invisible characters that make two codes look equal but compare different: zero-width
# spaces and joiners, the BOM, and the bidirectional controls (which can also make a code
# display differently from what it is).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"
                                    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                                    "\u2066\u2067\u2068\u2069"))
CODE_FIELDS = frozenset({"code", "unit", "parent_code"})


def normalize_code(text: object) -> str:
    """A unit code as stored and compared: NFC, without invisible or bidi control characters,
    stripped. "AG\u200b-STP" pasted from a web page is the same unit as "AG-STP"."""
    return unicodedata.normalize("NFC", str(text or "")).translate(_INVISIBLE).strip()


CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an imported file, located as the user sees it."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file or "tệp"]
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return f"{', '.join(parts)}: {self.message}"


class ImportError_(Exception):  # noqa: N801 - trailing underscore: not the builtin ImportError
    """Every problem found in a file; nothing was written when this is raised."""

    def __init__(self, problems: Iterable[ImportProblem]):
        self.problems: list[ImportProblem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ProblemList:
    """Collects problems while a file is checked; raises them all at the end."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[ImportProblem] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.items.append(ImportProblem(self.file, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raise every problem found so far, in row order (file-wide problems first)."""
        if self.items:
            raise ImportError_(sorted(self.items, key=lambda p: -1 if p.row is None else p.row))


def lower_first(message: object) -> str:
    """An error message to follow "dòng 7, cột value: " (its first letter in lower case)."""
    text = str(message)
    return text[:1].lower() + text[1:]


def normalize_header(text: object) -> str:
    """A header reduced to lowercase ASCII letters and digits ("Mã đơn vị" → "madonvi")."""
    s = str(text or "").strip().lower().replace("đ", "d")
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ch.isascii() and ch.isalnum())


def alias_table(fields: Iterable[str], extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """Normalised header → canonical field, for the ``fields`` one import accepts."""
    table: dict[str, str] = {}
    for name in fields:
        spellings = list(COMMON_ALIASES.get(name, (name,)))
        if extra and name in extra:
            spellings.extend(extra[name])
        for spelling in [name, *spellings]:
            table.setdefault(normalize_header(spelling), name)
    return table


@dataclass
class Row:
    """One data row: canonical field → cell, plus the columns it came from."""

    number: int
    cells: dict[str, Any]
    columns: dict[str, str]
    extras: dict[str, Any] = field(default_factory=dict)  # header → cell, unknown columns

    def get(self, name: str) -> Any:
        """The cell under ``name`` (None when the column is absent or blank)."""
        value = self.cells.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, name: str) -> str:
        """The cell under ``name`` as stripped text ("" when blank); unit codes normalised."""
        value = self.get(name)
        text = "" if value is None else cell_text(value)
        return normalize_code(text) if name in CODE_FIELDS else text

    def column(self, name: str) -> str:
        """How the user names the column of ``name``: its letter (XLSX) or header (CSV)."""
        return self.columns.get(name, name)


@dataclass
class Table:
    """A file read into rows, with its header mapping."""

    file: str
    kind: str  # "csv" | "xlsx"
    headers: list[str]
    fields: dict[str, str]  # canonical field → column label (letter or header)
    extra_columns: dict[str, str]  # original header → column label, for unknown headers
    rows: list[Row]

    def has(self, name: str) -> bool:
        return name in self.fields


def cell_text(value: Any) -> str:
    """A cell shown as text: whole floats without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _source_name(source: Any, filename: str | None) -> str:
    if filename:
        return os.path.basename(str(filename))
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    name = getattr(source, "name", None)
    return os.path.basename(str(name)) if name else "tệp"


def _read_bytes(source: Any) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        try:
            source.seek(0)
        except (OSError, ValueError):
            pass
    data = source.read()
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


def read_table(
    source: str | os.PathLike | IO[bytes] | bytes,
    *,
    fields: Sequence[str],
    required: Sequence[str],
    filename: str | None = None,
    sheet: str | None = None,
    extra_aliases: Mapping[str, Iterable[str]] | None = None,
    allow_extra: bool = True,
    limits: XlsxLimits | None = None,
) -> Table:
    """Read ``source`` (path, file object or bytes) into a :class:`Table`.

    The kind of file is decided by its name (.csv / .xlsx) and, failing that,
    by its content (an XLSX file is a ZIP archive). Raises :class:`ImportError_`
    when the file cannot be read at all, is empty, is larger than ``limits``
    (an XLSX; default :class:`~chiso.spreadsheets.XlsxLimits`), lacks a required
    column, or has a CSV row with more cells than its header; other cell-level
    checks are the caller's job.
    """
    name = _source_name(source, filename)
    problems = ProblemList(name)
    try:
        data = _read_bytes(source)
    except OSError as exc:
        problems.add(None, None, f"không mở được tệp ({exc.strerror or exc})")
        problems.raise_if_any()
        raise  # pragma: no cover - raise_if_any always raises here
    if not data.strip():
        problems.add(1, None, "tệp rỗng, không có dòng tiêu đề và dữ liệu")
        problems.raise_if_any()

    suffix = os.path.splitext(name)[1].lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix in XLSX_SUFFIXES or (suffix not in CSV_SUFFIXES and is_zip):
        kind = "xlsx"
        raw_rows = _xlsx_rows(data, sheet, problems, limits or XlsxLimits())
    elif suffix in CSV_SUFFIXES or not suffix:
        kind = "csv"
        raw_rows = _csv_rows(data, problems)
    else:
        problems.add(
            None, None,
            f"không nhận dạng được loại tệp {suffix!r}: chỉ nhận CSV (UTF-8) hoặc Excel (.xlsx)",
        )
        problems.raise_if_any()
        raise AssertionError("unreachable")
    problems.raise_if_any()
    return _build_table(name, kind, raw_rows, fields, required, extra_aliases, allow_extra, problems)


def _csv_rows(data: bytes, problems: ProblemList) -> list[tuple[int, list[Any]]]:
    """Decode strictly as UTF-8 (BOM optional) and split into records."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(
            line, _csv_column_at(data, exc.start),
            f"tệp không phải mã UTF-8 (byte không hợp lệ 0x{data[exc.start]:02X} ở vị trí byte "
            f"{exc.start}); hãy lưu lại tệp dưới dạng \"CSV UTF-8\" hoặc dùng tệp Excel .xlsx",
        )
        return []
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max([",", ";", "\t"], key=lambda d: first_line.count(d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, record))
    except csv.Error as exc:
        problems.add(len(rows) + 1, None, f"dòng CSV không đọc được ({exc})")
    return rows


def _csv_column_at(data: bytes, offset: int) -> str | None:
    """The header of the column holding byte ``offset``, read leniently, for a decoding error."""
    text_before = data[:offset].decode("utf-8", errors="replace")
    header_line = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip("\r")
    line_start = text_before.rfind("\n") + 1
    current = text_before[line_start:]
    delimiter = max([",", ";", "\t"], key=lambda d: header_line.count(d))
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    index = current.count(delimiter)
    if line_start == 0 or index >= len(header):
        return None
    return header[index].strip() or None


def _xlsx_rows(
    data: bytes, sheet: str | None, problems: ProblemList, limits: XlsxLimits
) -> list[tuple[int, list[Any]]]:
    """Values of the first (or named) sheet, with the sheet's own row numbers.

    The file is measured first (unpacked size, rows, rightmost column) so a ZIP bomb or a
    cell in column XFD is refused before openpyxl allocates anything for it.
    """
    from openpyxl import load_workbook

    try:
        check_xlsx(data, problems.file, limits)
    except SpreadsheetRefused as exc:
        problems.add(None, None, exc.detail)
        return []

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        problems.add(None, None, f"không đọc được tệp Excel .xlsx ({exc.__class__.__name__}): tệp hỏng hoặc không phải .xlsx")
        return []
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                problems.add(
                    None, None,
                    f"không có trang tính {sheet!r}; các trang có: {', '.join(workbook.sheetnames)}",
                )
                return []
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # stored dimensions can lie; read every row
        return [
            (number, list(values))
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _build_table(
    name: str,
    kind: str,
    raw_rows: list[tuple[int, list[Any]]],
    fields: Sequence[str],
    required: Sequence[str],
    extra_aliases: Mapping[str, Iterable[str]] | None,
    allow_extra: bool,
    problems: ProblemList,
) -> Table:
    from openpyxl.utils import get_column_letter

    rows_iter: Iterator[tuple[int, list[Any]]] = iter(raw_rows)
    header_row = next(((n, cells) for n, cells in rows_iter if not _is_blank(cells)), None)
    if header_row is None:
        problems.add(1, None, "tệp rỗng, không có dòng tiêu đề và dữ liệu")
        problems.raise_if_any()
    assert header_row is not None
    header_number, header_cells = header_row

    aliases = alias_table(fields, extra_aliases)
    headers = [cell_text(c) for c in header_cells]
    index_of: dict[str, int] = {}
    labels: dict[str, str] = {}
    extra_index: dict[str, int] = {}
    extra_labels: dict[str, str] = {}
    for idx, header in enumerate(headers):
        if not header:
            continue
        label = get_column_letter(idx + 1) if kind == "xlsx" else header
        canonical = aliases.get(normalize_header(header))
        if canonical is not None:
            if canonical in index_of:
                problems.add(
                    header_number, label,
                    f"cột {header!r} trùng nghĩa với cột {labels[canonical]!r} ({FIELD_LABELS.get(canonical, canonical)})",
                )
                continue
            index_of[canonical] = idx
            labels[canonical] = label
        elif allow_extra:
            if header in extra_index:
                problems.add(header_number, label, f"cột {header!r} xuất hiện hai lần")
                continue
            extra_index[header] = idx
            extra_labels[header] = label
        else:
            problems.add(header_number, label, f"cột {header!r} không dùng được ở đây")
    present = ", ".join(h for h in headers if h)
    for missing in (f for f in required if f not in index_of):
        problems.add(
            header_number, missing,
            f"thiếu cột bắt buộc {missing} ({FIELD_LABELS.get(missing, missing)}); "
            f"dòng tiêu đề đang có: {present}",
        )
    problems.raise_if_any()

    rows: list[Row] = []
    width = len(header_cells)
    for number, cells in rows_iter:
        if _is_blank(cells):
            continue
        if kind == "csv" and len(cells) > width and not _is_blank(cells[width:]):
            # Dropping the surplus would silently turn "…,5,6" (a decimal comma without
            # quotes) into 5: the row is refused like any other malformed row.
            problems.add(
                number, None,
                f"dòng có {len(cells)} ô nhưng dòng tiêu đề chỉ có {width} cột; nếu một số viết "
                f"dấu phẩy thập phân (ví dụ 5,6) thì đặt nó trong ngoặc kép (\"5,6\") hoặc dùng "
                f"dấu chấm phẩy (;) làm dấu phân cách",
            )
            continue
        values = {f: (cells[i] if i < len(cells) else None) for f, i in index_of.items()}
        extras = {h: (cells[i] if i < len(cells) else None) for h, i in extra_index.items()}
        rows.append(Row(number=number, cells=values, columns=labels, extras=extras))
    problems.raise_if_any()
    if not rows:
        problems.add(header_number + 1, None, "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào")
        problems.raise_if_any()
    return Table(name, kind, headers, labels, extra_labels, rows)


def parse_date_cell(value: Any) -> date:
    """A date cell: an Excel date, dd/mm/yyyy, d-m-yyyy or ISO yyyy-mm-dd."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"không đọc được {text!r} thành ngày (cần dd/mm/yyyy, ví dụ 01/07/2025)")
