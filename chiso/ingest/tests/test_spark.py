"""The dataset's metric SQL on PySpark (local mode) gives the same figures as on DuckDB.

The dataset is written here by DuckDB in the product's layout (``dataset.partition_dir``:
``dossiers/system=…/year=YYYY/month=MM/part-<batch>-0.parquet``, the columns of
``dataset.SCHEMA``): 3.000 generated dossiers over four local months, two systems and seven
units, with every optional column sometimes unknown (NULL), plus six dossiers worked by hand.
One SparkSession serves the whole module (starting one takes seconds).
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command

from chiso.frameworks.tests.test_qd766 import EXPORT
from chiso.ingest import dataset
from chiso.ingest.spark import (
    differences,
    monthly_summary_duckdb,
    monthly_summary_spark,
    session,
    stop,
)
from chiso.ingest.tests.exports import DOCUMENT_HEADER, VI_HEADER, write_csv

COLUMNS = ", ".join(name for name, _ in dataset.SCHEMA["dossiers"])

# 3.000 dossiers received from 01/12/2024 over 120 days (local time, UTC+7); stored UTC.
GENERATED = """
CREATE TABLE local AS
SELECT i,
       CASE WHEN i % 9 = 0 THEN 'igate' ELSE 'main' END AS system,
       TIMESTAMP '2024-12-01 00:00:00' + to_minutes(((i * 2654435761) % (120 * 24 * 60))::BIGINT) AS rl
FROM range(3000) t(i);
CREATE TABLE records AS
SELECT 'HS-' || i AS dossier_id, (i % 7) + 1 AS unit_id, 'TT-' || (i % 13) AS procedure,
       CASE i % 3 WHEN 0 THEN 'full_online' WHEN 1 THEN 'partial_online' ELSE 'offline' END AS service_level,
       CASE (i * 7) % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'in_person' ELSE 'postal' END AS channel,
       rl - INTERVAL 7 HOUR AS received_at,
       CASE WHEN i % 4 = 0 THEN NULL ELSE rl + INTERVAL 10 DAY - INTERVAL 7 HOUR END AS due_at,
       CASE WHEN i % 10 >= 4 THEN rl + to_minutes(((i * 31) % (20 * 24 * 60))::BIGINT) - INTERVAL 7 HOUR END
           AS resolved_at,
       CASE i % 10 WHEN 0 THEN 'rejected' WHEN 1 THEN 'withdrawn' WHEN 2 THEN 'received' WHEN 3 THEN 'received'
            ELSE 'resolved' END AS status,
       i % 5 < 3 AS e_result, i % 4 < 2 AS digitized,
       CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN FALSE ELSE TRUE END AS paid_online,
       CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN FALSE ELSE TRUE END AS published_on_time,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 1 + i % 5 END::INTEGER AS satisfaction,
       CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN FALSE ELSE TRUE END AS reused_digitised,
       CASE i % 4 WHEN 0 THEN 'province' WHEN 1 THEN 'commune' WHEN 2 THEN 'district' END AS office_level,
       strftime(rl, '%Y-%m') AS received_month,
       CASE WHEN i % 10 >= 4 THEN strftime(rl + to_minutes(((i * 31) % (20 * 24 * 60))::BIGINT), '%Y-%m') END
           AS resolved_month,
       1::BIGINT AS batch, system
FROM local;
"""

# Unit 99, system main, worked by hand (local times): received in January 2025 unless said.
HAND = """
INSERT INTO records VALUES
 ('H1', 99, 'x', 'full_online', 'online', TIMESTAMP '2025-01-05 01:00', TIMESTAMP '2025-01-10 10:00',
  TIMESTAMP '2025-01-08 03:00', 'resolved', TRUE, TRUE, TRUE, TRUE, 5, TRUE, 'commune', '2025-01', '2025-01', 1, 'main'),
 ('H2', 99, 'x', 'partial_online', 'in_person', TIMESTAMP '2025-01-06 01:00', TIMESTAMP '2025-01-07 10:00',
  TIMESTAMP '2025-01-09 03:00', 'resolved', FALSE, FALSE, FALSE, NULL, 3, NULL, 'commune', '2025-01', '2025-01', 1, 'main'),
 ('H3', 99, 'x', 'offline', 'in_person', TIMESTAMP '2025-01-07 01:00', NULL,
  NULL, 'received', FALSE, TRUE, NULL, NULL, NULL, FALSE, NULL, '2025-01', NULL, 1, 'main'),
 ('H4', 99, 'x', 'full_online', 'online', TIMESTAMP '2025-01-08 01:00', NULL,
  NULL, 'rejected', FALSE, FALSE, TRUE, NULL, NULL, TRUE, 'province', '2025-01', NULL, 1, 'main'),
 -- received 31/12/2024 23:30 local (16:30 UTC): December's, resolved in January
 ('H5', 99, 'x', 'full_online', 'online', TIMESTAMP '2024-12-31 16:30', NULL,
  TIMESTAMP '2025-01-02 03:00', 'resolved', TRUE, FALSE, NULL, TRUE, 4, NULL, NULL, '2024-12', '2025-01', 1, 'main'),
 -- received 01/02/2025 06:00 local (31/01 23:00 UTC): February's
 ('H6', 99, 'x', 'partial_online', 'online', TIMESTAMP '2025-01-31 23:00', NULL,
  NULL, 'received', FALSE, FALSE, FALSE, NULL, NULL, NULL, NULL, '2025-02', NULL, 1, 'main');
"""


def write_dataset(base: Path) -> list[Path]:
    """The records as the product lays them out: one file per (system, year, month)."""
    con = duckdb.connect()
    con.execute(GENERATED)
    con.execute(HAND)
    files = []
    for system, month in con.execute("SELECT DISTINCT system, received_month FROM records ORDER BY 1, 2").fetchall():
        year, mm = (int(x) for x in month.split("-"))
        directory = dataset.partition_dir("dossiers", system, year, mm, base)
        directory.mkdir(parents=True)
        path = directory / f"{dataset.file_prefix(1)}0.parquet"
        con.execute(f"COPY (SELECT {COLUMNS} FROM records WHERE system = ? AND received_month = ?) "
                    f"TO '{path}' (FORMAT PARQUET)", [system, month])
        files.append(path)
    con.close()
    return files


@pytest.fixture(scope="module")
def spark():
    yield session("local[2]")
    stop()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, list[Path]]:
    base = tmp_path_factory.mktemp("datasets")
    return base, write_dataset(base)


def flows(row) -> dict[str, int]:
    return dict(zip(dataset.FLOWS["dossiers"], row[3:], strict=True))


def test_spark_and_duckdb_agree_on_every_figure(spark, files) -> None:
    base, paths = files
    assert len(paths) == 8  # 2 systems × 4 local months (12/2024 – 03/2025)
    by_duckdb = monthly_summary_duckdb("dossiers", paths)
    by_spark = monthly_summary_spark("dossiers", paths, base, spark)
    assert differences(by_duckdb, by_spark, "dossiers") == []
    assert by_spark == by_duckdb
    # Both saw every dossier: received adds up to the 3.006 written, resolved to those resolved.
    received = sum(flows(r)["received"] for r in by_spark)
    resolved = sum(flows(r)["resolved"] for r in by_spark)
    assert (received, resolved) == (3006, 1800 + 3)
    # By service level (mức độ 4 / 3 / 2), every month adds up to received and to resolved.
    for r in by_spark:
        f = flows(r)
        assert f["received"] == f["received_full_online"] + f["received_partial_online"] + f["received_offline"]
        assert f["resolved"] == f["resolved_full_online"] + f["resolved_partial_online"] + f["resolved_offline"]
    assert sum(flows(r)["received_offline"] for r in by_spark) == 1000 + 1  # i % 3 == 2, and H3
    assert len({(r[0], r[1]) for r in by_spark}) == 2 * 7 + 1  # 7 units in each system, and unit 99


def test_the_hand_made_unit_is_counted_by_its_local_months(spark, files) -> None:
    base, paths = files
    rows = {r[2]: flows(r) for r in monthly_summary_spark("dossiers", paths, base, spark) if r[1] == 99}
    assert sorted(rows) == ["2024-12", "2025-01", "2025-02"]
    january = rows["2025-01"]
    # Received in January: H1–H4 (H5 is December's, H6 February's by local time); H4 rejected.
    assert (january["received"], january["ineligible"]) == (4, 1)
    assert (january["online_eligible"], january["online"]) == (2, 1)  # H1, H2; H1 online
    assert (january["payment_known"], january["paid_online"]) == (2, 1)  # H1 Có, H2 Không (H4 rejected)
    assert (january["reuse_known"], january["reused_digitised"]) == (2, 1)  # H1 Có, H3 Không
    # Resolved in January: H1 (on time), H2 (late), H5 (no deadline: on time).
    assert (january["resolved"], january["resolved_on_time"], january["e_result"]) == (3, 2, 2)
    assert (january["publication_known"], january["published_on_time"]) == (2, 2)  # H1, H5
    assert (january["satisfaction_rated"], january["satisfaction_sum"], january["satisfied"]) == (3, 12, 2)
    assert (january["received_commune"], january["received_province"], january["resolved_commune"]) == (2, 1, 2)
    # By service level: received H1 H4 · H2 · H3; resolved H1 H5 · H2 · none.
    assert (january["received_full_online"], january["received_partial_online"], january["received_offline"]) == (
        2, 1, 1)
    assert (january["resolved_full_online"], january["resolved_partial_online"], january["resolved_offline"]) == (
        2, 1, 0)
    assert (rows["2024-12"]["received"], rows["2024-12"]["resolved"]) == (1, 0)
    assert (rows["2025-02"]["received"], rows["2025-02"]["online"]) == (1, 1)


def test_an_empty_dataset_is_no_rows_on_both(spark, tmp_path) -> None:
    assert monthly_summary_spark("dossiers", [], tmp_path, spark) == []
    assert monthly_summary_duckdb("dossiers", []) == []



def metrics(source: str, period: str, engine: str) -> list[dict]:
    out = StringIO()
    call_command("metrics", "--source", source, "--period", period, "--format", "json", "--engine", engine,
                 stdout=out)
    return json.loads(out.getvalue())["metrics"]


def test_chiso_metrics_on_spark_prints_what_the_stored_summary_gives(spark, world, tmp_path) -> None:
    # Imported the ordinary way: the importer writes the dataset and the summary (DuckDB).
    call_command("ingest_dossiers", str(write_csv(tmp_path / "igate.csv", EXPORT, header=VI_HEADER)),
                 "--no-progress", stdout=StringIO())
    documents = [[f"VB{i}", "AG-STTTT", "outgoing" if i % 3 else "incoming", f"2025-0{1 + i % 2}-1{i % 9} 09:00",
                  "Có" if i % 2 else "Không", "Có" if i % 4 else "", "Có" if i == 7 else ""] for i in range(12)]
    call_command("ingest_documents", str(write_csv(tmp_path / "ioffice.csv", documents, header=DOCUMENT_HEADER)),
                 "--no-progress", stdout=StringIO())
    for source in ("dossiers", "documents"):
        for period in ("2025-02", "2025-Q1"):
            stored = metrics(source, period, "database")
            assert stored, (source, period)
            assert metrics(source, period, "spark") == stored, (source, period)
            assert metrics(source, period, "duckdb") == stored, (source, period)
    # The sở of the 766 test, January 2025 (worked by hand there): 11 received, 1 rejected,
    # 8 resolved, 6 on time, payment 4 of 8 known, satisfied 4 of 5 rated.
    so = {r["name"]: r["value"] for r in metrics("dossiers", "2025-01", "spark") if r["unit"] == "AG-STTTT"}
    assert (so["received"], so["ineligible"], so["resolved"], so["resolved_on_time"]) == (11, 1, 8, 6)
    assert (so["paid_online"], so["payment_known"], so["satisfied"], so["satisfaction_rated"]) == (4, 8, 4, 5)
    assert so["pending"] == 2
    assert so["received"] == so["received_full_online"] + so["received_partial_online"] + so["received_offline"]
    assert so["resolved"] == so["resolved_full_online"] + so["resolved_partial_online"] + so["resolved_offline"]
