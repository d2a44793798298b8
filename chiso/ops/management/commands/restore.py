"""`chiso restore FILE`: put a backup into an empty database and an empty MEDIA_ROOT, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.engine.numbers import format_int
from chiso.ops.backup import BackupError, created_label, restore_backup, size_label


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của `chiso backup` vào CSDL trống (DATABASE_URL) và thư mục tệp trống "
        "(CHISO_MEDIA_ROOT). Kiểm tra SHA-256 của mọi tệp trước khi thay đổi bất cứ thứ gì; lỗi giữa chừng "
        "thì CSDL và thư mục giữ nguyên."
    )
    # The system checks open the database: on SQLite that would create the target file even when
    # the restore is refused. The restore checks its target itself.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", metavar="TỆP", help="tệp .tar.gz do `chiso backup` tạo")

    def handle(self, *args, **options) -> None:
        try:
            report = restore_backup(Path(options["archive"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[manifest["database"]["vendor"]]
        self.stdout.write(
            f"Đã khôi phục bản sao lưu ngày {created_label(manifest)} (Chỉ Số {manifest.get('app_version')}): "
            f"CSDL {vendor}, {format_int(report.files)} tệp ({size_label(report.bytes)}); "
            f"mọi mã SHA-256 đều khớp."
        )
        if report.pending_migrations:
            self.stdout.write(
                f"Bản sao lưu cũ hơn phiên bản đang cài ({format_int(len(report.pending_migrations))} migration "
                "chưa áp dụng): chạy `chiso migrate` trước khi mở hệ thống."
            )
