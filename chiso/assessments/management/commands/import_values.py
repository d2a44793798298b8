"""`chiso import_values FILE --framework CODE [--dry-run]`: values from CSV/XLSX, all or nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.assessments.importer import import_values
from chiso.frameworks.models import Framework
from chiso.tabular import ImportError_


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: must not depend on URL/template checks

    help = (
        "Nhập số liệu (dạng dài: unit, period, element, value, comment) từ tệp CSV (UTF-8) hoặc "
        "Excel .xlsx cho một bộ chỉ tiêu. Có bất kỳ lỗi nào thì không ghi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .csv hoặc .xlsx")
        parser.add_argument("--framework", required=True, help="mã bộ chỉ tiêu, ví dụ nq17-2019 (hoặc mã@phiên bản)")
        parser.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và cho biết sẽ thay đổi gì")

    def handle(self, *args, **options) -> None:
        try:
            framework = Framework.objects.latest_of(options["framework"])
        except Framework.DoesNotExist as exc:
            raise CommandError(
                f"Không có bộ chỉ tiêu mã {options['framework']!r}. Nạp bộ chỉ tiêu trước "
                "(chiso load_frameworks) hoặc kiểm tra lại mã."
            ) from exc
        try:
            report = import_values(options["file"], framework, dry_run=options["dry_run"],
                                   sheet=options["sheet"])
        except ImportError_ as exc:
            raise CommandError(
                f"Không nhập được tệp, không có thay đổi nào được ghi ({len(exc.problems)} lỗi):\n{exc}"
            ) from exc
        self.stdout.write(report.summary())
        if options["dry_run"] or options["verbosity"] >= 2:
            limit = 200
            for change in report.changes[:limit]:
                what = (f"mới: {change.new}" if change.old is None
                        else f"{change.old} → {change.new}")
                self.stdout.write(
                    f"  dòng {change.row}: {change.unit} · {change.period} · {change.element}: {what}"
                )
            if len(report.changes) > limit:
                self.stdout.write(f"  … và {len(report.changes) - limit} thay đổi khác")
