"""`chiso backup` carries the records dataset with the database; `chiso restore` gives the same figures."""

from __future__ import annotations

import json
import tarfile

import pytest

from chiso.ops.tests.sites import new_site

from .exports import dossier, write_csv

METRICS = ("metrics", "--source", "dossiers", "--period", "2025-Q1", "--format", "json")


@pytest.fixture
def sites(tmp_path):
    source, target = new_site(tmp_path / "nguon"), new_site(tmp_path / "dich")
    yield source, target
    source.drop()
    target.drop()


def test_a_backup_holds_the_dataset_and_a_restore_gives_the_same_metrics(sites, tmp_path):
    source, target = sites
    source.ok("migrate", "--noinput", "-v", "0", "--skip-checks")
    source.ok("shell", "-c", "from chiso.units.models import Unit; "
                             "Unit.objects.create(code='AG-STTTT', name='Sở TTTT', level='province')")
    rows = [dossier("A"), dossier("B", received="2025-02-03 08:00", status="resolved",
                                  resolved="2025-02-04 09:00"), dossier("C", received="2024-12-30 08:00")]
    source.ok("ingest_dossiers", str(write_csv(tmp_path / "ho-so.csv", rows)), "--no-progress")
    before = source.ok(*METRICS)
    assert {r["name"]: r["value"] for r in json.loads(before)["metrics"]}["carried_over"] == 1
    archive = tmp_path / "sao-luu.tar.gz"
    source.ok("backup", "-o", str(archive))
    with tarfile.open(archive) as tar:
        names = [m.name for m in tar if m.isfile()]
    parquet = sorted(n for n in names if n.endswith(".parquet"))
    assert [n.rsplit("/", 1)[0] for n in parquet] == [
        "media/datasets/dossiers/system=main/year=2024/month=12",
        "media/datasets/dossiers/system=main/year=2025/month=01",
        "media/datasets/dossiers/system=main/year=2025/month=02"]
    assert not any(".chiso-" in n for n in names)  # no staging
    target.ok("restore", str(archive))
    assert target.ok(*METRICS) == before
    check = json.loads(target.ok("dataset_check", "--format", "json"))
    assert check["ok"] and check["partitions"] == 3 and not check["removed"] and not check["published"]
