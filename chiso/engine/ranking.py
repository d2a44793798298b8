"""The ranking of a score framework: one rule for the dashboard, the reports and the exports.

The rules, stated once:

* **Per level.** Units are ranked only against units of the same level
  (province agencies, districts, communes): the maximum points differ by
  level, so a district's 80 and a commune's 80 are not comparable. Levels
  come in the order province, district, commune, then any other level.
* **Order.** Most points first. Points are the engine's exact totals, never
  rounded before comparing.
* **Ties.** Units with exactly the same points share a position and the next
  position skips ("1, 2, 2, 4"); tied units are listed by name, then code.
* **Categories not ranked.** A unit whose category has a criterion below its
  minimum keeps its position by total points, but that category reads
  "Không xếp hạng" with the engine's reason naming the criterion
  ("Tiêu chí 2 đạt 3 điểm, dưới mức tối thiểu 5 điểm"); ``Ranked.not_ranked``
  lists those categories.
* **Units not reported.** A unit that did not report (or has no score) is
  never ranked, never counted as zero: it is listed apart, in the order given.

Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .model import LEVELS, CategoryResult, ScoreResult, UnitInfo, UnitResult

__all__ = ["Ranked", "LevelRanking", "is_ranked", "rank_units", "rank_by_level"]


@dataclass(frozen=True)
class Ranked:
    """A unit's place in its level's ranking."""

    position: int  # 1 = most points; equal points share a position
    result: UnitResult
    tied: bool  # another unit of the level has exactly the same points

    @property
    def unit(self) -> UnitInfo:
        return self.result.unit

    @property
    def score(self) -> ScoreResult:
        assert self.result.score is not None
        return self.result.score

    @property
    def not_ranked(self) -> tuple[CategoryResult, ...]:
        """Categories shown as "Không xếp hạng", each with the reason naming its criterion."""
        return tuple(c for c in self.score.categories if not c.ranked)


@dataclass(frozen=True)
class LevelRanking:
    """One level's ranking and the units of that level left out because they did not report."""

    level: str
    ranked: tuple[Ranked, ...]
    not_reported: tuple[UnitResult, ...]

    @property
    def maximum(self) -> Fraction | None:
        """The level's maximum points (the highest among ranked units), None when nobody reported."""
        return max((r.score.max_points for r in self.ranked), default=None)

    @property
    def results(self) -> list[UnitResult]:
        return [r.result for r in self.ranked]


def is_ranked(result: UnitResult) -> bool:
    """Whether a unit takes part in the ranking: it reported and has a score."""
    return result.status != "not_reported" and result.score is not None


def rank_units(results: Sequence[UnitResult]) -> tuple[list[Ranked], list[UnitResult]]:
    """Rank units of ONE level: (ranked entries best first, units not reported in input order)."""
    scored = [r for r in results if is_ranked(r)]
    missing = [r for r in results if not is_ranked(r)]
    scored.sort(key=lambda r: (-r.score.points, r.unit.name, r.unit.code))  # type: ignore[union-attr]
    counts: dict[Fraction, int] = {}
    for r in scored:
        counts[r.score.points] = counts.get(r.score.points, 0) + 1  # type: ignore[union-attr]
    out: list[Ranked] = []
    position = 0
    previous: Fraction | None = None
    for i, r in enumerate(scored, start=1):
        points = r.score.points  # type: ignore[union-attr]
        if points != previous:
            position, previous = i, points
        out.append(Ranked(position=position, result=r, tied=counts[points] > 1))
    return out, missing


def rank_by_level(results: Sequence[UnitResult]) -> list[LevelRanking]:
    """The ranking of every level present in ``results`` (province, district, commune, then others)."""
    by_level: dict[str, list[UnitResult]] = {}
    for r in results:
        by_level.setdefault(r.unit.level, []).append(r)
    order = [lvl for lvl in LEVELS if lvl in by_level] + sorted(set(by_level) - set(LEVELS))
    out = []
    for level in order:
        ranked, missing = rank_units(by_level[level])
        out.append(LevelRanking(level=level, ranked=tuple(ranked), not_reported=tuple(missing)))
    return out
