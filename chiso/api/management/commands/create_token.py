"""`chiso create_token --user NAME [--label TEXT] [--expires YYYY-MM-DD]`: a personal API token, printed once.

The token acts with the user's role and scope, nothing more. Only its hash is
stored: the printed secret cannot be shown again (create another one if lost).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chiso.accounts.permissions import role_of
from chiso.api.models import ApiToken
from chiso.engine.numbers import format_date


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    help = "Tạo mã truy cập API cho một người dùng (in ra một lần duy nhất)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="tên đăng nhập của người dùng")
        parser.add_argument("--label", default="", help="tên gợi nhớ, ví dụ: hệ thống một cửa")
        parser.add_argument("--expires", help="hết hạn ngày YYYY-MM-DD (mặc định: không hết hạn)")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.")
        if role_of(user) is None:
            raise CommandError(f"Tài khoản {user.username} bị khóa hoặc chưa được phân vai trò: "
                               "mã truy cập sẽ không dùng được.")
        expires = self._expires(options["expires"])
        token, raw = ApiToken.issue(user, label=options["label"], expires=expires)
        self.stdout.write(raw)
        until = f", hết hạn sau ngày {format_date(expires)}" if expires else ", không hết hạn"
        self.stderr.write(f"Đã tạo mã truy cập {token.shown} cho {user.username}{until}. "
                          "Hãy lưu lại ngay: mã này không hiển thị lại được.")

    @staticmethod
    def _expires(text: str | None) -> date | None:
        if not text:
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(f"Ngày hết hạn không hợp lệ: {text!r} (cần dạng YYYY-MM-DD, ví dụ 2026-12-31).") from exc
        today = timezone.localdate()
        if day < today:
            raise CommandError(f"Ngày hết hạn {format_date(day)} đã qua (hôm nay {format_date(today)}).")
        return day
