"""`chiso import_units FILE [--dry-run]`: create or update units from CSV/XLSX, all or nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.tabular import ImportError_
from chiso.units.importer import import_units


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: must not depend on URL/template checks

    help = (
        "Nhập danh sách đơn vị từ tệp CSV (UTF-8) hoặc Excel .xlsx. Cột: code, name, level, "
        "kind, parent_code, valid_from, valid_to; cột khác là thuộc tính. Có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .csv hoặc .xlsx")
        parser.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args, **options) -> None:
        try:
            report = import_units(options["file"], sheet=options["sheet"], dry_run=options["dry_run"])
        except ImportError_ as exc:
            raise CommandError(
                f"Không nhập được tệp, không có thay đổi nào được ghi ({len(exc.problems)} lỗi):\n{exc}"
            ) from exc
        self.stdout.write(report.summary())
        for label, codes in (("Tạo mới", report.created), ("Cập nhật", report.updated)):
            if codes and options["verbosity"] >= 1:
                detail = ", ".join(
                    f"{c} ({', '.join(report.changes[c])})" if c in report.changes else c
                    for c in codes[:50]
                )
                more = f" … và {len(codes) - 50} đơn vị khác" if len(codes) > 50 else ""
                self.stdout.write(f"  {label}: {detail}{more}")
