"""``chiso metrics --source dossiers|documents --period P [--unit CODE] --format json|table [--engine E]``.

``--engine database`` (default) reads the monthly summary the imports stored; ``duckdb`` or
``spark`` computes it again from the records dataset with the same SQL (docs/scale.md).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from chiso.engine.numbers import format_int
from chiso.engine.periods import PeriodError, parse_period
from chiso.ingest.metrics import METRIC_LABELS, METRICS, metric_rows
from chiso.ingest.spark import SparkUnavailable
from chiso.units.models import Unit


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: independent of URL/template checks
    help = "In các số liệu tính từ dữ liệu nghiệp vụ (hồ sơ, văn bản) của một kỳ"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--source", required=True, choices=sorted(METRICS))
        parser.add_argument("--period", required=True, help="kỳ: 2025-01, 2025-Q1, 2025-H1 hoặc 2025")
        parser.add_argument("--unit", help="chỉ một đơn vị (mã)")
        parser.add_argument("--system", help="chỉ dữ liệu của một hệ thống nguồn")
        parser.add_argument("--format", default="table", choices=["json", "table"])
        parser.add_argument("--engine", default="database", choices=["database", "duckdb", "spark"],
                            help="database: bảng tổng hợp theo tháng đã lưu (mặc định); duckdb, spark: tính lại "
                                 "từ tập dữ liệu hồ sơ bằng cùng câu SQL (spark cần Java và pyspark)")

    def handle(self, *args, **options) -> None:
        try:
            period = parse_period(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f'Không có đơn vị mã "{options["unit"]}"')
        try:
            rows = metric_rows(options["source"], period, unit, options["system"], engine=options["engine"])
        except SparkUnavailable as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps({"metrics": rows}, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{period.label} — {options['source']}")
        if not rows:
            self.stdout.write("Không có đơn vị nào có dữ liệu.")
        last = None
        for row in rows:
            if row["unit"] != last:
                self.stdout.write(f"\n{row['unit']}")
                last = row["unit"]
            label = METRIC_LABELS.get(row["name"], row["name"])
            self.stdout.write(f"  {row['name']:<20} {format_int(row['value']):>12}  {label}")
