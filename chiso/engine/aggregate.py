"""Counting over units: who is in scope, how many are complete, which criteria block them.

A unit that did not report is in scope and counts in the denominator of the
completion rate, never as complete: silence is not success (seed 004 lists the
14/150 units that could not be assessed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .model import LEVELS, Framework, Summary, Tally, UnitInfo, UnitResult

__all__ = ["in_scope", "summarize", "tally", "met_histogram", "blocking_criteria", "Blocking"]

FAILING = ("not_met", "missing", "invalid")


def in_scope(framework: Framework, unit: UnitInfo) -> bool:
    """Whether ``framework`` assesses ``unit`` (see ``Scope``).

    ``agencies``: units at the scope's levels, except the province as a whole
    (a province-level unit without a parent that has children). ``province``:
    only province-level units without a parent. ``kinds`` restricts further,
    ignoring case.
    """
    scope = framework.scope
    if scope.assesses == "province":
        if unit.level != "province" or unit.parent_code is not None:
            return False
    else:
        if unit.level not in scope.levels:
            return False
        if unit.level == "province" and unit.parent_code is None and unit.has_children:
            return False
    if scope.kinds:
        wanted = {k.strip().casefold() for k in scope.kinds}
        if (unit.kind or "").strip().casefold() not in wanted:
            return False
    return True


def tally(results: Iterable[UnitResult]) -> Tally:
    """Counts over ``results``: units, assessed (reported), not reported, complete."""
    units = assessed = not_reported = complete = 0
    for r in results:
        units += 1
        if r.status == "not_reported":
            not_reported += 1
        else:
            assessed += 1
            if r.status == "complete":
                complete += 1
    return Tally(units=units, assessed=assessed, not_reported=not_reported, complete=complete)


def _level_order(level: str) -> tuple[int, str]:
    return (LEVELS.index(level), level) if level in LEVELS else (len(LEVELS), level)


def summarize(results: Sequence[UnitResult]) -> Summary:
    """Overall and per-level tallies; levels appear only when some unit has them.

    The rate is complete / units in scope, so not-reported units lower it.
    """
    levels = sorted({r.unit.level for r in results}, key=_level_order)
    by_level = {level: tally(r for r in results if r.unit.level == level) for level in levels}
    return Summary(overall=tally(results), by_level=by_level)


def met_histogram(results: Iterable[UnitResult], level: str | None = None) -> dict[tuple[int, int], int]:
    """(criteria met, criteria applicable) → number of units, over units that reported.

    "Most units at 6/9" in seed 000 is the largest bar. Units that did not
    report are left out (they have nothing met by definition); ``level``
    restricts to one level.
    """
    counts: Counter[tuple[int, int]] = Counter()
    for r in results:
        if r.status == "not_reported" or (level is not None and r.unit.level != level):
            continue
        counts[(r.met, r.applicable)] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[0][1], -kv[0][0])))


class Blocking(NamedTuple):
    """A criterion that keeps units from completing."""

    code: str
    name: str
    failing: int  # units not meeting it (not met, missing or invalid)
    assessed: int  # reported units to which it applies
    units: tuple[str, ...]  # codes of the failing units


def blocking_criteria(results: Sequence[UnitResult], level: str | None = None) -> list[Blocking]:
    """Criteria ordered by how many reported units fail them (most first; ties in document order).

    Only units that reported count: a missing value at a reporting unit fails,
    a unit that did not report at all is listed elsewhere. Not-applicable
    criteria are skipped for that unit. Criteria nobody fails are left out.
    """
    order: dict[str, int] = {}
    names: dict[str, str] = {}
    assessed: Counter[str] = Counter()
    failing: dict[str, list[str]] = {}
    for r in results:
        if r.status == "not_reported" or (level is not None and r.unit.level != level):
            continue
        for ind in r.indicators:
            if ind.status == "not_applicable":
                continue
            order.setdefault(ind.code, len(order))
            names.setdefault(ind.code, ind.name)
            assessed[ind.code] += 1
            if ind.status in FAILING:
                failing.setdefault(ind.code, []).append(r.unit.code)
    rows = [
        Blocking(code, names[code], len(units), assessed[code], tuple(units))
        for code, units in failing.items()
    ]
    rows.sort(key=lambda b: (-b.failing, order[b.code]))
    return rows
