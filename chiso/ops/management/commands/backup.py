"""`chiso backup -o FILE`: database + files + manifest of SHA-256s in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chiso.engine.numbers import format_int
from chiso.ops.backup import MEDIA_PREFIX, BackupError, create_backup, size_label


class Command(BaseCommand):
    help = (
        "Sao lưu CSDL (SQLite: API sao lưu trực tuyến; PostgreSQL: pg_dump) và mọi tệp trong CHISO_MEDIA_ROOT "
        "(minh chứng, tệp dữ liệu đã tải lên) vào một tệp .tar.gz kèm manifest.json ghi SHA-256 từng tệp. "
        "Chạy được khi hệ thống đang hoạt động."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", metavar="TỆP",
                            help="tệp sao lưu cần tạo (mặc định chiso-sao-luu-YYYYMMDD-HHMMSS.tar.gz ở thư mục hiện tại); "
                                 "tệp cùng tên được thay khi sao lưu xong")

    def handle(self, *args, **options) -> None:
        output = Path(options["output"] or
                      timezone.localtime().strftime("chiso-sao-luu-%Y%m%d-%H%M%S.tar.gz"))
        try:
            manifest = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        members = manifest["members"]
        media = [m for m in members if m["path"].startswith(MEDIA_PREFIX)]
        database = next(m for m in members if m["path"] == manifest["database"]["member"])
        vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[manifest["database"]["vendor"]]
        self.stdout.write(
            f"Đã sao lưu vào {output}: CSDL {vendor} ({size_label(database['size'])}), "
            f"{format_int(len(media))} tệp ({size_label(sum(m['size'] for m in media))}), "
            f"tệp sao lưu {size_label(output.stat().st_size)}."
        )
        evidence = manifest["evidence"]
        for kind, label in (("missing", "thiếu tệp"), ("mismatched", "tệp không khớp SHA-256 đã lưu")):
            for item in evidence[kind]:
                self.stderr.write(f"Cảnh báo: minh chứng #{item['id']} {label}: {item['file']}")
        if evidence["missing"] or evidence["mismatched"]:
            self.stderr.write("Chạy `chiso verify_media` để xem chi tiết.")
