"""`chiso import_users FILE --passwords-out FILE [--dry-run]`: accounts in bulk, all or nothing."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.accounts.bulk import import_users, write_passwords
from chiso.tabular import ImportError_


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    help = ("Tạo hoặc cập nhật tài khoản từ tệp CSV/XLSX (username, name, email, role, units). Mật khẩu dùng "
            "một lần của tài khoản mới được ghi vào tệp chỉ định bằng --passwords-out, không in ra màn hình.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .csv hoặc .xlsx")
        parser.add_argument("--passwords-out", dest="passwords_out",
                            help="tệp ghi mật khẩu dùng một lần (bắt buộc khi có tài khoản mới; quyền 600)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và cho biết sẽ làm gì")

    def handle(self, *args, **options) -> None:
        out = options["passwords_out"]
        if out and os.path.exists(out):
            raise CommandError(f"Tệp {out} đã có: chọn tên khác (không ghi đè mật khẩu đã phát).")
        try:
            outcome = import_users(options["file"], dry_run=True)
        except ImportError_ as exc:
            raise CommandError(
                f"Không nhập được tệp, không có thay đổi nào được ghi ({len(exc.problems)} lỗi):\n{exc}") from exc
        if outcome.created and not options["dry_run"] and not out:
            raise CommandError(f"Tệp có {len(outcome.created)} tài khoản mới: cần --passwords-out TỆP để ghi "
                               "mật khẩu dùng một lần (không in ra màn hình). Chưa ghi gì.")
        if not options["dry_run"]:
            outcome = import_users(options["file"])
            if outcome.passwords:
                write_passwords(outcome, out)
        self.stdout.write(outcome.summary())
        if outcome.passwords:
            self.stdout.write(f"Mật khẩu dùng một lần của {len(outcome.passwords)} tài khoản mới: {out}")
