"""``chiso compute_values --framework CODE --period P [--unit CODE]``: inputs from records."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chiso.assessments.writes import WriteRefused
from chiso.engine.numbers import format_int
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.ingest.compute import apply_computed_values, source_elements
from chiso.units.models import Unit


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = ("Tính các chỉ tiêu có nguồn từ dữ liệu nghiệp vụ (hồ sơ, văn bản) và ghi thành số liệu "
            "'tính từ dữ liệu nghiệp vụ'; không bao giờ ghi đè số liệu điều chỉnh có lý do")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--framework", required=True, help="mã bộ chỉ tiêu, ví dụ nq17-2019")
        parser.add_argument("--period", required=True, help="kỳ: 2025-01, 2025-Q1, 2025-H1 hoặc 2025")
        parser.add_argument("--unit", help="chỉ một đơn vị (mã)")

    def handle(self, *args, **options) -> None:
        try:
            framework = Framework.objects.latest_of(options["framework"])
        except Framework.DoesNotExist:
            raise CommandError(f"Không có bộ chỉ tiêu mã {options['framework']!r}.") from None
        try:
            period = parse_period(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        units = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']!r}.")
            units = [unit]
        if not source_elements(framework.spec()):
            raise CommandError(f"Bộ chỉ tiêu {framework.code} không có chỉ tiêu nào khai báo nguồn (sources).")
        try:
            result = apply_computed_values(framework, period, units)
        except WriteRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{framework.code} — {period.label}: {format_int(result.created)} số liệu mới, "
            f"{format_int(result.updated)} cập nhật, {format_int(result.unchanged)} không đổi, "
            f"{format_int(len(result.kept_override))} giữ nguyên vì đã điều chỉnh có lý do."
        )
        for code, element in result.kept_override:
            self.stdout.write(f"  giữ điều chỉnh: {code} {element}")
