"""Backups a province can restore: one archive with the database, the files and a manifest.

Layout of the archive (a gzip-compressed tar, readable with ``tar tzf``):

    database/chiso.sqlite3   SQLite: a consistent copy taken with SQLite's online backup API
    database/chiso.pgdump    PostgreSQL: ``pg_dump -Fc`` (restored with ``pg_restore``)
    media/…                  every file under MEDIA_ROOT (evidence, uploaded exports, the records
                             dataset media/datasets/…, copied with the database under the import lock)
    manifest.json            SHA-256 and size of every member, database vendor, app version,
                             applied migrations, date — written last, read first by ``restore``

Why this shape: the copy is taken while the site runs (neither SQLite's backup API nor
``pg_dump`` blocks writers), every byte can be checked before anything is touched, and a
restore is all-or-nothing — files are staged beside MEDIA_ROOT and renamed into place, the
database is written in one transaction (SQLite's backup API, ``pg_restore --single-transaction``),
and the files are moved back if the database step fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from chiso.engine.numbers import format_int, format_number
from chiso.ingest.dataset import frozen as frozen_dataset
from chiso.ingest.dataset import root as dataset_root

FORMAT = "chiso-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DB_MEMBERS = {"sqlite": "database/chiso.sqlite3", "postgresql": "database/chiso.pgdump"}
# Tables `migrate` fills by itself: a freshly migrated database still counts as empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in Vietnamese."""


@dataclass
class Problem:
    path: str
    detail: str


@dataclass
class RestoreReport:
    manifest: dict
    files: int
    bytes: int
    pending_migrations: list[str] = field(default_factory=list)


def size_label(size: int) -> str:
    """"512 byte", "1,9 KB", "12,3 MB", "2,1 GB" — Vietnamese decimals, never "0 MB"."""
    if size < 1024:
        return f"{format_int(size)} byte"
    for unit, power in (("KB", 1), ("MB", 2), ("GB", 3)):
        if size < 1024 ** (power + 1) or unit == "GB":
            return f"{format_number(Fraction(size, 1024 ** power), decimals=1)} {unit}"
    raise AssertionError("unreachable")


def app_version() -> str:
    try:
        return metadata.version("chiso")
    except metadata.PackageNotFoundError:
        return "0+unknown"


# ---------------------------------------------------------------- database access helpers


def _db_settings(using: str) -> dict:
    return settings.DATABASES[using]


def vendor_of(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in DB_MEMBERS:
        raise BackupError(f"Chưa hỗ trợ sao lưu CSDL loại {vendor} (chỉ SQLite và PostgreSQL).")
    return vendor


def _pg_env(using: str) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore from DATABASES[using] (the password never on argv)."""
    db = _db_settings(using)
    env = dict(os.environ)
    for key, var in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                     ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        if db.get("OPTIONS", {}).get(key):
            env[var] = str(db["OPTIONS"][key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Không tìm thấy chương trình {name} của PostgreSQL trên máy này. Cài gói postgresql-client "
            f"cùng phiên bản với máy chủ CSDL (Debian/Ubuntu: apt-get install postgresql-client) rồi chạy lại."
        )
    return path


def _run_pg(argv: list[str], using: str, what: str) -> None:
    done = subprocess.run(argv, env=_pg_env(using), capture_output=True, text=True)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-5:]
        raise BackupError(f"{what} thất bại (mã {done.returncode}): " + " | ".join(detail))


def applied_migrations(using: str = "default") -> dict[str, list[str]]:
    """Applied migrations per app, sorted: what a restore compares with the code it runs."""
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def tables_with_rows(using: str = "default") -> list[str]:
    """Tables that hold data (bookkeeping tables of `migrate` aside): a non-empty list means
    the database is in use and must not be overwritten."""
    connection = connections[using]
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                found.append(table)
    return found


# ---------------------------------------------------------------- backup


class _Hashing:
    """A file object that hashes what tarfile reads from it (one pass over each file)."""

    def __init__(self, fh):
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _dump_database(target: Path, using: str) -> str:
    vendor = vendor_of(using)
    if vendor == "sqlite":
        source = _db_settings(using)["NAME"]
        if not Path(source).exists():
            raise BackupError(f"Không có tệp CSDL {source}.")
        # The online backup API copies a consistent snapshot while other processes keep writing.
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"Bản sao CSDL {source} không toàn vẹn (PRAGMA quick_check).")
        except sqlite3.Error as exc:
            raise BackupError(f"Không chép được CSDL {source} ({exc}). Không có tệp sao lưu nào được tạo.") from exc
        finally:
            dst.close()
            src.close()
    else:
        pg_dump = _pg_tool("pg_dump")
        _run_pg([pg_dump, "--format=custom", "--file", str(target)], using, "pg_dump")
    return vendor


def _media_files(media_root: Path) -> list[tuple[str, Path]]:
    """(member name, path) of every regular file under MEDIA_ROOT, sorted; symlinks are not followed."""
    found = []
    if not media_root.is_dir():
        return found
    for folder, dirs, files in os.walk(media_root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".chiso-"))
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append((MEDIA_PREFIX + path.relative_to(media_root).as_posix(), path))
    return found


def _add(tar: tarfile.TarFile, path: Path, member: str) -> dict:
    with open(path, "rb") as fh:
        info = tar.gettarinfo(arcname=member, fileobj=fh)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o644
        hashing = _Hashing(fh)
        tar.addfile(info, hashing)
    return {"path": member, "size": hashing.size, "sha256": hashing.sha.hexdigest()}


def _evidence_check(members: dict[str, dict], using: str) -> dict:
    """Evidence rows of the copied database against the archived files: missing or altered ones
    are named in the manifest so a province knows before it needs the backup."""
    from chiso.assessments.models import Evidence

    rows = list(Evidence.objects.using(using).values_list("pk", "file", "sha256", "size"))
    missing, mismatched = [], []
    for pk, name, sha, size in rows:
        entry = members.get(MEDIA_PREFIX + name)
        if entry is None:
            missing.append({"id": pk, "file": name})
        elif entry["sha256"] != sha or entry["size"] != size:
            mismatched.append({"id": pk, "file": name})
    return {"count": len(rows), "missing": missing, "mismatched": mismatched}


def create_backup(output: Path, *, using: str = "default") -> dict:
    """Write the archive to ``output`` (atomically: a failed backup leaves no partial file) and
    return its manifest."""
    output = Path(output).absolute()
    if output.is_dir():
        raise BackupError(f"{output} là một thư mục: cần đường dẫn tệp, ví dụ {output / 'chiso.tar.gz'}.")
    if not output.parent.is_dir():
        raise BackupError(f"Không có thư mục {output.parent}.")
    if output.is_relative_to(Path(settings.MEDIA_ROOT).absolute()):
        # each backup would carry the previous ones
        raise BackupError(f"Không ghi bản sao lưu vào trong CHISO_MEDIA_ROOT ({settings.MEDIA_ROOT}): "
                          "chọn thư mục khác, tốt nhất trên ổ hoặc máy khác.")
    try:
        return _create_backup(output, using)
    except OSError as exc:  # disk full, no permission: the temporary files are already gone
        raise BackupError(f"Không ghi được bản sao lưu {output}: {exc.strerror or exc}. "
                          "Không có tệp sao lưu nào được tạo.") from exc


def _create_backup(output: Path, using: str) -> dict:
    media_root = Path(settings.MEDIA_ROOT).absolute()
    vendor = vendor_of(using)
    migrations = applied_migrations(using)
    created = timezone.localtime()
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".chiso-backup-") as staging:
        db_file = Path(staging) / Path(DB_MEMBERS[vendor]).name
        partial = Path(staging) / "archive.tar.gz"
        members: dict[str, dict] = {}
        datasets = dataset_root().absolute()
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT, compresslevel=6) as tar:
            # The records dataset (Parquet, chiso.ingest.dataset) is copied with the database while
            # no import runs, so the archive's files are exactly those its database names.
            with frozen_dataset():
                _dump_database(db_file, using)
                members[DB_MEMBERS[vendor]] = _add(tar, db_file, DB_MEMBERS[vendor])
                for member, path in _media_files(media_root):
                    if path.is_relative_to(datasets):
                        members[member] = _add(tar, path, member)
            for member, path in _media_files(media_root):
                if member not in members and not path.is_relative_to(datasets):
                    members[member] = _add(tar, path, member)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created.isoformat(timespec="seconds"),
                "app_version": app_version(),
                "django_version": django.get_version(),
                "database": {"vendor": vendor, "member": DB_MEMBERS[vendor],
                             "server_version": _server_version(using)},
                "migrations": migrations,
                "media_root": str(media_root),
                "evidence": _evidence_check(members, using),
                "members": list(members.values()),
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o644, int(created.timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    return manifest


def _server_version(using: str) -> str:
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    return str(getattr(connection, "pg_version", ""))


# ---------------------------------------------------------------- reading and checking an archive


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return (not path.is_absolute() and ".." not in path.parts and bool(path.parts)
            and (name == MANIFEST or name in DB_MEMBERS.values() or name.startswith(MEDIA_PREFIX)))


def unpack(archive: Path, workdir: Path) -> dict:
    """Extract ``archive`` into ``workdir`` and check every member against the manifest.

    Raises BackupError naming each problem (missing, extra, altered member) — nothing outside
    ``workdir`` is written, whatever the archive holds."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Không có tệp {archive}.")
    seen: dict[str, dict] = {}
    problems: list[Problem] = []
    manifest_bytes = None
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member(member.name):
                    problems.append(Problem(member.name, "không thuộc bản sao lưu của Chỉ Số"))
                    continue
                if member.name in seen or (member.name == MANIFEST and manifest_bytes is not None):
                    problems.append(Problem(member.name, "xuất hiện hai lần"))
                    continue
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = source.read(16 * 1024 * 1024 + 1)
                    continue
                target = workdir / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                sha, size = hashlib.sha256(), 0
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        sha.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[member.name] = {"sha256": sha.hexdigest(), "size": size}
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise BackupError(f"Không đọc/ghi được khi giải nén {archive}: {exc.strerror}.") from exc
        raise BackupError(f"Tệp {archive} hỏng (bị cắt cụt hoặc sai định dạng) hoặc không phải bản sao lưu "
                          "của Chỉ Số. Không thay đổi gì.") from exc
    if manifest_bytes is None:
        raise BackupError(f"Tệp {archive} không có {MANIFEST}: không phải bản sao lưu của Chỉ Số.")
    try:
        manifest = json.loads(manifest_bytes)
        assert manifest["format"] == FORMAT
        listed = {m["path"]: m for m in manifest["members"]}
        vendor = manifest["database"]["vendor"]
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        raise BackupError(f"{MANIFEST} trong {archive} không đúng định dạng bản sao lưu của Chỉ Số.") from exc
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"Bản sao lưu định dạng {manifest['format_version']} mới hơn phiên bản này "
                          f"(đọc được định dạng {FORMAT_VERSION}): hãy cài Chỉ Số {manifest.get('app_version')}.")
    if DB_MEMBERS.get(vendor) not in listed:
        problems.append(Problem(DB_MEMBERS.get(vendor, "database/"), "thiếu bản sao CSDL"))
    for path, entry in listed.items():
        got = seen.get(path)
        if got is None:
            problems.append(Problem(path, "có trong manifest nhưng thiếu trong tệp sao lưu"))
        elif got["size"] != entry.get("size"):
            problems.append(Problem(path, f"kích thước {format_int(got['size'])} byte, manifest ghi "
                                          f"{format_int(entry.get('size') or 0)} byte"))
        elif got["sha256"] != entry.get("sha256"):
            problems.append(Problem(path, "mã SHA-256 không khớp manifest (tệp đã bị thay đổi)"))
    for path in sorted(set(seen) - set(listed)):
        problems.append(Problem(path, "không có trong manifest"))
    if problems:
        lines = [f"  {p.path}: {p.detail}" for p in problems[:50]]
        more = f"\n  … và {format_int(len(problems) - 50)} lỗi khác" if len(problems) > 50 else ""
        raise BackupError(f"Bản sao lưu {archive} không toàn vẹn ({format_int(len(problems))} lỗi); "
                          "không thay đổi gì:\n" + "\n".join(lines) + more)
    return manifest


# ---------------------------------------------------------------- restore


def _pending_and_unknown(manifest: dict) -> tuple[list[str], list[str]]:
    """Migrations the code has that the backup lacks (run `migrate` after), and migrations the
    backup has that this code does not know (a newer version made it: refuse)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    on_disk = {f"{app}.{name}" for app, name in loader.disk_migrations}
    in_backup = {f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names}
    return sorted(on_disk - in_backup), sorted(in_backup - on_disk)


def _media_in_use(media_root: Path) -> int:
    return len(_media_files(media_root))


def check_target(manifest: dict, *, using: str = "default") -> list[str]:
    """Refuse (BackupError) unless the target database and MEDIA_ROOT are empty and of the
    backup's kind; return the migrations to apply after the restore."""
    vendor = vendor_of(using)
    source_vendor = manifest["database"]["vendor"]
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    if vendor != source_vendor:
        raise BackupError(
            f"Bản sao lưu là CSDL {names.get(source_vendor, source_vendor)}, còn CSDL đích (DATABASE_URL) là "
            f"{names[vendor]}: chỉ khôi phục được vào cùng loại CSDL. Không thay đổi gì.")
    pending, unknown = _pending_and_unknown(manifest)
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(
            f"Bản sao lưu được tạo bởi Chỉ Số {manifest.get('app_version')} có migration mà phiên bản đang cài "
            f"({app_version()}) chưa có ({shown}). Hãy cài phiên bản mới hơn rồi khôi phục. Không thay đổi gì.")
    if vendor == "sqlite" and not Path(_db_settings(using)["NAME"]).exists():
        in_use = []
    else:
        in_use = tables_with_rows(using)
    if in_use:
        shown = ", ".join(in_use[:8]) + (" …" if len(in_use) > 8 else "")
        raise BackupError(
            f"CSDL đích đã có dữ liệu (bảng {shown}): chỉ khôi phục vào CSDL trống để không ghi đè số liệu "
            f"đang dùng. Tạo CSDL mới (hoặc đặt DATABASE_URL sang CSDL trống) rồi chạy lại. Không thay đổi gì.")
    if vendor == "postgresql":
        # pg_restore --clean replaces only the tables of the dump: tables a newer `migrate` made in the
        # target would stay beside a migration history that does not list them. (SQLite is replaced whole.)
        in_backup = {f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names}
        newer = sorted(f"{app}.{name}" for app, names in applied_migrations(using).items() for name in names
                       if f"{app}.{name}" not in in_backup)
        if newer:
            shown = ", ".join(newer[:5]) + (" …" if len(newer) > 5 else "")
            raise BackupError(
                f"CSDL đích đã được migrate tới phiên bản mới hơn bản sao lưu ({shown}): hãy khôi phục vào CSDL "
                f"vừa tạo (chưa chạy migrate), rồi chạy `chiso migrate`. Không thay đổi gì.")
    media_root = Path(settings.MEDIA_ROOT)
    count = _media_in_use(media_root)
    if count:
        raise BackupError(
            f"Thư mục tệp {media_root} (CHISO_MEDIA_ROOT) đã có {format_int(count)} tệp: chỉ khôi phục vào thư "
            f"mục trống. Chuyển các tệp đó đi nơi khác hoặc đặt CHISO_MEDIA_ROOT sang thư mục mới. Không thay đổi gì.")
    return pending


def _restore_database(manifest: dict, workdir: Path, using: str) -> None:
    dump = workdir / manifest["database"]["member"]
    if manifest["database"]["vendor"] == "sqlite":
        target = Path(_db_settings(using)["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        connections[using].close()
        existed = target.exists()
        src = sqlite3.connect(dump)
        dst = sqlite3.connect(target, timeout=30)
        try:
            # One write transaction on the target: it holds the whole backup or stays as it was.
            src.backup(dst)
        except sqlite3.Error as exc:
            dst.close()
            if not existed:  # leave no empty file where there was none
                for suffix in ("", "-journal", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
            raise BackupError(f"Không khôi phục được CSDL vào {target} ({exc}); CSDL đích giữ nguyên.") from exc
        finally:
            dst.close()
            src.close()
    else:
        pg_restore = _pg_tool("pg_restore")
        connections[using].close()
        # --clean --if-exists: a freshly migrated (empty) database has the same tables; they are
        # dropped and recreated inside the same single transaction.
        _run_pg([pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
                 "--clean", "--if-exists", "--dbname", _db_settings(using)["NAME"], str(dump)],
                using, "pg_restore (CSDL đích giữ nguyên)")


def restore_backup(archive: Path, *, using: str = "default") -> RestoreReport:
    """Check every member of ``archive``, then put its database and files in place — all or nothing."""
    media_root = Path(settings.MEDIA_ROOT).absolute()
    # Staged on MEDIA_ROOT's own disk (inside it when it exists: it may be a mount of a network
    # drive), so the files move into place by renaming, and back again if the database step fails.
    try:
        if not media_root.is_dir():
            media_root.parent.mkdir(parents=True, exist_ok=True)
        staging_parent = media_root if media_root.is_dir() else media_root.parent
        workdir = Path(tempfile.mkdtemp(dir=staging_parent, prefix=".chiso-restore-"))
    except OSError as exc:
        raise BackupError(f"Không tạo được thư mục tạm trong {media_root.parent} ({exc.strerror or exc}): "
                          "cần quyền ghi vào CHISO_MEDIA_ROOT hoặc thư mục chứa nó. Không thay đổi gì.") from exc
    try:
        manifest = unpack(archive, workdir)
        pending = check_target(manifest, using=using)
        moved = _move_media_in(workdir / MEDIA_PREFIX.rstrip("/"), media_root)
        try:
            _restore_database(manifest, workdir, using)
        except BaseException:
            for staged, placed, existed in reversed(moved):
                os.rename(placed, staged)
                if existed:
                    placed.mkdir()
            raise
    except OSError as exc:
        raise BackupError(f"Không ghi được khi khôi phục ({exc.strerror or exc}: {exc.filename}). "
                          "CSDL và thư mục tệp giữ nguyên.") from exc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    media = [m for m in manifest["members"] if m["path"].startswith(MEDIA_PREFIX)]
    return RestoreReport(manifest=manifest, files=len(media), bytes=sum(m["size"] for m in media),
                         pending_migrations=pending)


def _move_media_in(staged_media: Path, media_root: Path) -> list[tuple[Path, Path, bool]]:
    """Rename the staged files into MEDIA_ROOT (which holds no file: checked before); return
    (staged, placed, an empty folder was there) for each rename, so it can be undone."""
    moved: list[tuple[Path, Path, bool]] = []
    if not staged_media.is_dir():
        return moved
    if not media_root.is_dir():
        os.rename(staged_media, media_root)
        return [(staged_media, media_root, False)]
    try:
        for entry in sorted(staged_media.iterdir()):
            placed = media_root / entry.name
            existed = placed.is_dir()
            if existed:
                shutil.rmtree(placed)  # only empty folders can be here
            os.rename(entry, placed)
            moved.append((entry, placed, existed))
    except OSError:
        for staged, placed, existed in reversed(moved):
            os.rename(placed, staged)
            if existed:
                placed.mkdir()
        raise
    return moved


def created_label(manifest: dict) -> str:
    """The backup's date as dd/mm/yyyy HH:MM."""
    try:
        return datetime.fromisoformat(manifest["created_at"]).strftime("%d/%m/%Y %H:%M")
    except (KeyError, ValueError):
        return "?"
