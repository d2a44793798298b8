"""Everything the dashboard pages show, loaded in a fixed number of queries.

The pages must stay fast for a province of a thousand units: units are loaded
once, values for every period shown in ONE query, and the engine evaluates in
memory. Nothing here judges a value: verdicts, tallies, histograms and
blocking criteria all come from ``chiso.engine``; this module only chooses
what to load and groups what the engine returns.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.http import Http404

from chiso.assessments.evaluation import element_kinds, row_to_value, units_in_scope
from chiso.assessments.models import Value as ValueRow
from chiso.engine import aggregate, forecast
from chiso.engine.evaluate import Evaluation, evaluate
from chiso.engine.forecast import Milestone
from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import Summary, UnitInfo, UnitResult
from chiso.engine.periods import Period, PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results.vocabulary import LEVEL_AGENCIES
from chiso.units.models import Unit

DEFAULT_FRAMEWORK = "ag-cqdt-2021"
TREND_PERIODS = 8  # how many past periods of the same kind the trend shows


# ---------------------------------------------------------------------------
# choosing framework and period


def framework_choices() -> list[Framework]:
    """Every loaded framework version, newest version of each code first."""
    return list(Framework.objects.order_by("code", "-effective_from", "-loaded_at"))


def pick_framework(code: str | None, choices: Sequence[Framework]) -> Framework | None:
    """The framework asked for ("code" or "code@version"), else the default, else the first."""
    def find(wanted: str) -> Framework | None:
        if "@" in wanted:
            c, v = wanted.split("@", 1)
            return next((f for f in choices if f.code == c and f.version == v), None)
        return next((f for f in choices if f.code == wanted), None)  # choices: newest first

    if code:
        found = find(code)
        if found is None:
            raise Http404(f"Không có bộ chỉ tiêu mã {code}")
        return found
    return find(DEFAULT_FRAMEWORK) or (choices[0] if choices else None)


def periods_with_values(framework: Framework, units: QuerySet[Unit]) -> list[Period]:
    """Periods in which any of ``units`` has a value of ``framework``, oldest first."""
    codes = (
        ValueRow.objects.filter(framework=framework, unit__in=units)
        .order_by().values_list("period", flat=True).distinct()
    )
    out = []
    for code in codes:
        try:
            out.append(parse_period(code))
        except PeriodError:
            continue
    return sorted(set(out))


def pick_period(text: str | None, available: Sequence[Period]) -> Period | None:
    """The period asked for (any form ``parse_period`` reads), else the latest with values."""
    if text:
        try:
            return parse_period(text)
        except PeriodError as exc:
            raise Http404(str(exc)) from exc
    return available[-1] if available else None


def trend_periods(current: Period, available: Sequence[Period], limit: int = TREND_PERIODS) -> list[Period]:
    """Periods of ``current``'s kind with values, up to ``current``, the last ``limit``."""
    same = [p for p in available if p.kind == current.kind and not current < p]
    if current not in same:
        same.append(current)
    return sorted(same)[-limit:]


# ---------------------------------------------------------------------------
# units


@dataclass(frozen=True)
class UnitRow:
    """A visible unit as the pages need it (code, name, level, path, parent)."""

    pk: int
    code: str
    name: str
    level: str
    path: str
    parent_code: str | None

    @property
    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c][:-1]


def scoped_units(user_units: QuerySet[Unit], area: Unit | None = None, level: str | None = None) -> QuerySet[Unit]:
    """Active units the user may see, inside ``area``'s subtree and at ``level`` if given."""
    qs = user_units.filter(active=True)
    if area is not None:
        qs = qs.filter(path__startswith=area.path)
    if level:
        qs = qs.filter(level=level)
    return qs


def unit_rows(units: QuerySet[Unit]) -> dict[str, UnitRow]:
    """code → UnitRow for ``units``, in one query."""
    rows = units.values_list("pk", "code", "name", "level", "path", "parent__code")
    return {code: UnitRow(pk, code, name, level, path, parent) for pk, code, name, level, path, parent in rows}


# ---------------------------------------------------------------------------
# evaluation over many periods


def load_values_many(framework: Framework, periods: Iterable[str], units: QuerySet[Unit]) -> dict[str, dict[str, dict]]:
    """period → unit code → element id → value, for every period in ONE query.

    The same conversion as ``chiso.assessments.evaluation.load_values`` (one
    period), so the pages and the CLI read stored values identically.
    """
    kinds = element_kinds(framework.spec())
    out: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    rows = ValueRow.objects.filter(framework=framework, period__in=list(periods), unit__in=units)
    for period, code, element, number, text in rows.values_list(
        "period", "unit__code", "element", "number", "text"
    ):
        kind = kinds.get(element)
        if kind is None:
            continue
        out[period][code][element] = row_to_value(kind, number, text)
    return out


def _values_signature(framework: Framework, periods: Sequence[str], units: QuerySet[Unit]) -> dict[str, tuple]:
    """period → (count, last change, highest id) of the stored values: changes when any value does."""
    rows = (
        ValueRow.objects.filter(framework=framework, period__in=list(periods), unit__in=units)
        .order_by().values("period").annotate(n=Count("id"), changed=Max("updated_at"), top=Max("id"))
        .values_list("period", "n", "changed", "top")
    )
    return {period: (n, changed.isoformat() if changed else "", top) for period, n, changed, top in rows}


def _cache_key(framework: Framework, period: str, infos_digest: str, signature: tuple) -> str:
    raw = f"{framework.pk}|{framework.checksum}|{period}|{infos_digest}|{signature}"
    return hashlib.sha256(raw.encode()).hexdigest()


class _Memo:
    """A small per-process LRU of evaluations, keyed by their inputs.

    Kept in memory as objects, not in Django's cache: unpickling tens of
    thousands of ``Fraction``s costs seconds for a 1,000-unit province. The
    keys come from the database (framework version, units, values signature),
    so several processes each keep a correct copy and a change shows at once.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: str, value: object) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


EVALUATIONS = _Memo(getattr(settings, "DASHBOARD_EVALUATIONS_KEPT", 6))
SUMMARIES = _Memo(512)


def _keys(framework: Framework, codes: Sequence[str], units: QuerySet[Unit],
          infos: Sequence[UnitInfo]) -> dict[str, str]:
    infos_digest = hashlib.sha256(repr(sorted(infos, key=lambda i: i.code)).encode()).hexdigest()
    signature = _values_signature(framework, codes, units)
    return {code: _cache_key(framework, code, infos_digest, signature.get(code, (0, "", 0)))
            for code in codes}


def _evaluate_missing(framework: Framework, codes: Sequence[str], units: QuerySet[Unit],
                      infos: Sequence[UnitInfo]) -> dict[str, Evaluation]:
    values = load_values_many(framework, codes, units)
    spec = framework.spec()
    return {code: evaluate(spec, infos, values.get(code, {}), code) for code in codes}


def evaluate_periods(framework: Framework, periods: Sequence[Period], units: QuerySet[Unit],
                     infos: Sequence[UnitInfo] | None = None) -> dict[str, Evaluation]:
    """The engine's evaluation of ``units`` (in the framework's scope) for each period.

    Units are read once (``units_in_scope``: two queries), a signature of the
    stored values once, and values (one query) only for periods whose
    evaluation is not already kept; ``chiso.engine.evaluate`` runs in memory.
    The key covers the framework version, the period, every unit as the
    engine sees it and the values' signature, so any change shows at once.
    """
    if infos is None:
        infos = units_in_scope(framework, units)
    codes = [p.code for p in periods]
    keys = _keys(framework, codes, units, infos)
    out = {code: EVALUATIONS.get(keys[code]) for code in codes}
    missing = [code for code, ev in out.items() if ev is None]
    if missing:
        for code, ev in _evaluate_missing(framework, missing, units, infos).items():
            EVALUATIONS.put(keys[code], ev)
            SUMMARIES.put(keys[code], ev.summary)
            out[code] = ev
    return out  # type: ignore[return-value]


def period_summaries(framework: Framework, periods: Sequence[Period], units: QuerySet[Unit],
                     infos: Sequence[UnitInfo] | None = None) -> dict[str, Summary]:
    """Only the engine's tallies per period (for trends and forecasts), kept cheaply."""
    if infos is None:
        infos = units_in_scope(framework, units)
    codes = [p.code for p in periods]
    keys = _keys(framework, codes, units, infos)
    out = {code: SUMMARIES.get(keys[code]) for code in codes}
    missing = [code for code, s in out.items() if s is None]
    if missing:
        for code, ev in _evaluate_missing(framework, missing, units, infos).items():
            SUMMARIES.put(keys[code], ev.summary)
            out[code] = ev.summary
    return out  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# targets and milestones


def completion_milestones(spec: FrameworkSpec, level: str | None = None) -> list[Milestone]:
    """The province goal for the completion rate (e.g. 60% by 2023, 90% by 2025): the engine's rule."""
    return forecast.completion_milestones(spec, level)


def target_for(spec: FrameworkSpec, period: Period, level: str | None = None) -> Milestone | None:
    """The goal the rate of ``period`` is measured against: ``chiso.engine.forecast.completion_goal``."""
    return forecast.completion_goal(spec, period, level)


# ---------------------------------------------------------------------------
# grouping engine results


LEVEL_LABELS = LEVEL_AGENCIES  # the one wording, from chiso.results.vocabulary


def met_histogram(results: Sequence[UnitResult]) -> list[tuple[int, int, int]]:
    """(met, applicable, units) for units that reported, most criteria met first."""
    reported = [r for r in results if r.status != "not_reported"]
    hist = aggregate.met_histogram(reported)
    return sorted(((m, a, n) for (m, a), n in hist.items()), key=lambda t: (-t[1], -t[0]))


def blocking_by_level(results: Sequence[UnitResult]) -> dict[str, list]:
    """Level → the engine's blocking criteria among that level's units (most failing first)."""
    out: dict[str, list] = {}
    for level in ("province", "district", "commune"):
        subset = [r for r in results if r.unit.level == level]
        if subset:
            out[level] = list(aggregate.blocking_criteria(subset))
    return out


@dataclass
class AreaTally:
    """Completion counted over a district's subtree (the drill-down's middle step)."""

    code: str
    name: str
    units: int = 0
    complete: int = 0
    not_reported: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.complete, self.units) if self.units else None


def by_district(results: Sequence[UnitResult], rows: dict[str, UnitRow]) -> list[AreaTally]:
    """Tallies per district (the district itself and every unit beneath it)."""
    areas: dict[str, AreaTally] = {}
    for code, row in rows.items():
        if row.level == "district":
            areas[code] = AreaTally(code, row.name)
    for r in results:
        row = rows.get(r.unit.code)
        if row is None:
            continue
        chain = [*row.ancestor_codes, row.code]
        district = next((c for c in chain if c in areas), None)
        if district is None:
            continue
        t = areas[district]
        t.units += 1
        t.complete += r.status == "complete"
        t.not_reported += r.status == "not_reported"
        t.codes.append(r.unit.code)
    return sorted((a for a in areas.values() if a.units), key=lambda a: a.name)


def today() -> date:
    """Today's date (a function so tests could pin it; pages state the date they use)."""
    return date.today()
