"""An Evaluation as plain JSON data and as a readable Vietnamese table.

The JSON shape is a contract other tools read (``chiso evaluate --format json``):
``{"framework", "period", "units": [{"unit", "level", "status", "met",
"applicable", "indicators": [{"code", "status", "value", "target"}]}],
"summary": {"overall": {...}, "by_level": {...}}}``. Ratios are float
fractions (0.936…, never percents), yes/no are booleans, missing is null.
Keys may be added, never renamed or removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from chiso.engine.evaluate import Evaluation
from chiso.engine.model import IndicatorResult, ScoreResult, Tally, UnitResult
from chiso.engine.numbers import format_number
from chiso.engine.rates import format_rate
from chiso.results import vocabulary

# Words and marks come from the one vocabulary (the page and the reports print the same).
LEVEL_LABELS = vocabulary.LEVEL_NAMES
UNIT_STATUS_LABELS = vocabulary.UNIT_STATUSES
# One mark per indicator status in the table, as in the seeds' commune matrix ("Đ").
STATUS_MARKS = {status: letter for status, (letter, _icon) in vocabulary.VERDICT_MARKS.items()}
MARK_LEGEND = vocabulary.MARK_LEGEND


def json_value(value: Any) -> Any:
    """A result value for JSON: fractions → float, yes/no → bool, text as is, missing → None."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, Fraction | Decimal | float):
        return float(value)
    return str(value)


def _input_value(value: Any) -> Any:
    """An input as reported: whole counts as ints (54919), other numbers as floats."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return json_value(value)


def tally_to_dict(tally: Tally) -> dict[str, Any]:
    """Counts of a set of units; ``rate`` is complete / units as a float fraction, or None."""
    return {
        "units": tally.units,
        "assessed": tally.assessed,
        "not_reported": tally.not_reported,
        "complete": tally.complete,
        "rate": json_value(tally.rate),
    }


def indicator_to_dict(result: IndicatorResult) -> dict[str, Any]:
    """One indicator's verdict; composites carry their sub-items under ``items``."""
    out: dict[str, Any] = {
        "code": result.code,
        "status": result.status,
        # "missing is null" holds for composites too (their engine value is the share of items met)
        "value": None if result.status == "missing" else json_value(result.value),
        "target": result.target_text or None,
        "name": result.name,
        "kind": result.kind,
        "explanation": result.explanation,
        "required": result.required,
        "inputs": {k: _input_value(v) for k, v in (result.inputs or {}).items()},
    }
    if result.items:
        out["items"] = [indicator_to_dict(item) for item in result.items]
    if result.stated is not None:  # a stated rate (``<code>.rate``) and the engine's check of it
        out["stated_rate"] = {
            "rate": json_value(result.stated.rate),
            "computed": json_value(result.stated.computed),
            "used": result.stated.used,
            "differs": result.stated.differs,
            "note": result.stated.note,
        }
    if result.points is not None or result.max_points is not None:
        out["points"] = json_value(result.points)
        out["max_points"] = json_value(result.max_points)
        out["category"] = result.category
    return out


def score_to_dict(score: ScoreResult) -> dict[str, Any]:
    return {
        "points": json_value(score.points),
        "max_points": json_value(score.max_points),
        "share": json_value(score.share),
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "points": json_value(c.points),
                "max_points": json_value(c.max_points),
                "level": c.level,
                "ranked": c.ranked,
                "reason": c.reason,
                "blocking": list(c.blocking),
            }
            for c in score.categories
        ],
    }


def unit_to_dict(result: UnitResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "unit": result.unit.code,
        "level": result.unit.level,
        "status": result.status,
        "met": result.met,
        "applicable": result.applicable,
        "indicators": [indicator_to_dict(r) for r in result.indicators],
        "name": result.unit.name,
        "kind": result.unit.kind,
        "parent": result.unit.parent_code,
    }
    if result.score is not None:
        out["score"] = score_to_dict(result.score)
    return out


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The whole evaluation as JSON-ready data (see the module docstring for the shape)."""
    spec = evaluation.framework
    period = evaluation.period
    summary = evaluation.summary
    return {
        "framework": spec.code,
        "framework_version": spec.version,
        "framework_title": spec.title,
        "period": period.code,
        "period_label": period.label,
        "units": [unit_to_dict(r) for r in evaluation.results],
        "summary": {
            "overall": tally_to_dict(summary.overall),
            "by_level": {level: tally_to_dict(t) for level, t in summary.by_level.items()},
        },
    }


def percent_fixed(value: Fraction | None, decimals: int = 2) -> str:
    """A rate as every surface prints it (``chiso.engine.rates.format_rate``): 13/20 → "65,00%"; None → "—"."""
    return format_rate(value, decimals)


def _tally_line(label: str, tally: Tally) -> str:
    return (
        f"{label}: {tally.units} đơn vị; đã đánh giá {tally.assessed}; chưa báo cáo "
        f"{tally.not_reported}; hoàn thành {tally.complete}; tỷ lệ hoàn thành {percent_fixed(tally.rate)}"
    )


def _columns(evaluation: Evaluation) -> list[str]:
    """Indicator codes in framework order, plus any a result has that the framework lacks."""
    codes = [ind.code for ind in evaluation.framework.indicators]
    seen = set(codes)
    for result in evaluation.results:
        for r in result.indicators:
            if r.code not in seen:
                seen.add(r.code)
                codes.append(r.code)
    return codes


def _score_cells(result: UnitResult, categories) -> list[str]:
    """Points of a score framework ("84/108 (77,78%)") and each category's level."""
    score = result.score
    if score is None:
        return ["", *["" for _ in categories]]
    points = f"{format_number(score.points)}/{format_number(score.max_points)} ({percent_fixed(score.share)})"
    levels = {c.code: (c.level if c.ranked else str(vocabulary.NOT_RANKED)) for c in score.categories}
    return [points, *[levels.get(c.code) or "" for c in categories]]


def render_table(evaluation: Evaluation, level_labels: Mapping[str, object] = LEVEL_LABELS) -> str:
    """A plain-text Vietnamese table: one line per unit, one mark per indicator, then the summary."""
    spec = evaluation.framework
    codes = _columns(evaluation)
    categories = list(spec.categories) if spec.kind == "score" else []
    score_header = (["Điểm", *[c.name for c in categories]] if categories else [])
    header = ["Đơn vị", "Cấp", "Trạng thái", "Đạt/Áp dụng", *score_header, *codes]
    lines_data: list[list[str]] = []
    for result in evaluation.results:
        marks = {r.code: STATUS_MARKS.get(r.status, r.status) for r in result.indicators}
        lines_data.append([
            f"{result.unit.code} {result.unit.name}",
            str(level_labels.get(result.unit.level, result.unit.level)),
            str(UNIT_STATUS_LABELS.get(result.status, result.status)),
            f"{result.met}/{result.applicable}",
            *(_score_cells(result, categories) if categories else []),
            *[marks.get(code, "") for code in codes],
        ])
    widths = [max(len(row[i]) for row in [header, *lines_data]) for i in range(len(header))]

    def fmt(row: list[str]) -> str:
        return "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()

    out = [
        f"{spec.title} ({spec.code}, phiên bản {spec.version})",
        f"Kỳ: {evaluation.period.label} ({evaluation.period.code})",
        "",
        fmt(header),
        "  ".join("-" * w for w in widths),
        *[fmt(row) for row in lines_data],
    ]
    if not lines_data:
        out.append("(không có đơn vị nào trong phạm vi đánh giá)")
    out += ["", str(MARK_LEGEND), "", _tally_line("Tổng hợp", evaluation.summary.overall)]
    for level, tally in evaluation.summary.by_level.items():
        out.append("  " + _tally_line(str(level_labels.get(level, level)), tally))
    return "\n".join(out) + "\n"
