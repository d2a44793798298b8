"""Throwaway installations for the backup tests: the real ``chiso`` script, its own database and files.

On SQLite (the default) a site is a database file and a media folder under a temporary directory.
When the test run uses PostgreSQL (``DATABASE_URL=postgres://…``, as CI's second pass does), a
site gets its own scratch database ``chiso_restore_test_<random>`` on that server, created here
and dropped afterwards, so the pg_dump / pg_restore path runs for real.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CHISO = str(Path(sys.executable).with_name("chiso"))


def server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(server_url(), "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@dataclass
class Site:
    root: Path
    pg_name: str | None
    env: dict[str, str]

    @property
    def media(self) -> Path:
        return Path(self.env["CHISO_MEDIA_ROOT"])

    @property
    def sqlite_file(self) -> Path:
        return self.root / "chiso.sqlite3"

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([CHISO, *args], cwd=self.root, env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"chiso {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def tables(self) -> dict[str, int]:
        """Row count of every table (empty dict: no tables, or no database file at all)."""
        if self.pg_name is None:
            if not self.sqlite_file.exists():
                return {}
            with sqlite3.connect(self.sqlite_file) as conn:
                names = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
                return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}

    def drop(self) -> None:
        if self.pg_name:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.root, ignore_errors=True)


def new_site(parent: Path) -> Site:
    """An empty site: no tables yet (SQLite: not even the file)."""
    root = parent / f"site-{secrets.token_hex(4)}"
    root.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "CHISO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "chiso.settings", "DEBUG": "true", "TASKS_BACKEND": "immediate",
                "CHISO_VAR_DIR": str(root / "var"), "CHISO_MEDIA_ROOT": str(root / "media"),
                "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"})
    pg_name = None
    if server_url():
        pg_name = f"chiso_restore_test_{secrets.token_hex(5)}"
        _pg_admin(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = _with_db(server_url(), pg_name)
    else:
        env["DATABASE_URL"] = f"sqlite:///{root / 'chiso.sqlite3'}"
    return Site(root=root, pg_name=pg_name, env=env)
