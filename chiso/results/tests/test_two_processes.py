"""Two processes agree on what is current: the revision lives in the database, not in a clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from chiso.assessments.tests.workflow_world import TEST_FRAMEWORK_YAML

READER = r"""
import json, sys
import django
django.setup()
from chiso.assessments.evaluation import figures_for
from chiso.frameworks.models import Framework
fw = Framework.objects.get(code="web-thu-nghiem")
for line in sys.stdin:  # one read per line the test sends; the process (and its memory) lives on
    f = figures_for(fw, "2025", basis="official")
    r = f.evaluation.result("X-1")
    print(json.dumps({"revision": f.revision, "status": r.status, "met": r.met}), flush=True)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CHISO_TESTING"}}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CHISO_VAR_DIR": str(tmp_path),
                "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "chiso.settings", "PYTHONIOENCODING": "utf-8"})
    return env


def chiso(tmp_path: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "django", *args], env=_env(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_long_lived_process_sees_another_process_write(tmp_path):
    chiso(tmp_path, "migrate", "--noinput", "-v", "0")
    (tmp_path / "fw.yaml").write_text(TEST_FRAMEWORK_YAML, encoding="utf-8")
    chiso(tmp_path, "load_frameworks", str(tmp_path / "fw.yaml"))
    (tmp_path / "units.csv").write_text("code,name,level,parent\nX,Tỉnh X,province,\nX-1,Sở Một,province,X\n",
                                        encoding="utf-8")
    chiso(tmp_path, "import_units", str(tmp_path / "units.csv"))
    first = tmp_path / "a.csv"
    first.write_text("unit,period,element,value\nX-1,2025,3.numerator,10\nX-1,2025,3.denominator,100\n",
                     encoding="utf-8")
    chiso(tmp_path, "import_values", str(first), "--framework", "web-thu-nghiem")

    reader = subprocess.Popen([sys.executable, "-c", READER], env=_env(tmp_path), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        reader.stdin.write("\n")
        reader.stdin.flush()
        before = json.loads(reader.stdout.readline())
        second = tmp_path / "b.csv"
        second.write_text("unit,period,element,value\nX-1,2025,3.numerator,95\n", encoding="utf-8")
        chiso(tmp_path, "import_values", str(second), "--framework", "web-thu-nghiem")
        reader.stdin.write("\n")
        reader.stdin.flush()
        after = json.loads(reader.stdout.readline())
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    assert after["revision"] == before["revision"] + 1
    assert before["met"] + 1 == after["met"]  # indicator 3 (90% for a provincial agency) now met
