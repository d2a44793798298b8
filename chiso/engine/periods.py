"""Reporting periods: a month, a quarter, a half-year or a year.

Codes are what the system stores and URLs carry ("2025-01", "2025-Q1",
"2025-H1", "2025"); labels are what reports print ("Tháng 01/2025",
"Quý I/2025", "6 tháng đầu năm 2025", "Năm 2025"). Deadlines are not a property
of a period: they belong to assessment rounds.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import total_ordering

__all__ = ["Period", "PeriodError", "parse_period", "periods_of_kind_between", "KINDS"]

KINDS: tuple[str, ...] = ("month", "quarter", "half", "year")
_PER_YEAR = {"month": 12, "quarter": 4, "half": 2, "year": 1}
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v: k for k, v in _ROMAN.items()}
MIN_YEAR, MAX_YEAR = 1900, 2100

_EXPECTED = (
    "cần dạng 2025-01 (tháng), 2025-Q1 (quý), 2025-H1 (6 tháng) hoặc 2025 (năm)"
)


class PeriodError(ValueError):
    """A period that cannot be read; the message is Vietnamese and names what was expected."""


@total_ordering
@dataclass(frozen=True)
class Period:
    """One reporting period. ``index`` is the month (1–12), quarter (1–4), half (1–2) or 1 for a year."""

    kind: str
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if self.kind not in _PER_YEAR:
            raise PeriodError(f'Loại kỳ "{self.kind}" không hợp lệ: cần month, quarter, half hoặc year')
        if not (MIN_YEAR <= self.year <= MAX_YEAR):
            raise PeriodError(f"Năm {self.year} không hợp lệ: năm phải từ {MIN_YEAR} đến {MAX_YEAR}")
        if not (1 <= self.index <= _PER_YEAR[self.kind]):
            raise PeriodError(_index_message(self.kind, self.index, f"{self.year}"))

    @property
    def code(self) -> str:
        """Stored form: "2025-01", "2025-Q1", "2025-H1", "2025"."""
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "half":
            return f"{self.year}-H{self.index}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        """Printed form: "Tháng 01/2025", "Quý I/2025", "6 tháng đầu năm 2025", "Năm 2025"."""
        if self.kind == "month":
            return f"Tháng {self.index:02d}/{self.year}"
        if self.kind == "quarter":
            return f"Quý {_ROMAN[self.index]}/{self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    @property
    def start(self) -> date:
        """First day, inclusive."""
        return date(self.year, (self.index - 1) * _MONTHS[self.kind] + 1, 1)

    @property
    def end(self) -> date:
        """Last day, inclusive."""
        month = self.index * _MONTHS[self.kind]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def sort_key(self) -> tuple[date, date]:
        """Chronological order; among periods starting the same day the shorter comes first."""
        return (self.start, self.end)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within the period (both ends included)."""
        return self.start <= day <= self.end

    def _ordinal(self) -> int:
        return self.year * _PER_YEAR[self.kind] + self.index - 1

    @classmethod
    def _from_ordinal(cls, kind: str, ordinal: int) -> Period:
        year, index = divmod(ordinal, _PER_YEAR[kind])
        return cls(kind, year, index + 1)

    def previous(self) -> Period:
        """The period of the same kind just before (Tháng 01/2025 → Tháng 12/2024)."""
        return self._from_ordinal(self.kind, self._ordinal() - 1)

    def next(self) -> Period:
        """The period of the same kind just after."""
        return self._from_ordinal(self.kind, self._ordinal() + 1)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __str__(self) -> str:
        return self.code


def _index_message(kind: str, index: int, text: str) -> str:
    if kind == "month":
        return f'Tháng {index} không hợp lệ trong "{text}": tháng phải từ 01 đến 12'
    if kind == "quarter":
        return f'Quý {index} không hợp lệ trong "{text}": quý phải từ 1 (Q1) đến 4 (Q4)'
    if kind == "half":
        return f'Kỳ 6 tháng H{index} không hợp lệ trong "{text}": chỉ có H1 (đầu năm) và H2 (cuối năm)'
    return f'Kỳ "{text}" không hợp lệ'


_CODE = re.compile(r"(\d{4})(?:-(?:(\d{1,2})|([QqHh])(\d+)))?")
_MONTH_LABEL = re.compile(r"(?:tháng\s*)?(\d{1,2})\s*[/-]\s*(\d{4})", re.IGNORECASE)
_QUARTER_LABEL = re.compile(r"quý\s*([IVX]+|\d)\s*[/-]?\s*(?:năm\s*)?(\d{4})", re.IGNORECASE)
_HALF_LABEL = re.compile(r"6\s*tháng\s*(đầu|cuối)\s*năm\s*(\d{4})", re.IGNORECASE)
_YEAR_LABEL = re.compile(r"năm\s*(\d{4})", re.IGNORECASE)


def _make(kind: str, year: str, index: int, text: str) -> Period:
    y = int(year)
    if not (MIN_YEAR <= y <= MAX_YEAR):
        raise PeriodError(f'Năm {y} trong "{text}" không hợp lệ: năm phải từ {MIN_YEAR} đến {MAX_YEAR}')
    if not (1 <= index <= _PER_YEAR[kind]):
        raise PeriodError(_index_message(kind, index, text))
    return Period(kind, y, index)


def parse_period(text: str | Period) -> Period:
    """Read a period code ("2025-01", "2025-Q1", "2025-H1", "2025") or its printed label.

    Labels such as "Tháng 01/2025", "01/2025", "Quý I/2025", "6 tháng đầu năm 2025"
    and "Năm 2025" are accepted too, so spreadsheets typed by people can be read.
    Anything else raises ``PeriodError`` naming the expected forms.
    """
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise PeriodError(f'Không hiểu kỳ báo cáo "{text}": {_EXPECTED}')
    raw = " ".join(unicodedata.normalize("NFC", text).split())
    if not raw:
        raise PeriodError(f"Chưa ghi kỳ báo cáo: {_EXPECTED}")
    m = _CODE.fullmatch(raw)
    if m:
        year, month, letter, number = m.groups()
        if month is not None:
            return _make("month", year, int(month), raw)
        if letter is not None:
            kind = "quarter" if letter.upper() == "Q" else "half"
            return _make(kind, year, int(number), raw)
        return _make("year", year, 1, raw)
    m = _QUARTER_LABEL.fullmatch(raw)
    if m:
        q = m.group(1).upper()
        index = int(q) if q.isdigit() else _FROM_ROMAN.get(q, 0)
        if not index:
            raise PeriodError(f'Quý {q} không hợp lệ trong "{raw}": quý phải từ I đến IV')
        return _make("quarter", m.group(2), index, raw)
    m = _HALF_LABEL.fullmatch(raw)
    if m:
        return _make("half", m.group(2), 1 if m.group(1).lower() == "đầu" else 2, raw)
    m = _MONTH_LABEL.fullmatch(raw)
    if m:
        return _make("month", m.group(2), int(m.group(1)), raw)
    m = _YEAR_LABEL.fullmatch(raw)
    if m:
        return _make("year", m.group(1), 1, raw)
    raise PeriodError(f'Không hiểu kỳ báo cáo "{raw}": {_EXPECTED}')


def periods_of_kind_between(a: str | Period, b: str | Period) -> list[Period]:
    """Every period from ``a`` to ``b`` inclusive, of their (common) kind, for trend charts.

    ``a`` after ``b`` gives an empty list; periods of different kinds raise ``PeriodError``.
    """
    first, last = parse_period(a), parse_period(b)
    if first.kind != last.kind:
        raise PeriodError(
            f'Hai kỳ "{first.label}" và "{last.label}" khác loại: cần cùng là tháng, quý, 6 tháng hoặc năm'
        )
    return [
        Period._from_ordinal(first.kind, n) for n in range(first._ordinal(), last._ordinal() + 1)
    ]
