"""`chiso backup` / `chiso restore`: a demo province survives the round trip byte for byte.

Every test drives the installed ``chiso`` script in its own processes on its own databases
(SQLite files, or scratch PostgreSQL databases when the run uses PostgreSQL — see ``sites``).
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from chiso.ops.backup import BackupError, _pg_tool, check_target, size_label
from chiso.ops.tests.sites import Site, new_site

EVALUATE = ("evaluate", "--framework", "ag-cqdt-2021", "--period", "2024", "--format", "json")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
ADD_EVIDENCE = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from chiso.assessments.evidence import store_evidence
from chiso.assessments.models import Submission
first, second = Submission.objects.order_by("pk")[:2]
store_evidence(first, SimpleUploadedFile("bien-ban.pdf", {PDF!r}), None, "1")
store_evidence(second, SimpleUploadedFile("ảnh chụp cổng.png", {PNG!r}), None, "2")
"""


def media_files(site: Site) -> dict[str, bytes]:
    return {p.relative_to(site.media).as_posix(): p.read_bytes()
            for p in sorted(site.media.rglob("*")) if p.is_file()} if site.media.exists() else {}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A demo province with two evidence files and an uploaded export, its evaluation and a backup."""
    site = new_site(tmp_path_factory.mktemp("backup"))
    site.ok("migrate", "--noinput", "-v", "0", "--skip-checks")
    site.ok("load_frameworks")
    site.ok("load_demo")
    site.ok("shell", "-c", ADD_EVIDENCE)
    (site.media / "ingest-uploads").mkdir(parents=True)
    (site.media / "ingest-uploads" / "ho-so.csv").write_text("mã hồ sơ,đơn vị\nA1,AG\n", encoding="utf-8")
    site.evaluation = site.ok(*EVALUATE)
    archive = site.root / "sao-luu.tar.gz"
    site.backup_output = site.ok("backup", "-o", str(archive))
    site.archive = archive
    yield site
    site.drop()


@pytest.fixture
def target(tmp_path):
    site = new_site(tmp_path)
    yield site
    site.drop()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def rewrite(archive: Path, out: Path, change: dict[str, bytes], *, fix_manifest: bool) -> Path:
    """A copy of ``archive`` with some members replaced; with ``fix_manifest`` the manifest's hashes
    are updated too (an archive that is consistent but whose content is bad)."""
    content = members(archive)
    content.update(change)
    manifest = json.loads(content["manifest.json"])
    if fix_manifest:
        for entry in manifest["members"]:
            data = content[entry["path"]]
            entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
        content["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(out, "w:gz") as tar:
        for name, data in content.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def test_the_archive_holds_the_database_the_files_and_a_manifest_of_their_hashes(source):
    content = members(source.archive)
    manifest = json.loads(content["manifest.json"])
    vendor = "postgresql" if source.pg_name else "sqlite"
    assert manifest["format"] == "chiso-backup"
    assert manifest["database"]["vendor"] == vendor
    assert manifest["app_version"] == "0.1.0"
    assert "0001_initial" in manifest["migrations"]["assessments"]
    assert datetime.fromisoformat(manifest["created_at"]).utcoffset() is not None
    listed = {m["path"]: m for m in manifest["members"]}
    assert set(listed) == set(content) - {"manifest.json"}
    for name, data in content.items():
        if name != "manifest.json":
            assert listed[name] == {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert {"database/chiso.pgdump" if source.pg_name else "database/chiso.sqlite3",
            "media/ingest-uploads/ho-so.csv"} <= set(content)
    # the two evidence files, byte for byte, under their stored names
    assert {"media/" + k: v for k, v in media_files(source).items()} == {
        k: v for k, v in content.items() if k.startswith("media/")}
    assert sorted(v for k, v in content.items() if k.startswith("media/evidence/")) == sorted([PDF, PNG])
    assert manifest["evidence"] == {"count": 2, "missing": [], "mismatched": []}
    assert source.backup_output.startswith(f"Đã sao lưu vào {source.archive}: CSDL ")
    assert "3 tệp (" in source.backup_output


@pytest.mark.parametrize("migrated", [False, True], ids=["empty-database", "freshly-migrated-database"])
def test_a_restore_into_a_fresh_database_gives_byte_identical_evaluations(source, target, migrated):
    if migrated:  # and an empty media folder already there, as a new installation leaves it
        target.ok("migrate", "--noinput", "-v", "0", "--skip-checks")
        (target.media / "evidence").mkdir(parents=True)
    out = target.ok("restore", str(source.archive))
    assert "Đã khôi phục bản sao lưu ngày " in out
    assert "3 tệp" in out and "mọi mã SHA-256 đều khớp" in out
    after = target.ok(*EVALUATE)
    assert after.encode() == source.evaluation.encode()
    units = json.loads(after)["units"]  # a real evaluation, not two empty ones
    assert len(units) >= 50 and sum(u["met"] for u in units) > 100
    assert media_files(target) == media_files(source)
    checked = target.run("verify_media")
    assert checked.returncode == 0, checked.stdout
    assert "Đã kiểm tra 2 tệp minh chứng: tất cả khớp mã SHA-256." in checked.stdout
    # the restored site is a working site: nothing pending, the same rows
    assert "[ ]" not in target.ok("showmigrations")
    assert target.tables()["assessments_value"] == source.tables()["assessments_value"]


def test_a_database_with_data_is_refused_and_left_as_it_was(source):
    before_tables, before_files = source.tables(), media_files(source)
    done = source.run("restore", str(source.archive))
    assert done.returncode != 0
    assert "CSDL đích đã có dữ liệu (bảng " in done.stderr
    assert "chỉ khôi phục vào CSDL trống" in done.stderr
    assert "Không thay đổi gì." in done.stderr
    assert source.tables() == before_tables
    assert media_files(source) == before_files


def test_a_target_migrated_further_than_the_backup(source, target):
    """PostgreSQL keeps the target's schema beside the restored tables, so a target migrated past the
    backup is refused; SQLite's database is replaced whole, so the restore goes ahead there."""
    target.ok("migrate", "--noinput", "-v", "0", "--skip-checks")
    target.ok("shell", "-c", "from django.db.migrations.recorder import MigrationRecorder\n"
                             "MigrationRecorder.Migration.objects.create(app='ops', name='0001_tuong_lai')")
    done = target.run("restore", str(source.archive))
    if target.pg_name:
        assert done.returncode != 0
        assert "CSDL đích đã được migrate tới phiên bản mới hơn bản sao lưu (ops.0001_tuong_lai)" in done.stderr
        assert target.tables()["assessments_value"] == 0
        assert media_files(target) == {}
    else:
        assert done.returncode == 0, done.stderr
        assert target.ok(*EVALUATE) == source.evaluation
        with sqlite3.connect(target.sqlite_file) as conn:
            assert conn.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'ops'").fetchone() == (0,)


def test_a_non_empty_media_folder_is_refused_before_the_database_is_touched(source, target):
    (target.media / "evidence").mkdir(parents=True)
    (target.media / "evidence" / "cu.pdf").write_bytes(PDF)
    done = target.run("restore", str(source.archive))
    assert done.returncode != 0
    assert f"Thư mục tệp {target.media} (CHISO_MEDIA_ROOT) đã có 1 tệp" in done.stderr
    assert target.tables() == {}
    assert media_files(target) == {"evidence/cu.pdf": PDF}


def test_an_altered_file_is_refused_before_anything_is_touched(source, target, tmp_path):
    evidence = next(n for n in members(source.archive) if n.startswith("media/evidence/") and n.endswith(".pdf"))
    bad = rewrite(source.archive, tmp_path / "sua.tar.gz", {evidence: PDF.replace(b"1.4", b"1.5")},
                  fix_manifest=False)
    done = target.run("restore", str(bad))
    assert done.returncode != 0
    assert f"Bản sao lưu {bad} không toàn vẹn (1 lỗi); không thay đổi gì:" in done.stderr
    assert f"{evidence}: mã SHA-256 không khớp manifest (tệp đã bị thay đổi)" in done.stderr
    assert target.tables() == {}
    assert not target.media.exists()
    assert not target.sqlite_file.exists()
    assert [p.name for p in target.root.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_a_truncated_archive_is_refused_in_vietnamese(source, target, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(source.archive.read_bytes()[: source.archive.stat().st_size // 2])
    done = target.run("restore", str(cut))
    assert done.returncode != 0
    assert "hỏng (bị cắt cụt hoặc sai định dạng) hoặc không phải bản sao lưu của Chỉ Số" in done.stderr
    assert target.tables() == {} and not target.media.exists()


def test_a_database_that_fails_to_restore_leaves_the_target_as_it_was(source, target, tmp_path):
    """The hashes match but the database copy itself is unusable: the files already moved into
    place are moved back, and the database keeps no half-restored table."""
    db_member = "database/chiso.pgdump" if source.pg_name else "database/chiso.sqlite3"
    bad = rewrite(source.archive, tmp_path / "hong.tar.gz", {db_member: b"khong phai CSDL" * 100},
                  fix_manifest=True)
    target.ok("migrate", "--noinput", "-v", "0", "--skip-checks")
    (target.media / "evidence").mkdir(parents=True)
    before = target.tables()
    done = target.run("restore", str(bad))
    assert done.returncode != 0
    assert "CSDL đích giữ nguyên" in done.stderr
    assert target.tables() == before
    assert [p.relative_to(target.media).as_posix() for p in target.media.rglob("*")] == ["evidence"]
    assert [p.name for p in target.root.iterdir() if p.name.startswith(".")] == []


def test_a_backup_made_by_a_newer_version_is_refused(db):
    manifest = {"database": {"vendor": connection.vendor}, "app_version": "9.0.0",
                "migrations": {"assessments": ["0001_initial", "9999_tuong_lai"]}}
    with pytest.raises(BackupError, match=r"có migration mà phiên bản đang cài \(.*\) chưa có "
                                          r"\(assessments\.9999_tuong_lai\)"):
        check_target(manifest)


def test_a_backup_of_another_database_kind_is_refused(db):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with pytest.raises(BackupError, match="chỉ khôi phục được vào cùng loại CSDL"):
        check_target({"database": {"vendor": other}, "migrations": {}})


def test_a_missing_pg_dump_is_named_with_the_package_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackupError, match=r"Không tìm thấy chương trình pg_dump .* apt-get install postgresql-client"):
        _pg_tool("pg_dump")


def test_a_backup_into_a_missing_folder_is_refused_in_vietnamese(db, tmp_path):
    with pytest.raises(CommandError, match=f"Không có thư mục {tmp_path / 'khong-co'}"):
        call_command("backup", "-o", str(tmp_path / "khong-co" / "sao-luu.tar.gz"))
    assert list(tmp_path.iterdir()) == []


def test_a_backup_inside_the_media_folder_is_refused(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CommandError, match="Không ghi bản sao lưu vào trong CHISO_MEDIA_ROOT"):
        call_command("backup", "-o", str(tmp_path / "sao-luu.tar.gz"))
    assert list(tmp_path.iterdir()) == []


def test_sizes_are_written_the_vietnamese_way():
    assert size_label(512) == "512 byte"
    assert size_label(1946) == "1,9 KB"
    assert size_label(12_900_000) == "12,3 MB"
    assert size_label(3 * 1024**3) == "3 GB"
