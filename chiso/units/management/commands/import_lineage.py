"""`chiso import_lineage FILE [--dry-run]`: predecessor → successor links from CSV/XLSX, all or nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.tabular import ImportError_
from chiso.units.lineage import describe, import_lineage


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: must not depend on URL/template checks

    help = (
        "Nhập quan hệ kế thừa giữa đơn vị cũ và đơn vị mới (sáp nhập, chia tách, đổi tên) từ tệp "
        "CSV (UTF-8) hoặc Excel .xlsx. Cột: predecessor, successor, effective, kind "
        "(merge/split/rename), share (0–1, chỉ khi chia tách; để trống = 1). Có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .csv hoặc .xlsx")
        parser.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args, **options) -> None:
        try:
            report = import_lineage(options["file"], sheet=options["sheet"], dry_run=options["dry_run"])
        except ImportError_ as exc:
            raise CommandError(
                f"Không nhập được tệp, không có thay đổi nào được ghi ({len(exc.problems)} lỗi):\n{exc}"
            ) from exc
        self.stdout.write(report.summary())
        for label, pairs in (("Tạo mới", report.created), ("Cập nhật", report.updated)):
            if pairs and options["verbosity"] >= 1:
                more = f" … và {len(pairs) - 50} liên kết khác" if len(pairs) > 50 else ""
                self.stdout.write(f"  {label}: {', '.join(describe(p) for p in pairs[:50])}{more}")
