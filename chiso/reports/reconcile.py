"""Reconcile the national portal's published figures with the province's stored results.

Provinces are told to reconcile Decision 766's rates between the national public-service
portal and their own dossier system. The portal's figures come as a small table (CSV or
XLSX, one figure a row: unit, period, figure, measure, value — ``docs/reports.md``); the
province's figures are read from the stored results (``chiso.results.reader`` through
``figures_for``), never recomputed here, so the reconciliation shows the same numbers as
every page and report. Each portal figure becomes one ``Line``: the two values, the
difference (province − portal) and whether they match at the precision the portal
publishes (2 decimals for points and percentages, exact for counts).

The import is all or nothing like every other: every problem is collected and raised as
``chiso.tabular.ImportError_`` naming file, row and column, in Vietnamese.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from io import BytesIO
from typing import Any

from chiso.engine.model import IndicatorResult, UnitResult
from chiso.engine.numbers import (
    NumberError,
    format_number,
    format_percent,
    parse_number,
    round_half_up,
)
from chiso.engine.periods import Period, PeriodError, parse_period
from chiso.engine.rates import format_rate
from chiso.frameworks.models import Framework
from chiso.tabular import ProblemList, Row, lower_first, read_table
from chiso.units.models import Unit

__all__ = ["MEASURES", "PortalFigure", "Line", "Reconciliation", "read_portal_figures", "reconcile",
           "reconciliation_to_dict", "render_text", "reconciliation_xlsx"]

# What a value measures, and the spellings accepted in the "measure" column.
MEASURES: dict[str, tuple[str, ...]] = {
    "points": ("points", "điểm", "diem", "điểm số"),
    "rate": ("rate", "tỷ lệ", "tỉ lệ", "ty le", "%"),
    "numerator": ("numerator", "tử số", "tu so", "số đạt"),
    "denominator": ("denominator", "mẫu số", "mau so", "tổng số"),
}
MEASURE_LABELS = {"points": "Điểm", "rate": "Tỷ lệ", "numerator": "Tử số", "denominator": "Mẫu số"}
TOTAL = "total"
TOTAL_SPELLINGS = ("total", "tổng", "tong", "tổng điểm", "tong diem", "chỉ số", "tổng cộng")
STATUS_LABELS = {"match": "Khớp", "differs": "Lệch", "missing": "Tỉnh chưa có số liệu"}
DECIMALS = 2  # the portal publishes points and percentages to 2 decimals

FIELDS = ("unit", "period", "figure", "measure", "value", "comment")
ALIASES = {
    "figure": ("figure", "indicator", "component", "chỉ số", "mã chỉ số", "thành phần", "mã thành phần",
               "chỉ số thành phần", "nhóm", "chỉ tiêu", "mã chỉ tiêu"),
    "measure": ("measure", "loại số liệu", "đại lượng", "loại"),
    "value": ("value", "giá trị", "số liệu", "số liệu cổng", "giá trị trên cổng", "cổng dvcqg"),
}


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.strip().lower().replace("đ", "d"))
    # Keep "." and "-": "2.1" and "21" are different codes (NQ 17 has both kinds).
    return " ".join("".join(ch for ch in s if ch.isascii() and (ch.isalnum() or ch in " %.-_")).split())


_MEASURE_OF = {_fold(s): name for name, spellings in MEASURES.items() for s in spellings}
_TOTALS = {_fold(s) for s in TOTAL_SPELLINGS}


@dataclass(frozen=True)
class PortalFigure:
    """One figure the portal published, as read from row ``row`` of the file."""

    row: int
    unit: str
    figure: str  # an indicator code, a category code, or "total"
    kind: str  # indicator | category | total
    measure: str  # points | rate | numerator | denominator
    value: Fraction
    comment: str = ""


@dataclass(frozen=True)
class Line:
    """One portal figure set against the province's."""

    figure: PortalFigure
    unit_name: str
    figure_name: str
    province: Fraction | None
    status: str  # match | differs | missing
    note: str  # why the province has no figure, or its explanation

    @property
    def difference(self) -> Fraction | None:
        """Province − portal (None when the province has no figure)."""
        return None if self.province is None else self.province - self.figure.value


@dataclass(frozen=True)
class Reconciliation:
    framework: Framework
    period: Period
    basis: str
    file: str
    lines: tuple[Line, ...]

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


def _figures_of(spec) -> dict[str, tuple[str, str, Any]]:
    """Figure code (folded) → (code, kind, object) for every indicator, category and the total."""
    out: dict[str, tuple[str, str, Any]] = {}
    for ind in spec.indicators:
        out[_fold(ind.code)] = (ind.code, "indicator", ind)
    for cat in spec.categories:
        out.setdefault(_fold(cat.code), (cat.code, "category", cat))
        out.setdefault(_fold(cat.name), (cat.code, "category", cat))
    for spelling in _TOTALS:
        out.setdefault(spelling, (TOTAL, "total", None))
    return out


def _ratio_input(ind) -> bool:
    scoring = getattr(ind, "scoring", None)
    return ind.kind == "ratio" or (scoring is not None and scoring.input == "ratio")


def read_portal_figures(source, framework: Framework, period: Period | str, *,
                        filename: str | None = None, units=None) -> list[PortalFigure]:
    """The portal's figures in ``source`` (CSV/XLSX), checked against ``framework`` and ``period``.

    Refused whole (``ImportError_``) on any problem: an unknown unit or figure, a measure the
    figure does not have (points of a criteria indicator, a rate of a group), a value that is
    not a number, a rate above 100%, points above the figure's maximum, a count that is not a
    whole number ≥ 0, a period other than ``period``, the same figure twice. ``units`` (a
    queryset: the web page passes the user's visible units) limits the units a row may name; one
    outside it reads as unknown, so its existence is not revealed.
    """
    period = parse_period(period)
    table = read_table(source, fields=FIELDS, required=("unit", "figure", "value"), filename=filename,
                       extra_aliases=ALIASES)
    problems = ProblemList(table.file)
    spec = framework.spec()
    known = _figures_of(spec)
    allowed = Unit.objects.all() if units is None else units
    units = {u.code: u for u in allowed.filter(code__in={r.text("unit") for r in table.rows})}
    seen: dict[tuple[str, str, str], int] = {}
    out: list[PortalFigure] = []
    for row in table.rows:
        figure = _read_row(row, known, units, period, spec, problems)
        if figure is None:
            continue
        key = (figure.unit, figure.figure, figure.measure)
        if key in seen:
            problems.add(row.number, row.column("figure"),
                         f"số liệu này đã có ở dòng {seen[key]} (cùng đơn vị, chỉ số và loại số liệu)")
            continue
        seen[key] = row.number
        out.append(figure)
    problems.raise_if_any()
    return out


def _read_row(row: Row, known, units, period: Period, spec, problems: ProblemList) -> PortalFigure | None:
    ok = True
    code = row.text("unit")
    if not code:
        problems.add(row.number, row.column("unit"), "thiếu mã đơn vị")
        ok = False
    elif code not in units:
        problems.add(row.number, row.column("unit"), f"không có đơn vị mã “{code}”")
        ok = False
    raw_period = row.text("period")
    if raw_period:
        try:
            if parse_period(raw_period).code != period.code:
                problems.add(row.number, row.column("period"),
                             f"kỳ “{raw_period}” khác kỳ đang đối chiếu ({period.label})")
                ok = False
        except PeriodError as exc:
            problems.add(row.number, row.column("period"), lower_first(exc))
            ok = False
    raw_figure = row.text("figure")
    found = known.get(_fold(raw_figure)) if raw_figure else None
    if not raw_figure:
        problems.add(row.number, row.column("figure"), "thiếu mã chỉ số")
        ok = False
    elif found is None:
        problems.add(row.number, row.column("figure"),
                     f"bộ chỉ số {spec.code} không có chỉ số, nhóm “{raw_figure}” (hoặc “tổng”)")
        ok = False
    raw_measure = row.text("measure")
    measure = _MEASURE_OF.get(_fold(raw_measure)) if raw_measure else "points"
    if measure is None:
        problems.add(row.number, row.column("measure"),
                     f"không hiểu loại số liệu “{raw_measure}”: cần điểm, tỷ lệ, tử số hoặc mẫu số")
        ok = False
    if found is not None and measure is not None:
        _, kind, obj = found
        if kind != "indicator" and measure != "points":
            problems.add(row.number, row.column("measure"),
                         f"nhóm và tổng chỉ có điểm, không có {MEASURE_LABELS[measure].lower()}")
            ok = False
        elif kind == "indicator" and measure == "points" and obj.kind != "score":
            problems.add(row.number, row.column("measure"), f"chỉ số {obj.code} không chấm điểm")
            ok = False
        elif kind == "indicator" and measure != "points" and not _ratio_input(obj):
            problems.add(row.number, row.column("measure"),
                         f"chỉ số {obj.code} không có tử số, mẫu số nên không có {MEASURE_LABELS[measure].lower()}")
            ok = False
    value = _read_value(row, measure, found, units.get(code), spec, problems) if ok else None
    if value is None:
        return None
    assert found is not None and measure is not None
    return PortalFigure(row.number, code, found[0], found[1], measure, value, row.text("comment"))


def _maximum(found, unit: Unit | None, spec) -> Fraction | None:
    """The most points the figure can have for the unit's level (None when not known)."""
    _, kind, obj = found
    level = unit.level if unit is not None else None

    def points_of(ind) -> Fraction | None:
        table = ind.max_points or {}
        return table.get(level, table.get("default"))

    if kind == "indicator":
        return points_of(obj)
    members = [i for i in spec.indicators if i.kind == "score" and (kind == "total" or i.category == obj.code)]
    got = [points_of(i) for i in members]
    return sum(got, Fraction(0)) if got and all(g is not None for g in got) else None


def _read_value(row: Row, measure: str, found, unit: Unit | None, spec, problems: ProblemList) -> Fraction | None:
    raw = row.get("value")
    column = row.column("value")
    if raw is None:
        problems.add(row.number, column, "thiếu giá trị")
        return None
    try:
        value = parse_number(raw)
    except NumberError as exc:
        problems.add(row.number, column, lower_first(exc))
        return None
    if value < 0:
        problems.add(row.number, column, f"giá trị âm ({format_number(value, DECIMALS)})")
        return None
    if measure == "rate":
        if isinstance(raw, str) and not raw.strip().endswith("%") and value > 1:
            problems.add(row.number, column,
                         f"tỷ lệ “{raw.strip()}” lớn hơn 1: viết {raw.strip()}% hoặc dạng 0,xx")
            return None
        if value > 1:
            problems.add(row.number, column, f"tỷ lệ {format_percent(value, DECIMALS)} lớn hơn 100%")
            return None
    elif measure in ("numerator", "denominator"):
        if value.denominator != 1:
            problems.add(row.number, column, f"{MEASURE_LABELS[measure].lower()} phải là số nguyên")
            return None
    else:
        top = _maximum(found, unit, spec)
        if top is not None and value > top:
            problems.add(row.number, column,
                         f"{format_number(value, DECIMALS)} điểm lớn hơn điểm tối đa {format_number(top, DECIMALS)}")
            return None
    return value


def _shown(measure: str, value: Fraction) -> Decimal:
    """The value at the precision the portal publishes: points 2 decimals, rates 2 decimals of a
    percentage, counts whole."""
    if measure == "rate":
        return round_half_up(value * 100, DECIMALS)
    if measure == "points":
        return round_half_up(value, DECIMALS)
    return round_half_up(value, 0)


def _province_value(figure: PortalFigure, result: UnitResult | None) -> tuple[Fraction | None, str, str]:
    """(the province's figure, the figure's name, a note) from the stored result."""
    if result is None:
        return None, figure.figure, "đơn vị không thuộc phạm vi đánh giá của bộ chỉ số"
    if figure.kind == "total":
        score = result.score
        if score is None:
            return None, "Tổng điểm", "bộ chỉ số không chấm điểm"
        return score.points, "Tổng điểm", ""
    if figure.kind == "category":
        score = result.score
        cat = next((c for c in (score.categories if score else ()) if c.code == figure.figure), None)
        if cat is None:
            return None, figure.figure, "không có nhóm này trong kết quả"
        return cat.points, cat.name, ""
    ind: IndicatorResult | None = next((i for i in result.indicators if i.code == figure.figure), None)
    if ind is None:
        return None, figure.figure, "không có chỉ số này trong kết quả"
    if ind.status in ("missing", "invalid", "not_applicable"):
        return None, ind.name, ind.explanation
    if figure.measure == "points":
        return ind.points, ind.name, ind.explanation
    inputs = ind.inputs or {}
    if figure.measure in ("numerator", "denominator"):
        got = inputs.get(figure.measure)
        return (None if got is None else Fraction(got)), ind.name, ind.explanation
    num, den = inputs.get("numerator"), inputs.get("denominator")
    if num is None or not den:
        return None, ind.name, ind.explanation
    return Fraction(num) / Fraction(den), ind.name, ind.explanation


def reconcile(framework: Framework, period: Period | str, figures: list[PortalFigure], *,
              basis: str = "official", file: str = "") -> Reconciliation:
    """Set each portal figure against the province's stored result for the same unit and period."""
    from chiso.assessments.evaluation import figures_for

    period = parse_period(period)
    codes = sorted({f.unit for f in figures})
    units = Unit.objects.filter(code__in=codes)
    evaluation = figures_for(framework, period.code, units=units, basis=basis).evaluation
    results = {r.unit.code: r for r in evaluation.results}
    names = dict(units.values_list("code", "name"))
    lines = []
    for figure in figures:
        province, name, note = _province_value(figure, results.get(figure.unit))
        if province is None:
            status = "missing"
        elif _shown(figure.measure, province) == _shown(figure.measure, figure.value):
            status = "match"
        else:
            status = "differs"
        lines.append(Line(figure, names.get(figure.unit, figure.unit), name, province, status, note))
    return Reconciliation(framework, period, basis, file, tuple(lines))


def _json_number(value: Fraction | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


def show(measure: str, value: Fraction | None) -> str:
    """A figure as Vietnamese reports print it: "93,61%", "15,4", "54.919"."""
    if value is None:
        return "—"
    if measure == "rate":
        return format_rate(value, DECIMALS)
    return format_number(value, DECIMALS if measure == "points" else 0)


def _difference_text(line: Line) -> str:
    diff = line.difference
    if diff is None:
        return "—"
    measure = line.figure.measure
    size = _shown(measure, abs(diff)) if measure != "rate" else round_half_up(abs(diff) * 100, DECIMALS)
    sign = "" if size == 0 else ("+" if diff > 0 else "−")
    text = format_number(size, DECIMALS if measure in ("points", "rate") else 0)
    return f"{sign}{text} điểm %" if measure == "rate" else f"{sign}{text}"


def reconciliation_to_dict(rec: Reconciliation) -> dict[str, Any]:
    """The JSON contract of ``chiso reconcile --format json`` (extend, never rename)."""
    return {
        "framework": rec.framework.code,
        "framework_version": rec.framework.version,
        "period": rec.period.code,
        "period_label": rec.period.label,
        "basis": rec.basis,
        "file": rec.file,
        "summary": {"figures": len(rec.lines), "match": rec.count("match"), "differs": rec.count("differs"),
                    "missing": rec.count("missing")},
        "lines": [
            {
                "row": line.figure.row,
                "unit": line.figure.unit,
                "unit_name": line.unit_name,
                "figure": line.figure.figure,
                "figure_kind": line.figure.kind,
                "figure_name": line.figure_name,
                "measure": line.figure.measure,
                "measure_label": MEASURE_LABELS[line.figure.measure],
                "portal": _json_number(line.figure.value),
                "province": _json_number(line.province),
                "difference": _json_number(line.difference),
                "portal_text": show(line.figure.measure, line.figure.value),
                "province_text": show(line.figure.measure, line.province),
                "difference_text": _difference_text(line),
                "status": line.status,
                "status_label": STATUS_LABELS[line.status],
                "note": line.note,
                "comment": line.figure.comment,
            }
            for line in rec.lines
        ],
    }


def _title(rec: Reconciliation) -> str:
    return (f"Đối chiếu số liệu Cổng Dịch vụ công quốc gia với số liệu của tỉnh — {rec.framework.code} "
            f"— {rec.period.label}")


def render_text(rec: Reconciliation) -> str:
    """A plain-text table for the terminal, differences first named by unit and figure."""
    lines = [_title(rec), f"Tệp: {rec.file} · số liệu {'chính thức' if rec.basis == 'official' else 'tạm tính'}", ""]
    for line in rec.lines:
        f = line.figure
        what = f"{f.unit} · {f.figure} {line.figure_name} · {MEASURE_LABELS[f.measure]}"
        lines.append(f"{STATUS_LABELS[line.status]:<8} {what}: Cổng {show(f.measure, f.value)}, "
                     f"tỉnh {show(f.measure, line.province)}, chênh lệch {_difference_text(line)}")
        if line.status == "missing" and line.note:
            lines.append(f"         ({line.note})")
    lines.append("")
    lines.append(f"{len(rec.lines)} số liệu: {rec.count('match')} khớp, {rec.count('differs')} lệch, "
                 f"{rec.count('missing')} tỉnh chưa có số liệu.")
    return "\n".join(lines) + "\n"


def reconciliation_xlsx(rec: Reconciliation) -> bytes:
    """One sheet "Đối chiếu": a row per portal figure, values as numbers (rates as 0.00%)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from chiso.spreadsheets import neutralise_workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Đối chiếu"
    bold = Font(name="Times New Roman", size=12, bold=True)
    ws.cell(row=1, column=1, value=_title(rec)).font = bold
    ws.cell(row=2, column=1, value=f"Tệp số liệu Cổng: {rec.file}; số liệu tỉnh "
                                   f"{'chính thức' if rec.basis == 'official' else 'tạm tính'}; "
                                   f"chênh lệch = tỉnh − Cổng")
    headers = ["TT", "Mã đơn vị", "Đơn vị", "Chỉ số", "Tên chỉ số", "Loại số liệu", "Cổng DVCQG", "Tỉnh",
               "Chênh lệch", "Kết quả", "Ghi chú"]
    for col, text in enumerate(headers, 1):
        cell = ws.cell(row=4, column=col, value=text)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, line in enumerate(rec.lines, 1):
        f = line.figure
        fmt = "0.00%" if f.measure == "rate" else ("#,##0.00" if f.measure == "points" else "#,##0")
        values: list[Any] = [n, f.unit, line.unit_name, f.figure, line.figure_name, MEASURE_LABELS[f.measure],
                             float(f.value), None if line.province is None else float(line.province),
                             None if line.difference is None else float(line.difference),
                             STATUS_LABELS[line.status], line.note if line.status == "missing" else f.comment]
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=4 + n, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if col in (7, 8, 9) and value is not None:
                cell.number_format = fmt
    last = 4 + len(rec.lines) + 2
    ws.cell(row=last, column=1, value=f"{len(rec.lines)} số liệu: {rec.count('match')} khớp, "
                                      f"{rec.count('differs')} lệch, {rec.count('missing')} tỉnh chưa có số liệu.")
    for col, width in enumerate((5, 14, 28, 10, 40, 12, 14, 14, 14, 16, 40), 1):
        ws.column_dimensions[chr(64 + col)].width = width
    ws.freeze_panes = "A5"
    neutralise_workbook(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
