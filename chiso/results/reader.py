"""The one reader of figures: every page, report, API answer and CLI line comes through here.

``figures(framework, period, basis=…)`` returns the engine's ``Evaluation``
for the units asked for, built from stored results, plus which units the
official basis left out and why. Each process keeps what it has already
unpickled, keyed by the database revision: one small query tells whether
anything changed, and only changed rows are read again.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from chiso.engine.aggregate import summarize
from chiso.engine.evaluate import Evaluation
from chiso.engine.model import UnitInfo, UnitResult
from chiso.engine.periods import parse_period
from chiso.frameworks.models import Framework

from . import store
from .inputs import check_basis
from .models import BASIS_OFFICIAL


@dataclass
class _Kept:
    """What one process holds for (framework version, period, basis)."""

    revision: int = -1
    results: dict[str, tuple[UnitResult, str, str]] = field(default_factory=dict)  # code → (result, checksum, left out)
    # Units whose stored results are flagged stale at ``revision`` (every load returns every stale row,
    # so this is exact): while their recompute task is queued they are evaluated here and not stored —
    # the task stores them — and never shown from the old stored result.
    stale: frozenset[str] = frozenset()


_KEPT: dict[tuple[int, str, str, str], _Kept] = {}
_LOCK = threading.Lock()


_FORGETTERS: list = []


def on_forget(clear) -> None:
    """Register another per-process memory keyed by database state, dropped with ours."""
    _FORGETTERS.append(clear)


def forget() -> None:
    """Drop what this process keeps (tests that rebuild the database call it)."""
    with _LOCK:
        _KEPT.clear()
    for clear in _FORGETTERS:
        clear()


@dataclass(frozen=True)
class Figures:
    """An evaluation on a named basis, and the units whose figures it left out."""

    evaluation: Evaluation
    basis: str
    revision: int
    left_out: dict[str, str]  # unit code → report status that kept its figures out

    @property
    def is_official(self) -> bool:
        return self.basis == BASIS_OFFICIAL


def _current(framework: Framework, period: str, basis: str, revision: int,
             infos: Sequence[UnitInfo], task_queued: bool = False) -> dict[str, tuple[UnitResult, str, str]]:
    key = (framework.pk, framework.checksum, period, basis)
    digest = store.checksum(framework)
    with _LOCK:
        kept = _KEPT.setdefault(key, _Kept())
    if kept.revision != revision:
        since = None if kept.revision < 0 else kept.revision
        fresh = dict(kept.results)
        stale_codes: set[str] = set()
        for code, stale, row_digest, why, payload in store.load_stored(framework, period, basis, since):
            if stale:
                fresh.pop(code, None)
                stale_codes.add(code)
            else:
                fresh[code] = (pickle.loads(payload), row_digest, why)
        kept = _Kept(revision, fresh, frozenset(stale_codes))
        with _LOCK:
            _KEPT[key] = kept
    todo = [info for info in infos
            if (got := kept.results.get(info.code)) is None or got[1] != digest or got[0].unit != info]
    if not todo:
        return kept.results
    with _recompute_lock(key):
        # Another thread of this process may have done it while this one waited — at this revision
        # only: memory of a newer one may lack units this page needs (flagged since) and is not used.
        current = _KEPT.get(key, kept)
        held = dict(current.results if current.revision == revision else kept.results)
        todo = [i for i in todo if (got := held.get(i.code)) is None or got[1] != digest or got[0].unit != i]
        # Flagged stale by a write while a recompute task is queued: the task stores them, this page
        # only evaluates them. Otherwise (never stored, another framework document or unit, or no task
        # waiting — it began, or was lost) evaluated and stored here, so later pages read them. A
        # framework comparing units evaluates the whole group at once: once, stored if anything must be.
        flagged = [i for i in todo if task_queued and i.code in kept.stale]
        to_store = [i for i in todo if not (task_queued and i.code in kept.stale)]
        if to_store and getattr(framework.spec(), "compares_units", False):
            to_store, flagged = todo, []
        computed = store.recompute(framework, period, to_store) if to_store else {}
        for b, results in (store.evaluate_only(framework, period, flagged) if flagged else {}).items():
            computed.setdefault(b, {}).update(results)
        with _LOCK:
            for b, results in computed.items():
                held_b = _KEPT.get((framework.pk, framework.checksum, period, b))
                # Only into memory of the revision these figures were read at: a newer one (a write
                # committed while this evaluated) must evaluate them again, never keep these.
                if held_b is None or held_b.revision != revision:
                    continue
                for code, (result, why) in results.items():
                    held_b.results[code] = (result, digest, why)
        for code, (result, why) in computed.get(basis, {}).items():
            held[code] = (result, digest, why)
    return held


_RECOMPUTING: dict[tuple, threading.Lock] = {}


def _recompute_lock(key: tuple) -> threading.Lock:
    """One recompute at a time per (framework, period, basis) in a process: no thundering herd."""
    with _LOCK:
        return _RECOMPUTING.setdefault(key, threading.Lock())


def figures_many(framework: Framework, periods: Sequence[str], infos: Sequence[UnitInfo],
                 basis: str = BASIS_OFFICIAL) -> dict[str, Figures]:
    """Figures of ``infos`` (in that order) for each period, with one revision query in all."""
    check_basis(basis)
    spec = framework.spec()
    states = store.revision_states(framework, [parse_period(p).code for p in periods])
    out: dict[str, Figures] = {}
    for period, (revision, task_queued) in states.items():
        held = _current(framework, period, basis, revision, infos, task_queued)
        results = tuple(held[i.code][0] for i in infos)
        left = {i.code: held[i.code][2] for i in infos if held[i.code][2]}
        evaluation = Evaluation(framework=spec, period=parse_period(period), results=results,
                                summary=summarize(results))
        out[period] = Figures(evaluation, basis, revision, left)
    return out


def figures(framework: Framework, period: str, infos: Sequence[UnitInfo],
            basis: str = BASIS_OFFICIAL) -> Figures:
    """Figures of ``infos`` for one period on ``basis``."""
    code = parse_period(period).code
    return figures_many(framework, [code], infos, basis)[code]
