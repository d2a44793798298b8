"""Job and benchmark: the dataset's metric SQL on Apache Spark against DuckDB, same files, same figures.

    .venv/bin/python bench/spark_metrics.py                         # 1.000.000 generated dossiers
    .venv/bin/python bench/spark_metrics.py --rows 100000 --master 'local[2]'
    .venv/bin/python bench/spark_metrics.py --dataset /srv/chiso/media/datasets   # a real dataset root
    spark-submit bench/spark_metrics.py --dataset s3a://…/datasets --master yarn --no-duckdb

It writes (or reads) dossiers in the product's layout (``chiso/ingest/dataset.py``:
``dossiers/system=…/year=YYYY/month=MM/*.parquet``), runs ``dataset.MONTHLY_SQL`` — the one
metric SQL the imports run on DuckDB — on Spark, and on DuckDB in the same process, then
compares every figure of every (system, unit, month) row: any difference fails the run. It
prints both times and the ratio spark / duckdb, with the Spark session's start-up apart (a
cluster pays it once per job, not per query). ``--dataset`` reads every ``*.parquet`` under
``<root>/dossiers`` except ``.staging``: run ``chiso dataset_check`` first so no stray file
of an interrupted import is there. DEBUG plays no part (no Django request, no ORM).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chiso.ingest import dataset  # noqa: E402 - after the path is set
from chiso.ingest.spark import (  # noqa: E402
    differences,
    monthly_summary_duckdb,
    monthly_summary_spark,
    session,
    stop,
)

# Generated dossiers: 60 units, 2 systems, received over 2024–2025 (local time, UTC+7), every
# optional 2026 column sometimes unknown; the same shape as chiso/ingest/tests/test_spark.py.
GENERATE = """
CREATE TABLE local AS
SELECT i, CASE WHEN i % 9 = 0 THEN 'igate' ELSE 'main' END AS system,
       TIMESTAMP '2024-01-01 00:00:00' + to_minutes(((i * 2654435761) % (730 * 24 * 60))::BIGINT) AS rl,
       ((i * 40503) % (20 * 24 * 60))::BIGINT AS took
FROM range({rows}) t(i);
CREATE TABLE records AS
SELECT 'HS-' || i AS dossier_id, ((i * 7919) % 60) + 1 AS unit_id, 'TT-' || (i % 97) AS procedure,
       CASE i % 3 WHEN 0 THEN 'full_online' WHEN 1 THEN 'partial_online' ELSE 'offline' END AS service_level,
       CASE (i * 7) % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'in_person' ELSE 'postal' END AS channel,
       rl - INTERVAL 7 HOUR AS received_at,
       CASE WHEN i % 4 = 0 THEN NULL ELSE rl + INTERVAL 15 DAY - INTERVAL 7 HOUR END AS due_at,
       CASE WHEN i % 33 >= 2 THEN rl + to_minutes(took) - INTERVAL 7 HOUR END AS resolved_at,
       CASE WHEN i % 33 = 0 THEN 'rejected' WHEN i % 33 = 1 THEN 'received' ELSE 'resolved' END AS status,
       i % 5 < 3 AS e_result, i % 4 < 2 AS digitized,
       CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN FALSE ELSE TRUE END AS paid_online,
       CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN FALSE ELSE TRUE END AS published_on_time,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 1 + i % 5 END::INTEGER AS satisfaction,
       CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN FALSE ELSE TRUE END AS reused_digitised,
       CASE i % 3 WHEN 0 THEN 'province' WHEN 1 THEN 'commune' END AS office_level,
       strftime(rl, '%Y-%m') AS received_month,
       CASE WHEN i % 33 >= 2 THEN strftime(rl + to_minutes(took), '%Y-%m') END AS resolved_month,
       1::BIGINT AS batch, system
FROM local;
"""


def generate(base: Path, rows: int) -> list[Path]:
    """``rows`` dossiers written in the product's layout, one file per (system, year, month)."""
    import duckdb

    con = duckdb.connect()
    con.execute(GENERATE.format(rows=int(rows)))
    columns = ", ".join(name for name, _ in dataset.SCHEMA["dossiers"])
    files = []
    for system, month in con.execute("SELECT DISTINCT system, received_month FROM records ORDER BY 1, 2").fetchall():
        year, mm = (int(x) for x in month.split("-"))
        directory = dataset.partition_dir("dossiers", system, year, mm, base)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{dataset.file_prefix(1)}0.parquet"
        con.execute(f"COPY (SELECT {columns} FROM records WHERE system = ? AND received_month = ?) "
                    f"TO '{path}' (FORMAT PARQUET)", [system, month])
        files.append(path)
    con.close()
    return files


def existing(base: Path) -> list[Path]:
    return sorted(p for p in (base / "dossiers").rglob("*.parquet") if dataset.STAGING not in p.parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="dossiers to generate (default 1.000.000)")
    parser.add_argument("--dataset", type=Path, help="an existing dataset root instead of generated data")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--no-duckdb", action="store_true", help="Spark only (a cluster job): no comparison")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chiso-spark-") as tmp:
        if args.dataset:
            base, files = args.dataset, existing(args.dataset)
            print(f"dataset {base}: {len(files)} files")
        else:
            base = Path(tmp)
            t = time.perf_counter()
            files = generate(base, args.rows)
            print(f"generated {args.rows:,} dossiers in {len(files)} files: {time.perf_counter() - t:.2f} s")

        t = time.perf_counter()
        spark = session(args.master)
        spark.sql("SELECT 1").collect()
        started = time.perf_counter() - t
        t = time.perf_counter()
        by_spark = monthly_summary_spark("dossiers", files, base, spark)
        spark_first = time.perf_counter() - t
        t = time.perf_counter()
        by_spark = monthly_summary_spark("dossiers", files, base, spark)
        spark_again = time.perf_counter() - t
        stop()
        print(f"spark ({args.master}): session {started:.2f} s, first run {spark_first:.2f} s, "
              f"second run {spark_again:.2f} s, {len(by_spark):,} summary rows")
        if args.no_duckdb:
            return 0
        t = time.perf_counter()
        by_duckdb = monthly_summary_duckdb("dossiers", files)
        duck = time.perf_counter() - t
        print(f"duckdb: {duck:.2f} s, {len(by_duckdb):,} summary rows")
        print(f"spark / duckdb: first run {spark_first / duck:.1f}x, second run {spark_again / duck:.1f}x")
        diff = differences(by_duckdb, by_spark, "dossiers")
        figures = len(by_duckdb) * len(dataset.FLOWS["dossiers"])
        if diff:
            print(f"DIFFER on {len(diff)} of {figures:,} figures:")
            for line in diff[:20]:
                print("  ", line)
            return 1
        print(f"identical: {figures:,} figures ({len(by_duckdb):,} rows × {len(dataset.FLOWS['dossiers'])} flows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
