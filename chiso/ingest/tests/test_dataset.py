"""The records dataset on disk: Hive layout, one current file set per partition, readable by any engine."""

from __future__ import annotations

import duckdb

from chiso.engine.periods import parse_period
from chiso.ingest import dataset
from chiso.ingest.importer import DeleteScope, check_dataset, ingest_file
from chiso.ingest.models import DatasetPart, DossierMonth

from .exports import dossier, write_csv


def _files() -> list[str]:
    base = dataset.root()
    return sorted(str(p.relative_to(base)) for p in base.rglob("*.parquet"))


def _glob_read() -> list[tuple]:
    """What an outside engine sees listing the directory (DuckDB here; Spark and Polars read the same).
    DuckDB infers ``month=01`` as text (the leading zero), hence the cast."""
    con = duckdb.connect()
    try:
        return con.execute(
            f"SELECT system, year, CAST(month AS INTEGER), dossier_id, batch "
            f"FROM read_parquet('{dataset.root()}/dossiers/**/*.parquet', hive_partitioning = true) "
            "ORDER BY dossier_id").fetchall()
    finally:
        con.close()


def test_an_import_writes_hive_partitions_by_system_and_local_month(world, tmp_path,
                                                                    django_capture_on_commit_callbacks):
    rows = [dossier("A", received="2025-01-31 23:30"),  # local time: still January (UTC: 16:30)
            dossier("B", received="2025-02-01 00:30"),  # local February, UTC still 31 January
            dossier("C", received="2024-12-05 08:00")]
    with django_capture_on_commit_callbacks(execute=True):
        batch = ingest_file(write_csv(tmp_path / "a.csv", rows), "dossiers", system="igate")
    assert _files() == [f"dossiers/system=igate/year=2024/month=12/part-{batch.pk}-0.parquet",
                        f"dossiers/system=igate/year=2025/month=01/part-{batch.pk}-0.parquet",
                        f"dossiers/system=igate/year=2025/month=02/part-{batch.pk}-0.parquet"]
    assert _glob_read() == [("igate", 2025, 1, "A", batch.pk), ("igate", 2025, 2, "B", batch.pk),
                            ("igate", 2024, 12, "C", batch.pk)]
    assert sorted(DatasetPart.objects.values_list("year", "month", "rows")) == [(2024, 12, 1), (2025, 1, 1),
                                                                                (2025, 2, 1)]
    assert sorted(DossierMonth.objects.values_list("month", "received")) == [
        ("2024-12", 1), ("2025-01", 1), ("2025-02", 1)]


def test_a_first_import_puts_each_record_in_its_local_month_at_the_exact_edges(
        world, tmp_path, django_capture_on_commit_callbacks):
    """A system's first import writes partition by partition (one range of instants each): the
    last second of a local month and the first of the next land on either side, and December
    closes the year."""
    rows = [dossier("A", received="2025-01-31 23:59:59"), dossier("B", received="2025-02-01 00:00:00"),
            dossier("C", received="2024-12-31 23:59:59"), dossier("D", received="2025-01-01 00:00:00"),
            dossier("E", received="2025-02-01 06:59:59")]  # 23:59:59 UTC on 31 January
    with django_capture_on_commit_callbacks(execute=True):
        batch = ingest_file(write_csv(tmp_path / "edges.csv", rows), "dossiers", system="edges")
    assert batch.created == 5
    assert sorted((y, m, i) for _, y, m, i, _ in _glob_read()) == [
        (2024, 12, "C"), (2025, 1, "A"), (2025, 1, "D"), (2025, 2, "B"), (2025, 2, "E")]
    assert sorted(DatasetPart.objects.values_list("year", "month", "rows")) == [(2024, 12, 1), (2025, 1, 2),
                                                                                (2025, 2, 2)]


def test_a_correction_rewrites_only_the_months_it_touches(world, tmp_path, django_capture_on_commit_callbacks):
    rows = [dossier("A", received="2025-01-10 08:00"), dossier("B", received="2025-02-10 08:00"),
            dossier("C", received="2025-03-10 08:00")]
    with django_capture_on_commit_callbacks(execute=True):
        first = ingest_file(write_csv(tmp_path / "v1.csv", rows), "dossiers")
    # B moves from February to January; March is untouched.
    rows[1] = dossier("B", received="2025-01-20 08:00")
    with django_capture_on_commit_callbacks(execute=True):
        second = ingest_file(write_csv(tmp_path / "v2.csv", rows), "dossiers")
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    # January rewritten by the second batch, February emptied (gone), March still the first batch's.
    assert _files() == [f"dossiers/system=main/year=2025/month=01/part-{second.pk}-0.parquet",
                        f"dossiers/system=main/year=2025/month=03/part-{first.pk}-0.parquet"]
    assert [(m, d, b) for _, _, m, d, b in _glob_read()] == [(1, "A", first.pk), (1, "B", second.pk),
                                                             (3, "C", first.pk)]
    assert not (dataset.root() / "dossiers/system=main/year=2025/month=02").exists()
    assert not any(p.is_file() for p in (dataset.root() / dataset.STAGING).rglob("*"))


def test_delete_missing_empties_a_partition(world, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(write_csv(tmp_path / "v1.csv", [dossier("A"), dossier("B", received="2025-02-10 08:00")]),
                    "dossiers")
    scope = DeleteScope(period=parse_period("2025-02"))
    with django_capture_on_commit_callbacks(execute=True):
        batch = ingest_file(write_csv(tmp_path / "v2.csv", [dossier("A")]), "dossiers", delete_scope=scope)
    assert batch.deleted == 1
    assert [d for *_, d, _ in _glob_read()] == ["A"]
    assert not DatasetPart.objects.filter(month=2).exists()
    assert not DossierMonth.objects.filter(month="2025-02").exists()


def test_a_dry_run_and_a_refused_file_leave_no_file_behind(world, tmp_path):
    ingest_file(write_csv(tmp_path / "d.csv", [dossier("A")]), "dossiers", dry_run=True)
    assert _files() == [] and not DatasetPart.objects.exists()
    try:
        ingest_file(write_csv(tmp_path / "bad.csv", [dossier("A"), dossier("B", unit="NOPE")]), "dossiers")
    except Exception:  # noqa: BLE001 - refused, as test_broken_exports checks in detail
        pass
    assert _files() == [] and not any(dataset.root().rglob("*.parquet"))


def test_the_metric_sql_uses_nothing_duckdb_only():
    """The SQL another engine runs: no FILTER clause, no date or DuckDB-specific functions."""
    for sql in dataset.MONTHLY_SQL.values():
        lowered = sql.lower()
        for construct in ("filter (", "strftime", "date_trunc", "::", "group by all", "count_if", "epoch"):
            assert construct not in lowered, construct


def test_a_late_publish_never_removes_the_files_of_an_import_that_took_its_partition_over(
        world, tmp_path, django_capture_on_commit_callbacks):
    """On PostgreSQL the publish after commit runs outside the import's transaction lock: import A
    commits, import B takes January over (its repair moves A's staged files) and publishes, then A's
    late publish runs. B's files must stay, and the dataset must read B's records."""
    rows = [dossier("A", received="2025-01-10 08:00"), dossier("B", received="2025-02-10 08:00")]
    with django_capture_on_commit_callbacks(execute=False) as late:
        first = ingest_file(write_csv(tmp_path / "v1.csv", rows), "dossiers")  # committed, not published
    rows[0] = dossier("A", received="2025-01-10 08:00", channel="in_person")  # a correction of January
    with django_capture_on_commit_callbacks(execute=True):
        second = ingest_file(write_csv(tmp_path / "v2.csv", rows), "dossiers")
    for callback in late:  # A's publish, late
        callback()
    assert _files() == [f"dossiers/system=main/year=2025/month=01/part-{second.pk}-0.parquet",
                        f"dossiers/system=main/year=2025/month=02/part-{first.pk}-0.parquet"]
    assert [(m, d, b) for _, _, m, d, b in _glob_read()] == [(1, "A", second.pk), (2, "B", first.pk)]
    assert check_dataset(dry_run=True)["ok"]  # the files agree with the database and its summary
