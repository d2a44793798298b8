"""Two real instances: this test's database pushes with `chiso push` to a second Chỉ Số over HTTP on 127.0.0.1.

The receiver is a separate process (`chiso serve`, gunicorn, one worker) with its
own SQLite file, its own unit registry (other codes: a national registry's
"TW-89-…") and an administrator's token. The sender is this test's database
(SQLite or PostgreSQL) with the canonical world: commune AG-PT-PL approved,
AG-PT-PT still a draft (left out of the official basis), AG-STTTT's figures
outside any round (official), AG-SNV and the district with nothing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.assessments.evaluation import figures_for
from chiso.assessments.models import STATUS_APPROVED, Submission, Value
from chiso.assessments.serialize import evaluation_to_dict
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.assessments.tests.workflow_world import (
    TEST_FRAMEWORK_YAML,
    VALID_COMMUNE_VALUES,
    put_values,
)
from chiso.results.store import mark_stale
from chiso.units.models import Unit

CHISO = str(Path(sys.executable).with_name("chiso"))

RECEIVER_UNITS = """code,name,level,kind,parent_code
TW-89,Tỉnh An Giang,province,Tỉnh,
TW-89-STTTT,Sở Thông tin và Truyền thông An Giang,province,Sở,TW-89
TW-89-SNV,Sở Nội vụ An Giang,province,Sở,TW-89
TW-89-PT,UBND huyện Phú Tân,district,UBND huyện,TW-89
TW-89-PT-PL,UBND xã Phú Lâm,commune,UBND xã,TW-89-PT
TW-89-PT-PM,UBND thị trấn Phú Mỹ,commune,UBND thị trấn,TW-89-PT
"""

MAPPING = """Mã bên gửi,Mã bên nhận
AG-STTTT,TW-89-STTTT
AG-SNV,TW-89-SNV
AG-PT,TW-89-PT
AG-PT-PL,TW-89-PT-PL
AG-PT-PT,TW-89-PT-PM
"""

SETUP = r"""
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from chiso.accounts.models import ROLE_ADMIN, Profile
from chiso.api.models import ApiToken
call_command("migrate", "--noinput", verbosity=0)
call_command("load_frameworks", sys.argv[1], verbosity=0)
call_command("import_units", sys.argv[2], verbosity=0)
user = get_user_model().objects.create_user("bo.khcn", password="Chiso-Kiem-Thu-2025")
Profile.objects.create(user=user, role=ROLE_ADMIN)
_token, raw = ApiToken.issue(user, label="nhận số liệu tỉnh An Giang")
print(raw)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, log: Path, timeout: float = 25.0) -> None:
    """Until the port accepts a connection (or the server died, or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the receiver stopped: {log.read_text(encoding='utf-8', errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the receiver did not listen on 127.0.0.1:{port} within {timeout} s")


@pytest.fixture
def receiver(tmp_path_factory):
    """(base URL, administrator's token) of a second instance with its own SQLite file."""
    root = tmp_path_factory.mktemp("noi-nhan")
    (root / "fw.yaml").write_text(TEST_FRAMEWORK_YAML, encoding="utf-8")
    (root / "units.csv").write_text(RECEIVER_UNITS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "CHISO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "chiso.settings", "DEBUG": "true", "TASKS_BACKEND": "immediate",
                "DATABASE_URL": f"sqlite:///{root / 'noi-nhan.sqlite3'}", "CHISO_VAR_DIR": str(root / "var"),
                "CHISO_MEDIA_ROOT": str(root / "media"), "PYTHONIOENCODING": "utf-8",
                "CHISO_PROVINCE_NAME": "Bộ Khoa học và Công nghệ"})
    done = subprocess.run([sys.executable, "-c", SETUP, str(root / "fw.yaml"), str(root / "units.csv")],
                          env=env, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    port = _free_port()
    log = root / "serve.log"  # a file, not a pipe: a full pipe would block the server
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen([CHISO, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"], env=env,
                                cwd=root, stdout=subprocess.DEVNULL, stderr=sink)
    try:
        _wait_for(port, proc, log)
        yield f"http://127.0.0.1:{port}", token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _get(base: str, token: str, path: str) -> dict | list:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _push(capsys, base: str, token: str, mapping: Path, *extra: str) -> dict:
    call_command("push", "--to", base, "--token", token, "--framework", "web-thu-nghiem", "--period", "2025",
                 "--unit", "AG", "--mapping", str(mapping), "--from", "Sở KH&CN An Giang", "--format", "json", *extra)
    return json.loads(capsys.readouterr().out)


def _verdicts(doc: dict, codes: dict[str, str]) -> dict[str, tuple]:
    """receiver code → (status, met, applicable, [(indicator, status, value)]) of the units in ``codes``."""
    out = {}
    for unit in doc["units"]:
        if unit["unit"] in codes:
            out[codes[unit["unit"]]] = (unit["status"], unit["met"], unit["applicable"],
                                        [(i["code"], i["status"], i["value"]) for i in unit["indicators"]])
    return out


def test_one_instance_pushes_to_another_and_the_receiver_holds_the_senders_official_results(
        world, test_framework, own_submission, other_submission, receiver, tmp_path, capsys):
    base, token = receiver
    put_values(own_submission, VALID_COMMUNE_VALUES)
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_APPROVED)
    put_values(other_submission, {"1.numerator": Decimal(5), "1.denominator": Decimal(10)})  # a draft: left out
    for element, number in {"1.numerator": 10, "1.denominator": 100, "2.value": 1,
                            "3.numerator": 95, "3.denominator": 100}.items():
        Value.objects.create(framework=test_framework, unit=world.agency_a, period="2025", element=element,
                             number=Decimal(number), source="import")
    mark_stale(test_framework.pk, "2025", schedule=False)
    mapping = tmp_path / "ma-don-vi.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    sender = evaluation_to_dict(figures_for(test_framework, "2025",
                                            units=Unit.objects.subtree_of(world.province)).evaluation)
    assert [(u["unit"], u["status"], u["met"]) for u in sender["units"]] == [
        ("AG-PT", "not_reported", 0), ("AG-PT-PL", "complete", 4), ("AG-PT-PT", "not_reported", 0),
        ("AG-SNV", "not_reported", 0), ("AG-STTTT", "incomplete", 2)]

    # A dry run: the receiver checks everything and writes nothing.
    trial = _push(capsys, base, token, mapping, "--dry-run")
    assert (trial["status"], trial["dry_run"], trial["counts"]) == (
        "OK", True, {"units": 5, "created": 13, "updated": 0, "deleted": 0, "unchanged": 0})
    assert _get(base, token, "/api/v1/pushes?framework=web-thu-nghiem&period=2025") == []

    first = _push(capsys, base, token, mapping)
    assert (first["status"], first["counts"], first["conflicts"]) == (
        "OK", {"units": 5, "created": 13, "updated": 0, "deleted": 0, "unchanged": 0}, [])
    assert first["check"]["matches"] is True
    receipt, digest = first["receipt"], first["payload_hash"]
    assert receipt is not None and len(digest) == 64

    # The receiver's own official evaluation equals the sender's, unit by unit and in the summary.
    here = _get(base, token, "/api/v1/evaluations?framework=web-thu-nghiem&period=2025&parent=TW-89-PT")
    codes = {"TW-89-PT-PL": "AG-PT-PL", "TW-89-PT-PM": "AG-PT-PT"}
    assert _verdicts(here, codes) == _verdicts(sender, {c: c for c in codes.values()})
    everything = _get(base, token, "/api/v1/evaluations?framework=web-thu-nghiem&period=2025")
    receiver_codes = {"TW-89-STTTT": "AG-STTTT", "TW-89-SNV": "AG-SNV", "TW-89-PT": "AG-PT", **codes}
    assert _verdicts(everything, receiver_codes) == _verdicts(sender, {c: c for c in receiver_codes.values()})
    assert everything["summary"] == sender["summary"]
    assert [(i["code"], i["value"]) for i in everything["units"][-1]["indicators"] if i["code"] == "1"] == [
        ("1", 0.1)]  # TW-89-STTTT: 10 / 100

    # Where each figure came from, and when.
    origin = _get(base, token, "/api/v1/pushes?framework=web-thu-nghiem&period=2025")
    assert sorted((r["unit"], r["sender_unit"], r["instance"], r["basis"], r["receipt"], r["figures"], r["status"])
                  for r in origin) == [
        ("TW-89-PT", "AG-PT", "Sở KH&CN An Giang", "official", receipt, 0, "not_reported"),
        ("TW-89-PT-PL", "AG-PT-PL", "Sở KH&CN An Giang", "official", receipt, 8, "complete"),
        ("TW-89-PT-PM", "AG-PT-PT", "Sở KH&CN An Giang", "official", receipt, 0, "not_reported"),
        ("TW-89-SNV", "AG-SNV", "Sở KH&CN An Giang", "official", receipt, 0, "not_reported"),
        ("TW-89-STTTT", "AG-STTTT", "Sở KH&CN An Giang", "official", receipt, 5, "incomplete")]
    assert {r["payload_hash"] for r in origin} == {digest}

    # The same data again changes nothing and leaves no new receipt.
    again = _push(capsys, base, token, mapping)
    assert (again["status"], again["counts"], again["receipt"], again["payload_hash"]) == (
        "OK", {"units": 5, "created": 0, "updated": 0, "deleted": 0, "unchanged": 13}, None, digest)

    # An unknown code in the mapping: everything refused, nothing changed there, the code listed.
    Value.objects.filter(unit=world.agency_a, element="1.numerator").update(number=60)
    mark_stale(test_framework.pk, "2025", schedule=False)
    bad = tmp_path / "ma-sai.csv"
    bad.write_text(MAPPING.replace("TW-89-SNV", "TW-89-XX"), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        _push(capsys, base, token, bad)
    doc = json.loads(capsys.readouterr().out)
    assert (doc["status"], doc["unknown"], doc["counts"]["created"] + doc["counts"]["updated"]) == (
        "ERROR", ["TW-89-XX"], 0)
    assert doc["conflicts"] == [{"file": "ma-sai.csv", "row": 3, "column": "Mã bên nhận", "value": "TW-89-XX",
                                 "code": "E_UNIT_UNKNOWN", "message": "không có đơn vị mã 'TW-89-XX' ở nơi nhận"}]
    assert "ma-sai.csv, dòng 3, cột Mã bên nhận: [E_UNIT_UNKNOWN]" in str(refused.value)
    after = _get(base, token, "/api/v1/evaluations?framework=web-thu-nghiem&period=2025&unit=TW-89-STTTT")
    assert [(i["code"], i["value"]) for i in after["units"][0]["indicators"] if i["code"] == "1"] == [("1", 0.1)]

    # A wrong token: 401, said so.
    with pytest.raises(CommandError, match=r"từ chối mã truy cập \(401\): Mã truy cập API không đúng"):
        _push(capsys, base, token + "x", mapping)
