"""`chiso serve`: gunicorn with workers from the core count, access log on stdout, graceful stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.ops.server import ServerOptions, core_count, default_workers, gunicorn_args

CHISO = str(Path(sys.executable).with_name("chiso"))


def dry_run(capsys, *args: str) -> list[str]:
    call_command("serve", "--dry-run", *args)
    return capsys.readouterr().out.split()


def option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == name]


def test_it_runs_two_workers_per_core_plus_one_by_default(capsys, monkeypatch):
    monkeypatch.delenv("CHISO_WORKERS", raising=False)
    argv = dry_run(capsys)
    assert argv[1:3] == ["-m", "gunicorn"]
    assert option(argv, "--workers") == [str(2 * core_count() + 1)]
    assert option(argv, "--bind") == ["127.0.0.1:8000"]
    assert option(argv, "--access-logfile") == ["-"]
    assert option(argv, "--graceful-timeout") == ["30"]
    assert argv[-1] == "chiso.wsgi:application"
    assert default_workers(cores=4) == 9


def test_the_environment_and_the_options_choose_workers_and_addresses(capsys, monkeypatch):
    monkeypatch.setenv("CHISO_WORKERS", "3")
    assert option(dry_run(capsys), "--workers") == ["3"]
    argv = dry_run(capsys, "--workers", "7", "-b", "0.0.0.0:8080", "-b", "unix:/run/chiso/web.sock",
                   "--threads", "4", "--graceful-timeout", "45", "--max-requests", "1000")
    assert option(argv, "--workers") == ["7"]
    assert option(argv, "--bind") == ["0.0.0.0:8080", "unix:/run/chiso/web.sock"]
    assert option(argv, "--worker-class") == ["gthread"]
    assert option(argv, "--threads") == ["4"]
    assert option(argv, "--graceful-timeout") == ["45"]
    assert option(argv, "--max-requests-jitter") == ["100"]


def test_nonsense_worker_counts_are_refused_in_vietnamese(monkeypatch):
    monkeypatch.setenv("CHISO_WORKERS", "bốn")
    with pytest.raises(CommandError, match="CHISO_WORKERS='bốn': cần một số nguyên"):
        call_command("serve", "--dry-run")
    with pytest.raises(CommandError, match=r"phải từ 1 trở lên"):
        call_command("serve", "--dry-run", "--workers", "0")
    with pytest.raises(Exception, match="phải từ 1 trở lên"):
        gunicorn_args(ServerOptions(bind=["127.0.0.1:1"], workers=2, threads=0))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_real_server_answers_logs_the_request_and_stops_gracefully(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
           "CHISO_VAR_DIR": str(tmp_path), "DEBUG": "true", "PYTHONIOENCODING": "utf-8"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.Popen([CHISO, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(300):  # wait for the workers to boot (bounded), then ask for the login page
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=10) as response:
                    status, body = response.status, response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None, proc.stderr.read() if proc.poll() is not None else "không khởi động"
        assert status == 200
        assert "Đăng nhập" in body
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert '"GET /dang-nhap/ HTTP/1.1" 200' in out  # the access log goes to stdout
    assert "2 tiến trình web" in err
    assert err.count("Booting worker") == 2
    assert "Shutting down: Master" in err
