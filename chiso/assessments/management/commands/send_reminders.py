"""``chiso send_reminders [--round ID] [--dry-run]``: e-mail reporters of units that have not submitted.

Safe to run twice (e.g. from cron): a unit is reminded at most once a day.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.assessments.models import Round
from chiso.assessments.reminders import pending_submissions, send_reminders
from chiso.assessments.workflow import days_left


class Command(BaseCommand):
    help = "Gửi email nhắc người báo cáo của các đơn vị chưa nộp trong các đợt đang mở (mỗi ngày một lần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, help="chỉ nhắc trong đợt có mã số này")
        parser.add_argument("--dry-run", action="store_true", help="chỉ in danh sách, không gửi, không ghi")
        parser.add_argument("--base-url", default="", help="địa chỉ trang web, để đặt đường dẫn trong thư")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = pending_submissions()
        if options["round"] is not None:
            if not Round.objects.filter(pk=options["round"]).exists():
                raise CommandError(f"Không có đợt đánh giá mã số {options['round']}")
            pending = pending.filter(round_id=options["round"])
        pending = list(pending)
        outcome = send_reminders(pending, dry_run=options["dry_run"], base_url=options["base_url"])
        verb = "Sẽ gửi" if options["dry_run"] else "Đã gửi"
        for sub, emails in outcome.sent:
            self.stdout.write(f"{verb}: {sub.unit.code} {sub.unit.name} (hạn {sub.round.deadline:%d/%m/%Y}, "
                              f"{days_left(sub.round.deadline)} ngày) → {', '.join(emails)}")
        for sub in outcome.skipped_today:
            self.stdout.write(f"Đã nhắc hôm nay, bỏ qua: {sub.unit.code} {sub.unit.name}")
        for sub in outcome.no_recipient:
            self.stdout.write(f"Không có người báo cáo có email: {sub.unit.code} {sub.unit.name}")
        self.stdout.write(outcome.summary())
