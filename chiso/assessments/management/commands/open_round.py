"""`chiso open_round --framework F --period P [--deadline YYYY-MM-DD] [--unit ROOT]… [--level L]…`.

Opens one round per root unit and level given (all units in the framework's
scope by default), exactly as the administrator's page does, and prints each
round with the number of reports it opened. A second round for the same
framework, period and units is refused with a message; nothing is opened then.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from chiso.assessments.management.arguments import framework_option, period_option
from chiso.assessments.workflow import WorkflowError, open_round
from chiso.engine.model import LEVELS
from chiso.engine.numbers import format_date, format_int
from chiso.units.models import Unit


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    help = "Mở đợt đánh giá: mỗi đơn vị trong phạm vi nhận một báo cáo ở trạng thái “Đang nhập”."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="mã bộ chỉ tiêu (hoặc mã@phiên bản)")
        parser.add_argument("--period", required=True, help="kỳ: 2025-01, 2025-Q1, 2025-H1 hoặc 2025")
        parser.add_argument("--deadline", help="hạn nộp YYYY-MM-DD (mặc định: 30 ngày sau hôm nay)")
        parser.add_argument("--unit", action="append", default=[], help="mã đơn vị gốc (lặp lại được)")
        parser.add_argument("--level", action="append", default=[], choices=list(LEVELS),
                            help="chỉ đơn vị ở cấp này (lặp lại được)")
        parser.add_argument("--title", default="", help="tên đợt")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options) -> None:
        framework = framework_option(options["framework"])
        period = period_option(options["period"])
        deadline = self._deadline(options["deadline"])
        roots: list[Unit | None] = []
        for code in options["unit"]:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {code!r}.")
            roots.append(unit)
        roots = roots or [None]
        levels = options["level"] or [""]
        opened = []
        try:
            with transaction.atomic():
                for root in roots:
                    for level in levels:
                        opened.append(open_round(framework, period.code, deadline, None, root_unit=root,
                                                 level=level, title=options["title"]))
        except WorkflowError as exc:
            raise CommandError(f"Không mở đợt nào: {exc}") from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps([{
                "round": r.pk, "framework": framework.code, "framework_version": framework.version,
                "period": r.period, "deadline": r.deadline.isoformat(), "title": r.title,
                "root_unit": r.root_unit.code if r.root_unit else None, "level": r.level or None,
                "reports": r.submissions.count(),
            } for r in opened], ensure_ascii=False, indent=2))
            return
        for r in opened:
            self.stdout.write(
                f"Đã mở đợt #{r.pk} “{r.title}” ({framework.code}, {period.label}), hạn nộp "
                f"{format_date(r.deadline)}: {format_int(r.submissions.count())} báo cáo."
            )

    @staticmethod
    def _deadline(text: str | None) -> date:
        today = timezone.localdate()
        if not text:
            return today + timedelta(days=30)
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(f"Hạn nộp không hợp lệ: {text!r} (cần dạng YYYY-MM-DD, ví dụ 2026-12-31).") from exc
        if day < today:
            raise CommandError(f"Hạn nộp {format_date(day)} đã qua (hôm nay {format_date(today)}).")
        return day
