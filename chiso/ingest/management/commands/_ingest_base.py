"""Shared body of ``ingest_dossiers`` and ``ingest_documents``."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chiso.engine.numbers import format_int
from chiso.engine.periods import PeriodError
from chiso.ingest.importer import ingest_file, parse_delete_scope
from chiso.ingest.models import DEFAULT_SYSTEM
from chiso.tabular import ImportError_


class IngestCommand(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: independent of URL/template checks
    kind = ""
    noun = ""

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="tệp CSV (UTF-8) hoặc XLSX xuất từ hệ thống nghiệp vụ")
        parser.add_argument("--system", default=DEFAULT_SYSTEM,
                            help="tên hệ thống nguồn; mã bản ghi là duy nhất trong một hệ thống")
        parser.add_argument("--dry-run", action="store_true",
                            help="chỉ kiểm tra và đếm, không ghi gì vào cơ sở dữ liệu")
        parser.add_argument("--delete-missing", action="store_true",
                            help="xoá bản ghi cũ (của --unit và/hoặc --period) không còn trong tệp")
        parser.add_argument("--period", help="kỳ dùng với --delete-missing, ví dụ 2025-01")
        parser.add_argument("--unit", help="mã đơn vị dùng với --delete-missing")
        parser.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}")
        scope = None
        if options["delete_missing"]:
            if not options["period"] and not options["unit"]:
                raise CommandError("--delete-missing cần --period và/hoặc --unit: xoá gì phải nói rõ")
            try:
                scope = parse_delete_scope(options["period"], options["unit"])
            except (PeriodError, ValueError) as exc:
                raise CommandError(str(exc)) from None
        bar = tqdm(total=100, unit="%", file=sys.stderr, disable=options["no_progress"],
                   desc="Đang đọc", bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}")
        rows_bar: dict[str, tqdm] = {}

        def progress(phase: str, fraction: float) -> None:
            bar.set_description_str(phase)
            bar.n = round(fraction * 100)
            bar.refresh()

        def row_progress(n: int) -> None:
            if "bar" not in rows_bar:
                rows_bar["bar"] = tqdm(unit=" dòng", file=sys.stderr, disable=options["no_progress"],
                                       desc="Đã ghi")
            rows_bar["bar"].update(n)

        try:
            batch = ingest_file(path, self.kind, system=options["system"], dry_run=options["dry_run"],
                                delete_scope=scope, progress=progress, row_progress=row_progress)
        except ImportError_ as exc:
            bar.close()
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Không nhập tệp {path.name}: {format_int(len(exc.problems))} lỗi; "
                "cơ sở dữ liệu không thay đổi."
            ) from None
        finally:
            for b in rows_bar.values():
                b.close()
        bar.close()
        head = "Kiểm tra (không ghi)" if options["dry_run"] else f"Đã nhập lần #{batch.pk}"
        self.stdout.write(
            f"{head}: {path.name} — {format_int(batch.rows)} {self.noun}: "
            f"{format_int(batch.created)} thêm mới, {format_int(batch.updated)} cập nhật, "
            f"{format_int(batch.unchanged)} không đổi, {format_int(batch.deleted)} đã xoá."
        )
