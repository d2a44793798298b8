"""Accounts in bulk: after the 2025 reform a province onboards hundreds of commune clerks at once.

One row per account — ``username, name, email, role, units`` (Vietnamese
headers accepted) — where ``role`` is administrator, reviewer, reporter or
viewer (or Quản trị, Thẩm định, Báo cáo, Theo dõi) and ``units`` the codes of
the unit subtrees the account works on, separated by ";". The whole file is
checked first; any problem names the file, row and column and nothing is
written. New accounts get a random one-time password and must change it at
first login; the passwords are returned to the caller (the CLI writes them to
a file the administrator chooses) and never logged. An account that exists is
updated (name, email, role, units), its password left alone.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from chiso.tabular import ProblemList, read_table
from chiso.units.models import Unit

from .models import ROLE_CHOICES, ROLES, Profile

FIELDS = ("username", "name", "email", "role", "units")
REQUIRED = ("username", "role")
ALIASES = {
    "username": ("username", "tên đăng nhập", "tài khoản"),
    "name": ("name", "họ tên", "họ và tên"),
    "email": ("email", "thư điện tử", "e-mail"),
    "role": ("role", "vai trò"),
    "units": ("units", "đơn vị", "mã đơn vị", "phạm vi"),
}
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")


def _role_names() -> dict[str, str]:
    names = {r: r for r in ROLES}
    names.update({str(label).casefold(): code for code, label in ROLE_CHOICES})
    return names


@dataclass
class UserImport:
    """What an import did (or would do): accounts created, updated, and the one-time passwords."""

    file: str
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)  # username → one-time password (new accounts)

    def summary(self) -> str:
        head = f"{self.file} (chạy thử, chưa ghi gì)" if self.dry_run else self.file
        return (f"{head}: tạo mới {len(self.created)} tài khoản, cập nhật {len(self.updated)} tài khoản; "
                f"tài khoản mới phải đổi mật khẩu ở lần đăng nhập đầu.")


def import_users(source: str | os.PathLike | IO[bytes] | bytes, *, filename: str | None = None,
                 dry_run: bool = False) -> UserImport:
    """Create or update the accounts of ``source``; raises ``chiso.tabular.ImportError_`` listing every problem."""
    table = read_table(source, fields=FIELDS, required=REQUIRED, filename=filename, extra_aliases=ALIASES)
    problems = ProblemList(table.file)
    roles = _role_names()
    codes = {c.strip() for row in table.rows for c in row.text("units").split(";") if c.strip()}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    seen: dict[str, int] = {}
    wanted = []
    for row in table.rows:
        username = row.text("username")
        ok = True
        if not username:
            problems.add(row.number, row.column("username"), "thiếu tên đăng nhập")
            ok = False
        elif not _USERNAME.match(username):
            problems.add(row.number, row.column("username"),
                         f"tên đăng nhập {username!r} chỉ được gồm chữ, số và . @ + - _ (không dấu cách)")
            ok = False
        elif username.casefold() in seen:
            problems.add(row.number, row.column("username"),
                         f"tài khoản {username!r} đã có ở dòng {seen[username.casefold()]}")
            ok = False
        else:
            seen[username.casefold()] = row.number
        role = roles.get(row.text("role").casefold()) or roles.get(row.text("role"))
        if role is None:
            problems.add(row.number, row.column("role"),
                         f"vai trò {row.text('role')!r} không có: dùng administrator, reviewer, reporter "
                         "hoặc viewer (Quản trị, Thẩm định, Báo cáo, Theo dõi)")
            ok = False
        email = row.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.add(row.number, row.column("email"), f"địa chỉ thư {email!r} không hợp lệ")
                ok = False
        scope_codes = [c.strip() for c in row.text("units").split(";") if c.strip()]
        missing = [c for c in scope_codes if c not in units]
        if missing:
            problems.add(row.number, row.column("units"),
                         f"không có đơn vị mã {', '.join(repr(c) for c in missing)} trong hệ thống")
            ok = False
        elif role is not None and role != ROLES[0] and not scope_codes:
            problems.add(row.number, row.column("units"),
                         "cần ít nhất một mã đơn vị (phân cách bằng dấu ;) cho vai trò khác Quản trị")
            ok = False
        if ok:
            wanted.append((username, row.text("name"), email, role, [units[c] for c in scope_codes]))
    problems.raise_if_any()

    outcome = UserImport(file=table.file, dry_run=dry_run)
    User = get_user_model()
    existing = {u.username.casefold(): u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    with transaction.atomic():
        for username, name, email, role, scope in wanted:
            first, _sep, last = name.rpartition(" ")
            user = existing.get(username.casefold())
            if user is None:
                outcome.created.append(username)
                if dry_run:
                    continue
                password = secrets.token_urlsafe(12)
                user = User.objects.create_user(username=username, email=email, password=password,
                                                first_name=(first or last)[:150], last_name=(last if first else "")[:150])
                profile = Profile.objects.create(user=user, role=role, must_change_password=True)
                outcome.passwords[username] = password
            else:
                outcome.updated.append(username)
                if dry_run:
                    continue
                user.email = email or user.email
                if name:
                    user.first_name, user.last_name = (first or last)[:150], (last if first else "")[:150]
                user.save()
                profile, _created = Profile.objects.get_or_create(user=user, defaults={"role": role})
                profile.role = role
                profile.save()
            profile.scopes.set(scope)
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def passwords_csv(outcome: UserImport) -> str:
    """The one-time passwords as CSV text, one "username,password" line each (the CLI's file, the page's download)."""
    return "username,password\n" + "".join(f"{u},{p}\n" for u, p in outcome.passwords.items())


def write_passwords(outcome: UserImport, path: str | os.PathLike) -> None:
    """The one-time passwords, one "username,password" line each, in a file only its owner can read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(passwords_csv(outcome))
