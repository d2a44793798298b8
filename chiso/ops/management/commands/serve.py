"""`chiso serve`: the production web server (gunicorn) with workers from the core count."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.env import ConfigError, env_int, env_str
from chiso.ops.server import (
    DEFAULT_BIND,
    DEFAULT_GRACEFUL_TIMEOUT,
    DEFAULT_TIMEOUT,
    ServerOptions,
    core_count,
    default_workers,
    gunicorn_args,
)


class Command(BaseCommand):
    help = (
        "Chạy máy chủ web cho môi trường thật (gunicorn, chiso.wsgi). Mặc định 2 × số lõi + 1 tiến trình "
        "(biến CHISO_WORKERS hoặc --workers), nhật ký truy cập ra stdout, dừng êm khi nhận SIGTERM."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", "-b", action="append", metavar="ĐỊA_CHỈ",
                            help=f"địa chỉ lắng nghe, ví dụ 127.0.0.1:8000 hoặc unix:/run/chiso/web.sock "
                                 f"(lặp lại được; mặc định CHISO_BIND hoặc {DEFAULT_BIND})")
        parser.add_argument("--workers", "-w", type=int, metavar="N",
                            help="số tiến trình web (mặc định CHISO_WORKERS hoặc 2 × số lõi + 1)")
        parser.add_argument("--threads", type=int, metavar="N",
                            help="số luồng mỗi tiến trình (mặc định CHISO_THREADS hoặc 1)")
        parser.add_argument("--timeout", type=int, metavar="GIÂY",
                            help=f"thời gian tối đa của một yêu cầu (mặc định {DEFAULT_TIMEOUT})")
        parser.add_argument("--graceful-timeout", type=int, metavar="GIÂY",
                            help=f"thời gian để yêu cầu đang chạy kết thúc khi dừng/nạp lại "
                                 f"(mặc định {DEFAULT_GRACEFUL_TIMEOUT})")
        parser.add_argument("--max-requests", type=int, metavar="N",
                            help="thay tiến trình sau N yêu cầu (mặc định CHISO_MAX_REQUESTS hoặc 0: không thay)")
        parser.add_argument("--dry-run", action="store_true",
                            help="chỉ in lệnh gunicorn sẽ chạy, không khởi động")

    def handle(self, *args, **options) -> None:
        try:
            server = ServerOptions(
                bind=options["bind"] or env_str("CHISO_BIND", DEFAULT_BIND).split(),
                workers=options["workers"] if options["workers"] is not None else default_workers(),
                threads=options["threads"] if options["threads"] is not None else env_int("CHISO_THREADS", 1),
                timeout=options["timeout"] if options["timeout"] is not None
                else env_int("CHISO_TIMEOUT", DEFAULT_TIMEOUT),
                graceful_timeout=options["graceful_timeout"] if options["graceful_timeout"] is not None
                else env_int("CHISO_GRACEFUL_TIMEOUT", DEFAULT_GRACEFUL_TIMEOUT),
                max_requests=options["max_requests"] if options["max_requests"] is not None
                else env_int("CHISO_MAX_REQUESTS", 0),
                forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS") or None,
            )
            argv = [sys.executable, "-m", "gunicorn", *gunicorn_args(server)]
        except ConfigError as exc:
            raise CommandError(str(exc)) from exc

        self.stderr.write(f"Chỉ Số: {server.workers} tiến trình web × {server.threads} luồng "
                          f"({core_count()} lõi), lắng nghe {', '.join(server.bind)}")
        if not settings.DEBUG and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            self.stderr.write(f"Cảnh báo: chưa có tệp giao diện tĩnh trong {settings.STATIC_ROOT}; "
                              "chạy `chiso collectstatic --noinput` trước khi mở cho người dùng.")
        if options["dry_run"]:
            self.stdout.write(shlex.join(argv))
            return
        sys.stdout.flush()
        sys.stderr.flush()
        # Replace this process: systemd's signals (TERM = stop gracefully, HUP = reload) reach gunicorn.
        os.execv(sys.executable, argv)
