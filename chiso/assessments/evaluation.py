"""The one place where stored values meet the engine.

CLI, web pages, dashboard, API and reports all call ``evaluate_framework`` so
they always agree: views never compute verdicts themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from chiso.engine.aggregate import in_scope
from chiso.engine.evaluate import Evaluation, evaluate
from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import UnitInfo, Value
from chiso.engine.periods import parse_period
from chiso.frameworks.models import Framework
from chiso.units.models import Unit, unit_infos

from .models import Value as ValueRow


def element_kinds(spec: FrameworkSpec) -> dict[str, str]:
    """Element id → kind of value it holds: count, number, boolean or text."""
    kinds: dict[str, str] = {}

    def walk(ind, prefix: str) -> None:
        if ind.kind == "composite":
            for item in ind.items:
                walk(item, f"{prefix}.{item.code}")
            return
        for name in ind.inputs:
            element = f"{prefix}.{name}"
            if ind.kind == "ratio":
                kinds[element] = "count"
            elif ind.kind == "boolean":
                kinds[element] = "boolean"
            elif ind.kind == "text":
                kinds[element] = "text"
            else:
                kinds[element] = "number"

    for ind in spec.indicators:
        walk(ind, ind.code)
    return kinds


def row_to_value(kind: str, number: Decimal | None, text: str) -> Value:
    """A stored row as the engine wants it."""
    if kind == "text":
        return text or None
    if number is None:
        return None
    if kind == "boolean":
        return number != 0
    return Fraction(number)


def load_values(framework: Framework, period: str, units: Iterable[Unit]) -> dict[str, dict[str, Value]]:
    """unit code → element id → value, in one query."""
    kinds = element_kinds(framework.spec())
    unit_ids = {u.pk: u.code for u in units}
    out: dict[str, dict[str, Value]] = defaultdict(dict)
    rows = ValueRow.objects.filter(framework=framework, period=period, unit_id__in=list(unit_ids))
    for unit_id, element, number, text in rows.values_list("unit_id", "element", "number", "text"):
        kind = kinds.get(element)
        if kind is None:
            continue  # an element the framework no longer has
        out[unit_ids[unit_id]][element] = row_to_value(kind, number, text)
    return dict(out)


def units_in_scope(framework: Framework, units=None) -> list[UnitInfo]:
    """Engine views of the units the framework assesses (all units by default)."""
    spec = framework.spec()
    queryset = units if units is not None else Unit.objects.filter(active=True)
    return [info for info in unit_infos(queryset) if in_scope(spec, info)]


def evaluate_framework(framework: Framework, period: str, units=None, unit: Unit | None = None) -> Evaluation:
    """Evaluate ``framework`` for ``period`` over its units in scope (or one ``unit``)."""
    parse_period(period)
    if unit is not None:
        infos = unit_infos(Unit.objects.filter(pk=unit.pk))
        unit_rows = [unit]
    else:
        infos = units_in_scope(framework, units)
        codes = {i.code for i in infos}
        unit_rows = [u for u in Unit.objects.filter(code__in=codes)]
    values = load_values(framework, period, unit_rows)
    return evaluate(framework.spec(), infos, values, period)
