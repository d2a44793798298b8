"""The seeds' statistics tables (issue 11, item 6), as one report kind "statistics" in XLSX.

Four sheets, each read from the engine's results (never recomputing a rule):

* **Tiêu chí theo cấp** – every criterion, each level it applies to and the target the framework
  states for that level (seed 000's criteria × level × target table);
* **Đơn vị đạt tiêu chí** – per level and criterion, "k/n đơn vị đạt" among the units that
  reported and to which it applies, with the rate (seed 003: "16/16 xã đạt chỉ tiêu 8.2");
* **Số tiêu chí đạt** – per level, how many units meet k of their N applicable criteria
  (``aggregate.met_histogram``; seed 000: "hầu hết … đạt 6/9 chỉ tiêu");
* **Mức theo cấp** – score frameworks only: per level and category, units at each Mức and
  "Không xếp hạng", and the units not ranked in every category (seed 004: 11/19, 7/8, 109/109).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from openpyxl import Workbook

from chiso.engine.aggregate import met_histogram
from chiso.engine.model import LEVELS, Framework, UnitResult
from chiso.engine.numbers import format_int, format_number
from chiso.engine.periods import Period
from chiso.engine.rates import format_rate
from chiso.engine.targets import describe_target
from chiso.results.vocabulary import NOT_RANKED as NOT_RANKED_LABEL
from chiso.results.vocabulary import level_name

from .context import ReportMeta, percent_format, period_phrase, scope_phrase
from .xlsx import (
    COUNT_FORMAT,
    WRAP_TOP_CENTER,
    _cell,
    _font,
    _header_row,
    _heading,
    _print_setup,
    _save,
    _title_lines,
    _widths,
)

FAILING = ("not_met", "missing", "invalid")

__all__ = ["StatisticsContext", "statistics_context", "statistics_xlsx"]


@dataclass(frozen=True)
class TargetRow:
    code: str
    name: str
    level: str  # "Cấp xã"
    target: str  # "≥ 50%", several rules joined by "; "


@dataclass(frozen=True)
class TallyRow:
    level: str
    code: str
    name: str
    met: int
    applicable: int  # reported units to which the criterion applies
    not_met: int
    missing: int
    rate_text: str = ""  # "100,00%" as every printed rate

    @property
    def not_met_text(self) -> str:
        return format_int(self.not_met)

    @property
    def missing_text(self) -> str:
        return format_int(self.missing)

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.met, self.applicable) if self.applicable else None

    @property
    def text(self) -> str:
        """``16/16 đơn vị đạt`` as the seeds write it."""
        return f"{format_int(self.met)}/{format_int(self.applicable)} đơn vị đạt"


@dataclass(frozen=True)
class HistogramRow:
    level: str
    met: int
    applicable: int
    units: int
    reported: int  # units of the level that reported (the share's denominator)
    share_text: str = ""

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.units, self.reported) if self.reported else None

    @property
    def units_text(self) -> str:
        return format_int(self.units)

    @property
    def reported_text(self) -> str:
        return format_int(self.reported)


@dataclass(frozen=True)
class BandRow:
    level: str
    category: str
    counts: dict[str, int]  # "Mức 4" … → units; NOT_RANKED → units
    reported: int
    values: tuple[int, ...] = ()  # the counts in the order of ``StatisticsContext.band_columns``

    @property
    def value_texts(self) -> list[str]:
        return [format_int(v) for v in self.values]

    @property
    def reported_text(self) -> str:
        return format_int(self.reported)


@dataclass(frozen=True)
class NotRankedRow:
    """Units of a level "Không xếp hạng" in every category (seed 004: 11/19 đơn vị cấp tỉnh)."""

    level: str
    none_ranked: int
    all_ranked: int
    reported: int
    rate_text: str = ""

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.none_ranked, self.reported) if self.reported else None

    @property
    def none_text(self) -> str:
        """``11/19 đơn vị`` (seed 004)."""
        return f"{format_int(self.none_ranked)}/{format_int(self.reported)} đơn vị"

    @property
    def all_text(self) -> str:
        return f"{format_int(self.all_ranked)}/{format_int(self.reported)} đơn vị"


@dataclass
class StatisticsContext:
    meta: ReportMeta
    framework_code: str
    framework_title: str
    period_code: str
    period_label: str
    title: str
    decimals: int
    targets: list[TargetRow]
    tallies: list[TallyRow]
    histogram: list[HistogramRow]
    bands: list[str] = field(default_factory=list)  # "Mức 4", …, highest first
    band_rows: list[BandRow] = field(default_factory=list)
    not_ranked: list[NotRankedRow] = field(default_factory=list)
    kind: str = "statistics"

    @property
    def band_columns(self) -> list[str]:
        """The Mức columns then "Không xếp hạng"."""
        return [*self.bands, str(NOT_RANKED_LABEL)] if self.band_rows else []


def _levels(results: Sequence[UnitResult]) -> list[str]:
    present = {r.unit.level for r in results}
    return [lvl for lvl in LEVELS if lvl in present] + sorted(present - set(LEVELS))


def _condition(rule) -> str:
    parts = [f"{k} = {v}" for k, v in (rule.attributes or {}).items()]
    if rule.year_from is not None or rule.year_to is not None:
        parts.append(f"năm {rule.year_from or '…'}–{rule.year_to or '…'}")
    return f" ({', '.join(parts)})" if parts else ""


def _rule_texts(ind, level: str, year: int) -> list[str]:
    """The targets of ``ind`` that may apply at ``level`` in ``year`` (conditions in brackets)."""
    texts: list[str] = []
    for rule in ind.targets:
        if rule.level not in (None, level):
            continue
        if (rule.year_from is not None and year < rule.year_from) or (
                rule.year_to is not None and year > rule.year_to):
            continue
        text = describe_target(rule.target, ind.kind) + _condition(rule)
        if text not in texts:
            texts.append(text)
    return texts


def _target_text(ind, level: str, year: int) -> str:
    texts = _rule_texts(ind, level, year)
    if not texts and ind.items:  # a composite: each item's target ("a: Có; b: ≥ 50%")
        for item in ind.items:
            if item.levels and level not in item.levels:
                continue
            inner = _target_text(item, level, year)
            if inner:
                texts.append(f"{item.code}: {inner}")
    if not texts and ind.max_points:  # a score criterion: its points at the level
        points = ind.max_points.get(level, ind.max_points.get("default"))
        minimum = ind.minimum_points.get(level, ind.minimum_points.get("default"))
        if points is not None:
            text = f"tối đa {format_number(points)} điểm"
            if minimum is not None:
                text += f", tối thiểu {format_number(minimum)} điểm"
            texts.append(text)
    return "; ".join(texts)


def target_rows(framework: Framework, period: Period) -> list[TargetRow]:
    """Criterion × level × target as the framework states it (rules for other years left out)."""
    rows = []
    for ind in framework.indicators:
        if ind.kind == "text":
            continue
        for level in ind.levels or framework.levels:
            rows.append(TargetRow(ind.code, ind.name, level_name(level), _target_text(ind, level, period.year)))
    return rows


def tally_rows(framework: Framework, results: Sequence[UnitResult]) -> list[TallyRow]:
    """Per level and criterion: met / applicable among the units that reported."""
    rows = []
    for level in _levels(results):
        reported = [r for r in results if r.unit.level == level and r.status != "not_reported"]
        for ind in framework.indicators:
            if ind.kind in ("text", "score"):
                continue
            met = not_met = missing = 0
            for r in reported:
                status = next((ir.status for ir in r.indicators if ir.code == ind.code), None)
                if status == "met":
                    met += 1
                elif status in ("not_met", "invalid"):
                    not_met += 1
                elif status == "missing":
                    missing += 1
            if met + not_met + missing:
                applicable = met + not_met + missing
                rows.append(TallyRow(level_name(level), ind.code, ind.name, met, applicable, not_met, missing,
                                     format_rate(Fraction(met, applicable), framework.decimals)))
    return rows


def histogram_rows(results: Sequence[UnitResult], decimals: int = 2) -> list[HistogramRow]:
    """Per level: units meeting k of N applicable criteria (``met_histogram``), most met first."""
    rows = []
    for level in _levels(results):
        reported = sum(1 for r in results if r.unit.level == level and r.status != "not_reported")
        for (met, applicable), units in met_histogram(results, level).items():
            rows.append(HistogramRow(level_name(level), met, applicable, units, reported,
                                     format_rate(Fraction(units, reported) if reported else None, decimals)))
    return rows


def band_tables(framework: Framework, results: Sequence[UnitResult]
                ) -> tuple[list[str], list[BandRow], list[NotRankedRow]]:
    """Per level and category: units at each Mức and "Không xếp hạng"; per level: none / all ranked."""
    if not framework.categories:
        return [], [], []
    not_ranked = str(NOT_RANKED_LABEL)
    bands: list[str] = []
    for category in framework.categories:
        for band in category.bands:
            if band.label not in bands:
                bands.append(band.label)
    band_rows: list[BandRow] = []
    summary: list[NotRankedRow] = []
    for level in _levels(results):
        scored = [r for r in results if r.unit.level == level and r.status != "not_reported"
                  and r.score is not None]
        if not scored:
            continue
        for category in framework.categories:
            counts: dict[str, int] = {}
            for r in scored:
                cr = next((c for c in r.score.categories if c.code == category.code), None)  # type: ignore[union-attr]
                if cr is None:
                    continue
                key = cr.level if cr.ranked and cr.level else not_ranked
                counts[key] = counts.get(key, 0) + 1
            values = tuple(counts.get(label, 0) for label in [*bands, not_ranked])
            band_rows.append(BandRow(level_name(level), category.name, counts, sum(counts.values()), values))
        none = sum(1 for r in scored if not any(c.ranked for c in r.score.categories))  # type: ignore[union-attr]
        every = sum(1 for r in scored if all(c.ranked for c in r.score.categories))  # type: ignore[union-attr]
        summary.append(NotRankedRow(level_name(level), none, every, len(scored),
                                    format_rate(Fraction(none, len(scored)), framework.decimals)))
    return bands, band_rows, summary


def statistics_context(framework: Framework, period: Period, results: Sequence[UnitResult],
                       meta: ReportMeta, scope_name: str = "") -> StatisticsContext:
    """The four tables of the seeds for a framework, period and the units in scope."""
    bands, band_rows, not_ranked = band_tables(framework, results)
    return StatisticsContext(
        meta=meta,
        framework_code=framework.code,
        framework_title=framework.title,
        period_code=period.code,
        period_label=period.label,
        title=(f"Thống kê kết quả {framework.title}{scope_phrase(scope_name)} "
               f"{period_phrase(period)}").upper(),
        decimals=framework.decimals,
        targets=target_rows(framework, period),
        tallies=tally_rows(framework, results),
        histogram=histogram_rows(results, framework.decimals),
        bands=bands,
        band_rows=band_rows,
        not_ranked=not_ranked,
    )


# --------------------------------------------------------------------------- XLSX


def statistics_xlsx(ctx: StatisticsContext) -> bytes:
    """One sheet per table; counts are integers, rates fractions shown as percentages."""
    rate_format = percent_format(ctx.decimals)
    wb = Workbook()

    def sheet(title: str, headers: list[str], widths: list[float], first: bool = False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        _widths(ws, widths)
        row = _heading(ws, [*_title_lines(ctx), (title, _font(bold=True, size=13))], len(headers))
        _header_row(ws, row, headers)
        return ws, row

    def number(ws, row, col, value, fmt=COUNT_FORMAT):
        if isinstance(value, Fraction):
            value = float(value)
        return _cell(ws, row, col, value, align=WRAP_TOP_CENTER, number_format=fmt)

    # 1. criteria × level × target
    ws, head = sheet("Tiêu chí theo cấp", ["STT", "Mã", "Tiêu chí", "Cấp áp dụng", "Chỉ tiêu cần đạt"],
                     [6, 8, 55, 16, 40], first=True)
    for i, item in enumerate(ctx.targets, start=1):
        number(ws, head + i, 1, i)
        _cell(ws, head + i, 2, item.code, align=WRAP_TOP_CENTER)
        _cell(ws, head + i, 3, item.name)
        _cell(ws, head + i, 4, item.level, align=WRAP_TOP_CENTER)
        _cell(ws, head + i, 5, item.target or "—", align=WRAP_TOP_CENTER)
    _print_setup(ws, (head, head), 5)

    # 2. k/n units meeting each criterion, by level
    ws, head = sheet("Đơn vị đạt tiêu chí",
                     ["Cấp", "Mã", "Tiêu chí", "Số đơn vị đạt", "Số đơn vị áp dụng đã báo cáo", "Tỷ lệ đạt",
                      "Chưa đạt", "Chưa có số liệu", "Kết quả"],
                     [14, 8, 45, 11, 14, 11, 10, 11, 20])
    for i, item in enumerate(ctx.tallies, start=1):
        r = head + i
        _cell(ws, r, 1, item.level, align=WRAP_TOP_CENTER)
        _cell(ws, r, 2, item.code, align=WRAP_TOP_CENTER)
        _cell(ws, r, 3, item.name)
        number(ws, r, 4, item.met)
        number(ws, r, 5, item.applicable)
        number(ws, r, 6, item.rate, rate_format)
        number(ws, r, 7, item.not_met)
        number(ws, r, 8, item.missing)
        _cell(ws, r, 9, item.text, align=WRAP_TOP_CENTER)
    _print_setup(ws, (head, head), 9)

    # 3. completion distribution k/N
    ws, head = sheet("Số tiêu chí đạt",
                     ["Cấp", "Số tiêu chí đạt", "Số tiêu chí áp dụng", "Số đơn vị", "Số đơn vị đã báo cáo",
                      "Tỷ lệ", "Kết quả"],
                     [14, 12, 12, 11, 13, 11, 26])
    for i, item in enumerate(ctx.histogram, start=1):
        r = head + i
        _cell(ws, r, 1, item.level, align=WRAP_TOP_CENTER)
        number(ws, r, 2, item.met)
        number(ws, r, 3, item.applicable)
        number(ws, r, 4, item.units)
        number(ws, r, 5, item.reported)
        number(ws, r, 6, item.share, rate_format)
        _cell(ws, r, 7, f"{format_int(item.units)} đơn vị đạt {item.met}/{item.applicable} tiêu chí", align=WRAP_TOP_CENTER)
    _print_setup(ws, (head, head), 7)

    # 4. Mức by level (score frameworks)
    if ctx.band_rows:
        not_ranked = str(NOT_RANKED_LABEL)
        columns = [*ctx.bands, not_ranked]
        headers = ["Cấp", "Hạng mục", *columns, "Số đơn vị đã báo cáo"]
        ws, head = sheet("Mức theo cấp", headers, [14, 30, *([11] * len(columns)), 13])
        r = head
        for item in ctx.band_rows:
            r += 1
            _cell(ws, r, 1, item.level, align=WRAP_TOP_CENTER)
            _cell(ws, r, 2, item.category)
            for offset, label in enumerate(columns):
                number(ws, r, 3 + offset, item.counts.get(label, 0))
            number(ws, r, 3 + len(columns), item.reported)
        r += 2
        _header_row(ws, r, ["Cấp", f"{not_ranked} cả các hạng mục", "Số đơn vị đã báo cáo", "Tỷ lệ",
                            "Xếp hạng ở tất cả hạng mục"])
        for item in ctx.not_ranked:
            r += 1
            _cell(ws, r, 1, item.level, align=WRAP_TOP_CENTER)
            number(ws, r, 2, item.none_ranked)
            number(ws, r, 3, item.reported)
            number(ws, r, 4, item.rate, rate_format)
            number(ws, r, 5, item.all_ranked)
        _print_setup(ws, (head, head), len(headers))
    return _save(wb)
