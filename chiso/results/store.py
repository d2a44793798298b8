"""Marking results stale and recomputing them: the only code that writes ``StoredResult``.

The write path calls :func:`mark_stale` inside its own transaction: the
revision goes up and the units' stored results are flagged, in the same
commit as the figures, so no reader can see new figures with old results.
After the commit a task recomputes what is stale (immediately in the
embedded default, in a worker in production). The reader evaluates too when
it meets a stale or missing result, so a page is never wrong while a worker
is busy: stale ones whose task is queued only for the page (``evaluate_only``),
the others stored (``recompute``).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from chiso.engine.evaluate import evaluate
from chiso.engine.model import UnitInfo, UnitResult
from chiso.frameworks.models import Framework
from chiso.units.models import Unit

from .inputs import left_out, load_inputs, report_statuses
from .models import BASES, BASIS_OFFICIAL, BASIS_PROVISIONAL, Revision, StoredResult

# A queued recompute older than this is taken as lost (a worker killed before it began it): queue another.
# Compared with the writing server's clock: servers whose clocks differ by minutes only queue a task
# more (one behind) or notice a lost one later (one ahead) — keep them on NTP, as Django's sessions need.
QUEUE_STALE_AFTER = timedelta(minutes=5)


def bump_revision(framework_id: int, period: str, *, claim_queue: bool = False) -> bool:
    """Add one to the revision of (framework, period), creating the row the first time.

    With ``claim_queue``, also mark a recompute task as waiting unless one already is (see
    ``_claim_queue``), in the same statement; returns True when this call marked it. On PostgreSQL
    and SQLite one upsert does all of it (the revision's unique framework × period).
    """
    if connection.vendor in ("postgresql", "sqlite"):  # both have INSERT … ON CONFLICT … RETURNING
        # One round trip on deadline day and when a round opens a new period: create or bump, claim,
        # and learn whether this writer claimed.
        sql, params = _revision_upsert(framework_id, period, claim_queue)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            claimed = cursor.fetchone()[0]
        return bool(claimed) if claim_queue else False
    if Revision.objects.filter(framework_id=framework_id, period=period).update(number=F("number") + 1):
        return _claim_queue(framework_id, period) if claim_queue else False
    try:
        with transaction.atomic():
            Revision.objects.create(framework_id=framework_id, period=period, number=1)
    except IntegrityError:  # created meanwhile by another writer
        Revision.objects.filter(framework_id=framework_id, period=period).update(number=F("number") + 1)
    return _claim_queue(framework_id, period) if claim_queue else False


def _revision_upsert(framework_id: int, period: str, claim_queue: bool,
                     after: str = "") -> tuple[str, list[Any]]:
    """``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` of ``bump_revision``: one column, ``claimed``
    (true when this statement marked a recompute task as waiting). ``after``: an SQL expression (never
    negative) the inserted row is made from, and so worked out first."""
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    before = connection.ops.adapt_datetimefield_value(now - QUEUE_STALE_AFTER)
    qn = connection.ops.quote_name
    table = qn(Revision._meta.db_table)
    number, queued = f"{table}.{qn('number')}", f"{table}.{qn('queued_at')}"
    claim = (f"CASE WHEN {queued} IS NULL OR {queued} < %s THEN %s ELSE {queued} END" if claim_queue
             else queued)
    return (
        f"INSERT INTO {table} ({qn('framework_id')}, {qn('period')}, {qn('number')}, {qn('changed_at')}, "
        # With ``after``, the row's number is made from it (always 1): a value nobody used could be
        # left out by the planner, and the writes with it.
        f"{qn('queued_at')}) " + (f"SELECT %s, %s, CASE WHEN d.done >= 0 THEN 1 END, %s, %s "
                                  f"FROM (SELECT {after} AS done) d " if after else "VALUES (%s, %s, 1, %s, %s) ") +
        f"ON CONFLICT ({qn('framework_id')}, {qn('period')}) DO UPDATE SET {qn('number')} = {number} + 1, "
        f"{qn('queued_at')} = {claim} RETURNING {qn('queued_at')} = %s AS claimed",
        [framework_id, period, at, at if claim_queue else None, *([before, at] if claim_queue else []), at])


def mark_stale(framework_id: int, period: str, unit_ids: Iterable[int] | None = None,
               *, schedule: bool = True, framework: Framework | None = None,
               along: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
    """Flag the stored results of ``unit_ids`` (all units when None) and bump the revision.

    Call it inside the transaction that changes the figures or a report's
    status. ``schedule`` queues the recompute task for after the commit, when
    some stored result went stale (none stored: nothing to recompute, and the
    task only ever recomputes stale rows).
    ``framework`` — the row, when the caller holds it (saves a query).
    ``along`` — the caller's write statements (SQL and parameters) whose results nobody reads; they
    run before the revision is bumped: on PostgreSQL in the revision's own statement
    (``_writes_and_bump``: a deadline-day save's writes in one round trip instead of four),
    elsewhere one by one.
    """
    # One transaction even when called in autocommit (a model signal): the revision row stays locked
    # until the flags are written, so a task that begins meanwhile cannot miss them.
    with transaction.atomic(savepoint=False):
        if unit_ids is not None and _compares_units(framework_id, framework):
            unit_ids = None
        if unit_ids is not None:  # read twice below (the revision's statement, then maybe the flags')
            unit_ids = sorted(set(unit_ids))
        flagged = None
        if connection.vendor == "postgresql" and along:
            claimed, flagged = _writes_and_bump(framework_id, period, schedule, along, unit_ids)
        else:
            with connection.cursor() as cursor:
                for sql, params in along:
                    cursor.execute(sql, list(params))
            claimed = bump_revision(framework_id, period, claim_queue=schedule)
        if flagged is None:
            # Its own statement, begun after the revision row is locked: it must see every stored result
            # a recompute committed while this write waited for that lock (a statement sees the rows
            # committed when it began — a flag in the revision's statement would miss a new one).
            flagged = _flag_stale(framework_id, period, unit_ids)
        if flagged:
            if claimed:
                _enqueue_with_commit(framework_id, period)
        elif claimed and not _any_stale(framework_id, period):
            release_queue(framework_id, period)  # nothing anywhere to recompute: the claim is given back
        elif claimed:  # others' units still stale (a lost task's): this claim queues their recompute
            _enqueue_with_commit(framework_id, period)


def _writes_and_bump(framework_id: int, period: str, claim_queue: bool,
                     along: Sequence[tuple[str, Sequence[Any]]],
                     unit_ids: Sequence[int] | None = None) -> tuple[bool, int | None]:
    """PostgreSQL: the ``along`` writes, ``bump_revision`` and, when they can, the flags of
    ``unit_ids`` (distinct, as ``mark_stale`` hands them) in one statement; returns (``claimed``, rows flagged — None when the flags must
    still be written by their own statement).

    The revision's row is inserted from a row that counts what each write returned, so every write
    is done — its rows locked — before the revision row is: the order the statements had one by one
    (the rows of a value, then the revision), which other writers keep too. The flags are an
    ``UPDATE … FROM`` the revision's row, so they come after it, as a recompute takes them. A stored
    result this statement can see is flagged even when a recompute rewrote it while the statement
    waited for the revision row (PostgreSQL updates the row's newest version); one that a recompute
    *created* meanwhile it cannot see. So the flags count only when every expected row (each unit ×
    each basis) was flagged: then none can have been missed; otherwise ``mark_stale`` flags again
    in a statement of its own, begun after the revision row is held. On deadline day every unit has
    its stored results, and a save holds the revision row one round trip less.
    """
    parts = [f"w{i} AS ({sql} RETURNING 1)" for i, (sql, _params) in enumerate(along)]
    params: list[Any] = [v for _sql, p in along for v in p]
    done = " + ".join(f"(SELECT count(*) FROM w{i})" for i in range(len(along)))
    upsert, upsert_params = _revision_upsert(framework_id, period, claim_queue, after=done)
    ids = list(unit_ids or ())
    if not ids:
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(parts)} {upsert}", [*params, *upsert_params])
            claimed = cursor.fetchone()[0]
        return (bool(claimed) if claim_queue else False), None
    qn = connection.ops.quote_name
    table = qn(StoredResult._meta.db_table)
    flags = (f"f AS (UPDATE {table} SET {qn('stale')} = %s FROM r WHERE {table}.{qn('framework_id')} = %s "
             f"AND {table}.{qn('period')} = %s AND {table}.{qn('unit_id')} IN ({', '.join(['%s'] * len(ids))}) "
             f"RETURNING 1)")
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)}, r AS ({upsert}), {flags} "
                       f"SELECT r.claimed, (SELECT count(*) FROM f) FROM r",
                       [*params, *upsert_params, True, framework_id, period, *ids])
        claimed, flagged = cursor.fetchone()
    claimed = bool(claimed) if claim_queue else False
    return claimed, (flagged if flagged == len(ids) * len(BASES) else None)


# The statements of ``mark_stale`` are written as SQL: each deadline-day save runs them, and composing
# them with the ORM cost more than running them.

def _flag_stale(framework_id: int, period: str, unit_ids: Iterable[int] | None) -> int:
    """Flag the stored results of these units (all when None); the number of rows flagged."""
    qn = connection.ops.quote_name
    sql = (f"UPDATE {qn(StoredResult._meta.db_table)} SET {qn('stale')} = %s "
           f"WHERE {qn('framework_id')} = %s AND {qn('period')} = %s")
    params: list = [True, framework_id, period]
    if unit_ids is not None:
        ids = sorted(set(unit_ids))
        if not ids:
            return 0
        sql += f" AND {qn('unit_id')} IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _any_stale(framework_id: int, period: str) -> bool:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {qn(StoredResult._meta.db_table)} WHERE {qn('framework_id')} = %s "
                       f"AND {qn('period')} = %s AND {qn('stale')} = %s LIMIT 1", [framework_id, period, True])
        return cursor.fetchone() is not None


def _enqueue_with_commit(framework_id: int, period: str) -> None:
    """Queue the recompute so that it exists if and only if the claim does.

    A queue in the database (production's worker) gets the task's row in this very transaction: a
    web process killed after the commit, or a failed enqueue, can no longer leave a claim with no
    task behind it. Run in the request (the embedded default), the task must see the committed
    figures, so it runs after the commit.
    """
    from django.tasks.backends.immediate import ImmediateBackend

    from .tasks import recompute_results

    if isinstance(recompute_results.get_backend(), ImmediateBackend):
        transaction.on_commit(lambda: _enqueue(framework_id, period))
    else:
        _enqueue(framework_id, period)


def _claim_queue(framework_id: int, period: str) -> bool:
    """True when no recompute task of (framework, period) is waiting, and mark one as waiting.

    On deadline day a hundred saves a second each used to queue a task, and the worker evaluated
    the same units again and again; one waiting task recomputes whatever is stale when it starts.
    The revision row is already locked by this transaction (``bump_revision``), so two writers
    cannot both claim it; the task clears the mark before it reads what is stale.
    """
    now = timezone.now()
    return bool(Revision.objects.filter(framework_id=framework_id, period=period).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUE_STALE_AFTER)).update(queued_at=now))


def release_queue(framework_id: int, period: str) -> None:
    """No recompute task of (framework, period) waits any more — it began (a later write queues a new
    one: its units may be read too late), or a write gave its claim back — so the next write queues."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(Revision._meta.db_table)} SET {qn('queued_at')} = NULL "
                       f"WHERE {qn('framework_id')} = %s AND {qn('period')} = %s AND {qn('queued_at')} IS NOT NULL",
                       [framework_id, period])


def _compares_units(framework_id: int, framework: Framework | None = None) -> bool:
    """True for frameworks whose points depend on other units (a group average): all go stale together."""
    if framework is None or framework.pk != framework_id:
        framework = Framework.objects.filter(pk=framework_id).first()
    return bool(framework is not None and getattr(framework.spec(), "compares_units", False))


def _enqueue(framework_id: int, period: str) -> None:
    """Queue the recompute; in a worker's queue, ``RESULTS_RECOMPUTE_DELAY`` seconds from now.

    One task waits per framework × period (``_claim_queue``) and recomputes whatever is stale when it
    begins: begun a moment later, one run stores the units of every save made meanwhile instead of
    one run per save (on deadline day, 100+10 on PostgreSQL: the worker's CPU −80%, docs/operations.md).
    """
    from django.conf import settings

    from .tasks import recompute_results

    task = recompute_results
    delay = getattr(settings, "RESULTS_RECOMPUTE_DELAY", 0)
    if delay and getattr(task.get_backend(), "supports_defer", False):
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(framework_id, period)


def bump_counter(name: str) -> None:
    """Add one to a named counter (``units``), creating it the first time."""
    from .models import Counter

    if Counter.objects.filter(name=name).update(number=F("number") + 1):
        return
    try:
        with transaction.atomic():
            Counter.objects.create(name=name, number=1)
    except IntegrityError:
        Counter.objects.filter(name=name).update(number=F("number") + 1)


def counter(name: str) -> int:
    from .models import Counter

    return Counter.objects.filter(name=name).values_list("number", flat=True).first() or 0


def revision_states(framework: Framework, periods: Sequence[str]) -> dict[str, tuple[int, bool]]:
    """period → (revision number, whether a recompute task is queued and not yet begun — claimed less
    than ``QUEUE_STALE_AFTER`` ago), in one query."""
    before = timezone.now() - QUEUE_STALE_AFTER
    found = {period: (number, queued_at is not None and queued_at >= before) for period, number, queued_at in
             Revision.objects.filter(framework=framework, period__in=list(periods))
             .values_list("period", "number", "queued_at")}
    return {p: found.get(p, (0, False)) for p in periods}


def checksum(framework: Framework, info: UnitInfo | None = None) -> str:
    """The framework document a stored result was computed from (the unit is compared as such)."""
    return framework.checksum


def recompute(framework: Framework, period: str, infos: Sequence[UnitInfo]) -> dict[str, dict[str, tuple[UnitResult, str]]]:
    """Evaluate ``infos`` on both bases, store the results, and return them.

    Holds the revision row while reading the figures, so a writer that commits
    meanwhile bumps the revision after this and its change is never lost.
    Returns basis → unit code → (result, report status keeping it out).
    """
    out: dict[str, dict[str, tuple[UnitResult, str]]] = {b: {} for b in BASES}
    if not infos:
        return out
    spec = framework.spec()
    infos = _with_group(framework, infos)
    ids = dict(Unit.objects.filter(code__in=[i.code for i in infos]).values_list("code", "pk"))
    with transaction.atomic():
        row = Revision.objects.select_for_update().filter(framework=framework, period=period).first()
        if row is None:  # never written through the write path (bulk loads): revision 0, as readers assume
            try:
                with transaction.atomic():
                    Revision.objects.create(framework=framework, period=period, number=0)
            except IntegrityError:
                pass
            row = Revision.objects.select_for_update().get(framework=framework, period=period)
        number = row.number
        if not getattr(spec, "compares_units", False):
            # Another process (a page, the worker) may have recomputed some of these while this one
            # waited for the revision row: take those as stored instead of evaluating them again.
            for code, per_basis in _fresh_elsewhere(framework, period, infos, ids).items():
                for basis, kept in per_basis.items():
                    out[basis][code] = kept
            infos = [i for i in infos if i.code not in out[BASIS_PROVISIONAL]]
            if not infos:
                return out
        evaluated = _evaluate(framework, period, infos, ids)
        objs = []
        digest = checksum(framework)
        for code, (result, _why) in evaluated[BASIS_PROVISIONAL].items():
            official, why = evaluated[BASIS_OFFICIAL][code]
            pickled = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            for basis, res, left in ((BASIS_PROVISIONAL, result, ""), (BASIS_OFFICIAL, official, why)):
                out[basis][code] = (res, left)
                objs.append(StoredResult(
                    framework=framework, period=period, basis=basis, unit_id=ids[code],
                    revision=number, stale=False, status=res.status, left_out=left, checksum=digest,
                    # the same result on both bases (its report approved or none asked): pickled once
                    payload=pickled if res is result else pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL),
                ))
        StoredResult.objects.bulk_create(
            objs, batch_size=500, update_conflicts=True,
            unique_fields=["framework", "period", "basis", "unit"],
            update_fields=["revision", "stale", "status", "left_out", "checksum", "payload", "computed_at"],
        )
    return out


def evaluate_only(framework: Framework, period: str,
                  infos: Sequence[UnitInfo]) -> dict[str, dict[str, tuple[UnitResult, str]]]:
    """What ``recompute`` would store for ``infos``, evaluated from the figures as they are now and
    stored nowhere: for a page that meets results a write flagged stale while their recompute task
    is queued (the task stores them; the page must not show the old ones meanwhile). On deadline day
    every dashboard view met such units, and storing them too doubled the worker's work and held the
    revision row every save waits for. No revision lock: a write committed after this read flags
    its units again, and the next page reads them again."""
    if not infos:
        return {b: {} for b in BASES}
    infos = _with_group(framework, infos)
    ids = dict(Unit.objects.filter(code__in=[i.code for i in infos]).values_list("code", "pk"))
    return _evaluate(framework, period, infos, ids)


def _with_group(framework: Framework, infos: Sequence[UnitInfo]) -> list[UnitInfo]:
    """``infos``, and for points relative to a group average (NĐ 307) every unit in scope: one unit's
    figure moves everyone's score, so the whole province is evaluated together."""
    if not getattr(framework.spec(), "compares_units", False):
        return list(infos)
    from chiso.assessments.evaluation import units_in_scope

    wanted = {i.code for i in infos}
    return [*infos, *(i for i in units_in_scope(framework) if i.code not in wanted)]


def _evaluate(framework: Framework, period: str, infos: Sequence[UnitInfo],
              ids: dict[str, int]) -> dict[str, dict[str, tuple[UnitResult, str]]]:
    """Both bases of ``infos`` (those with a unit row) from the stored figures: basis → code →
    (result, report status keeping it out of the official basis)."""
    spec = framework.spec()
    infos = [i for i in infos if i.code in ids]
    by_id = {ids[i.code]: i.code for i in infos}
    everything, _ = load_inputs(framework, [period], by_id, BASIS_PROVISIONAL)
    provisional = evaluate(spec, infos, everything.get(period, {}), period).results
    # The official basis differs only for units whose report is not approved: one read of the figures.
    statuses = report_statuses(framework.pk, [period], by_id)
    left_here = {code: why for uid, code in by_id.items() if (why := left_out(statuses, uid, period, BASIS_OFFICIAL))}
    if getattr(spec, "compares_units", False):
        official_values = {c: v for c, v in everything.get(period, {}).items() if c not in left_here}
        official_out = {r.unit.code: r for r in evaluate(spec, infos, official_values, period).results}
    else:
        kept_out = [i for i in infos if i.code in left_here]
        official_out = {r.unit.code: r for r in evaluate(spec, kept_out, {}, period).results}
    out: dict[str, dict[str, tuple[UnitResult, str]]] = {b: {} for b in BASES}
    for result in provisional:
        code = result.unit.code
        out[BASIS_PROVISIONAL][code] = (result, "")
        out[BASIS_OFFICIAL][code] = (official_out.get(code, result), left_here.get(code, ""))
    return out


def _fresh_elsewhere(framework: Framework, period: str, infos: Sequence[UnitInfo],
                     ids: dict[str, int]) -> dict[str, dict[str, tuple[UnitResult, str]]]:
    """Units whose stored results are fresh on every basis (not stale, same framework document,
    same unit): read under the revision row, so no write can have made them stale unseen."""
    wanted = {ids[i.code]: i for i in infos if i.code in ids}
    found: dict[str, dict[str, tuple[UnitResult, str]]] = {}
    rows = StoredResult.objects.filter(
        framework=framework, period=period, unit_id__in=list(wanted), stale=False, checksum=framework.checksum,
    ).values_list("unit_id", "basis", "left_out", "payload")
    for unit_id, basis, why, payload in rows:
        result = pickle.loads(payload)
        if result.unit == wanted[unit_id]:
            found.setdefault(wanted[unit_id].code, {})[basis] = (result, why)
    return {code: per_basis for code, per_basis in found.items() if len(per_basis) == len(BASES)}


def refresh(framework: Framework, period: str) -> int:
    """Recompute the stale results of (framework, period); returns how many units it evaluated."""
    from chiso.units.models import unit_infos

    stale_ids = set(StoredResult.objects.filter(framework=framework, period=period, stale=True)
                    .values_list("unit_id", flat=True))
    if not stale_ids:
        return 0
    infos = unit_infos(Unit.objects.filter(pk__in=stale_ids))
    recompute(framework, period, infos)
    return len(infos)


def load_stored(framework: Framework, period: str, basis: str, since: int | None) -> list[tuple[str, bool, str, str, bytes]]:
    """Stored rows of (framework, period, basis): all, or only those changed after revision ``since``.

    Returns (unit code, stale, checksum, left out, payload) tuples.
    """
    rows = StoredResult.objects.filter(framework=framework, period=period, basis=basis)
    if since is not None:
        rows = rows.filter(Q(revision__gt=since) | Q(stale=True))
    return [(code, stale, digest, why, bytes(payload)) for code, stale, digest, why, payload in
            rows.values_list("unit__code", "stale", "checksum", "left_out", "payload")]
