"""Everything the dashboard pages show, loaded in a fixed number of queries.

The pages must stay fast for a province of a thousand units: units are loaded
once, values for every period shown in ONE query, and the engine evaluates in
memory. Nothing here judges a value: verdicts, tallies, histograms and
blocking criteria all come from ``chiso.engine``; this module only chooses
what to load and groups what the engine returns.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from chiso.assessments.evaluation import units_in_scope
from chiso.assessments.models import STATUS_APPROVED, Submission
from chiso.assessments.models import Value as ValueRow
from chiso.engine import aggregate, forecast
from chiso.engine.aggregate import in_scope
from chiso.engine.evaluate import Evaluation
from chiso.engine.forecast import Milestone
from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import UnitInfo, UnitResult
from chiso.engine.periods import Period, PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results import reader
from chiso.results.models import BASIS_OFFICIAL
from chiso.results.vocabulary import LEVEL_AGENCIES
from chiso.units.models import Unit, dated_units, path_prefix_q, unit_infos, valid_at_end

DEFAULT_FRAMEWORK = "ag-cqdt-2021"
TREND_PERIODS = 8  # how many past periods of the same kind the trend shows


# ---------------------------------------------------------------------------
# choosing framework and period


def framework_choices() -> list[Framework]:
    """Every loaded framework version, newest version of each code first.

    Without ``document`` (the parsed YAML as JSON, never read by a page: the spec comes from the
    YAML, cached by checksum): decoding every framework's JSON was a part of every dashboard page.
    """
    return list(Framework.objects.defer("document").order_by("code", "-effective_from", "-loaded_at"))


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


_PERIODS_SEEN: dict[tuple, list[str]] = {}
reader.on_forget(_PERIODS_SEEN.clear)


def framework_revisions(framework: Framework) -> tuple[tuple[str, int], ...]:
    """(period, revision) of every period of ``framework`` written through the write path: one query."""
    from chiso.results.models import Revision

    return tuple(Revision.objects.filter(framework=framework).order_by("period").values_list("period", "number"))


class PageMemo:
    """What a dashboard page computed, kept per process under a key made of database state.

    The key holds the framework version, the basis, the viewer's scope, the
    period(s), the language, every revision of the framework and the units
    counter — all read from the database — so a write anywhere changes the key
    and no process can serve a page computed from older figures.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.items: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get_or_build(self, key: tuple, build):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = build()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


PAGES = PageMemo()
reader.on_forget(PAGES.clear)


def state_key(framework: Framework, basis: str, scope: tuple, written: tuple | None = None,
              units_state: int | None = None) -> tuple:
    """The database state a page of ``framework`` depends on (see ``PageMemo``)."""
    from django.utils import translation

    return (framework.pk, framework.checksum, basis, scope, translation.get_language(),
            written if written is not None else framework_revisions(framework),
            units_counter() if units_state is None else units_state)


# The units a viewer sees — their engine views, rows and validity dates — change only when a unit
# does, and every unit change bumps the "units" counter (``chiso.results.signals``). A page rebuilt
# because a figure was written (on deadline day, every page) reads them from here, keyed by the
# viewer's scope and that counter, instead of three to five queries over every unit in scope.
UNITS = PageMemo(size=128)
reader.on_forget(UNITS.clear)


def units_counter() -> int:
    """The "units" counter: bumped by every change of any unit."""
    from chiso.results.store import counter

    return counter("units")


def kept_unit_infos(key: tuple, units: QuerySet[Unit]) -> list[UnitInfo]:
    """``unit_infos(units)``, kept under ``key`` (the scope that gives ``units`` and the units counter)."""
    return UNITS.get_or_build(("infos", *key), lambda: unit_infos(units))


def kept_in_scope(framework: Framework, key: tuple, units: QuerySet[Unit]) -> list[UnitInfo]:
    """``units_in_scope(framework, units)``, kept under ``key`` and the framework version."""
    def build() -> list[UnitInfo]:
        spec = framework.spec()
        return [info for info in kept_unit_infos(key, units) if in_scope(spec, info)]

    return UNITS.get_or_build(("in_scope", framework.pk, framework.checksum, *key), build)


def kept_unit_rows(key: tuple, units: QuerySet[Unit]) -> dict[str, UnitRow]:
    """``unit_rows(units)``, kept under ``key``."""
    return UNITS.get_or_build(("rows", *key), lambda: unit_rows(units))


def kept_dated_units(units_state: int) -> dict[str, tuple[date | None, date | None]]:
    """``dated_units()``, kept until the units counter moves."""
    return UNITS.get_or_build(("dated", units_state), dated_units)


def periods_with_values(framework: Framework, units: QuerySet[Unit],
                        written: tuple | None = None) -> list[Period]:
    """Periods in which ``framework`` has values, oldest first.

    Scanning every stored value on each page costs a thousand-unit province
    a tenth of a second, so the scan is kept per process and done again only
    when the framework's revisions (one row per period, bumped by every
    write) say something was written. Values loaded in bulk outside the
    write path show from the next write or restart.
    """
    written = framework_revisions(framework) if written is None else written
    key = (framework.pk, framework.checksum, written)
    codes = _PERIODS_SEEN.get(key)
    if codes is None:
        codes = list(ValueRow.objects.filter(framework=framework).order_by()
                     .values_list("period", flat=True).distinct())
        codes = sorted(set(codes) | {p for p, _n in written})
        if len(_PERIODS_SEEN) > 256:
            _PERIODS_SEEN.clear()
        _PERIODS_SEEN[key] = codes
    out = []
    for code in codes:
        try:
            out.append(parse_period(code))
        except PeriodError:
            continue
    return sorted(set(out))


def pick_period(text: str | None, available: Sequence[Period],
                collecting: Iterable[str] = ()) -> Period | None:
    """The period asked for, else the latest one that is closed or fully approved.

    A period still being collected (an open round with reports not yet
    approved) is never opened by default: its official figures would show
    units that simply have not reported yet as failing.
    """
    if text:
        try:
            return parse_period(text)
        except PeriodError as exc:
            raise Http404(str(exc)) from exc
    settled = [p for p in available if p.code not in set(collecting)]
    if settled:
        return settled[-1]
    return available[-1] if available else None


def trend_periods(current: Period, available: Sequence[Period], limit: int = TREND_PERIODS,
                  collecting: Iterable[str] = ()) -> list[Period]:
    """Periods of ``current``'s kind with values, up to ``current``, the last ``limit``.

    Periods still being collected are left out (except ``current`` itself):
    their half-reported figures would draw a fall that did not happen.
    """
    open_ = set(collecting) - {current.code}
    same = [p for p in available if p.kind == current.kind and not current < p and p.code not in open_]
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
        qs = qs.filter(path_prefix_q(area.path))
    if level:
        qs = qs.filter(level=level)
    return qs


def unit_rows(units: QuerySet[Unit]) -> dict[str, UnitRow]:
    """code → UnitRow for ``units``, in one query."""
    rows = units.values_list("pk", "code", "name", "level", "path", "parent__code")
    return {code: UnitRow(pk, code, name, level, path, parent) for pk, code, name, level, path, parent in rows}


# ---------------------------------------------------------------------------
# evaluation over many periods: stored results, read through the one reader


def evaluate_periods(framework: Framework, periods: Sequence[Period], units: QuerySet[Unit],
                     infos: Sequence[UnitInfo] | None = None,
                     basis: str = BASIS_OFFICIAL,
                     dated: dict[str, tuple[date | None, date | None]] | None = None) -> dict[str, Evaluation]:
    """The evaluation of ``units`` (in the framework's scope) for each period, on ``basis``.

    Read from the stored results (``chiso.results.reader``): one revision
    query for all periods, and only results changed since this process last
    read them; nothing is re-evaluated unless its inputs changed.
    """
    if infos is None:
        infos = units_in_scope(framework, units)
    # Each period on the units in force on its last day (the 2025 reform: old units until 30/06/2025).
    by_infos: dict[tuple[str, ...], tuple[list[UnitInfo], list[str]]] = {}
    dated = dated_units() if dated is None else dated
    for p in periods:
        kept = valid_at_end(list(infos), p.end, dated)
        by_infos.setdefault(tuple(i.code for i in kept), (kept, []))[1].append(p.code)
    out: dict[str, Evaluation] = {}
    for kept, codes in by_infos.values():
        got = reader.figures_many(framework, codes, kept, basis)
        out.update({code: f.evaluation for code, f in got.items()})
    return {p.code: out[p.code] for p in periods}


@dataclass(frozen=True)
class Collecting:
    """A period whose round is still open: how many of its reports are approved."""

    approved: int
    total: int


def collecting_periods(framework: Framework, units: QuerySet[Unit]) -> dict[str, Collecting]:
    """period → approvals so far, for periods with an open round not yet fully approved (two queries)."""
    rows = (
        Submission.objects.filter(round__framework=framework, round__closed_at__isnull=True, unit__in=units)
        .order_by().values("round__period").annotate(
            total=Count("id"), approved=Count("id", filter=Q(status=STATUS_APPROVED)))
        .values_list("round__period", "approved", "total")
    )
    return {period: Collecting(approved, total) for period, approved, total in rows if approved < total}


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
        # Units with no figures block nothing: they are listed as not reported instead.
        subset = [r for r in results if r.unit.level == level and r.status != "not_reported"]
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
