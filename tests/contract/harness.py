"""Run the real ``chiso`` console script against a throwaway database, and count its rows.

On SQLite (the default) the database lives under a temporary ``CHISO_VAR_DIR``.
When the test run itself uses PostgreSQL (``DATABASE_URL=postgres://…``), the
subprocesses get their own throwaway database ``chiso_contract_<random>`` on
the same server, created and dropped here, so they never touch the test
database. A migrated, framework-loaded database is made once and copied
(file copy / ``CREATE DATABASE … TEMPLATE``) for each scenario.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CHISO = str(Path(sys.executable).parent / "chiso")
REPO = Path(__file__).resolve().parents[2]


def server_url() -> str | None:
    """The PostgreSQL URL of this test run, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _pg_admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Site:
    """One throwaway database and its var dir; ``run`` calls ``chiso`` against it."""

    var_dir: Path
    pg_name: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 120) -> Result:
        proc = subprocess.run([CHISO, *args], cwd=self.var_dir, env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        return Result(list(args), proc.returncode, proc.stdout, proc.stderr)

    def counts(self) -> dict[str, int]:
        """Row count of every table of the database."""
        if self.pg_name is None:
            with sqlite3.connect(self.var_dir / "chiso.sqlite3") as conn:
                names = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
                return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            names = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}

    def dataset_files(self) -> dict[str, str]:
        """SHA-256 of every records dataset file (Parquet) of this site, by path."""
        return {str(p.relative_to(self.var_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(self.var_dir.rglob("*.parquet"))}

    def dataset_rows(self, kind: str) -> int:
        """How many records the dataset files of ``kind`` (dossiers, documents) hold, read with DuckDB."""
        import duckdb

        files = [str(p) for p in self.var_dir.rglob("*.parquet") if f"/{kind}/" in str(p) and "/." not in str(p)]
        if not files:
            return 0
        with duckdb.connect() as con:
            return con.execute(f"SELECT count(*) FROM read_parquet({files!r})").fetchone()[0]

    def query(self, sql: str) -> list[tuple]:
        if self.pg_name is None:
            with sqlite3.connect(self.var_dir / "chiso.sqlite3") as conn:
                return list(conn.execute(sql))
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            return list(conn.execute(sql))

    def drop(self) -> None:
        url = server_url()
        if self.pg_name and url:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.var_dir, ignore_errors=True)


def _base_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update({"CHISO_VAR_DIR": str(var_dir), "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8",
                "DJANGO_SETTINGS_MODULE": "chiso.settings", "TASKS_BACKEND": "immediate"})
    env.pop("DATABASE_URL", None)
    return env


def new_site(root: Path, template: Site | None = None) -> Site:
    """A fresh site: migrated and with the bundled frameworks (copied from ``template`` if given)."""
    var_dir = root / f"site-{secrets.token_hex(4)}"
    var_dir.mkdir(parents=True)
    env = _base_env(var_dir)
    url = server_url()
    pg_name = None
    if url:
        pg_name = f"chiso_contract_{secrets.token_hex(6)}"
        if template is not None:
            _pg_admin(url, f'CREATE DATABASE "{pg_name}" TEMPLATE "{template.pg_name}"')
        else:
            _pg_admin(url, f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = _with_db(url, pg_name)
    elif template is not None:
        with sqlite3.connect(template.var_dir / "chiso.sqlite3") as src, \
                sqlite3.connect(var_dir / "chiso.sqlite3") as dst:
            src.backup(dst)
    if template is not None:  # the records dataset (Parquet files) belongs with the database it names
        for media in ("media", "test-media"):
            if (template.var_dir / media).is_dir():
                shutil.copytree(template.var_dir / media, var_dir / media)
    site = Site(var_dir=var_dir, pg_name=pg_name, env=env)
    if template is None:
        for args in (("migrate", "--noinput", "-v", "0"), ("load_frameworks",)):
            result = site.run(*args, timeout=300)
            assert result.returncode == 0, result.output
    return site
