"""Import a checked export into the records dataset: one transaction, copy on write.

The checked rows (``reader.py``, a Parquet file) are compared in DuckDB with the
current records of the same source system (``dataset.current_files``), matched
by their id in that system: a record that is new or differs is written with
this batch's id; an identical one keeps the batch that last changed it, so
importing the same export twice changes nothing and a corrected export
replaces only what it corrects (the latest batch wins per system + id).
Deleting is never implicit: only ``delete_missing`` (a unit and/or period named
by the caller) removes records that the new export no longer contains.

Only the partitions (source, system, year, month) that change are rewritten,
into ``dataset.staging_dir(batch)``; in the same database transaction the batch
row, the ``DatasetPart`` rows naming it, and the system's monthly summary
(``DossierMonth`` / ``DocumentMonth``, by ``dataset.MONTHLY_SQL``) are written.
The staged files are moved into place only after that transaction commits, so
a refused file, a dry run, an error or a killed process leave the dataset as it
was (``dataset.repair`` removes what a killed process left). Imports take one
lock (PostgreSQL advisory lock; SQLite's IMMEDIATE transaction), so two never
compare against the same state.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from chiso.engine.periods import Period, parse_period
from chiso.units.models import Unit

from . import dataset
from .dataset import DATA_COLUMNS, ID_COLUMN, MONTH_COLUMN, SCHEMA, Part
from .models import DEFAULT_SYSTEM, DatasetPart, DocumentMonth, DossierMonth, IngestBatch
from .reader import (
    DUCKDB_MEMORY,
    Prepared,
    Progress,
    _utc_offset_seconds,
    file_checksum,
    prepare_export,
)

# How DuckDB writes the dataset's files: plain Parquet (V1 pages) that Spark, Polars and Trino
# read, zstd at level 1 (measured 02/12/2026 on a million dossiers: 0,08 s less CPU than the
# default level 3 for 18,7 MB instead of 15,8 MB).
PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1"
SUMMARY_MODELS = {"dossiers": DossierMonth, "documents": DocumentMonth}
# A phase boundary a crash test can stop at (``CHISO_INGEST_PAUSE=<phase>`` waits there; tests only).
PHASES = ("staged", "summary", "committed", "published")


@dataclass
class DeleteScope:
    """Which records a new export replaces entirely: those of a period and/or a unit."""

    period: Period | None = None
    unit: Unit | None = None

    def describe(self) -> dict:
        return {"period": self.period.code if self.period else None,
                "unit": self.unit.code if self.unit else None}


def local_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as instants: [first local midnight, the midnight after its last day)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def month_keys(period: Period) -> tuple[str, str]:
    """First and last local month of a period, "YYYY-MM" (periods are whole months)."""
    return f"{period.start.year}-{period.start.month:02d}", f"{period.end.year}-{period.end.month:02d}"


def duckdb_connection(workdir: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with Chỉ Số's memory limit, spilling into ``workdir``."""
    con = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "preserve_insertion_order": False,
                                 "temp_directory": os.path.join(workdir, "spill")})
    con.execute("SET enable_progress_bar = false")
    return con


def _pause(phase: str) -> None:
    """Crash tests stop a real import at a phase boundary (env ``CHISO_INGEST_PAUSE``)."""
    wanted = os.environ.get("CHISO_INGEST_PAUSE")
    if wanted == phase and settings.TESTING:
        marker = Path(os.environ["CHISO_INGEST_PAUSE_FILE"])
        marker.write_text(phase)
        import time as _time

        while True:  # the test kills this process with SIGKILL
            _time.sleep(0.05)


def take_lock() -> None:
    """Serialise imports (and ``repair``): call inside the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [dataset.LOCK_KEY])
    # SQLite: Chỉ Số opens every transaction IMMEDIATE, which already holds the one write lock;
    # ``_locked`` adds the dataset's file lock around it, which ``chiso backup`` takes too.


def _locked():
    """The file lock on SQLite (taken before the transaction), nothing on PostgreSQL."""
    from contextlib import nullcontext

    return nullcontext() if connection.vendor == "postgresql" else dataset.file_lock()


def _changed_sql(kind: str) -> str:
    return " OR ".join(f"n.{c} IS DISTINCT FROM c.{c}" for c in DATA_COLUMNS[kind] if c in _new_columns(kind))


def _new_columns(kind: str) -> list[str]:
    return [n for n, _ in SCHEMA[kind] if n != "batch"]


def _scope_sql(kind: str, scope: DeleteScope) -> str:
    where = []
    if scope.unit is not None:
        where.append(f"c.unit_id = {int(scope.unit.pk)}")
    if scope.period is not None:
        first, last = month_keys(scope.period)
        where.append(f"c.{MONTH_COLUMN[kind]} BETWEEN '{first}' AND '{last}'")
    return " AND ".join(where) or "TRUE"


def _write_summary(con, kind: str, system: str, files: list[Path]) -> int:
    """Recount the system's monthly summary from its current files; replace its rows."""
    con.execute(f"CREATE OR REPLACE VIEW {kind} AS {dataset.relation_sql(kind, files)}")
    rows = con.execute(dataset.MONTHLY_SQL[kind]).fetchall()
    names = [d[0] for d in con.description]
    system_at, month_at = names.index("system"), names.index("month")
    model = SUMMARY_MODELS[kind]
    model.objects.filter(system=system).delete()
    # Plain executemany: a few thousand rows of counts need no model instances.
    fields = ["system", *(n for n in names if n != "system")]
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {model._meta.db_table} ({', '.join(fields)}) VALUES ({placeholders})",
            [(system, *(v if i == month_at else int(v) for i, v in enumerate(row) if i != system_at))
             for row in rows])
    return len(rows)


def _months(con, prepared: Prepared) -> list[tuple[int, int]] | None:
    """The local months (partitions) the checked rows fall in; None when the zone's offset is
    not fixed (then a partition is not one range of instants: the partitioned COPY writes)."""
    if _utc_offset_seconds() is None:
        return None
    if prepared.months is not None:
        return sorted(prepared.months)
    month_col = MONTH_COLUMN[prepared.kind]
    return sorted((int(m[:4]), int(m[5:7])) for (m,) in con.execute(
        f"SELECT DISTINCT {month_col} FROM new WHERE {month_col} IS NOT NULL").fetchall())


def _write_partitions(con, kind: str, stage: Path, bid: int, months: list[tuple[int, int]]) -> None:
    """A system's first import: each partition written by its own COPY, on as many threads as
    DuckDB has.

    DuckDB's ``PARTITION_BY`` writer costs about twice the CPU of writing the same rows
    partition by partition (measured 02/12/2026: 2,1–2,5 s of CPU against 1,1–1,35 s for a
    million dossiers); a partition is one range of instants (the local month, a fixed UTC
    offset), which the scan of the checked rows filters on before any other expression.
    """
    from concurrent.futures import ThreadPoolExecutor

    offset = _utc_offset_seconds()
    dated = {"dossiers": "received_at", "documents": "date"}[kind]
    month_col = MONTH_COLUMN[kind]

    def bound(year: int, month: int) -> str:  # the local month's first instant, in UTC
        return f"TIMESTAMP '{(datetime(year, month, 1) - timedelta(seconds=offset)).isoformat(sep=' ')}'"

    def write(cur, year: int, month: int) -> None:
        target = stage / f"year={year:04d}" / f"month={month:02d}"
        target.mkdir(parents=True, exist_ok=True)
        after = (year + 1, 1) if month == 12 else (year, month + 1)
        # The partition's month is one text for all its rows: written as a constant, not
        # computed per row.
        order = ", ".join(f"'{year:04d}-{month:02d}' AS {n}" if n == month_col else n
                          for n, _ in SCHEMA[kind] if n != "batch")
        cur.execute(
            f"COPY (SELECT {order}, {bid} AS batch FROM new WHERE {dated} >= {bound(year, month)} "
            f"AND {dated} < {bound(*after)}) TO "
            f"'{str(target / f'{dataset.file_prefix(bid)}0.parquet').replace(chr(39), chr(39) * 2)}' "
            f"({PARQUET_OPTIONS})")

    threads = max(1, min(len(months), int(con.execute("SELECT current_setting('threads')").fetchone()[0])))
    if threads == 1:
        for year, month in months:
            write(con, year, month)
        return

    def work(share: list[tuple[int, int]]) -> None:
        cur = con.cursor()
        try:
            for year, month in share:
                write(cur, year, month)
        finally:
            cur.close()

    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(work, months[i::threads]) for i in range(threads)]:
            done.result()


def write_prepared(prepared: Prepared, batch: IngestBatch, delete_scope: DeleteScope | None = None,
                   progress: Callable[[int], None] | None = None) -> list:
    """Compare, stage and summarise in the caller's transaction; fill in the batch's counts.

    Returns the callbacks to run once the transaction has committed (empty when nothing
    changed). The caller must call ``dataset.discard(batch.pk)`` if it does not commit.
    """
    kind, system, bid = prepared.kind, prepared.system, int(batch.pk)
    key = ID_COLUMN[kind]
    month_col = MONTH_COLUMN[kind]
    dataset.discard(bid)  # an id reused after a rolled-back import must start clean
    parts = dataset.current_parts(kind, system)
    files = dataset.current_files(kind, system, parts)
    cols = _new_columns(kind)
    con = prepared.con  # the reader's connection: its table ``checked`` holds the rows
    try:
        con.execute("CREATE OR REPLACE VIEW new AS SELECT * FROM checked")
        con.execute(f"CREATE OR REPLACE VIEW cur AS {dataset.relation_sql(kind, files)}")
        if files:
            # New or changed records (with where the old version lives), and what the scope deletes.
            con.execute(
                f"CREATE TABLE touched AS SELECT n.{key} AS id, c.{key} IS NULL AS is_new, "
                f"c.year AS old_year, c.month AS old_month FROM new n LEFT JOIN cur c ON n.{key} = c.{key} "
                f"WHERE c.{key} IS NULL OR {_changed_sql(kind)}")
            if delete_scope is not None:
                con.execute(
                    f"CREATE TABLE gone AS SELECT c.{key} AS id, c.year, c.month FROM cur c "
                    f"WHERE {_scope_sql(kind, delete_scope)} "
                    f"AND NOT EXISTS (SELECT 1 FROM new n WHERE n.{key} = c.{key})")
            else:
                con.execute("CREATE TABLE gone AS SELECT CAST(NULL AS VARCHAR) AS id, "
                            "CAST(NULL AS BIGINT) AS year, CAST(NULL AS BIGINT) AS month WHERE FALSE")
            created, changed, deleted = con.execute(
                "SELECT (SELECT count(*) FILTER (is_new) FROM touched), (SELECT count(*) FROM touched), "
                "(SELECT count(*) FROM gone)").fetchone()
        else:
            created = changed = prepared.rows
            deleted = 0
        batch.rows = prepared.rows
        batch.created = int(created)
        batch.updated = int(changed) - int(created)
        batch.unchanged = prepared.rows - int(changed)
        batch.deleted = int(deleted)
        if progress:
            progress(prepared.rows // 2)
        if not changed and not deleted:
            if progress:
                progress(prepared.rows - prepared.rows // 2)
            return []
        # The partitions to rewrite: where new versions go, where old versions and deleted records were.
        new_part = (f"CAST(substr({month_col}, 1, 4) AS BIGINT) AS year, "
                    f"CAST(substr({month_col}, 6, 2) AS BIGINT) AS month")
        if files:
            con.execute(
                f"CREATE TABLE affected AS SELECT DISTINCT year, month FROM ("
                f"SELECT {new_part} FROM new WHERE {key} IN (SELECT id FROM touched) "
                f"UNION ALL SELECT old_year, old_month FROM touched WHERE NOT is_new "
                f"UNION ALL SELECT year, month FROM gone)")
            merged = (
                f"SELECT {', '.join(cols)}, batch, year, month FROM cur "
                f"WHERE EXISTS (SELECT 1 FROM affected a WHERE a.year = cur.year AND a.month = cur.month) "
                f"AND {key} NOT IN (SELECT id FROM touched) AND {key} NOT IN (SELECT id FROM gone) "
                f"UNION ALL SELECT {', '.join(cols)}, {bid} AS batch, {new_part} FROM new "
                f"WHERE {key} IN (SELECT id FROM touched)")
        else:
            # The system's first import: the partitions it affects are those it writes (no extra scan).
            merged = f"SELECT {', '.join(cols)}, {bid} AS batch, {new_part} FROM new"
        stage = dataset.staging_dir(bid) / kind / f"system={system}"
        stage.mkdir(parents=True, exist_ok=True)
        order = ", ".join(n for n, _ in SCHEMA[kind])
        months = None if files else _months(con, prepared)
        if months is not None:
            _write_partitions(con, kind, stage, bid, months)
        else:
            con.execute(
                f"COPY (SELECT {order}, CAST(year AS VARCHAR) AS year, lpad(CAST(month AS VARCHAR), 2, '0') AS month "
                f"FROM ({merged})) TO '{stage}' ({PARQUET_OPTIONS}, PARTITION_BY (year, month), "
                f"FILENAME_PATTERN 'part-{bid}-{{i}}', OVERWRITE_OR_IGNORE true)")
        if progress:
            progress(prepared.rows - prepared.rows // 2)
        _pause("staged")
        # Which partitions now hold what.
        staged = sorted(stage.rglob("*.parquet"))
        counts = dict(((int(y), int(m)), int(n)) for y, m, n in con.execute(
            f"SELECT year, month, count(*) FROM read_parquet({dataset.sql_list(staged)}, hive_partitioning = true, "
            f"hive_types = {{'year': BIGINT, 'month': BIGINT}}) GROUP BY ALL").fetchall()) if staged else {}
        if months is not None and sum(counts.values()) != prepared.rows:
            raise RuntimeError(f"{sum(counts.values())} records written of {prepared.rows}: a partition's range "
                               "missed some (the writer and the months disagree)")
        affected = sorted(counts) if not files else \
            [(int(y), int(m)) for y, m in con.execute("SELECT year, month FROM affected").fetchall()]
        new_parts = [Part(kind, system, y, m, bid) for (y, m) in sorted(counts)]
        emptied = [(kind, system, y, m) for (y, m) in affected if (y, m) not in counts]
        DatasetPart.objects.filter(kind=kind, system=system).filter(
            _month_q(affected)).delete()
        DatasetPart.objects.bulk_create([DatasetPart(kind=kind, system=system, year=y, month=m, batch_id=bid,
                                                     rows=counts[(y, m)]) for (y, m) in sorted(counts)])
        kept = [p for p in parts if (p.year, p.month) not in set(affected)]
        _write_summary(con, kind, system, dataset.current_files(kind, system, kept) + staged)
        _pause("summary")
    finally:
        for name in ("touched", "gone", "affected"):
            con.execute(f"DROP TABLE IF EXISTS {name}")

    def publish() -> None:
        _pause("committed")
        dataset.publish(bid, new_parts, emptied)
        _pause("published")

    return [publish]


def _month_q(pairs) -> Q:
    q = Q(pk__in=[])
    for y, m in pairs:
        q |= Q(year=y, month=m)
    return q


def unit_catalogue_fingerprint() -> str:
    """What the reader's unit look-up depends on: a file read again maps to the same ids
    only while this is unchanged."""
    digest = hashlib.sha256()
    for row in Unit.objects.order_by("pk").values_list("pk", "code", "name"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _unchanged_since(kind: str, system: str, checksum: str | None, fingerprint: str) -> IngestBatch | None:
    """The done batch of the same bytes after which no import changed this system's records
    (``checksum`` None: of any bytes — whether the file's checksum can matter at all)."""
    done = IngestBatch.objects.filter(kind=kind, system=system, status="done")
    last = (done.filter(Q(created__gt=0) | Q(updated__gt=0) | Q(deleted__gt=0))
            .order_by("-pk").values_list("pk", flat=True).first())
    same = done.filter(options__units=fingerprint, pk__gte=last or 0)
    return (same if checksum is None else same.filter(checksum=checksum)).order_by("-pk").first()


def _prepare_while_hashing(path: Path, kind: str, system: str, file_name: str, report: Progress) -> Prepared:
    """Read and check the file while its SHA-256 is computed beside it (hashlib lets go of the
    GIL): for a file that cannot be recognised as already imported, the checksum is only
    recorded, so nothing waits for it (about 0,08 s per 124 MB, overlapping the sniffing)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(file_checksum, path)
        prepared = prepare_export(path, kind, system, file_name, progress=report, checksum="pending")
        try:
            prepared.checksum = pending.result()
        except BaseException:
            prepared.cleanup()
            raise
    return prepared


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def ingest_file(
    path: Path | str,
    kind: str,
    *,
    system: str = DEFAULT_SYSTEM,
    user=None,
    dry_run: bool = False,
    delete_scope: DeleteScope | None = None,
    file_name: str | None = None,
    batch: IngestBatch | None = None,
    progress: Progress | None = None,
    row_progress: Callable[[int], None] | None = None,
    recognise_same_bytes: bool = True,
) -> IngestBatch:
    """Check then import one export, all or nothing; returns the batch with its counts.

    Raises ``chiso.tabular.ImportError_`` listing every problem when the file is
    refused; then no record has changed. With ``dry_run`` the file is checked and
    the counts are worked out inside a transaction that is rolled back.
    When ``batch`` is given (web uploads) it is updated in place; otherwise a
    batch row is created inside the import transaction.

    The same bytes imported again, into a system no import has changed since and
    with the same unit catalogue, are recognised by their SHA-256 and counted as
    unchanged without reading the file (the result is known: nothing changes);
    ``recognise_same_bytes=False`` reads and compares it all the same (benchmarks).
    """
    path = Path(path)
    file_name = file_name or path.name
    report = progress or (lambda phase, fraction: None)
    fingerprint = unit_catalogue_fingerprint()
    recognisable = (delete_scope is None and recognise_same_bytes
                    and _unchanged_since(kind, system, None, fingerprint) is not None)
    if recognisable:
        checksum = file_checksum(path)
        same = _unchanged_since(kind, system, checksum, fingerprint)
        if same is not None:
            return _record_unchanged(same, kind, system, user, path, file_name, checksum, fingerprint,
                                     dry_run, batch, report)
        prepared = prepare_export(path, kind, system, file_name, progress=report, checksum=checksum)
    else:
        prepared = _prepare_while_hashing(path, kind, system, file_name, report)
    try:
        report("Đang ghi dữ liệu", 0.4)
        return _commit(prepared, kind, system, user, path, file_name, fingerprint, dry_run, delete_scope,
                       batch, report, row_progress)
    finally:
        prepared.cleanup()


class _Rollback(Exception):
    pass


def _begin(kind, system, user, path, file_name, batch) -> IngestBatch:
    if batch is None:
        return IngestBatch(kind=kind, system=system, file_name=file_name, user=user, stored_path=str(path),
                           status="running", started_at=timezone.now())
    return batch


def _finish(target: IngestBatch) -> None:
    target.status = "done"
    target.phase = "Hoàn tất"
    target.progress = 100
    target.errors = []
    target.error_count = 0
    target.finished_at = timezone.now()
    target.save()


def _record_unchanged(same, kind, system, user, path, file_name, checksum, fingerprint, dry_run, batch,
                      report) -> IngestBatch:
    """A batch for bytes already imported: every record unchanged, nothing written."""
    result: IngestBatch | None = None
    try:
        with _locked(), transaction.atomic():
            take_lock()
            if _unchanged_since(kind, system, checksum, fingerprint) is None:
                raise _Rollback  # another import changed the system meanwhile: read the file after all
            target = _begin(kind, system, user, path, file_name, batch)
            target.checksum = checksum
            target.options = {**(target.options or {}), "dry_run": dry_run, "delete_missing": None,
                              "units": fingerprint, "same_as": same.pk}
            target.rows, target.created, target.updated, target.deleted = same.rows, 0, 0, 0
            target.unchanged = same.rows
            _finish(target)
            result = target
            if dry_run:
                raise _Rollback
    except _Rollback:
        if batch is not None:
            batch.refresh_from_db()
        if result is None:
            prepared = prepare_export(path, kind, system, file_name, progress=report, checksum=checksum)
            try:
                return _commit(prepared, kind, system, user, path, file_name, fingerprint, dry_run, None,
                               batch, report, None)
            finally:
                prepared.cleanup()
    report("Hoàn tất", 1.0)
    return result


def _commit(prepared, kind, system, user, path, file_name, fingerprint, dry_run, delete_scope, batch, report,
            row_progress) -> IngestBatch:
    result: IngestBatch | None = None
    batch_id: int | None = None
    try:
        with _locked(), transaction.atomic():
            take_lock()
            dataset.repair()
            target = _begin(kind, system, user, path, file_name, batch)
            target.checksum = prepared.checksum
            target.options = {**(target.options or {}), "dry_run": dry_run,
                              "delete_missing": delete_scope.describe() if delete_scope else None,
                              "units": fingerprint}
            target.save()
            batch_id = target.pk
            callbacks = write_prepared(prepared, target, delete_scope, row_progress)
            _finish(target)
            result = target
            if dry_run:
                raise _Rollback
            for callback in callbacks:
                transaction.on_commit(callback)
    except _Rollback:
        if batch is not None:
            batch.refresh_from_db()
    finally:
        if batch_id is not None and (result is None or dry_run):
            dataset.discard(batch_id)
    assert result is not None
    report("Hoàn tất", 1.0)
    return result


def parse_delete_scope(period: str | None, unit_code: str | None) -> DeleteScope:
    """A delete scope from command-line text; a missing unit is a Vietnamese error."""
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise ValueError(f'Không có đơn vị mã "{unit_code}"')
    return DeleteScope(parse_period(period) if period else None, unit)


def summary_differences(kind: str) -> list[dict]:
    """Where the stored monthly summary differs from a recount of the current files (should be none)."""
    model = SUMMARY_MODELS[kind]
    flows = dataset.FLOWS[kind]
    stored = {(r["system"], r["unit_id"], r["month"]): r
              for r in model.objects.values("system", "unit_id", "month", *flows)}
    files = dataset.current_files(kind)
    counted: dict[tuple, dict] = {}
    if files:
        with tempfile.TemporaryDirectory(prefix="chiso-check-") as workdir:
            con = duckdb_connection(workdir)
            try:
                con.execute(f"CREATE VIEW {kind} AS {dataset.relation_sql(kind, files)}")
                cur = con.execute(dataset.MONTHLY_SQL[kind])
                names = [d[0] for d in cur.description]
                for row in cur.fetchall():
                    r = dict(zip(names, row, strict=True))
                    counted[(r["system"], int(r["unit_id"]), r["month"])] = r
            finally:
                con.close()
    out = []
    for key in sorted(set(stored) | set(counted), key=str):
        a, b = stored.get(key), counted.get(key)
        # NULL: a flow added after this row was counted (``models._later_flow``) — not counted yet.
        differ = [f for f in flows if (a or {}).get(f, 0) is None
                  or int((a or {}).get(f) or 0) != int((b or {}).get(f) or 0)]
        if differ or (a is None) != (b is None):
            out.append({"source": kind, "system": key[0], "unit_id": key[1], "month": key[2],
                        "metrics": differ})
    return out


def recount_summary(kind: str, system: str) -> int:
    """Replace one system's stored monthly summary by a recount of its current files.

    The files are the records; the summary is derived from them (as every import of the
    system does). Used by ``check_dataset`` for a summary that differs — e.g. counted before a
    flow existed (NULL). The caller holds the import lock, in a transaction.
    """
    with tempfile.TemporaryDirectory(prefix="chiso-recount-") as workdir:
        con = duckdb_connection(workdir)
        try:
            return _write_summary(con, kind, system, dataset.current_files(kind, system))
        finally:
            con.close()


def check_dataset(dry_run: bool = False) -> dict:
    """Repair the dataset after a crash (``dataset.repair``) and check it against the database.

    Runs under the import lock. A stored summary that differs from a recount of the files
    (``summary_mismatches``) is recounted from them (``recounted``: source and system), unless
    ``dry_run`` or a committed partition's files are missing (then nothing is recounted: the
    files are not the whole truth). ``ok`` is False when files are missing, or a difference
    is left (dry run).
    """
    recounted: list[dict] = []
    with _locked(), transaction.atomic():
        take_lock()
        repaired = dataset.repair(dry_run=dry_run)
        mismatches = [d for kind in dataset.SOURCES for d in summary_differences(kind)]
        if mismatches and not dry_run and not repaired.missing:
            for kind, system in sorted({(d["source"], d["system"]) for d in mismatches}):
                recounted.append({"source": kind, "system": system, "rows": recount_summary(kind, system)})
    return {
        "ok": not repaired.missing and (not mismatches or bool(recounted)),
        "recounted": recounted,
        "published": repaired.published,
        "removed": repaired.removed,
        "missing": repaired.missing,
        "summary_mismatches": mismatches,
        "partitions": DatasetPart.objects.count(),
    }
