"""`chiso verify_media`: every evidence file against the SHA-256 and size stored at upload."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import PNG_BYTES, add_evidence


def verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_media", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def on_disk(evidence) -> Path:
    return Path(django_settings.MEDIA_ROOT) / evidence.file.name


def test_intact_files_pass(world, own_submission, other_submission):
    add_evidence(own_submission, "1")
    add_evidence(other_submission, "2")
    code, out = verify()
    assert code == 0
    assert out.strip() == "Đã kiểm tra 2 tệp minh chứng: tất cả khớp mã SHA-256."


def test_altered_resized_and_missing_files_are_named_and_the_exit_code_is_not_zero(
        world, own_submission, other_submission):
    intact = add_evidence(own_submission, "1")
    altered = add_evidence(own_submission, "2")
    resized = add_evidence(other_submission, "3")
    missing = add_evidence(other_submission, "4")
    data = on_disk(altered).read_bytes()
    on_disk(altered).write_bytes(data.replace(b"1.4", b"1.7"))  # same size, other content
    on_disk(resized).write_bytes(PNG_BYTES)
    on_disk(missing).unlink()

    code, out = verify()
    assert code == 1
    lines = out.strip().splitlines()
    assert lines == [
        f"Minh chứng #{altered.pk} “bien-ban.pdf” (đơn vị AG-PT-PL, chỉ tiêu 2): mã SHA-256 không khớp "
        f"(tệp đã bị thay đổi) — {altered.file.name}",
        f"Minh chứng #{resized.pk} “bien-ban.pdf” (đơn vị AG-PT-PT, chỉ tiêu 3): kích thước khác với lúc "
        f"tải lên ({len(PNG_BYTES)} byte, lúc tải lên {resized.size} byte) — {resized.file.name}",
        f"Minh chứng #{missing.pk} “bien-ban.pdf” (đơn vị AG-PT-PT, chỉ tiêu 4): thiếu tệp — {missing.file.name}",
        "3/4 tệp minh chứng có lỗi.",
    ]
    assert f"#{intact.pk} “" not in out


def test_the_json_report_lists_each_failure(world, own_submission):
    add_evidence(own_submission, "1")
    gone = add_evidence(own_submission, "2")
    on_disk(gone).unlink()
    code, out = verify("--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["checked"] == 2 and report["ok"] == 1
    assert report["failed"] == [{
        "id": gone.pk, "file": gone.file.name, "original_name": "bien-ban.pdf", "unit": "AG-PT-PL",
        "indicator": "2", "problem": "missing", "detail": "thiếu tệp",
    }]


@pytest.mark.django_db
def test_no_evidence_at_all_passes_in_json_too():
    code, out = verify("--format", "json")
    assert code == 0
    assert json.loads(out) == {"checked": 0, "ok": 0, "failed": []}
