"""Points computed from a measured value: the arithmetic and the Vietnamese sentence that shows it.

A score indicator with a ``scoring`` (``model.Scoring``) is not given its points:
they follow from a rate or a number by a rule the legal text states (bands of
a value, a rate against a threshold, met or not, a step above the group's
average). Everything is exact (``Fraction``); numbers are rounded only in the
sentence, so a reporter can redo the sum by hand:
"741/1.000 = 74,1%, cao hơn trung bình nhóm 72,5% (3 đơn vị) 1,6 điểm %: 3 + 0,25 × (1,6 ÷ 0,5) = 3,8/5 điểm".

No Django, no evaluation context: ``evaluate.py`` reads and checks the inputs,
computes the group averages, and calls ``score_points`` here.
"""

from __future__ import annotations

import math
import unicodedata
from fractions import Fraction

from .model import Scoring, UnitInfo
from .numbers import format_number, format_percent
from .targets import compare, describe_target

__all__ = ["GroupAverage", "group_key", "score_points", "show_value", "describe_scoring"]


class GroupAverage:
    """The average of one group of units for one indicator, and how many units it is over."""

    __slots__ = ("value", "units")

    def __init__(self, value: Fraction, units: int) -> None:
        self.value = value
        self.units = units

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GroupAverage):
            return NotImplemented
        return (self.value, self.units) == (other.value, other.units)

    __hash__ = None

    def __repr__(self) -> str:
        return f"GroupAverage(value={self.value!r}, units={self.units})"


def _norm(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    return unicodedata.normalize("NFC", str(value)).strip().casefold()


def group_key(scoring: Scoring, unit: UnitInfo) -> tuple:
    """The group a unit is averaged in: its level, then its ``group_by`` attributes (as text, any case)."""
    return (unit.level, *(_norm(unit.attributes.get(name)) for name in scoring.group_by))


def show_value(scoring: Scoring, value: Fraction | bool, decimals: int) -> str:
    """A measured value or a threshold as the legal text writes it: "74,1%", "12", "Có"."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return format_percent(value, decimals) if scoring.percent else format_number(value, decimals)


def _gap(scoring: Scoring, value: Fraction, decimals: int) -> str:
    """A difference between two values: percentage points for shares ("1,6 điểm %")."""
    return f"{format_number(value * 100, decimals)} điểm %" if scoring.percent else format_number(value, decimals)


def _step(scoring: Scoring, value: Fraction, decimals: int) -> str:
    return format_number(value * 100, decimals) if scoring.percent else format_number(value, decimals)


def describe_scoring(scoring: Scoring, decimals: int = 2) -> str:
    """The rule in one line, for pages and the target column: "3 điểm khi ≤ trung bình nhóm, +0,25 mỗi 0,5 điểm % …"."""
    v = lambda x: show_value(scoring, x, decimals)  # noqa: E731 - a one-line shorthand
    p = lambda x: format_number(x, decimals)  # noqa: E731
    if scoring.method == "points_by_bands":
        return "; ".join(f"≥ {v(b.minimum)}: {p(b.points)} điểm" for b in scoring.bands)
    if scoring.method == "ratio_capped":
        return f"đạt {v(scoring.threshold)} được tối đa; thấp hơn: tính theo tỷ lệ"
    if scoring.method == "all_or_nothing":
        kind = "boolean" if isinstance(scoring.target.value, bool) else ("ratio" if scoring.percent else "number")
        return f"{describe_target(scoring.target, kind, decimals)}: tối đa, nếu không: 0 điểm"
    if scoring.method in ("relative_to_average", "relative_to_reference"):
        where = "trung bình nhóm" if scoring.method == "relative_to_average" else v(scoring.reference)
        how = "" if scoring.increments == "pro_rata" else " (chỉ tính bước đủ)"
        return (f"{p(scoring.base)} điểm khi ≤ {where}; +{p(scoring.step_points)} mỗi "
                f"{_gap(scoring, scoring.step, decimals)} cao hơn{how}")
    return ""


def score_points(
    scoring: Scoring,
    value: Fraction | bool,
    maximum: Fraction,
    measured: str,
    decimals: int,
    average: GroupAverage | None = None,
) -> tuple[Fraction | None, str]:
    """The points ``value`` earns (never above ``maximum``) and the sentence saying how.

    ``measured`` is the value as read ("741/1.000 = 74,1%"). For
    ``relative_to_average``, ``average`` is the unit's group average; without it
    the points cannot be known: ``(None, why)``.
    """
    top = format_number(maximum, decimals)

    def of(points: Fraction) -> str:
        return f"{format_number(points, decimals)}/{top} điểm"

    method = scoring.method
    if method == "points_by_bands":
        for band in scoring.bands:
            if value >= band.minimum:
                points = min(band.points, maximum)
                return points, f"{measured} ≥ {show_value(scoring, band.minimum, decimals)} → {of(points)}"
        lowest = show_value(scoring, scoring.bands[-1].minimum, decimals)
        return Fraction(0), f"{measured}, dưới mức thấp nhất {lowest} → {of(Fraction(0))}"
    if method == "ratio_capped":
        threshold = scoring.threshold
        shown = show_value(scoring, threshold, decimals)
        if value >= threshold:
            return maximum, f"{measured} ≥ {shown} → {of(maximum)}"
        points = value / threshold * maximum
        return points, f"{measured} ÷ {shown} × {top} = {of(points)}"
    if method == "all_or_nothing":
        target = scoring.target
        kind = "boolean" if isinstance(target.value, bool) else ("ratio" if scoring.percent else "number")
        wanted = describe_target(target, kind, decimals)
        if compare(value, target):
            if kind == "boolean":
                return maximum, f"{measured} → {of(maximum)}"
            return maximum, f"{measured} {wanted} → {of(maximum)}"
        return Fraction(0), f"{measured}, chưa đạt {wanted} → {of(Fraction(0))}"
    if method in ("relative_to_average", "relative_to_reference"):
        if method == "relative_to_average":
            if average is None:
                return None, (f"{measured}: chưa có trung bình nhóm để tính điểm "
                              "(điểm chỉ tính được khi đánh giá cùng các đơn vị trong nhóm)")
            reference = average.value
            label = f"trung bình nhóm {show_value(scoring, reference, decimals)} ({format_number(average.units, 0)} đơn vị)"
        else:
            reference = scoring.reference
            label = f"mức {show_value(scoring, reference, decimals)}"
        base = scoring.base
        if value <= reference:
            return min(base, maximum), f"{measured}, không cao hơn {label} → {of(min(base, maximum))}"
        gap = value - reference
        steps = gap / scoring.step
        shown_steps = f"({_step(scoring, gap, decimals)} ÷ {_step(scoring, scoring.step, decimals)})"
        if scoring.increments == "whole_steps":
            steps = Fraction(math.floor(steps))
            shown_steps = f"{format_number(steps, 0)} bước đủ {_gap(scoring, scoring.step, decimals)}"
        raw = base + scoring.step_points * steps
        sum_text = f"{format_number(base, decimals)} + {format_number(scoring.step_points, decimals)} × {shown_steps}"
        text = f"{measured}, cao hơn {label} {_gap(scoring, gap, decimals)}: {sum_text}"
        if raw > maximum:
            return maximum, f"{text} = {format_number(raw, decimals)}, vượt mức tối đa → {of(maximum)}"
        return raw, f"{text} = {of(raw)}"
    raise ValueError(f"Cách tính điểm không hợp lệ: {method}")

