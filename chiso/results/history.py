"""History on today's units: a period before a merger, evaluated on the units valid on a later date.

A unit valid on ``as_of`` takes the figures of its predecessors that were
valid during the period, found by walking the lineage back (merge, split,
rename; a chain of several reforms is followed link by link, shares
multiplied). How figures combine, by the kind of element the framework
declares:

* counts (a ratio's numerator and denominator) add up, each predecessor's
  figure times its share, and the ratio is computed again from the sums;
* other numbers add up the same way, except in a score framework, where they
  are points and the share-weighted average is taken (the DTI practice:
  a merged province's earlier value is the plain average of its predecessors);
* yes/no is "Có" only when every predecessor with a share says "Có";
* texts are joined, each under its predecessor's name.

An element some predecessor did not report stays missing: a sum of part of
the predecessors would understate the figure. On the official basis each
predecessor's figures count only when its own report is approved (or none was
asked for), exactly as for any unit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from chiso.engine.aggregate import in_scope
from chiso.engine.evaluate import Evaluation, evaluate
from chiso.engine.model import UnitInfo, Value
from chiso.engine.periods import Period, parse_period
from chiso.frameworks.models import Framework
from chiso.units.models import Unit, UnitLineage, unit_infos

from .inputs import element_kinds, load_inputs
from .models import BASIS_OFFICIAL

MAX_DEPTH = 8  # reforms followed back from one unit; a cycle in the lineage stops here


@dataclass(frozen=True)
class Source:
    """One predecessor whose figures a unit of today carries, and the share it carries."""

    unit: Unit
    share: Fraction
    kind: str  # merge | split | rename | self


def _valid_during(unit: Unit, period: Period) -> bool:
    return (unit.valid_from is None or unit.valid_from <= period.end) and (
        unit.valid_to is None or unit.valid_to >= period.start)


def sources_of(units: list[Unit], period: Period, as_of: date) -> dict[int, list[Source]]:
    """unit id → the units valid during ``period`` whose figures it carries (itself when it was valid)."""
    links: dict[int, list[UnitLineage]] = defaultdict(list)
    for link in UnitLineage.objects.filter(effective__lte=as_of).select_related("predecessor"):
        links[link.successor_id].append(link)
    def walk(found: dict[int, Source], current: Unit, share: Fraction, kind: str, depth: int) -> None:
        if _valid_during(current, period):
            held = found.get(current.pk)
            found[current.pk] = Source(current, share + (held.share if held else 0), kind)
            return
        if depth >= MAX_DEPTH:
            return
        for link in links.get(current.pk, ()):
            if link.effective <= period.start:
                continue  # a reform before the period: the predecessor was already gone
            part = Fraction(link.share) if link.share is not None else Fraction(1)
            walk(found, link.predecessor, share * part, link.kind, depth + 1)

    out: dict[int, list[Source]] = {}
    for unit in units:
        found: dict[int, Source] = {}
        walk(found, unit, Fraction(1), "self", 0)
        out[unit.pk] = [s for s in found.values() if s.share > 0]
    return out


def _combine(kind: str, score: bool, parts: list[tuple[Value, Fraction, str]]) -> Value:
    if kind == "text":
        return "\n".join(f"{name}: {value}" for value, _share, name in parts if value) or None
    if kind == "boolean":
        return all(bool(value) for value, _share, _name in parts)
    if kind == "rate":  # a stated rate is no count: it carries over whole, and several cannot be added up
        return parts[0][0] if len(parts) == 1 else None
    total = sum((Fraction(value) * share for value, share, _name in parts), Fraction(0))
    if kind == "number" and score:
        weight = sum((share for _v, share, _n in parts), Fraction(0))
        return total / weight if weight else None
    return total


@dataclass(frozen=True)
class HistoryEvaluation:
    """An evaluation of a past period on today's units, with where each unit's figures came from."""

    evaluation: Evaluation
    basis: str
    as_of: date
    sources: dict[str, list[Source]]  # unit code of today → its predecessors
    left_out: dict[str, str]  # predecessor code → report status that kept its figures out


def evaluate_as_of(framework: Framework, period: str, as_of: date, basis: str = BASIS_OFFICIAL,
                   unit: Unit | None = None, units=None) -> HistoryEvaluation:
    """Evaluate ``period`` on the units valid on ``as_of`` (or one of them, or those of ``units``
    — a queryset such as the units a user may see), figures re-aggregated."""
    per = parse_period(period)
    spec = framework.spec()
    if unit is not None:
        today_units = [unit]
    else:
        today = (units if units is not None else Unit.objects.all()).filter(pk__in=Unit.objects.active_on(as_of))
        today_units = list(today.filter(active=True))
    infos = [i for i in unit_infos(Unit.objects.filter(pk__in=[u.pk for u in today_units]))
             if unit is not None or in_scope(spec, i)]
    by_code = {u.code: u for u in today_units}
    chosen = [by_code[i.code] for i in infos]
    sources = sources_of(chosen, per, as_of)
    predecessors = {s.unit.pk: s.unit.code for group in sources.values() for s in group}
    values, left = load_inputs(framework, [per.code], predecessors, basis)
    raw = values.get(per.code, {})
    kinds = element_kinds(spec)
    score = spec.kind == "score"
    combined: dict[str, dict[str, Value]] = {}
    for info in infos:
        group = sources[by_code[info.code].pk]
        if not group:
            continue
        if len(group) == 1 and group[0].share == 1:
            combined[info.code] = dict(raw.get(group[0].unit.code, {}))
            continue
        elements: dict[str, Value] = {}
        for element, kind in kinds.items():
            parts = []
            for source in group:
                value = raw.get(source.unit.code, {}).get(element)
                if value is None:
                    break
                parts.append((value, source.share, source.unit.name))
            else:
                if parts:
                    elements[element] = _combine(kind, score, parts)
        combined[info.code] = elements
    evaluation = evaluate(spec, infos, combined, per)
    return HistoryEvaluation(
        evaluation, basis, as_of,
        {info.code: sources[by_code[info.code].pk] for info in infos},
        dict(left.get(per.code, {})),
    )


def aggregated_from(history: HistoryEvaluation, code: str) -> list[dict]:
    """The JSON list a unit gains with ``--as-of``: its predecessors and shares (empty: none)."""
    return [{"unit": s.unit.code, "share": float(s.share)}
            for s in history.sources.get(code, []) if s.kind != "self"]


def method_text(history: HistoryEvaluation, code: str, year_label: str) -> str:
    """E.g. "Số liệu 2024 quy đổi theo đơn vị hành chính mới: gộp Xã A, Xã B" ("" when not re-aggregated)."""
    group = [s for s in history.sources.get(code, []) if s.kind != "self"]
    if not group:
        return ""
    names = ", ".join(s.unit.name + ("" if s.share == 1 else f" ({float(s.share):.0%})".replace(".", ","))
                      for s in group)
    verb = "gộp" if len(group) > 1 else "lấy từ"
    return f"Số liệu {year_label} quy đổi theo đơn vị hành chính mới: {verb} {names}"


__all__ = ["Source", "HistoryEvaluation", "evaluate_as_of", "aggregated_from", "method_text", "sources_of",
           "UnitInfo"]
