"""The plan to reach the target: what each unit lacks, and which units to help first.

Seed 000 is titled "solutions to reach the target that 90% of agencies
complete e-government". Leaders need, per unit, each unmet criterion stated in
the unit's own terms ("cần thêm 412 hồ sơ trực tuyến ở quy mô kỳ này"), and for
the province the fewest units whose completion reaches the target rate.

Rules (pure Python, works on the engine's results, never re-judges a verdict):
- A ratio gap is the smallest whole change of the numerator that meets the
  target at the current denominator ("at this period's volume"): for ``≥ t``
  it is ``ceil(t·den) − num``; for ``> t`` ``floor(t·den) + 1 − num``; for a
  100% target the text asks for every item; ``≤``/``<`` targets ask for a
  decrease; a range asks to move into it.
- A missing value asks for the figure; an invalid one asks to correct it; a
  boolean asks to have the thing; a number asks for the difference.
- Composite criteria list the gaps of their failing required items.
- Not-applicable and text indicators never produce gaps.
- Effort, used to order units, is the sum over gaps of the share of the
  volume to move (ratios: change/denominator; numbers: change/target, at most
  1) and 1 for every yes/no, missing or invalid gap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from chiso.engine.model import Framework, Indicator, IndicatorResult, UnitInfo, UnitResult
from chiso.engine.numbers import format_int, format_number
from chiso.engine.rates import format_rate

ONE = Fraction(1)


@dataclass(frozen=True)
class Gap:
    """What one unmet criterion lacks."""

    code: str
    name: str
    status: str  # not_met | missing | invalid
    text: str  # Vietnamese, in the unit's own terms
    amount: Fraction | int | None = None  # the change needed (whole for counts)
    direction: str = "increase"  # increase | decrease | provide | fix
    effort: Fraction = ONE


@dataclass(frozen=True)
class UnitPlan:
    """An incomplete (or not reported) unit with everything it lacks."""

    unit: UnitInfo
    status: str
    met: int
    applicable: int
    gaps: tuple[Gap, ...]

    @property
    def missing_criteria(self) -> int:
        return self.applicable - self.met

    @property
    def effort(self) -> Fraction:
        return sum((g.effort for g in self.gaps), Fraction(0))

    @property
    def sort_key(self) -> tuple:
        return (self.missing_criteria, self.effort, self.unit.code)


@dataclass(frozen=True)
class Selection:
    """The fewest units whose completion brings the rate to the target."""

    target: Fraction
    units: int
    complete: int
    needed: int  # how many more complete units the target needs (0: reached)
    chosen: tuple[UnitPlan, ...]
    reachable: bool  # False when even every candidate would not suffice

    @property
    def rate_now(self) -> Fraction | None:
        return Fraction(self.complete, self.units) if self.units else None

    @property
    def rate_after(self) -> Fraction | None:
        return Fraction(self.complete + len(self.chosen), self.units) if self.units else None


def _noun(label: str, fallback: str) -> str:
    """'Tổng số hồ sơ trực tuyến' → 'hồ sơ trực tuyến' (what is counted, lower case)."""
    text = (label or "").strip()
    for prefix in ("Tổng số ", "tổng số ", "Số lượng ", "số lượng ", "Số ", "số "):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    if not text:
        return fallback
    return text[0].lower() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def ratio_change(numerator: int, denominator: int, op: str, value: Fraction | None = None,
                 minimum: Fraction | None = None, maximum: Fraction | None = None) -> int | None:
    """Smallest whole change of ``numerator`` meeting the target at this ``denominator``.

    Positive: an increase; negative: a decrease; 0: already met. ``None`` when
    no whole numerator between 0 and the denominator can meet it.
    """
    if denominator <= 0:
        return None
    den = Fraction(denominator)
    if op == ">=":
        need = math.ceil(Fraction(value) * den)
    elif op == ">":
        need = math.floor(Fraction(value) * den) + 1
    elif op == "<=":
        need = math.floor(Fraction(value) * den)
    elif op == "<":
        need = math.ceil(Fraction(value) * den) - 1
    elif op == "=":
        exact = Fraction(value) * den
        if exact.denominator != 1:
            return None
        need = int(exact)
    elif op == "range":
        low = math.ceil(Fraction(minimum) * den) if minimum is not None else 0
        high = math.floor(Fraction(maximum) * den) if maximum is not None else denominator
        if low > high:
            return None
        need = min(max(numerator, low), high)
    else:
        return None
    if op in (">=", ">"):
        need = max(need, numerator)
    elif op in ("<=", "<"):
        need = min(need, numerator)
    if need < 0 or need > denominator:
        return None
    return need - numerator


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    frac = Fraction(value)  # type: ignore[arg-type]
    return int(frac) if frac.denominator == 1 else None


def _ratio_gap(ind: Indicator | None, res: IndicatorResult, decimals: int) -> Gap:
    num = _as_int(res.inputs.get("numerator"))
    den = _as_int(res.inputs.get("denominator"))
    target = res.target
    labels = ind.input_labels if ind is not None else {}
    unit_label = (ind.unit_label if ind is not None else "") or "đơn vị"
    num_noun = _noun(labels.get("numerator", ""), unit_label)
    if num is None or den is None or target is None:
        return Gap(res.code, res.name, res.status, f"cần sửa số liệu: {res.explanation}",
                   direction="fix")
    change = ratio_change(num, den, target.op, target.value, target.minimum, target.maximum)
    if change is None:
        return Gap(res.code, res.name, res.status,
                   f"không thể đạt {res.target_text} ở quy mô kỳ này ({format_int(num)}/{format_int(den)})",
                   direction="fix")
    after = Fraction(num + change, den)
    result = f"{format_int(num + change)}/{format_int(den)} = {format_rate(after, decimals)}"
    effort = Fraction(abs(change), den)
    if change > 0 and after == 1 and target.op in ("=", ">=") and (target.value == 1):
        text = (f"cần đưa toàn bộ {format_int(den)} {unit_label} vào diện {num_noun}: "
                f"còn thiếu {format_int(change)} {unit_label}")
        return Gap(res.code, res.name, res.status, text, change, "increase", effort)
    if change >= 0:
        # "khi đó sẽ là": the figure after the change, so it never reads as already met
        text = (f"cần thêm {format_int(change)} {num_noun} ở quy mô kỳ này "
                f"(khi đó sẽ là {result}, mục tiêu {res.target_text})")
        return Gap(res.code, res.name, res.status, text, change, "increase", effort)
    text = (f"cần giảm {format_int(-change)} {num_noun} ở quy mô kỳ này "
            f"(khi đó còn {result}, mục tiêu {res.target_text})")
    return Gap(res.code, res.name, res.status, text, -change, "decrease", effort)


def _number_goal(value: Fraction, op: str, target) -> Fraction | None:
    """The nearest value meeting a numeric target (whole steps for strict ops on whole values)."""
    whole = value.denominator == 1
    if op == "range":
        if target.minimum is not None and value < target.minimum:
            return Fraction(target.minimum)
        if target.maximum is not None and value > target.maximum:
            return Fraction(target.maximum)
        return value
    goal = target.value
    if goal is None or isinstance(goal, bool):
        return None
    goal = Fraction(goal)
    if op == ">":
        return Fraction(math.floor(goal) + 1) if whole else goal
    if op == "<":
        return Fraction(math.ceil(goal) - 1) if whole else goal
    return goal


def _number_gap(res: IndicatorResult) -> Gap:
    target = res.target
    value = res.value
    if target is None or value is None or isinstance(value, bool):
        return Gap(res.code, res.name, res.status, f"cần sửa số liệu: {res.explanation}",
                   direction="fix")
    value = Fraction(value)
    goal = _number_goal(value, target.op, target)
    if goal is None:
        return Gap(res.code, res.name, res.status, f"chưa đạt: {res.explanation}", direction="fix")
    diff = goal - value
    scale = abs(goal) if goal else ONE
    effort = min(ONE, abs(diff) / scale)
    name = _lower_first(res.name)
    where = f"({name}: hiện {format_number(value)}, mục tiêu {res.target_text})"
    if diff >= 0:
        return Gap(res.code, res.name, res.status, f"cần thêm {format_number(diff)} {where}",
                   diff, "increase", effort)
    return Gap(res.code, res.name, res.status, f"cần giảm {format_number(-diff)} {where}",
               -diff, "decrease", effort)


def _missing_gap(ind: Indicator | None, res: IndicatorResult) -> Gap:
    absent = [name for name, v in res.inputs.items() if v is None] if res.inputs else []
    labels = ind.input_labels if ind is not None else {}
    named = [labels.get(a) or {"numerator": "tử số", "denominator": "mẫu số", "value": "giá trị"}.get(a, a)
             for a in absent]
    what = f": {', '.join(named)}" if named else ""
    return Gap(res.code, res.name, res.status, f"cần báo cáo số liệu{what}", direction="provide")


def indicator_gaps(ind: Indicator | None, res: IndicatorResult, decimals: int = 2) -> list[Gap]:
    """Gaps of one indicator result (empty when met, not applicable or not required)."""
    if res.status in ("met", "not_applicable") or not res.required:
        return []
    if res.status == "missing" and res.kind != "composite":
        return [_missing_gap(ind, res)]
    if res.status == "invalid" and res.kind != "composite":
        return [Gap(res.code, res.name, res.status, f"cần sửa số liệu: {res.explanation}",
                    direction="fix")]
    if res.kind == "ratio":
        return [_ratio_gap(ind, res, decimals)]
    if res.kind == "boolean":
        return [Gap(res.code, res.name, res.status, f"cần có: {_lower_first(res.name)}",
                    direction="provide")]
    if res.kind in ("number", "score"):
        return [_number_gap(res)]
    if res.kind == "composite":
        out: list[Gap] = []
        items = {i.code: i for i in (ind.items if ind is not None else ())}
        for item in res.items:
            for gap in indicator_gaps(items.get(item.code), item, decimals):
                out.append(Gap(f"{res.code}.{gap.code}", gap.name, gap.status, gap.text,
                               gap.amount, gap.direction, gap.effort))
        if not out:
            out.append(Gap(res.code, res.name, res.status, f"chưa đạt: {res.explanation}",
                           direction="fix"))
        return out
    return [Gap(res.code, res.name, res.status, f"chưa đạt: {res.explanation}", direction="fix")]


def _indicator_index(framework: Framework | None) -> dict[str, Indicator]:
    return {ind.code: ind for ind in framework.indicators} if framework is not None else {}


def unit_plan(result: UnitResult, framework: Framework | None = None) -> UnitPlan:
    """Every gap of one unit, in the framework's order."""
    index = _indicator_index(framework)
    decimals = framework.decimals if framework is not None else 2
    gaps: list[Gap] = []
    for res in result.indicators:
        gaps.extend(indicator_gaps(index.get(res.code), res, decimals))
    return UnitPlan(result.unit, result.status, result.met, result.applicable, tuple(gaps))


def plan_units(results: Iterable[UnitResult], framework: Framework | None = None) -> list[UnitPlan]:
    """Plans of every unit that is not complete, closest to completion first.

    Ordered by fewest unmet criteria, then smallest effort, then unit code.
    Units that did not report come last (every criterion is missing).
    """
    plans = [unit_plan(r, framework) for r in results if r.status != "complete"]
    plans.sort(key=lambda p: (p.status == "not_reported", *p.sort_key))
    return plans


def needed_for(target: Fraction, units: int, complete: int, op: str = ">=") -> int:
    """How many more complete units bring ``complete/units`` to the target (0 if met)."""
    if units <= 0:
        return 0
    goal = math.ceil(Fraction(target) * units) if op != ">" else math.floor(Fraction(target) * units) + 1
    return max(0, goal - complete)


def reach_target(results: Sequence[UnitResult], target: Fraction,
                 framework: Framework | None = None, op: str = ">=") -> Selection:
    """The fewest incomplete units whose completion reaches ``target``, cheapest first.

    Greedy by effort: every unit adds the same one to the count of complete
    units, so the cheapest ``needed`` units form a smallest set; ties go to the
    unit with fewer unmet criteria, then by code. Units that did not report are
    candidates too (last, as their effort is unknown).
    """
    units = len(results)
    complete = sum(1 for r in results if r.status == "complete")
    needed = needed_for(target, units, complete, op)
    candidates = plan_units(results, framework)
    candidates.sort(key=lambda p: (p.status == "not_reported", p.effort, p.missing_criteria, p.unit.code))
    chosen = tuple(candidates[:needed])
    return Selection(
        target=Fraction(target),
        units=units,
        complete=complete,
        needed=needed,
        chosen=chosen,
        reachable=len(chosen) >= needed,
    )
