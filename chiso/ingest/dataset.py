"""The raw-records dataset: layout, column schema and the one metric SQL.

Dossier and document exports, once checked (``reader.py``), are not rows of the
web database: they are written once as Parquet, by DuckDB, under

    <MEDIA_ROOT>/datasets/<source>/system=<system>/year=<YYYY>/month=<MM>/part-<batch>-<n>.parquet

``source`` is ``dossiers`` or ``documents``; ``system`` the source system
(``main``, ``igate`` …); ``year``/``month`` the *local* (Asia/Ho_Chi_Minh)
month the record is dated in (a dossier's ``received_at``, a document's
``date``). This is the Hive layout, so DuckDB (``read_parquet(…,
hive_partitioning = true)``), Polars (``scan_parquet(…, hive_partitioning=True)``),
Spark (``spark.read.parquet(root)``) and Trino (a Hive table) read it as it is.

**One file set per partition is current.** An import rewrites the partitions it
changes (copy on write): a partition's current files are those of the batch
named in ``DatasetPart`` (one row per source, system, year, month, in the
relational database). New files are written first under
``<datasets>/.chiso-staging/<batch>/`` — outside the layout, so no reader sees them —
and renamed into place only after the batch's database transaction has
committed (``transaction.on_commit``); then the partition's older files are
deleted. A process killed at any point leaves either staged files of a batch
that never committed (deleted by ``repair``), or the files of a committed batch
not yet moved (moved by ``repair``), or older files not yet deleted (deleted
by ``repair``). ``repair`` runs before every import and in ``chiso
dataset_check``; Chỉ Số's own readers go by ``DatasetPart`` rows, never by what
a directory happens to hold.

**Columns** (``SCHEMA``; the partition columns ``system``, ``year``, ``month``
come from the path). Instants are UTC ``TIMESTAMP`` without zone (to the
second); the local months a metric needs (``received_month``,
``resolved_month``, ``date_month``, text ``YYYY-MM``) are computed once at
write time, so the metric SQL needs no time-zone function and runs the same on
every engine. ``batch`` is the import that last changed the record; booleans
and the satisfaction rating are NULL when unknown.

**The metric SQL** (``DOSSIER_MONTHLY_SQL``, ``DOCUMENT_MONTHLY_SQL``) turns the
dataset into the per-system, per-unit, per-month summary the metrics read
(``DossierMonth``, ``DocumentMonth``). It is plain SQL over a relation named
``dossiers`` / ``documents`` (the caller registers the Parquet files under that
name: a DuckDB view, a Spark temporary view), written to run unchanged on
DuckDB and Spark SQL: ``SUM(CASE WHEN … THEN 1 ELSE 0 END)`` rather than
``FILTER``, ``COALESCE``, ``FULL OUTER JOIN``, no date functions. Nothing in it
is DuckDB-only.

Why monthly flows are enough for any whole-month period: every dossier metric
is a count of dossiers received, or resolved, in the period — a *flow*, which
adds up over months — except the stock ``carried_over`` (and ``to_resolve`` /
``pending`` built from it). A resolved dossier is resolved no earlier than it
was received (the reader refuses the opposite), so the stock at a period's
start is exactly Σ over all earlier months of (received − ineligible −
resolved): the summary keeps every month since the first record, and the
opening stock of any month is that running sum (``metrics.py``).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

SOURCES: tuple[str, ...] = ("dossiers", "documents")
STAGING = ".chiso-staging"  # ".chiso-" folders are left out of backups (chiso/ops/backup.py)
LOCK_KEY = 0x43484953  # "CHIS": the PostgreSQL advisory lock every import takes
PARTITION_COLUMNS: tuple[str, ...] = ("system", "year", "month")

# Column → DuckDB/Parquet type, in file order. ``system``/``year``/``month`` are the path.
SCHEMA: dict[str, tuple[tuple[str, str], ...]] = {
    "dossiers": (
        ("dossier_id", "VARCHAR"),
        ("unit_id", "BIGINT"),          # chiso.units.Unit id (codes can be reused, ids cannot)
        ("procedure", "VARCHAR"),
        ("service_level", "VARCHAR"),   # full_online | partial_online | offline
        ("channel", "VARCHAR"),         # online | in_person | postal
        ("received_at", "TIMESTAMP"),   # UTC
        ("due_at", "TIMESTAMP"),        # UTC, NULL = no deadline
        ("resolved_at", "TIMESTAMP"),   # UTC, NULL unless resolved
        ("status", "VARCHAR"),          # received | resolved | rejected | withdrawn
        ("e_result", "BOOLEAN"),
        ("digitized", "BOOLEAN"),
        ("paid_online", "BOOLEAN"),
        ("published_on_time", "BOOLEAN"),
        ("satisfaction", "INTEGER"),    # 1–5, NULL = not rated
        ("reused_digitised", "BOOLEAN"),
        ("office_level", "VARCHAR"),    # province | district | commune | NULL
        ("received_month", "VARCHAR"),  # local YYYY-MM of received_at (= the partition)
        ("resolved_month", "VARCHAR"),  # local YYYY-MM of resolved_at
        ("batch", "BIGINT"),            # IngestBatch id that last changed the record
    ),
    "documents": (
        ("document_id", "VARCHAR"),
        ("unit_id", "BIGINT"),
        ("direction", "VARCHAR"),       # outgoing | incoming
        ("date", "TIMESTAMP"),          # UTC
        ("electronic", "BOOLEAN"),
        ("signed", "BOOLEAN"),
        ("secret", "BOOLEAN"),
        ("date_month", "VARCHAR"),      # local YYYY-MM of date (= the partition)
        ("batch", "BIGINT"),
    ),
}
ID_COLUMN: dict[str, str] = {"dossiers": "dossier_id", "documents": "document_id"}
# The column whose local month is the partition, per source.
MONTH_COLUMN: dict[str, str] = {"dossiers": "received_month", "documents": "date_month"}
# Columns compared to decide whether a re-imported record changed (all but the id and batch).
DATA_COLUMNS: dict[str, tuple[str, ...]] = {
    kind: tuple(name for name, _ in cols if name not in (ID_COLUMN[kind], "batch"))
    for kind, cols in SCHEMA.items()
}

# -- the metric SQL: dataset → per system, unit, month summary --------------------------------
OFFICE_LEVELS = ("province", "district", "commune")
# The export's ``service_level`` (required, so always known): mức độ 4 / 3 / 2 and below.
SERVICE_LEVELS = ("full_online", "partial_online", "offline")
INELIGIBLE_SQL = "status IN ('rejected', 'withdrawn')"
ELIGIBLE_SQL = "status NOT IN ('rejected', 'withdrawn')"
ONLINE_LEVEL_SQL = "service_level IN ('full_online', 'partial_online')"
SATISFIED_FROM = 4  # = formats.SATISFIED_FROM (kept literal here: the SQL is data for other engines)


def _count(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


# The condition a dossier meets to count in each flow (drill-down lists the same dossiers) …
# … counted in the month it was received (any status):
RECEIVED_CONDITIONS: dict[str, str] = {
    "received": "TRUE",
    "ineligible": INELIGIBLE_SQL,
    "online_eligible": f"{ELIGIBLE_SQL} AND {ONLINE_LEVEL_SQL}",
    "online": f"{ELIGIBLE_SQL} AND {ONLINE_LEVEL_SQL} AND channel = 'online'",
    "digitized": f"{ELIGIBLE_SQL} AND digitized = TRUE",
    "payment_known": f"{ELIGIBLE_SQL} AND paid_online IS NOT NULL",
    "paid_online": f"{ELIGIBLE_SQL} AND paid_online = TRUE",
    "reuse_known": f"{ELIGIBLE_SQL} AND reused_digitised IS NOT NULL",
    "reused_digitised": f"{ELIGIBLE_SQL} AND reused_digitised = TRUE",
    **{f"received_{level}": f"office_level = '{level}'" for level in OFFICE_LEVELS},
    **{f"received_{level}": f"service_level = '{level}'" for level in SERVICE_LEVELS},
}
# … and, for resolved dossiers, in the month it was resolved:
ON_TIME_SQL = "(due_at IS NULL OR resolved_at <= due_at)"
RESOLVED_CONDITIONS: dict[str, str] = {
    "resolved": "TRUE",
    "resolved_on_time": ON_TIME_SQL,
    "e_result": "e_result = TRUE",
    "publication_known": "published_on_time IS NOT NULL",
    "published_on_time": "published_on_time = TRUE",
    "satisfaction_rated": "satisfaction IS NOT NULL",
    "satisfied": f"satisfaction >= {SATISFIED_FROM}",
    **{f"resolved_{level}": f"office_level = '{level}'" for level in OFFICE_LEVELS},
    **{f"resolved_{level}": f"service_level = '{level}'" for level in SERVICE_LEVELS},
}


def _flow_sql(condition: str) -> str:
    return "COUNT(*)" if condition == "TRUE" else _count(condition)


RECEIVED_FLOWS: dict[str, str] = {name: _flow_sql(c) for name, c in RECEIVED_CONDITIONS.items()}
RESOLVED_FLOWS: dict[str, str] = {
    **{name: _flow_sql(c) for name, c in RESOLVED_CONDITIONS.items()},
    "satisfaction_sum": "COALESCE(SUM(satisfaction), 0)",  # a sum, not a count: no drill-down list
}
DOSSIER_FLOWS: tuple[str, ...] = (*RECEIVED_FLOWS, *RESOLVED_FLOWS)

DOSSIER_MONTHLY_SQL = f"""
WITH r AS (
    SELECT system, unit_id, received_month AS month,
           {', '.join(f'{sql} AS {name}' for name, sql in RECEIVED_FLOWS.items())}
    FROM dossiers
    GROUP BY system, unit_id, received_month
),
s AS (
    SELECT system, unit_id, resolved_month AS month,
           {', '.join(f'{sql} AS {name}' for name, sql in RESOLVED_FLOWS.items())}
    FROM dossiers
    WHERE status = 'resolved'
    GROUP BY system, unit_id, resolved_month
)
SELECT COALESCE(r.system, s.system) AS system,
       COALESCE(r.unit_id, s.unit_id) AS unit_id,
       COALESCE(r.month, s.month) AS month,
       {', '.join(f'COALESCE(r.{name}, 0) AS {name}' for name in RECEIVED_FLOWS)},
       {', '.join(f'COALESCE(s.{name}, 0) AS {name}' for name in RESOLVED_FLOWS)}
FROM r FULL OUTER JOIN s
  ON r.system = s.system AND r.unit_id = s.unit_id AND r.month = s.month
""".strip()

DOCUMENT_CONDITIONS: dict[str, str] = {
    **{
        f"{d}{suffix}": f"(secret IS NULL OR secret = FALSE) AND direction = '{d}'{extra}"
        for d in ("outgoing", "incoming")
        for suffix, extra in (("", ""), ("_electronic", " AND electronic = TRUE"),
                              ("_signed", " AND signed = TRUE"))
    },
    "secret": "secret = TRUE",
}
DOCUMENT_FLOWS: dict[str, str] = {name: _count(c) for name, c in DOCUMENT_CONDITIONS.items()}

DOCUMENT_MONTHLY_SQL = f"""
SELECT system, unit_id, date_month AS month,
       {', '.join(f'{sql} AS {name}' for name, sql in DOCUMENT_FLOWS.items())}
FROM documents
GROUP BY system, unit_id, date_month
""".strip()

MONTHLY_SQL: dict[str, str] = {"dossiers": DOSSIER_MONTHLY_SQL, "documents": DOCUMENT_MONTHLY_SQL}
FLOWS: dict[str, tuple[str, ...]] = {"dossiers": DOSSIER_FLOWS, "documents": tuple(DOCUMENT_FLOWS)}


# -- where the files are ------------------------------------------------------------------------
def root() -> Path:
    """The dataset directory: ``CHISO_DATASET_ROOT`` (tests) or ``MEDIA_ROOT/datasets``.

    Under MEDIA_ROOT so ``chiso backup`` carries it with the evidence files.
    """
    custom = getattr(settings, "CHISO_DATASET_ROOT", None)
    return Path(custom) if custom else Path(settings.MEDIA_ROOT) / "datasets"


def partition_dir(kind: str, system: str, year: int, month: int, base: Path | None = None) -> Path:
    """``<base>/<kind>/system=<system>/year=<YYYY>/month=<MM>``."""
    return (base or root()) / kind / f"system={system}" / f"year={year:04d}" / f"month={month:02d}"


def staging_dir(batch_id: int) -> Path:
    """Where a batch writes before its transaction commits (outside the layout)."""
    return root() / STAGING / f"{batch_id}"


def file_prefix(batch_id: int) -> str:
    return f"part-{batch_id}-"


def batch_files(directory: Path, batch_id: int) -> list[Path]:
    """The files of ``batch_id`` in a partition directory."""
    if not directory.is_dir():
        return []
    prefix = file_prefix(batch_id)
    return sorted(p for p in directory.iterdir() if p.name.startswith(prefix) and p.suffix == ".parquet")


@dataclass(frozen=True)
class Part:
    """One partition and the batch whose files are current in it."""

    kind: str
    system: str
    year: int
    month: int
    batch_id: int

    @property
    def directory(self) -> Path:
        return partition_dir(self.kind, self.system, self.year, self.month)

    def files(self) -> list[Path]:
        return batch_files(self.directory, self.batch_id)

    def staged_files(self) -> list[Path]:
        return batch_files(partition_dir(self.kind, self.system, self.year, self.month,
                                         staging_dir(self.batch_id)), self.batch_id)


def current_parts(kind: str, system: str | None = None) -> list[Part]:
    """The committed partitions of ``kind`` (optionally of one system), from the database."""
    from .models import DatasetPart

    qs = DatasetPart.objects.filter(kind=kind)
    if system is not None:
        qs = qs.filter(system=system)
    return [Part(kind, s, y, m, b) for s, y, m, b in
            qs.order_by("system", "year", "month").values_list("system", "year", "month", "batch_id")]


def current_files(kind: str, system: str | None = None, parts: Iterable[Part] | None = None) -> list[Path]:
    """Every current Parquet file of ``kind``; a committed batch's files not yet moved are moved."""
    out: list[Path] = []
    for part in parts if parts is not None else current_parts(kind, system):
        files = part.files()
        if not files and part.staged_files():
            _move_staged(part)  # committed, not yet moved (its on_commit has not run yet, or died)
            files = part.files()
        out.extend(files)
    return out


def sql_list(paths: Iterable[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def empty_select(kind: str) -> str:
    """A zero-row relation with the dataset's columns (partition columns included)."""
    cols = [f"CAST(NULL AS {t}) AS {n}" for n, t in SCHEMA[kind]]
    cols += ["CAST(NULL AS VARCHAR) AS system", "CAST(NULL AS BIGINT) AS year", "CAST(NULL AS BIGINT) AS month"]
    return f"SELECT {', '.join(cols)} WHERE FALSE"


def relation_sql(kind: str, files: list[Path]) -> str:
    """A DuckDB SELECT over ``files`` with the partition columns typed as the schema says."""
    if not files:
        return empty_select(kind)
    names = ", ".join(n for n, _ in SCHEMA[kind])
    return (f"SELECT {names}, CAST(system AS VARCHAR) AS system, CAST(year AS BIGINT) AS year, "
            f"CAST(month AS BIGINT) AS month FROM read_parquet({sql_list(files)}, hive_partitioning = true, "
            f"hive_types = {{'system': VARCHAR, 'year': BIGINT, 'month': BIGINT}})")


# -- making a batch's files visible, and repairing after a crash --------------------------------
def _move_staged(part: Part) -> Path:
    """Move a committed batch's staged files of one partition into place (another process may race)."""
    target = part.directory
    staged = part.staged_files()
    if staged:
        target.mkdir(parents=True, exist_ok=True)
        for path in staged:
            try:
                os.replace(path, target / path.name)
            except FileNotFoundError:
                pass  # moved meanwhile by the other process
    return target


def publish_part(part: Part) -> None:
    """Move a committed batch's staged files of one partition into place, then drop older files."""
    target = _move_staged(part)
    prefix = file_prefix(part.batch_id)
    if target.is_dir():
        for path in target.iterdir():
            if not path.name.startswith(prefix):
                _remove(path)


def publish(batch_id: int, parts: Iterable[Part], emptied: Iterable[tuple[str, str, int, int]] = ()) -> None:
    """After commit: the batch's partitions become current, emptied partitions disappear.

    Runs under the imports' lock, and only for partitions the database still gives to this batch
    (or to none, for emptied ones): on PostgreSQL the transaction's lock is gone when this runs, so
    a later import may already have taken a partition over — its files must not be removed here.
    """
    from .models import DatasetPart

    with _publishing():
        parts, emptied = list(parts), list(emptied)
        mine = set(DatasetPart.objects.filter(batch_id=batch_id).values_list("kind", "system", "year", "month"))
        for part in parts:
            if (part.kind, part.system, part.year, part.month) in mine:
                publish_part(part)
        for kind, system, year, month in emptied:
            if DatasetPart.objects.filter(kind=kind, system=system, year=year, month=month).exists():
                continue  # filled again by a later import
            directory = partition_dir(kind, system, year, month)
            if directory.is_dir():
                shutil.rmtree(directory, ignore_errors=True)
        shutil.rmtree(staging_dir(batch_id), ignore_errors=True)


@contextmanager
def _publishing() -> Iterator[None]:
    """PostgreSQL: the imports' advisory lock, held by the session for the publish. SQLite: the
    file lock is already held (the commit and its callbacks run inside the import's lock)."""
    if connection.vendor != "postgresql":
        yield
        return
    with _session_lock():
        yield


@contextmanager
def _session_lock() -> Iterator[None]:
    """The imports' PostgreSQL advisory lock, held by this session until released."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def discard(batch_id: int) -> None:
    """A batch that did not commit (refused, dry run, error): its staged files go."""
    shutil.rmtree(staging_dir(batch_id), ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass
class RepairReport:
    """What ``repair`` changed: files moved into place, stray files and staging dirs removed."""

    published: list[str]
    removed: list[str]
    missing: list[str]  # current partitions whose files are nowhere (the dataset lost data)

    @property
    def clean(self) -> bool:
        return not (self.published or self.removed or self.missing)


def _walk_partitions(base: Path) -> Iterator[tuple[str, str, int, int, Path]]:
    for kind in SOURCES:
        for sdir in sorted((base / kind).glob("system=*")):
            for ydir in sorted(sdir.glob("year=*")):
                for mdir in sorted(ydir.glob("month=*")):
                    try:
                        year, month = int(ydir.name[5:]), int(mdir.name[6:])
                    except ValueError:
                        continue
                    yield kind, sdir.name[7:], year, month, mdir


def repair(dry_run: bool = False) -> RepairReport:
    """Make the directory agree with the committed ``DatasetPart`` rows.

    Files of a committed batch still in staging are moved into place; files no
    current partition owns (an older version, a crashed import's leftovers) and
    staging directories of batches that are not committed are removed. Safe to
    run twice, and while no import runs (imports call it first, under their lock).
    """
    from .models import DatasetPart

    base = root()
    report = RepairReport([], [], [])
    current = {(p.kind, p.system, p.year, p.month): p.batch_id for p in DatasetPart.objects.all()}
    for (kind, system, year, month), batch_id in sorted(current.items()):
        part = Part(kind, system, year, month, batch_id)
        if not part.files():
            staged = part.staged_files()
            if staged:
                report.published += [str(p.relative_to(base)) for p in staged]
                if not dry_run:
                    publish_part(part)
            else:
                report.missing.append(str(part.directory.relative_to(base)))
    for kind, system, year, month, directory in list(_walk_partitions(base)):
        batch_id = current.get((kind, system, year, month))
        keep = file_prefix(batch_id) if batch_id is not None else None
        for path in sorted(directory.iterdir()):
            if keep is None or not path.name.startswith(keep):
                report.removed.append(str(path.relative_to(base)))
                if not dry_run:
                    _remove(path)
        if not dry_run and not any(directory.iterdir()):
            directory.rmdir()
    staging = base / STAGING
    if staging.is_dir():
        # Whatever is still staged now belongs to no committed partition: a batch that never
        # committed, or a partition a later batch replaced before this one was moved.
        to_publish = set(report.published)
        for sdir in sorted(staging.iterdir()):
            leftovers = [str(p.relative_to(base)) for p in sdir.rglob("*") if p.is_file()]
            report.removed += [p for p in leftovers if p not in to_publish]
            if not dry_run:
                shutil.rmtree(sdir, ignore_errors=True)
    return report


# -- one import at a time, and backups that see no import half-way -------------------------------
@contextmanager
def file_lock() -> Iterator[None]:
    """An exclusive lock on a file of VAR_DIR named after the dataset's directory (SQLite
    installations: one machine). Not under MEDIA_ROOT, so a backup does not change what it copies."""
    import hashlib

    key = hashlib.sha256(str(root().absolute()).encode()).hexdigest()[:16]
    path = Path(settings.VAR_DIR) / "locks" / f"dataset-{key}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def frozen() -> Iterator[None]:
    """No import changes the dataset or its database rows while this is held (``chiso backup``
    copies the database and the dataset inside it, so the two agree in the archive)."""
    if connection.vendor == "postgresql":
        with _session_lock():
            yield
    else:
        with file_lock():
            yield
