"""Import a checked export into the database: one transaction, bulk paths only.

PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT … ON CONFLICT
DO UPDATE … WHERE changed``. SQLite: ``executemany`` of the same upsert
inside the one transaction. Either way a record is matched by its id in the
source system, so importing the same export twice changes nothing and a
corrected export updates only what changed. Deleting is never implicit: only
``delete_missing`` (a unit and/or period named by the caller) removes records
that the new export no longer contains.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from chiso.engine.periods import Period, parse_period
from chiso.units.models import Unit

from .models import DEFAULT_SYSTEM, DocumentRecord, DossierRecord, IngestBatch
from .reader import OUTPUT_FIELDS, Prepared, Progress, prepare_export

CHUNK = 20_000
MODELS = {"dossiers": DossierRecord, "documents": DocumentRecord}
ID_COLUMNS = {"dossiers": "dossier_id", "documents": "document_id"}
DATE_COLUMNS = {"dossiers": "received_at", "documents": "date"}
NULLABLE = {"due_at", "resolved_at", "e_result", "digitized", "electronic", "signed", "secret",
            "paid_online", "published_on_time", "satisfaction", "reused_digitised", "office_level"}


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


def _columns(kind: str) -> list[str]:
    return list(OUTPUT_FIELDS[kind])


def _rows(path: Path, progress: Callable[[int], None] | None):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        while True:
            chunk = list(itertools.islice(reader, CHUNK))
            if not chunk:
                return
            yield chunk
            if progress:
                progress(len(chunk))


def _table_is_empty(table: str) -> bool:
    with connection.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {table} LIMIT 1")
        return cur.fetchone() is None


def _write_sqlite(prepared: Prepared, batch_id: int, progress) -> tuple[int, int]:
    """Upsert every row; returns (created, changed).

    Into an empty table (a first load) the indexes are dropped and rebuilt after
    the insert, inside the same transaction: building an index once from sorted
    data is several times faster than growing it row by row.
    """
    kind = prepared.kind
    table = MODELS[kind]._meta.db_table
    cols = _columns(kind)
    key = ID_COLUMNS[kind]
    values = ", ".join("NULLIF(?, '')" if c in NULLABLE else "?" for c in cols)
    data_cols = [c for c in cols if c not in ("system", key)]
    sets = ", ".join(f"{c} = excluded.{c}" for c in [*data_cols, "batch_id"])
    changed = " OR ".join(f"{c} IS NOT excluded.{c}" for c in data_cols)
    insert = f"INSERT INTO {table} ({', '.join(cols)}, batch_id) VALUES ({values}, {int(batch_id)})"
    upsert = f"{insert} ON CONFLICT (system, {key}) DO UPDATE SET {sets} WHERE {changed}"
    connection.ensure_connection()
    raw = connection.connection
    cur = raw.cursor()
    first_load = _table_is_empty(table)
    indexes = []
    if first_load:
        indexes = cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                              "AND sql IS NOT NULL", [table]).fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    before_count = 0 if first_load else cur.execute(
        f"SELECT count(*) FROM {table} WHERE system = ?", [prepared.system]).fetchone()[0]
    before_changes = raw.total_changes
    for chunk in _rows(prepared.out_path, progress):
        cur.executemany(insert if first_load else upsert, chunk)
    changes = raw.total_changes - before_changes
    for _name, sql in indexes:
        cur.execute(sql)
    after_count = cur.execute(f"SELECT count(*) FROM {table} WHERE system = ?",
                              [prepared.system]).fetchone()[0]
    cur.close()
    return after_count - before_count, changes


def _write_postgres(prepared: Prepared, batch_id: int, progress) -> tuple[int, int]:
    """COPY into a temporary table, then one upsert; returns (created, changed).

    Into an empty table (a first load) a plain INSERT … SELECT replaces the upsert.
    """
    kind = prepared.kind
    table = MODELS[kind]._meta.db_table
    cols = _columns(kind)
    key = ID_COLUMNS[kind]
    data_cols = [c for c in cols if c not in ("system", key)]
    col_types = {f.column: f.db_type(connection) for f in MODELS[kind]._meta.concrete_fields}
    connection.ensure_connection()
    raw = connection.connection
    first_load = _table_is_empty(table)
    with raw.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS _ingest_tmp; CREATE TEMP TABLE _ingest_tmp "
                    f"({', '.join(f'{c} {col_types[c]}' for c in cols)}) ON COMMIT DROP")
        with cur.copy(f"COPY _ingest_tmp ({', '.join(cols)}) FROM STDIN (FORMAT csv)") as copy:
            with open(prepared.out_path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    copy.write(block)
        if first_load:
            cur.execute(f"INSERT INTO {table} ({', '.join(cols)}, batch_id) "
                        f"SELECT {', '.join(cols)}, {int(batch_id)} FROM _ingest_tmp")
            if progress:
                progress(prepared.rows)
            return prepared.rows, prepared.rows
        if progress:
            progress(prepared.rows // 2)
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*data_cols, "batch_id"])
        old = ", ".join(f"t.{c}" for c in data_cols)
        new = ", ".join(f"EXCLUDED.{c}" for c in data_cols)
        cur.execute(
            f"WITH up AS (INSERT INTO {table} AS t ({', '.join(cols)}, batch_id) "
            f"SELECT {', '.join(cols)}, {int(batch_id)} FROM _ingest_tmp "
            f"ON CONFLICT (system, {key}) DO UPDATE SET {sets} WHERE ({old}) IS DISTINCT FROM ({new}) "
            f"RETURNING (xmax = 0) AS inserted) "
            f"SELECT count(*) FILTER (WHERE inserted), count(*) FROM up"
        )
        created, changed = cur.fetchone()
        if progress:
            progress(prepared.rows - prepared.rows // 2)
    return int(created), int(changed)


def _delete_missing(prepared: Prepared, scope: DeleteScope) -> int:
    """Delete records of the same system, within ``scope``, that the export does not contain."""
    kind = prepared.kind
    model = MODELS[kind]
    key = ID_COLUMNS[kind]
    table = model._meta.db_table
    connection.ensure_connection()
    raw = connection.connection
    where = ["t.system = %s"]
    params: list = [prepared.system]
    if scope.unit is not None:
        where.append("t.unit_id = %s")
        params.append(scope.unit.pk)
    if scope.period is not None:
        start, end = local_bounds(scope.period)
        where.append(f"t.{DATE_COLUMNS[kind]} >= %s AND t.{DATE_COLUMNS[kind]} < %s")
        params += [start, end]
    ids = (row[1] for chunk in _rows(prepared.out_path, None) for row in chunk)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP TABLE IF EXISTS _ingest_ids; "
                        "CREATE TEMP TABLE _ingest_ids (id varchar(128) PRIMARY KEY) ON COMMIT DROP")
            with raw.cursor() as pcur, pcur.copy("COPY _ingest_ids (id) FROM STDIN") as copy:
                for ident in ids:
                    copy.write_row((ident,))
        else:
            cur.execute("DROP TABLE IF EXISTS temp._ingest_ids")
            cur.execute("CREATE TEMP TABLE _ingest_ids (id varchar(128) PRIMARY KEY)")
            raw.cursor().executemany("INSERT INTO temp._ingest_ids (id) VALUES (?)", ((i,) for i in ids))
        cur.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT t.id FROM {table} t WHERE {' AND '.join(where)} "
            f"AND NOT EXISTS (SELECT 1 FROM _ingest_ids i WHERE i.id = t.{key}))",
            params,
        )
        deleted = cur.rowcount
        if connection.vendor != "postgresql":
            cur.execute("DROP TABLE temp._ingest_ids")
    return deleted


def write_prepared(prepared: Prepared, batch: IngestBatch, delete_scope: DeleteScope | None = None,
                   progress: Callable[[int], None] | None = None) -> IngestBatch:
    """Write a checked export in the caller's transaction and fill in the batch's counts."""
    writer = _write_postgres if connection.vendor == "postgresql" else _write_sqlite
    created, changed = writer(prepared, batch.pk, progress)
    batch.rows = prepared.rows
    batch.created = created
    batch.updated = changed - created
    batch.unchanged = prepared.rows - changed
    batch.deleted = _delete_missing(prepared, delete_scope) if delete_scope else 0
    return batch


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
) -> IngestBatch:
    """Check then import one export, all or nothing; returns the batch with its counts.

    Raises ``chiso.tabular.ImportError_`` listing every problem when the file is
    refused; then no record has changed. With ``dry_run`` the file is checked and
    the counts are worked out inside a transaction that is rolled back.
    When ``batch`` is given (web uploads) it is updated in place; otherwise a
    batch row is created inside the import transaction.
    """
    path = Path(path)
    file_name = file_name or path.name
    report = progress or (lambda phase, fraction: None)
    prepared = prepare_export(path, kind, system, file_name, progress=report)
    try:
        report("Đang ghi vào cơ sở dữ liệu", 0.4)

        class _Rollback(Exception):
            pass

        result: IngestBatch | None = None
        try:
            with transaction.atomic():
                if batch is None:
                    target = IngestBatch(kind=kind, system=system, file_name=file_name, user=user,
                                         stored_path=str(path), status="running",
                                         started_at=timezone.now())
                else:
                    target = batch
                target.checksum = prepared.checksum
                target.options = {**(target.options or {}), "dry_run": dry_run,
                                  "delete_missing": delete_scope.describe() if delete_scope else None}
                target.save()
                write_prepared(prepared, target, delete_scope, row_progress)
                target.status = "done"
                target.phase = "Hoàn tất"
                target.progress = 100
                target.errors = []
                target.error_count = 0
                target.finished_at = timezone.now()
                target.save()
                result = target
                if dry_run:
                    raise _Rollback
        except _Rollback:
            if batch is not None:
                batch.refresh_from_db()
        assert result is not None
        report("Hoàn tất", 1.0)
        return result
    finally:
        prepared.cleanup()


def parse_delete_scope(period: str | None, unit_code: str | None) -> DeleteScope:
    """A delete scope from command-line text; a missing unit is a Vietnamese error."""
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise ValueError(f'Không có đơn vị mã "{unit_code}"')
    return DeleteScope(parse_period(period) if period else None, unit)
