"""The one place where stored rows become engine values, on a named basis.

*Provisional*: every current figure. *Official*: a unit's figures count only
when its report for that framework version and period is approved, or when
no round ever asked for one (figures entered or imported by the department).
A unit whose figures are kept out has no values at all here, so the engine
marks it ``not_reported`` — never 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from chiso.assessments.models import STATUS_APPROVED, Submission
from chiso.assessments.models import Value as ValueRow
from chiso.engine.model import STATED_RATE, Value
from chiso.engine.model import Framework as FrameworkSpec

from .models import BASES, BASIS_OFFICIAL, BASIS_PROVISIONAL


def element_kinds(spec: FrameworkSpec) -> dict[str, str]:
    """Element id → kind of value it holds: count, number, rate, boolean or text.

    A ratio indicator also takes ``<code>.rate`` (kind ``rate``): the rate the unit
    stated ("98,7%", stored as 0,987), which the engine judges when the counts are
    missing and checks against them otherwise. Forms ask only for the counts
    (``Indicator.inputs``); imports and the API accept the rate.
    """
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
                kinds[f"{prefix}.{STATED_RATE}"] = "rate"
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
    """A stored row as the engine wants it: text, yes/no, or an exact number."""
    if kind == "text":
        return text or None
    if number is None:
        return None
    if kind == "boolean":
        return number != 0
    return Fraction(number)


def rows_to_values(rows: Iterable[tuple[str, Decimal | None, str]], kinds: dict[str, str]) -> dict[str, Value]:
    """``(element, number, text)`` rows → element id → engine value (unknown elements dropped)."""
    out: dict[str, Value] = {}
    for element, number, text in rows:
        kind = kinds.get(element)
        if kind is not None:
            out[element] = row_to_value(kind, number, text)
    return out


def check_basis(basis: str) -> str:
    """``basis`` if it is one we know; ``ValueError`` (Vietnamese) otherwise."""
    if basis not in BASES:
        raise ValueError(f"Cơ sở số liệu không hợp lệ: {basis!r} (chọn official hoặc provisional)")
    return basis


def report_statuses(framework_id: int, periods: Iterable[str], unit_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(unit id, period) → status of the unit's report in the latest round that asked for one."""
    out: dict[tuple[int, str], str] = {}
    rows = (
        Submission.objects.filter(round__framework_id=framework_id, round__period__in=list(periods),
                                  unit_id__in=list(unit_ids))
        .order_by("round__opened_at", "round_id")
        .values_list("unit_id", "round__period", "status")
    )
    for unit_id, period, status in rows:
        out[(unit_id, period)] = status  # later rounds win
    return out


def left_out(statuses: dict[tuple[int, str], str], unit_id: int, period: str, basis: str) -> str:
    """The report status that keeps a unit's figures out of ``basis`` ("" when they count)."""
    if basis == BASIS_PROVISIONAL:
        return ""
    status = statuses.get((unit_id, period))
    return "" if status is None or status == STATUS_APPROVED else status


def load_inputs(framework, periods: Iterable[str], units: dict[int, str],
                basis: str = BASIS_OFFICIAL) -> tuple[dict[str, dict[str, dict[str, Value]]], dict[str, dict[str, str]]]:
    """Values and left-out units of ``units`` (id → code) for every period, in two queries.

    Returns ``(values, left)``: period → unit code → element → engine value, and
    period → unit code → report status that kept the unit out (official basis).
    """
    check_basis(basis)
    periods = list(periods)
    kinds = element_kinds(framework.spec())
    statuses = report_statuses(framework.pk, periods, units) if basis == BASIS_OFFICIAL else {}
    values: dict[str, dict[str, dict[str, Value]]] = defaultdict(lambda: defaultdict(dict))
    left: dict[str, dict[str, str]] = defaultdict(dict)
    for (unit_id, period), status in statuses.items():
        if status != STATUS_APPROVED and unit_id in units:
            left[period][units[unit_id]] = status
    rows = ValueRow.objects.filter(framework=framework, period__in=periods, unit_id__in=list(units))
    for unit_id, period, element, number, text in rows.values_list("unit_id", "period", "element", "number", "text"):
        code = units[unit_id]
        if code in left.get(period, ()):
            continue
        kind = kinds.get(element)
        if kind is not None:
            values[period][code][element] = row_to_value(kind, number, text)
    return values, left
