"""Benchmark: a million-dossier export through Chỉ Số, against DuckDB and pandas, in one run.

    .venv/bin/python bench/ingest.py                # 1,000,000 rows, SQLite in a temp dir
    .venv/bin/python bench/ingest.py --rows 100000
    .venv/bin/python bench/ingest.py --rows 10000000   # national scale: pandas left out
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chiso .venv/bin/python bench/ingest.py

It generates a seeded, realistic one-stop export (about 60 units with skewed
volumes, 24 months, 3% still pending, 5% resolved late), then measures:

(a) Chỉ Số: the full ``ingest_file`` (read, check, write the Parquet dataset and
    the monthly summary in one transaction) plus the metrics of every unit for
    each of the 24 months (read from the summary), in a child process so its
    peak memory (VmHWM) is its own; then the same file imported again, twice:
    as it is (the same bytes are recognised) and read and compared in full
    (``recognise_same_bytes=False``), each as a ratio to the first import;
(b) DuckDB reading the same file and computing the same per-unit-per-month metrics;
(c) pandas doing the same (left out above 2,000,000 rows: it needs several GB).

All three must agree on every figure (the run fails otherwise). It prints the
times, ``vs duckdb: 2.41x`` / ``vs pandas: 0.62x`` (a's time over b's / c's)
and Chỉ Số's peak memory (the child's VmHWM). Goals: a/b ≤ 3, a/c < 1, peak ≤ 1 GiB. With
PostgreSQL, a throwaway database is created next to the one in DATABASE_URL
and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METRICS = ("carried_over", "received", "ineligible", "to_resolve", "resolved", "resolved_on_time",
           "resolved_late", "pending", "online_eligible", "online", "e_result", "digitized")
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
UNITS = 60
SYSTEM = "bench"


# -- the export ----------------------------------------------------------------------------
def generate(path: Path, rows: int, seed: int = 2025) -> None:
    """A realistic export: skewed unit volumes, office hours, Tết dip, 3% pending, 5% late."""
    import duckdb
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, UNITS + 1) ** 1.1  # a few big agencies, many small communes
    weights /= weights.sum()
    unit = rng.choice(UNITS, size=rows, p=weights)
    # Days over 2024–2025, fewer around Tết (late Jan / Feb), none on Sundays.
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    day_w = np.where(days.day_of_week == 6, 0.0, np.where(days.day_of_week == 5, 0.3, 1.0))
    day_w *= np.where(days.month == 2, 0.6, 1.0)
    day_w /= day_w.sum()
    day = days.values.astype("datetime64[s]")[rng.choice(len(days), size=rows, p=day_w)]
    seconds = rng.integers(7 * 3600 + 1800, 17 * 3600, size=rows)
    received = day + seconds.astype("timedelta64[s]")
    received = np.sort(received)  # exports come in time order
    due = received + (rng.integers(3, 16, size=rows) * 86400).astype("timedelta64[s]")
    r = rng.random(rows)
    status = np.select([r < 0.03, r < 0.04, r < 0.045], ["received", "rejected", "withdrawn"], "resolved")
    late = rng.random(rows) < 0.05 / 0.955
    window = (due - received).astype(np.int64)
    on_time = (window * rng.uniform(0.05, 1.0, size=rows)).astype(np.int64)
    overdue = window + rng.integers(3600, 10 * 86400, size=rows)
    resolved = received + np.where(late, overdue, on_time).astype("timedelta64[s]")
    level = rng.choice(np.array(["full_online", "partial_online", "offline"]), size=rows, p=[0.4, 0.35, 0.25])
    p_online = np.select([level == "full_online", level == "partial_online"], [0.95, 0.7], 0.0)
    channel = np.where(rng.random(rows) < p_online, "online",
                       np.where(rng.random(rows) < 0.9, "in_person", "postal"))
    fmt = "%Y-%m-%d %H:%M:%S"
    frame = pd.DataFrame({
        "dossier_id": np.char.add("H", np.arange(rows).astype("U9")),
        "unit": np.char.add("BENCH-", np.char.zfill((unit + 1).astype("U3"), 3)),
        "procedure": rng.choice(np.array(["1.001234", "1.004567", "2.000123", "1.010101"]), size=rows),
        "service_level": level,
        "channel": channel,
        "received_at": pd.Series(received).dt.strftime(fmt),
        "due_at": pd.Series(due).dt.strftime(fmt),
        "resolved_at": pd.Series(resolved).dt.strftime(fmt).where(status == "resolved", None),
        "status": status,
        "e_result": np.where(rng.random(rows) < 0.85, "Có", "Không"),
        "digitized": np.where(rng.random(rows) < 0.75, "Có", "Không"),
    })
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute(f"COPY frame TO '{path}' (HEADER true)")
    con.close()


# -- (b) DuckDB ----------------------------------------------------------------------------
def duckdb_metrics(path: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    rows = con.execute(f"""
        WITH d AS (
            SELECT unit, status, service_level, channel, e_result, digitized,
                   strptime(received_at, '%Y-%m-%d %H:%M:%S') AS rec,
                   strptime(due_at, '%Y-%m-%d %H:%M:%S') AS due,
                   strptime(resolved_at, '%Y-%m-%d %H:%M:%S') AS res,
                   status IN ('rejected', 'withdrawn') AS inel
            FROM read_csv('{path}', all_varchar = true, header = true)
        ),
        r AS (
            SELECT unit, strftime(rec, '%Y-%m') AS m, count(*) AS received,
                   count(*) FILTER (inel) AS ineligible,
                   count(*) FILTER (NOT inel AND service_level IN ('full_online', 'partial_online')) AS online_eligible,
                   count(*) FILTER (NOT inel AND service_level IN ('full_online', 'partial_online')
                                    AND channel = 'online') AS online,
                   count(*) FILTER (NOT inel AND digitized = 'Có') AS digitized
            FROM d GROUP BY ALL
        ),
        s AS (
            SELECT unit, strftime(res, '%Y-%m') AS m, count(*) AS resolved,
                   count(*) FILTER (due IS NULL OR res <= due) AS resolved_on_time,
                   count(*) FILTER (e_result = 'Có') AS e_result
            FROM d WHERE status = 'resolved' GROUP BY ALL
        ),
        grid AS (SELECT u.unit, m.m FROM (SELECT DISTINCT unit FROM d) u,
                 (SELECT unnest({MONTHS!r}) AS m) m),
        j AS (
            SELECT g.unit, g.m,
                   coalesce(r.received, 0) AS received, coalesce(r.ineligible, 0) AS ineligible,
                   coalesce(r.online_eligible, 0) AS online_eligible, coalesce(r.online, 0) AS online,
                   coalesce(r.digitized, 0) AS digitized, coalesce(s.resolved, 0) AS resolved,
                   coalesce(s.resolved_on_time, 0) AS resolved_on_time, coalesce(s.e_result, 0) AS e_result
            FROM grid g LEFT JOIN r USING (unit, m) LEFT JOIN s USING (unit, m)
        ),
        c AS (
            SELECT *, coalesce(sum(received - ineligible - resolved) OVER (
                        PARTITION BY unit ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                      AS carried_over
            FROM j
        )
        SELECT unit, m, carried_over, received, ineligible, carried_over + received - ineligible,
               resolved, resolved_on_time, resolved - resolved_on_time,
               carried_over + received - ineligible - resolved, online_eligible, online, e_result, digitized
        FROM c
    """).fetchall()
    con.close()
    return {(u, m): dict(zip(METRICS, map(int, vals), strict=True)) for u, m, *vals in rows}


# -- (c) pandas ----------------------------------------------------------------------------
def pandas_metrics(path: Path) -> dict:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    fmt = "%Y-%m-%d %H:%M:%S"
    rec = pd.to_datetime(df["received_at"], format=fmt)
    due = pd.to_datetime(df["due_at"].replace("", None), format=fmt)
    res = pd.to_datetime(df["resolved_at"].replace("", None), format=fmt)
    inel = df["status"].isin(["rejected", "withdrawn"])
    online_level = df["service_level"].isin(["full_online", "partial_online"])
    flows = pd.DataFrame({
        "unit": df["unit"], "m": rec.dt.strftime("%Y-%m"), "received": 1, "ineligible": inel,
        "online_eligible": ~inel & online_level,
        "online": ~inel & online_level & (df["channel"] == "online"),
        "digitized": ~inel & (df["digitized"] == "Có"),
    }).groupby(["unit", "m"]).sum()
    done = df["status"] == "resolved"
    solved = pd.DataFrame({
        "unit": df["unit"][done], "m": res[done].dt.strftime("%Y-%m"), "resolved": 1,
        "resolved_on_time": (due[done].isna() | (res[done] <= due[done])),
        "e_result": df["e_result"][done] == "Có",
    }).groupby(["unit", "m"]).sum()
    units = sorted(df["unit"].unique())
    grid = pd.MultiIndex.from_product([units, MONTHS], names=["unit", "m"])
    allm = sorted(set(flows.index.get_level_values("m")) | set(solved.index.get_level_values("m")) | set(MONTHS))
    full = pd.MultiIndex.from_product([units, allm], names=["unit", "m"])
    t = flows.reindex(full, fill_value=0).join(solved.reindex(full, fill_value=0)).astype("int64")
    net = t["received"] - t["ineligible"] - t["resolved"]
    t["carried_over"] = net.groupby(level="unit").cumsum() - net
    t["to_resolve"] = t["carried_over"] + t["received"] - t["ineligible"]
    t["resolved_late"] = t["resolved"] - t["resolved_on_time"]
    t["pending"] = t["to_resolve"] - t["resolved"]
    t = t.loc[grid, list(METRICS)]
    return {key: dict(zip(METRICS, map(int, vals), strict=True)) for key, vals in zip(t.index, t.values, strict=True)}


# -- (a) Chỉ Số, in a child process ----------------------------------------------------------
def child(file: Path, out: Path) -> None:
    """Runs inside the child: units, then the timed ingest + monthly metrics; writes JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django

    django.setup()
    from chiso.ingest.importer import ingest_file
    from chiso.ingest.metrics import dossier_metrics_series
    from chiso.units.models import Unit

    for i in range(1, UNITS + 1):
        level = "province" if i <= 20 else "district" if i <= 30 else "commune"
        Unit.objects.get_or_create(code=f"BENCH-{i:03d}", defaults={"name": f"Đơn vị thử {i}", "level": level})
    codes = dict(Unit.objects.filter(code__startswith="BENCH-").values_list("id", "code"))
    started, started_cpu = time.perf_counter(), time.process_time()
    batch = ingest_file(file, "dossiers", system=SYSTEM)
    ingested = time.perf_counter()
    series = dossier_metrics_series(MONTHS, system=SYSTEM)
    finished, finished_cpu = time.perf_counter(), time.process_time()
    # The 12 metrics all three compute (Chỉ Số lists more: 2026 fields, flows by service level).
    metrics = {f"{codes[uid]}|{m}": {k: values[k] for k in METRICS}
               for m, by_unit in series.items() for uid, values in by_unit.items()}
    peak = _peak_rss_kib()  # the first import and the metrics; the re-imports come after
    t = time.perf_counter()
    same = ingest_file(file, "dossiers", system=SYSTEM)
    same_seconds = time.perf_counter() - t
    t = time.perf_counter()
    compared = ingest_file(file, "dossiers", system=SYSTEM, recognise_same_bytes=False)
    compared_seconds = time.perf_counter() - t
    assert (same.created, same.updated, compared.created, compared.updated) == (0, 0, 0, 0)
    assert compared.unchanged == batch.rows
    t = time.perf_counter()
    dossier_metrics_series(MONTHS, system=SYSTEM)
    again_seconds = time.perf_counter() - t
    out.write_text(json.dumps({
        "ingest_seconds": ingested - started,
        "metrics_seconds": finished - ingested,
        "metrics_again_seconds": again_seconds,
        "seconds": finished - started,
        "cpu_seconds": finished_cpu - started_cpu,  # every thread of the process (DuckDB's too)
        "reimport_seconds": same_seconds,
        "compare_seconds": compared_seconds,
        "created": batch.created,
        "rows": batch.rows,
        "maxrss_kib": peak,
        "maxrss_all_kib": _peak_rss_kib(),
        "dataset_mb": sum(p.stat().st_size for p in _dataset_root().rglob("*.parquet")) / 1e6,
        "metrics": metrics,
    }))


def _dataset_root() -> Path:
    from chiso.ingest.dataset import root

    return root()


def _peak_rss_kib() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it is not inherited
    from the parent across fork+exec, so the parent's generated export does not count)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _database(tmp: Path) -> tuple[str, callable]:
    """A throwaway database URL and a function that drops it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"chiso_bench_{os.getpid()}"
    admin = f"{base}/postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0

    with tempfile.TemporaryDirectory(prefix="chiso-bench-") as tmpdir:
        tmp = Path(tmpdir)
        export = tmp / "ho-so-mot-cua.csv"
        t = time.perf_counter()
        generate(export, args.rows, args.seed)
        print(f"export: {args.rows:,} dossiers, {export.stat().st_size / 1e6:.0f} MB, "
              f"generated in {time.perf_counter() - t:.1f}s")
        url, drop = _database(tmp)
        env = {**os.environ, "DATABASE_URL": url, "CHISO_VAR_DIR": str(tmp), "TASKS_BACKEND": "immediate",
               # a throwaway installation: its own key unless one is given
               "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)}
        try:
            subprocess.run([sys.executable, "-m", "chiso.cli", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
            out = tmp / "chiso.json"
            subprocess.run([sys.executable, __file__, "--child", str(export), str(out)], env=env,
                           check=True, cwd=ROOT)
            a = json.loads(out.read_text())
        finally:
            drop()
        t, t_cpu = time.perf_counter(), time.process_time()
        b = duckdb_metrics(export)
        b_seconds, b_cpu = time.perf_counter() - t, time.process_time() - t_cpu
        c, c_seconds = None, None
        if args.rows <= 2_000_000:
            t = time.perf_counter()
            c = pandas_metrics(export)
            c_seconds = time.perf_counter() - t

    a_metrics = {tuple(k.split("|")): v for k, v in a["metrics"].items()}
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    ok = True
    for name, other in (("duckdb", b), ("pandas", c)):
        if other is None:
            continue
        if a_metrics != other:
            ok = False
            diff = [k for k in sorted(set(a_metrics) | set(other)) if a_metrics.get(k) != other.get(k)]
            print(f"MISMATCH with {name}: {len(diff)} unit-months differ, e.g. {diff[:3]}")
            for k in diff[:2]:
                print("  chiso:", a_metrics.get(k), f"\n  {name}:", other.get(k))
    figures = len(a_metrics) * len(METRICS)
    print(f"database: {engine}")
    print(f"agree: {'yes' if ok else 'NO'} ({len(a_metrics):,} unit-months × {len(METRICS)} metrics "
          f"= {figures:,} figures{'' if c is not None else ', DuckDB only'})")
    print(f"chiso (a): {a['seconds']:.2f}s (ingest {a['ingest_seconds']:.2f}s + metrics "
          f"{a['metrics_seconds']:.2f}s; {a['created']:,} records written, dataset {a['dataset_mb']:.0f} MB)")
    print(f"metrics of {len(MONTHS)} months from the summary, again: {a['metrics_again_seconds'] * 1000:.0f} ms")
    print(f"duckdb (b): {b_seconds:.2f}s")
    print(f"pandas (c): {f'{c_seconds:.2f}s' if c is not None else 'left out (more than 2,000,000 rows)'}")
    print(f"vs duckdb: {a['seconds'] / b_seconds:.2f}x  (goal ≤ 3)")
    if c is not None:
        print(f"vs pandas: {a['seconds'] / c_seconds:.2f}x  (goal < 1)")
    # CPU time of all threads: on a shared machine it moves less with the load than the clock.
    print(f"cpu time: chiso {a['cpu_seconds']:.2f}s, duckdb {b_cpu:.2f}s = {a['cpu_seconds'] / b_cpu:.2f}x "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"re-import, same file: {a['reimport_seconds']:.2f}s = {a['reimport_seconds'] / a['ingest_seconds']:.2f}x "
          f"the first import (goal ≤ 0,5)")
    print(f"re-import, read and compared in full: {a['compare_seconds']:.2f}s = "
          f"{a['compare_seconds'] / a['ingest_seconds']:.2f}x the first import")
    peak = a["maxrss_kib"] / 1024
    print(f"chiso peak memory: {peak:.0f} MiB  (goal ≤ 1024 MiB); with the re-imports "
          f"{a['maxrss_all_kib'] / 1024:.0f} MiB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
