"""Evaluations of stored figures, for callers that want the engine's ``Evaluation``.

CLI, web pages, dashboard, API and reports read figures through
``chiso.results.reader`` (stored results on a named basis); this module keeps
the historical entry point ``evaluate_framework`` and the scope helpers.
"""

from __future__ import annotations

from collections.abc import Iterable

from chiso.engine.aggregate import in_scope
from chiso.engine.evaluate import Evaluation
from chiso.engine.model import UnitInfo, Value
from chiso.engine.periods import parse_period
from chiso.frameworks.models import Framework
from chiso.results.inputs import element_kinds, load_inputs, row_to_value  # noqa: F401  (re-exported)
from chiso.results.models import BASIS_OFFICIAL
from chiso.units.models import Unit, unit_infos, valid_at_end


def load_values(framework: Framework, period: str, units: Iterable[Unit],
                basis: str = BASIS_OFFICIAL) -> dict[str, dict[str, Value]]:
    """unit code → element id → value on ``basis``, in two queries."""
    code = parse_period(period).code
    values, _ = load_inputs(framework, [code], {u.pk: u.code for u in units}, basis)
    return {k: dict(v) for k, v in values.get(code, {}).items()}


def units_in_scope(framework: Framework, units=None) -> list[UnitInfo]:
    """Engine views of the units the framework assesses (all units by default)."""
    spec = framework.spec()
    queryset = units if units is not None else Unit.objects.filter(active=True)
    return [info for info in unit_infos(queryset) if in_scope(spec, info)]


def figures_for(framework: Framework, period: str, units=None, unit: Unit | None = None,
                basis: str = BASIS_OFFICIAL):
    """Stored figures (``chiso.results.reader.Figures``) of the units in scope, or of one ``unit``."""
    from chiso.results import reader

    per = parse_period(period)
    if unit is not None:
        infos = unit_infos(Unit.objects.filter(pk=unit.pk))
    else:  # the units in force on the period's last day (the 2025 reform)
        infos = valid_at_end(units_in_scope(framework, units), per.end)
    return reader.figures(framework, period, infos, basis)


def evaluate_framework(framework: Framework, period: str, units=None, unit: Unit | None = None,
                       basis: str = BASIS_OFFICIAL) -> Evaluation:
    """The evaluation of ``framework`` for ``period`` on ``basis`` (official by default)."""
    return figures_for(framework, period, units, unit, basis).evaluation
