"""`chiso recompute [--framework CODE] [--period P]`: bring stored results up to date.

Safe to run twice and as a periodic job: only stale or missing results are
evaluated. Run it after loading figures in bulk (``load_demo``, a restore) so
the first page a leader opens does not pay for the whole province.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.assessments.evaluation import units_in_scope
from chiso.assessments.models import Value
from chiso.engine.numbers import format_int
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results import reader, store
from chiso.results.models import BASES


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    help = "Tính lại các kết quả đánh giá đã cũ hoặc chưa có (an toàn khi chạy lại)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", help="mã bộ chỉ tiêu (mặc định: mọi bộ đã nạp)")
        parser.add_argument("--period", help="kỳ (mặc định: mọi kỳ có số liệu)")

    def handle(self, *args, **options) -> None:
        frameworks = Framework.objects.order_by("code", "version")
        if options["framework"]:
            frameworks = frameworks.filter(code=options["framework"])
            if not frameworks.exists():
                raise CommandError(f"Không có bộ chỉ tiêu mã {options['framework']!r}.")
        period = None
        if options["period"]:
            try:
                period = parse_period(options["period"]).code
            except PeriodError as exc:
                raise CommandError(f"Kỳ không hợp lệ: {exc}") from exc
        total = 0
        for framework in frameworks:
            periods = [period] if period else sorted(
                set(Value.objects.filter(framework=framework).values_list("period", flat=True).distinct()))
            infos = units_in_scope(framework)
            for code in periods:
                # Stale ones stored here even while a task is queued (pages only evaluate those then):
                # this command is the safety net when no worker runs.
                store.refresh(framework, code)
                for basis in BASES:
                    reader.figures(framework, code, infos, basis)
                total += len(infos)
                self.stdout.write(f"{framework.code} {code}: {format_int(len(infos))} đơn vị đã có kết quả lưu sẵn")
        self.stdout.write(f"Xong: {format_int(total)} kết quả đơn vị × kỳ được kiểm tra.")
