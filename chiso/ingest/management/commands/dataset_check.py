"""``chiso dataset_check``: repair the records dataset after a crash and check it against the database."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from chiso.engine.numbers import format_int
from chiso.ingest.importer import check_dataset


class Command(BaseCommand):
    help = ("Sửa thư mục dữ liệu nghiệp vụ (Parquet) sau khi tiến trình nhập bị dừng đột ngột và "
            "đối chiếu với cơ sở dữ liệu")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="chỉ báo, không sửa gì")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options) -> None:
        result = check_dataset(dry_run=options["dry_run"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            verb = "Sẽ" if options["dry_run"] else "Đã"
            self.stdout.write(f"{format_int(result['partitions'])} phân vùng dữ liệu đang dùng.")
            for name in result["published"]:
                self.stdout.write(f"{verb} đưa vào chỗ (lần nhập đã ghi xong): {name}")
            for name in result["removed"]:
                self.stdout.write(f"{verb} xoá (không lần nhập nào đã ghi xong sở hữu): {name}")
            for name in result["missing"]:
                self.stdout.write(f"THIẾU tệp của phân vùng: {name}")
            for d in result["summary_mismatches"]:
                self.stdout.write(f"Bảng tổng hợp khác dữ liệu: {d['source']} {d['system']} đơn vị #{d['unit_id']} "
                                  f"tháng {d['month']}: {', '.join(d['metrics']) or 'thiếu dòng'}")
            for r in result["recounted"]:
                self.stdout.write(f"Đã đếm lại bảng tổng hợp từ tệp dữ liệu: {r['source']} {r['system']} "
                                  f"({format_int(r['rows'])} dòng đơn vị × tháng).")
            if options["dry_run"] and result["summary_mismatches"]:
                self.stdout.write("Chạy lại không có --dry-run để đếm lại bảng tổng hợp từ tệp dữ liệu.")
            if result["ok"]:
                self.stdout.write("Dữ liệu nghiệp vụ khớp với cơ sở dữ liệu.")
        if not result["ok"]:
            raise CommandError("Dữ liệu nghiệp vụ không khớp với cơ sở dữ liệu (xem các dòng trên).")
