"""`chiso verify_media`: every evidence file against its stored SHA-256; non-zero exit on any failure."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandParser

from chiso.engine.numbers import format_int
from chiso.ops.media import check_evidence


class Command(BaseCommand):
    help = ("Kiểm tra mọi tệp minh chứng với mã SHA-256 và kích thước lưu lúc tải lên; in từng tệp thiếu hoặc "
            "bị thay đổi và trả mã lỗi khác 0 khi có.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["text", "json"], default="text",
                            help="text (mặc định) hoặc json")

    def handle(self, *args, **options) -> None:
        checked, failures = 0, []
        for _evidence, failure in check_evidence():
            checked += 1
            if failure is not None:
                failures.append(failure)
                if options["format"] == "text":
                    where = f"đơn vị {failure.unit}" + (f", chỉ tiêu {failure.indicator}" if failure.indicator else "")
                    self.stdout.write(f"Minh chứng #{failure.id} “{failure.original_name}” ({where}): "
                                      f"{failure.detail} — {failure.file}")
        if options["format"] == "json":
            self.stdout.write(json.dumps({"checked": checked, "ok": checked - len(failures),
                                          "failed": [f.as_dict() for f in failures]},
                                         ensure_ascii=False, indent=2))
        elif failures:
            self.stdout.write(f"{format_int(len(failures))}/{format_int(checked)} tệp minh chứng có lỗi.")
        else:
            self.stdout.write(f"Đã kiểm tra {format_int(checked)} tệp minh chứng: tất cả khớp mã SHA-256.")
        if failures:
            sys.stdout.flush()
            sys.exit(1)
