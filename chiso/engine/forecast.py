"""Projection of a completion rate to its target date.

Leaders ask one question of a trend: "at this pace, will we reach the goal
(e.g. 90% by 2025)?" The method is deliberately plain and stated on every
page that shows it: an ordinary least-squares straight line through the last
``window`` observed periods, read off at the target date, clamped to 0–100%.
Time is measured in months (the month in which each period ends) so that
monthly, quarterly, half-year and yearly periods share one axis.

Pure Python: no Django. Periods are duck-typed (anything with ``.end``, a
``datetime.date``, and optionally ``.label``) so this module does not depend
on how periods are parsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Protocol

from .model import Target
from .targets import compare

ON_TRACK = "on_track"
AT_RISK = "at_risk"
REACHED = "reached"
INSUFFICIENT = "insufficient"

VERDICTS: tuple[str, ...] = (ON_TRACK, REACHED, AT_RISK, INSUFFICIENT)  # worded in chiso.results.vocabulary

DEFAULT_WINDOW = 4


class PeriodLike(Protocol):
    end: date


def month_ordinal(day: date) -> int:
    """Months since year 0 of the month containing ``day`` (the forecast's x axis)."""
    return day.year * 12 + (day.month - 1)


def least_squares(points: Sequence[tuple[int, Fraction]]) -> tuple[Fraction, Fraction]:
    """Slope and intercept of the least-squares line through ``points``, exactly.

    Needs at least two distinct x values; raises ``ValueError`` otherwise.
    """
    n = len(points)
    if n < 2:
        raise ValueError("Cần ít nhất 2 điểm để tính xu hướng")
    sx = sum(Fraction(x) for x, _ in points)
    sy = sum(Fraction(y) for _, y in points)
    sxx = sum(Fraction(x) * x for x, _ in points)
    sxy = sum(Fraction(x) * Fraction(y) for x, y in points)
    denom = n * sxx - sx * sx
    if denom == 0:
        raise ValueError("Các điểm trùng thời điểm, không tính được xu hướng")
    slope = (n * sxy - sx * sy) / denom
    intercept = (sy - slope * sx) / n
    return slope, intercept


@dataclass(frozen=True)
class Forecast:
    """A projected rate at a target date and what it means for the goal."""

    verdict: str  # on_track | reached | at_risk | insufficient
    method: str  # Vietnamese sentence shown on the page
    points_used: int
    latest: Fraction | None  # last observed rate
    projected: Fraction | None  # rate read off the line at the target date, clamped to [0, 1]
    slope_per_month: Fraction | None
    target: Fraction
    target_date: date
    # The fitted line at every observed x and at the target date, for charts.
    line: tuple[tuple[date, Fraction], ...] = ()

    @property
    def on_track(self) -> bool | None:
        """True when on track or reached, False when at risk, None when unknown."""
        if self.verdict == INSUFFICIENT:
            return None
        return self.verdict in (ON_TRACK, REACHED)


def method_text(points_used: int) -> str:
    """The sentence that states the method on the page."""
    return (
        f"Xu hướng tuyến tính qua {points_used} kỳ gần nhất "
        "(bình phương tối thiểu), kéo dài đến thời điểm mục tiêu, giới hạn trong 0–100%."
    )


def forecast_rate(
    history: Sequence[tuple[PeriodLike, Fraction | None]],
    target: Fraction,
    target_date: date,
    window: int = DEFAULT_WINDOW,
) -> Forecast:
    """Project a rate's history (oldest first) to ``target_date`` and judge it.

    Periods whose rate is ``None`` (nothing assessed) are skipped. With fewer
    than two observed periods there is no trend: the verdict is "reached" when
    the only rate already meets the target, else "insufficient". With a trend,
    the verdict is "on_track" when the projection meets the target, else
    "at_risk" (even when the latest rate meets it but the line falls below).
    A latest rate that meets the target with a non-falling trend is "reached".
    """
    observed = [(p, Fraction(r)) for p, r in history if r is not None]
    observed = observed[-window:] if window > 0 else observed
    target = Fraction(target)
    latest = observed[-1][1] if observed else None
    if len(observed) < 2:
        verdict = REACHED if latest is not None and latest >= target else INSUFFICIENT
        return Forecast(
            verdict=verdict,
            method=method_text(len(observed)),
            points_used=len(observed),
            latest=latest,
            projected=latest if verdict == REACHED else None,
            slope_per_month=None,
            target=target,
            target_date=target_date,
        )
    points = [(month_ordinal(p.end), r) for p, r in observed]
    try:
        slope, intercept = least_squares(points)
    except ValueError:
        return Forecast(INSUFFICIENT, method_text(len(observed)), len(observed), latest, None,
                        None, target, target_date)
    tx = month_ordinal(target_date)
    projected = min(Fraction(1), max(Fraction(0), slope * tx + intercept))
    if latest is not None and latest >= target and slope >= 0:
        verdict = REACHED
    elif projected >= target:
        verdict = ON_TRACK
    else:
        verdict = AT_RISK

    def at(x: int) -> Fraction:
        return min(Fraction(1), max(Fraction(0), slope * x + intercept))

    line = tuple((p.end, at(month_ordinal(p.end))) for p, _ in observed)
    if month_ordinal(target_date) > points[-1][0]:
        line = (*line, (target_date, projected))
    return Forecast(
        verdict=verdict,
        method=method_text(len(observed)),
        points_used=len(observed),
        latest=latest,
        projected=projected,
        slope_per_month=slope,
        target=target,
        target_date=target_date,
        line=line,
    )


@dataclass(frozen=True)
class Milestone:
    """A goal for the completion rate: ``target`` by the end of ``year`` (optionally per level)."""

    year: int
    target: Fraction
    op: str = ">="
    level: str | None = None

    @property
    def deadline(self) -> date:
        return date(self.year, 12, 31)

    @property
    def goal(self) -> Target:
        """The milestone as a target to compare a rate with (a range keeps its lower end)."""
        return Target(">=" if self.op == "range" else self.op, self.target)

    def met_by(self, rate: Fraction) -> bool:
        """Whether ``rate`` reaches this milestone, exactly (no rounding)."""
        return bool(compare(Fraction(rate), self.goal))


def milestones(completion_target: Sequence, level: str | None = None,
               last_year: int | None = None) -> list[Milestone]:
    """Milestones from a framework's ``completion_target`` rules, earliest first.

    A rule's year is its ``year_to`` (the deadline); an open-ended rule
    ("90% from 2024") runs to ``last_year`` (the framework's last effective
    year, e.g. 2025) when that is not earlier, else its ``year_from``.
    Rules without a year or without a numeric target are ignored; rules for
    another level are ignored when ``level`` is given (rules without a level
    apply to every level). As for every target, the first rule that applies
    to a year wins, so a level's own rule listed first overrides the general one.
    """
    out: list[Milestone] = []
    seen: set[int] = set()
    for rule in completion_target:
        year = rule.year_to
        if year is None and rule.year_from is not None:
            year = max(rule.year_from, last_year) if last_year is not None else rule.year_from
        target = rule.target
        value = target.value if target.op != "range" else target.minimum
        if year is None or value is None or isinstance(value, bool):
            continue
        if level is not None and rule.level not in (None, level):
            continue
        if level is None and rule.level is not None:
            continue
        if year in seen:
            continue
        seen.add(year)
        out.append(Milestone(year=year, target=Fraction(value), op=target.op, level=rule.level))
    out.sort(key=lambda m: m.year)
    return out


def next_milestone(items: Sequence[Milestone], today: date) -> Milestone | None:
    """The first milestone whose deadline is not before ``today`` (else the last one)."""
    for m in items:
        if m.deadline >= today:
            return m
    return items[-1] if items else None


class SpecLike(Protocol):
    completion_target: Sequence
    effective_to: date | None


def completion_milestones(spec: SpecLike, level: str | None = None) -> list[Milestone]:
    """The province's road map for the completion rate (e.g. 60% by 2023, 90% by 2025).

    Open-ended rules run to the framework's last effective year (``effective_to``).
    """
    last_year = spec.effective_to.year if spec.effective_to else None
    return milestones(spec.completion_target, level=level, last_year=last_year)


def completion_goal(spec: SpecLike, when: PeriodLike | date, level: str | None = None) -> Milestone | None:
    """THE completion goal a period's rate is measured against, for every page, report and export.

    ``when`` is a period (its ``end`` is used) or a date. The goal is the next
    milestone whose deadline (31/12 of its year) is not before the period
    ends — so the rate of 2024 is measured against "90% by 2025", the rate of
    2023 against "60% by 2023" — and after the last deadline the last
    milestone still applies. ``level`` picks that level's own rules first;
    rules without a level apply to every level. ``None`` when the framework
    sets no goal.
    """
    day = when if isinstance(when, date) else when.end
    return next_milestone(completion_milestones(spec, level), day)
