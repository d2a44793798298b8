"""``chiso load_frameworks [PATH…]``: load framework YAML files, all or nothing.

Without a path, the bundled library. A path may be a directory (its
``*.yaml``/``*.yml`` files). Every file is parsed before anything is written;
any problem anywhere stops the whole load and lists every problem. Running it
twice is harmless: unchanged files are reported as such.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from chiso.frameworks.loader import (
    FrameworkError,
    Problem,
    framework_paths,
    library_paths,
    parse_framework_text,
    read_framework_text,
)
from chiso.frameworks.services import store_framework, unknown_metrics


class Command(BaseCommand):
    help = "Nạp bộ chỉ tiêu từ tệp YAML (không ghi gì nếu có bất kỳ lỗi nào). Mặc định: thư viện kèm theo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="tệp .yaml hoặc thư mục chứa tệp .yaml")

    def handle(self, *args: object, **options: object) -> None:
        raw_paths = options.get("paths") or []
        files = framework_paths(raw_paths) if raw_paths else library_paths()
        if not files:
            raise CommandError("Không tìm thấy tệp .yaml nào để nạp.")

        problems: list[Problem] = []
        parsed = []
        seen: dict[tuple[str, str], Path] = {}
        for path in files:
            try:
                text = read_framework_text(path)
                spec = parse_framework_text(text, path.name)
            except FrameworkError as exc:
                problems.extend(exc.problems)
                continue
            key = (spec.code, spec.version)
            if key in seen:
                problems.append(Problem(path.name, "version", (
                    f"trùng mã và phiên bản {spec.code}@{spec.version} với tệp {seen[key].name}"
                )))
                continue
            seen[key] = path
            parsed.append((path, text, spec))
        if problems:
            raise CommandError(_failure(problems))

        lines: list[str] = []
        try:
            with transaction.atomic():
                for path, text, spec in parsed:
                    fw, action = store_framework(spec, text, path.name)
                    lines.append(
                        f"{action.label:<10} {fw.code}@{fw.version}  ({path.name}, "
                        f"{len(spec.indicators)} chỉ tiêu) — {fw.title}"
                    )
        except FrameworkError as exc:
            raise CommandError(_failure(exc.problems)) from exc
        for line in lines:
            self.stdout.write(line)
        for _path, _text, spec in parsed:
            for warning in unknown_metrics(spec):
                self.stderr.write(f"Cảnh báo: {warning}")


def _failure(problems: list[Problem]) -> str:
    listing = "\n".join(str(p) for p in problems)
    return f"{listing}\nKhông nạp bộ chỉ tiêu nào ({len(problems)} lỗi): sửa các lỗi trên rồi chạy lại."
