"""``chiso reconcile --framework F --period P FILE [--format table|json|xlsx] [-o OUT]``.

Sets the national portal's published figures (FILE, CSV or XLSX, docs/reports.md) against the
province's stored results for the same units and period, figure by figure. The file is refused
whole, naming file, row and column, when anything in it is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.assessments.management.arguments import framework_option, period_option
from chiso.reports.reconcile import (
    read_portal_figures,
    reconcile,
    reconciliation_to_dict,
    reconciliation_xlsx,
    render_text,
)
from chiso.results.models import BASES, BASIS_OFFICIAL
from chiso.tabular import ImportError_


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: independent of URL/template checks
    help = ("Đối chiếu số liệu Cổng Dịch vụ công quốc gia (tệp CSV/XLSX) với số liệu của tỉnh cho một bộ "
            "chỉ số và một kỳ: từng số liệu, khớp hay lệch và lệch bao nhiêu.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp số liệu của Cổng (.csv hoặc .xlsx): unit, period, figure, measure, value")
        parser.add_argument("--framework", required=True, help="mã bộ chỉ số, ví dụ qd766-2022")
        parser.add_argument("--period", required=True, help="kỳ: 2025-01, 2025-Q1, 2025-H1 hoặc 2025")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table",
                            help="bảng dễ đọc (mặc định), JSON, hoặc tệp Excel (cần -o)")
        parser.add_argument("-o", "--output", help="tệp đích (bắt buộc với --format xlsx)")
        parser.add_argument("--basis", choices=list(BASES), default=BASIS_OFFICIAL,
                            help="số liệu của tỉnh: official (chính thức, mặc định) hoặc provisional (tạm tính)")

    def handle(self, *args, **options) -> None:
        framework = framework_option(options["framework"])
        period = period_option(options["period"])
        fmt = options["format"]
        if fmt == "xlsx" and not options["output"]:
            raise CommandError("Xuất Excel cần tệp đích: thêm -o doi-chieu.xlsx")
        path = Path(options["file"])
        try:
            figures = read_portal_figures(path, framework, period)
        except ImportError_ as exc:
            raise CommandError(
                f"Không đọc được tệp số liệu Cổng, chưa đối chiếu gì ({len(exc.problems)} lỗi):\n{exc}"
            ) from exc
        rec = reconcile(framework, period, figures, basis=options["basis"], file=path.name)
        if fmt == "xlsx":
            Path(options["output"]).write_bytes(reconciliation_xlsx(rec))
            self.stdout.write(f"Đã ghi {options['output']}: {len(rec.lines)} số liệu, {rec.count('differs')} lệch, "
                              f"{rec.count('missing')} tỉnh chưa có số liệu.")
            return
        if fmt == "json":
            self.stdout.write(json.dumps(reconciliation_to_dict(rec), ensure_ascii=False, indent=2))
            return
        if options["output"]:
            Path(options["output"]).write_text(render_text(rec), encoding="utf-8")
            return
        self.stdout.write(render_text(rec), ending="")

