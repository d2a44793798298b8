"""kill -9 during an import, at each phase: the dataset and the database still agree, a re-run works.

Each case runs the real ``chiso`` console script on its own database (a SQLite file, or a scratch
PostgreSQL database when the run uses PostgreSQL: ``chiso.ops.tests.sites``) and media directory:
a first export is imported, then a corrected one is started and stopped with SIGKILL at a
phase boundary (``CHISO_INGEST_PAUSE``, honoured only in test mode). Before the batch's
transaction commits (``staged``, ``summary``) the figures must be the first export's; once it
has committed (``committed``, ``published``) the corrected one's. ``chiso dataset_check``
must then find (and, where files were left behind, repair) a consistent dataset, and running
the corrected import again must finish with the corrected figures.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from chiso.ingest.importer import PHASES
from chiso.ops.tests.sites import new_site

from .exports import dossier, write_csv

V1 = [dossier("A"), dossier("B", received="2024-12-20 08:00"),
      dossier("C", status="resolved", resolved="2025-01-12 09:00")]
# Corrected: A resolved late (moves nothing), B's date moves it into January, D is new.
V2 = [dossier("A", status="resolved", resolved="2025-01-25 09:00"), dossier("B", received="2025-01-03 08:00"),
      dossier("C", status="resolved", resolved="2025-01-12 09:00"), dossier("D", received="2025-02-02 08:00")]
UNIT = "AG-STTTT"




def _chiso(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chiso.cli", *args], env=env, capture_output=True, text=True,
                          check=check, timeout=120)


def _metrics(env: dict, period: str) -> dict:
    out = json.loads(_chiso(env, "metrics", "--source", "dossiers", "--period", period, "--format", "json").stdout)
    return {r["name"]: r["value"] for r in out["metrics"] if r["unit"] == UNIT}


def _figures(env: dict) -> tuple:
    jan, feb = _metrics(env, "2025-01"), _metrics(env, "2025-02")
    return (jan["carried_over"], jan["received"], jan["resolved"], jan["resolved_late"], jan["pending"],
            feb["received"])


FIRST = (1, 2, 1, 0, 2, 0)  # B carried over from December; A, C received; C resolved
CORRECTED = (0, 3, 2, 1, 1, 1)  # A, B, C received; A (late) and C resolved; D in February


@pytest.fixture
def site(tmp_path):
    """A migrated installation with the test unit; test mode, so the import honours the pause."""
    site = new_site(tmp_path)
    site.env["CHISO_TESTING"] = "true"
    _chiso(site.env, "migrate", "-v", "0", "--skip-checks")
    _chiso(site.env, "shell", "-c", "from chiso.units.models import Unit; "
                                    f"Unit.objects.create(code='{UNIT}', name='Sở TTTT', level='province')")
    yield site
    site.drop()


@pytest.mark.parametrize("phase", PHASES)
def test_a_killed_import_leaves_the_dataset_and_database_agreeing(phase, site, tmp_path):
    env = site.env
    _chiso(env, "ingest_dossiers", str(write_csv(tmp_path / "v1.csv", V1)), "--no-progress")
    assert _figures(env) == FIRST
    marker = tmp_path / "paused"
    v2 = write_csv(tmp_path / "v2.csv", V2)
    proc = subprocess.Popen([sys.executable, "-m", "chiso.cli", "ingest_dossiers", str(v2), "--no-progress"],
                            env={**env, "CHISO_INGEST_PAUSE": phase, "CHISO_INGEST_PAUSE_FILE": str(marker)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, "the import ended before reaching the phase"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    committed = phase in ("committed", "published")
    datasets = site.media / "datasets"
    if phase in ("staged", "summary", "committed"):
        assert any((datasets / ".chiso-staging").rglob("*.parquet"))  # the kill left files behind
    check = json.loads(_chiso(env, "dataset_check", "--format", "json").stdout)
    assert check["ok"] and not check["missing"] and not check["summary_mismatches"]
    if phase in ("staged", "summary"):
        assert check["removed"] and not check["published"]  # the uncommitted batch's files go
    if phase == "committed":
        assert check["published"]  # the committed batch's files are moved into place
    assert not (datasets / ".chiso-staging").exists() or not any((datasets / ".chiso-staging").rglob("*.parquet"))
    assert _figures(env) == (CORRECTED if committed else FIRST)
    again = json.loads(_chiso(env, "dataset_check", "--format", "json").stdout)
    assert again["ok"] and not again["published"] and not again["removed"]
    # Running the corrected import again finishes and gives the corrected figures.
    out = _chiso(env, "ingest_dossiers", str(v2), "--no-progress").stdout
    assert ("0 thêm mới, 0 cập nhật, 4 không đổi" in out) if committed else ("1 thêm mới, 2 cập nhật" in out)
    assert _figures(env) == CORRECTED
    assert json.loads(_chiso(env, "dataset_check", "--format", "json").stdout)["ok"]
