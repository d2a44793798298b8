"""`chiso evaluate --framework CODE --period P [--unit CODE] [--format table|json]`.

Goes through ``evaluate_framework`` like every page and report, so the CLI
always agrees with them.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.assessments.evaluation import figures_for
from chiso.assessments.management.arguments import framework_option, period_option
from chiso.assessments.serialize import evaluation_to_dict, render_table
from chiso.results.models import BASES, BASIS_OFFICIAL
from chiso.results.text import basis_line
from chiso.units.models import Unit


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: must not depend on URL/template checks

    help = "Đánh giá một bộ chỉ tiêu cho một kỳ (mọi đơn vị trong phạm vi, hoặc một đơn vị)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="mã bộ chỉ tiêu, ví dụ nq17-2019")
        parser.add_argument("--period", required=True, help="kỳ: 2025-01, 2025-Q1, 2025-H1 hoặc 2025")
        parser.add_argument("--unit", help="mã một đơn vị (mặc định: mọi đơn vị trong phạm vi)")
        parser.add_argument("--format", choices=["table", "json"], default="table",
                            help="bảng dễ đọc (mặc định) hoặc JSON")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                            help="đánh giá kỳ trên các đơn vị có hiệu lực ngày này; số liệu của đơn vị cũ "
                                 "(trước sáp nhập, chia tách) được cộng dồn vào đơn vị kế thừa")
        parser.add_argument("--basis", choices=list(BASES), default=BASIS_OFFICIAL,
                            help="official: chỉ số liệu chính thức (báo cáo đã duyệt hoặc ngoài đợt đánh giá; "
                                 "mặc định); provisional: số liệu tạm tính (mọi số đang có, kể cả bản nháp)")

    def handle(self, *args, **options) -> None:
        framework = framework_option(options["framework"])
        period = period_option(options["period"])
        unit = None
        if options["unit"]:
            try:
                unit = Unit.objects.get(code=options["unit"])
            except Unit.DoesNotExist as exc:
                raise CommandError(f"Không có đơn vị mã {options['unit']!r}.") from exc
        basis = options["basis"]
        if options["as_of"]:
            self._as_of(framework, period, unit, basis, options)
            return
        figures = figures_for(framework, period.code, unit=unit, basis=basis)
        evaluation = figures.evaluation
        if options["format"] == "json":
            data = {"basis": basis, **evaluation_to_dict(evaluation), "left_out": figures.left_out}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(evaluation), ending="")
            self.stdout.write(basis_line(figures))

    def _as_of(self, framework, period, unit, basis: str, options) -> None:
        from datetime import date

        from chiso.results.history import aggregated_from, evaluate_as_of, method_text

        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError as exc:
            raise CommandError(f"Ngày --as-of không hợp lệ: {options['as_of']!r} (cần dạng YYYY-MM-DD).") from exc
        if unit is not None and not Unit.objects.active_on(as_of).filter(pk=unit.pk).exists():
            raise CommandError(f"Đơn vị {unit.code} không có hiệu lực ngày {as_of:%d/%m/%Y}.")
        history = evaluate_as_of(framework, period.code, as_of, basis, unit=unit)
        evaluation = history.evaluation
        if options["format"] == "json":
            data = {"basis": basis, "as_of": as_of.isoformat(), **evaluation_to_dict(evaluation),
                    "left_out": history.left_out}
            for item in data["units"]:
                item["aggregated_from"] = aggregated_from(history, item["unit"])
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(render_table(evaluation), ending="")
        for result in evaluation.results:
            text = method_text(history, result.unit.code, period.label)
            if text:
                self.stdout.write(f"{result.unit.code}: {text}")
