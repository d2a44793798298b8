"""Framework inputs computed from operational records, and where units disagree.

A framework says which of its inputs come from which metric (``sources`` in
the YAML, e.g. ``2.numerator: dossiers.online``), so the mapping is data.
``apply_computed_values`` writes those values as ``Value`` rows with source
``computed`` and their provenance (metric, imports, time). A reporter's
``override`` (a value typed in with a written reason) is never replaced; a
self-reported value (``manual``/``import``) is replaced but kept in the
provenance under ``reported``, so the reviewer sees both and
``discrepancies`` can flag the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone

from chiso.assessments.evaluation import units_in_scope
from chiso.assessments.models import Value
from chiso.assessments.writes import CellWrite, write_values
from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import Indicator
from chiso.engine.periods import Period, parse_period
from chiso.frameworks.models import Framework
from chiso.units.models import Unit

from .importer import month_keys
from .metrics import compute_metrics
from .records import batches_by_unit

SELF_REPORTED = ("manual", "import", "override")

Computed = dict[str, dict[str, tuple[Fraction, dict[str, Any]]]]


def source_elements(spec: FrameworkSpec) -> dict[str, str]:
    """Element id → metric (``"2.numerator"`` → ``"dossiers.online"``) for every declared source."""
    out: dict[str, str] = {}

    def walk(ind: Indicator, prefix: str) -> None:
        for name, metric in (ind.sources or {}).items():
            out[f"{prefix}.{name}"] = metric
        for item in ind.items:
            walk(item, f"{prefix}.{item.code}")

    for ind in spec.indicators:
        walk(ind, ind.code)
    return out


def _units(framework_obj: Framework, units) -> list[Unit]:
    if units is not None:
        return list(units)
    codes = [info.code for info in units_in_scope(framework_obj)]
    return list(Unit.objects.filter(code__in=codes))


def _batches(source: str, period: Period, unit_ids: list[int]) -> dict[int, list[int]]:
    """Unit id → ids of the imports whose records a metric of ``period`` can count."""
    return batches_by_unit(source, unit_ids, month_keys(period)[1])


def computed_values(framework_obj: Framework, period: Period | str, units=None) -> Computed:
    """unit code → element → (value, provenance) for the framework's sourced inputs.

    Only units with records of a source get values from it: a unit that does
    not use the dossier system has no computed value (missing), not a zero.
    """
    period = parse_period(period)
    elements = source_elements(framework_obj.spec())
    if not elements:
        return {}
    unit_rows = _units(framework_obj, units)
    codes = {u.pk: u.code for u in unit_rows}
    now = timezone.now().isoformat(timespec="seconds")
    out: Computed = {}
    for source in sorted({metric.split(".", 1)[0] for metric in elements.values()}):
        metrics = compute_metrics(source, period, unit_rows)
        batches = _batches(source, period, list(metrics))
        for uid, values in metrics.items():
            for element, metric in elements.items():
                kind, name = metric.split(".", 1)
                if kind != source or name not in values:
                    continue
                out.setdefault(codes[uid], {})[element] = (Fraction(values[name]), {
                    "metric": metric,
                    "period": period.code,
                    "batches": batches.get(uid, []),
                    "computed_at": now,
                })
    return out


def _number(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_override: list[tuple[str, str]] = field(default_factory=list)  # (unit code, element)


@transaction.atomic
def apply_computed_values(framework_obj: Framework, period: Period | str, units=None,
                          user=None) -> ApplyResult:
    """Write computed values as ``Value`` rows (source ``computed``); safe to run twice.

    Overrides are kept untouched; a manual or imported value is replaced and
    remembered in ``provenance["reported"]``.
    """
    period = parse_period(period)
    unit_rows = _units(framework_obj, units)
    by_code = {u.code: u for u in unit_rows}
    values = computed_values(framework_obj, period, unit_rows)
    existing = {
        (row.unit_id, row.element): row
        for row in Value.objects.filter(
            framework=framework_obj, period=period.code, unit__in=unit_rows,
            element__in=list(source_elements(framework_obj.spec())),
        )
    }
    result = ApplyResult()
    cells: list[CellWrite] = []
    for code, elements in sorted(values.items()):
        unit = by_code[code]
        for element, (value, provenance) in sorted(elements.items()):
            number = _number(value)
            row = existing.get((unit.pk, element))
            if row is not None and row.source == "override":
                result.kept_override.append((code, element))
                continue
            if row is not None and row.source == "computed":
                old = row.provenance or {}
                if row.number == number and old.get("batches") == provenance["batches"]:
                    result.unchanged += 1
                    continue
                if "reported" in old:
                    provenance = {**provenance, "reported": old["reported"]}
            elif row is not None:
                provenance = {**provenance, "reported": {
                    "value": None if row.number is None else format(row.number.normalize(), "f"),
                    "text": row.text,
                    "source": row.source,
                    "updated_by": row.updated_by_id,
                    "updated_at": row.updated_at.isoformat(timespec="seconds") if row.updated_at else None,
                    "provenance": row.provenance,
                }}
            cells.append(CellWrite(unit.pk, period.code, element, number=number, source="computed",
                                   provenance=provenance, label=element))
    # The guarded write path: refused whole when a report it touches is submitted, approved or closed.
    outcome = write_values(framework_obj, cells, user, reason="Tính từ dữ liệu nghiệp vụ")
    result.created, result.updated = outcome.created, outcome.updated
    result.unchanged += outcome.unchanged
    return result


@dataclass(frozen=True)
class Discrepancy:
    """A self-reported input that differs from the one computed from records."""

    unit_code: str
    unit_name: str
    element: str
    indicator: str
    metric: str
    reported: Fraction
    computed: Fraction
    source: str  # manual | import | override (the self-reported value's source)
    reason: str  # the override's written reason, "" otherwise

    @property
    def difference(self) -> Fraction:
        return self.reported - self.computed

    @property
    def relative(self) -> Fraction:
        """Difference relative to the computed value (to 1 when that is 0)."""
        return abs(self.difference) / max(abs(self.computed), Fraction(1))


def discrepancies(framework_obj: Framework, period: Period | str, units=None,
                  tolerance: float | Fraction = 0.01) -> list[Discrepancy]:
    """Where a self-reported input differs from the computed one by more than ``tolerance``.

    The tolerance is relative to the computed value (0.01 = 1%), so 54.919
    reported against 54.900 computed passes and 60.000 does not. The
    self-reported value is the stored row when its source is manual, import or
    override, or the one a computation replaced (``provenance["reported"]``).
    """
    period = parse_period(period)
    tolerance = Fraction(str(tolerance)) if isinstance(tolerance, float) else Fraction(tolerance)
    unit_rows = _units(framework_obj, units)
    by_code = {u.code: u for u in unit_rows}
    values = computed_values(framework_obj, period, unit_rows)
    rows = {
        (row.unit_id, row.element): row
        for row in Value.objects.filter(framework=framework_obj, period=period.code, unit__in=unit_rows,
                                        element__in=list(source_elements(framework_obj.spec())))
    }
    out: list[Discrepancy] = []
    for code, elements in sorted(values.items()):
        unit = by_code[code]
        for element, (computed, provenance) in sorted(elements.items()):
            row = rows.get((unit.pk, element))
            if row is None:
                continue
            if row.source in SELF_REPORTED:
                if row.number is None:
                    continue
                reported, source = Fraction(row.number), row.source
                reason = str((row.provenance or {}).get("reason", "")) if row.source == "override" else ""
            else:
                earlier = (row.provenance or {}).get("reported") or {}
                if earlier.get("value") is None:
                    continue
                reported, source, reason = Fraction(earlier["value"]), earlier.get("source", "manual"), ""
            d = Discrepancy(code, unit.name, element, element.rsplit(".", 1)[0], provenance["metric"],
                            reported, computed, source, reason)
            if d.relative > tolerance:
                out.append(d)
    return out
