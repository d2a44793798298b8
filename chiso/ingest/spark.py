"""The dataset's metric SQL on Apache Spark, for a national instance past one machine.

The records dataset (``dataset.py``: hive-partitioned Parquet, ``<kind>/system=…/year=…/month=…``)
and its one metric SQL (``dataset.MONTHLY_SQL``: records → per system, unit and month flows) are
written to run unchanged on DuckDB and Spark SQL. This module runs that same SQL text on both
engines over the same files, so a deployment can move the summary step to a Spark cluster and
check that nothing changed: ``monthly_summary(kind, files, engine="spark")`` gives the same rows
as ``engine="duckdb"``. The per-period metrics are built from those monthly rows by the same
Python in either case (``metrics.py``), so equal rows mean equal figures.

PySpark is a development dependency (it needs Java 17+, ``make java``); importing this module
does not import it, only running the ``spark`` engine does. A test or a job keeps one
``SparkSession`` (``session()``) for all its queries: starting one costs seconds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import dataset

ENGINES = ("duckdb", "spark")
SummaryRow = tuple[Any, ...]  # (system, unit_id, month, *flows) in dataset.FLOWS[kind] order

_SESSION = None


class SparkUnavailable(RuntimeError):
    """PySpark is not installed or Java cannot start it; the message says what to do, in Vietnamese."""


def session(master: str = "local[2]"):
    """One local SparkSession per process, set up for this SQL: UTC, few shuffle partitions, no UI.

    In production point ``master`` at the cluster (``spark://…``, ``yarn``) or let
    ``spark-submit`` choose it; the SQL does not change.
    """
    global _SESSION
    if _SESSION is None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise SparkUnavailable("Chưa cài pyspark: .venv/bin/pip install -c requirements.lock pyspark") from exc

        # Python workers (if any query needs them) must be this interpreter, not the system's.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

        try:
            _SESSION = _build(SparkSession, master)
        except Exception as exc:  # py4j/pyspark raise their own kinds when Java is missing or too old
            raise SparkUnavailable(f"Không khởi động được Spark (cần Java 17 trở lên: make java): {exc}") from exc
        _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def _build(SparkSession, master: str):  # noqa: N803 - the class, passed in so the import stays lazy
    return (
        SparkSession.builder.master(master).appName("chiso-metrics")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")  # the dataset's instants are UTC
        .config("spark.sql.shuffle.partitions", "4")  # small summaries; raise on a cluster
        .config("spark.sql.ansi.enabled", "true")  # overflow is an error, never a wrapped count
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def stop() -> None:
    """Stop this process's SparkSession (the JVM goes with it)."""
    global _SESSION
    if _SESSION is not None:
        _SESSION.stop()
        _SESSION = None


def _columns(kind: str) -> list[str]:
    names = [name for name, _ in dataset.SCHEMA[kind]]
    return [*names, *dataset.PARTITION_COLUMNS]


def _spark_relation(spark, kind: str, files: Sequence[Path], base: Path):
    """The files as one DataFrame with the dataset's columns; partition columns from the path."""
    from pyspark.sql import functions as F

    if not files:
        cols = [f"CAST(NULL AS {_spark_type(t)}) AS {n}" for n, t in dataset.SCHEMA[kind]]
        cols += ["CAST(NULL AS STRING) AS system", "CAST(NULL AS BIGINT) AS year", "CAST(NULL AS BIGINT) AS month"]
        return spark.sql(f"SELECT {', '.join(cols)} WHERE FALSE")
    frame = spark.read.option("basePath", str(base / kind)).parquet(*[str(p) for p in files])
    return frame.select(
        *[F.col(n) for n, _ in dataset.SCHEMA[kind]],
        F.col("system").cast("string").alias("system"),
        F.col("year").cast("bigint").alias("year"),
        F.col("month").cast("bigint").alias("month"),
    )


def _spark_type(duck: str) -> str:
    return {"VARCHAR": "STRING", "TIMESTAMP": "TIMESTAMP", "BIGINT": "BIGINT", "INTEGER": "INT",
            "BOOLEAN": "BOOLEAN"}[duck]


def _sorted(rows: list[SummaryRow]) -> list[SummaryRow]:
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def _as_ints(row: Sequence[Any]) -> SummaryRow:
    system, unit_id, month, *flows = row
    return (str(system), int(unit_id), str(month), *(int(v) for v in flows))


def monthly_summary_spark(kind: str, files: Sequence[Path], base: Path | None = None, spark=None) -> list[SummaryRow]:
    """``dataset.MONTHLY_SQL[kind]`` run by Spark SQL over ``files`` (under ``base``, the dataset root)."""
    spark = spark or session()
    base = base or dataset.root()
    _spark_relation(spark, kind, files, base).createOrReplaceTempView(kind)
    rows = spark.sql(dataset.MONTHLY_SQL[kind]).collect()
    names = ["system", "unit_id", "month", *dataset.FLOWS[kind]]
    return _sorted([_as_ints([row[n] for n in names]) for row in rows])


def monthly_summary_duckdb(kind: str, files: Sequence[Path]) -> list[SummaryRow]:
    """The same SQL text run by DuckDB over the same files."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"CREATE VIEW {kind} AS {dataset.relation_sql(kind, list(files))}")
        cursor = con.execute(dataset.MONTHLY_SQL[kind])
        names = [d[0] for d in cursor.description]
        wanted = [names.index(n) for n in ("system", "unit_id", "month", *dataset.FLOWS[kind])]
        return _sorted([_as_ints([row[i] for i in wanted]) for row in cursor.fetchall()])
    finally:
        con.close()


def monthly_summary(kind: str, files: Sequence[Path] | None = None, engine: str = "duckdb",
                    base: Path | None = None) -> list[SummaryRow]:
    """Per system, unit and month flows of ``kind`` from the dataset, by ``engine``.

    ``files`` defaults to the dataset's current files (the partitions committed batches own).
    """
    if engine not in ENGINES:
        raise ValueError(f"Không có bộ máy tính “{engine}”: chọn {' hoặc '.join(ENGINES)}")
    if files is None:
        files = dataset.current_files(kind)
    if engine == "spark":
        return monthly_summary_spark(kind, files, base)
    return monthly_summary_duckdb(kind, files)


def differences(left: list[SummaryRow], right: list[SummaryRow], kind: str) -> list[str]:
    """Every figure on which two summaries disagree, named by system, unit, month and flow."""
    names = dataset.FLOWS[kind]
    a = {r[:3]: r[3:] for r in left}
    b = {r[:3]: r[3:] for r in right}
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            out.append(f"{key}: chỉ có ở {'bên phải' if key not in a else 'bên trái'}")
            continue
        for name, x, y in zip(names, a[key], b[key], strict=True):
            if x != y:
                out.append(f"{key} {name}: {x} ≠ {y}")
    return out


def summary_metrics(source: str, period, units: Iterable | None = None, system: str | None = None,
                    engine: str = "spark") -> dict[int, dict[str, int]]:
    """``compute_metrics`` from a summary computed now by ``engine`` over the dataset's current files.

    The stored summary (``DossierMonth``/``DocumentMonth``) is what DuckDB computed at import;
    this computes it again with ``engine`` and goes through the same period step
    (``metrics.dossier_periods``), so ``chiso metrics --engine spark`` must print what
    ``chiso metrics`` prints. Filters by unit and system after the summary (a national job
    would push them into the SQL).
    """
    from .importer import month_keys
    from .metrics import DOCUMENT_METRICS, dossier_periods

    flows = dataset.FLOWS[source]
    wanted = None if units is None else {u.pk for u in units}
    by_unit: dict[int, dict[str, dict[str, int]]] = {}
    for row_system, uid, month, *values in monthly_summary(source, engine=engine):
        if (system and row_system != system) or (wanted is not None and uid not in wanted):
            continue
        counts = by_unit.setdefault(uid, {}).setdefault(month, dict.fromkeys(flows, 0))
        for name, value in zip(flows, values, strict=True):
            counts[name] += value
    if source == "dossiers":
        months = {uid: list(ms.items()) for uid, ms in by_unit.items()}
        return dossier_periods(months, [period])[period.code]
    first, last = month_keys(period)
    return {uid: {name: sum(c[name] for m, c in ms.items() if first <= m <= last) for name in DOCUMENT_METRICS}
            for uid, ms in by_unit.items()}
