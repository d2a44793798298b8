"""The production server: gunicorn on ``chiso.wsgi`` with a worker count from the machine.

Why gunicorn with pre-forked processes: Django's views are synchronous and the web processes
hold no state (sessions live in the database), so N processes serve N requests at once and a
crash costs one worker, not the site. ``2 × cores + 1`` is gunicorn's own rule of thumb: while
one worker waits on the database another uses the core.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from chiso.env import ConfigError, env_int

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_TIMEOUT = 120          # seconds a request may run before its worker is replaced
DEFAULT_GRACEFUL_TIMEOUT = 30  # seconds running requests get to finish on stop or reload


def core_count() -> int:
    """Cores this process may run on (the CPU affinity, not the whole machine, under a container)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_workers(cores: int | None = None) -> int:
    """``CHISO_WORKERS`` when set, otherwise 2 × cores + 1."""
    workers = env_int("CHISO_WORKERS", 0)
    if workers < 0:
        raise ConfigError(f"CHISO_WORKERS={workers}: cần một số nguyên dương")
    if workers:
        return workers
    return 2 * (cores or core_count()) + 1


@dataclass(frozen=True)
class ServerOptions:
    bind: list[str]
    workers: int
    threads: int = 1
    timeout: int = DEFAULT_TIMEOUT
    graceful_timeout: int = DEFAULT_GRACEFUL_TIMEOUT
    max_requests: int = 0
    forwarded_allow_ips: str | None = None


def _known_settings() -> set[str]:
    from gunicorn.config import KNOWN_SETTINGS

    return {setting.name for setting in KNOWN_SETTINGS}


def gunicorn_args(options: ServerOptions) -> list[str]:
    """The gunicorn command-line arguments for ``options`` (without the program name).

    The access log goes to stdout and errors to stderr, so systemd's journal (or the
    container's log) keeps both without a log file to rotate.
    """
    if options.workers < 1:
        raise ConfigError("Số tiến trình web (--workers) phải từ 1 trở lên")
    if options.threads < 1:
        raise ConfigError("Số luồng mỗi tiến trình (--threads) phải từ 1 trở lên")
    args: list[str] = []
    for address in options.bind:
        args += ["--bind", address]
    args += ["--workers", str(options.workers)]
    if options.threads > 1:
        args += ["--worker-class", "gthread", "--threads", str(options.threads)]
    args += [
        "--timeout", str(options.timeout),
        "--graceful-timeout", str(options.graceful_timeout),
        "--access-logfile", "-",
        "--error-logfile", "-",
    ]
    if options.max_requests > 0:
        # Recycle a worker after this many requests; the jitter keeps them from restarting together.
        args += ["--max-requests", str(options.max_requests),
                 "--max-requests-jitter", str(max(1, options.max_requests // 10))]
    if options.forwarded_allow_ips:
        args += ["--forwarded-allow-ips", options.forwarded_allow_ips]
    if "control_socket_disable" in _known_settings():
        # Newer gunicorn opens a control socket under $HOME by default; a service user may have none.
        args.append("--no-control-socket")
    args.append("chiso.wsgi:application")
    return args
