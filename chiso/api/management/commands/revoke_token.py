"""`chiso revoke_token PREFIX` or `chiso revoke_token --user NAME`: stop API tokens from working.

A token is named by its visible beginning (``cs_nFMtg_T0``, as the account page
and ``create_token`` show it), never by its secret. Revoked tokens are kept
for the record of their use; revoking twice changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from chiso.api.models import ApiToken


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    help = "Thu hồi mã truy cập API (theo phần đầu của mã, hoặc mọi mã của một người dùng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", nargs="?", help="phần đầu của mã, ví dụ cs_nFMtg_T0")
        parser.add_argument("--user", help="thu hồi mọi mã còn dùng được của người dùng này")

    def handle(self, *args, **options) -> None:
        prefix, username = (options["prefix"] or "").rstrip("…"), options["user"]
        if bool(prefix) == bool(username):
            raise CommandError("Cho biết phần đầu của một mã, hoặc --user TÊN (một trong hai).")
        tokens = ApiToken.objects.select_related("user").filter(revoked_at__isnull=True)
        if prefix:
            tokens = tokens.filter(prefix=prefix)
            if not tokens.exists():
                raise CommandError(f"Không có mã nào còn dùng được bắt đầu bằng {prefix!r}.")
        else:
            tokens = tokens.filter(user__username=username)
        with transaction.atomic():
            revoked = list(tokens)
            for token in revoked:
                token.revoke()
        for token in revoked:
            self.stdout.write(f"Đã thu hồi mã {token.shown} của {token.user.username}"
                              f"{f' ({token.label})' if token.label else ''}.")
        if not revoked:
            self.stdout.write(f"{username} không có mã nào còn dùng được.")
