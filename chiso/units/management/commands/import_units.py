"""`chiso import_units FILE [--dry-run]`: create or update units from CSV/XLSX, all or nothing.

`chiso import_units --registry vn --province "An Giang" [--as-of 2025-07-01]`: the same, from the
official list of administrative units read offline (``chiso.units.registry``), with the lineage
between the units before and after 01/07/2025.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.engine.numbers import format_date
from chiso.tabular import ImportError_, parse_date_cell
from chiso.units.importer import UnitImportReport, import_units
from chiso.units.lineage import describe

REGISTRIES = ("vn",)


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: must not depend on URL/template checks

    help = (
        "Nhập danh sách đơn vị từ tệp CSV (UTF-8) hoặc Excel .xlsx. Cột: code, name, level, "
        "kind, parent_code, valid_from, valid_to; cột khác là thuộc tính. Có lỗi thì không ghi gì. "
        "Hoặc nạp một tỉnh từ danh mục đơn vị hành chính chính thức (ngoại tuyến): "
        "--registry vn --province \"An Giang\" --as-of 2025-07-01."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="tệp .csv hoặc .xlsx")
        parser.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
        parser.add_argument(
            "--registry", choices=REGISTRIES,
            help="nạp từ danh mục đơn vị hành chính thay cho tệp: vn = gói vietnamadminunits (ngoại tuyến)",
        )
        parser.add_argument("--province", help="tên tỉnh/thành phố trong danh mục, ví dụ \"An Giang\"")
        parser.add_argument(
            "--as-of", dest="as_of",
            help="ngày áp dụng (yyyy-mm-dd hoặc dd/mm/yyyy; mặc định hôm nay): từ 01/07/2025 là tỉnh "
                 "hai cấp (tỉnh → xã/phường/đặc khu) kèm các đơn vị cũ và quan hệ kế thừa; trước "
                 "ngày đó là tỉnh ba cấp cũ (tỉnh → huyện → xã)",
        )

    def handle(self, *args, **options) -> None:
        if options["registry"]:
            self._from_registry(options)
            return
        if options["province"] or options["as_of"]:
            raise CommandError("--province và --as-of chỉ dùng cùng --registry vn")
        if not options["file"]:
            raise CommandError("cần tệp .csv/.xlsx, hoặc --registry vn --province \"Tên tỉnh\"")
        try:
            report = import_units(options["file"], sheet=options["sheet"], dry_run=options["dry_run"])
        except ImportError_ as exc:
            raise CommandError(
                f"Không nhập được tệp, không có thay đổi nào được ghi ({len(exc.problems)} lỗi):\n{exc}"
            ) from exc
        self._write_units(report, options["verbosity"])

    def _write_units(self, report: UnitImportReport, verbosity: int) -> None:
        self.stdout.write(report.summary())
        for label, codes in (("Tạo mới", report.created), ("Cập nhật", report.updated)):
            if codes and verbosity >= 1:
                detail = ", ".join(
                    f"{c} ({', '.join(report.changes[c])})" if c in report.changes else c
                    for c in codes[:50]
                )
                more = f" … và {len(codes) - 50} đơn vị khác" if len(codes) > 50 else ""
                self.stdout.write(f"  {label}: {detail}{more}")

    def _from_registry(self, options: dict) -> None:
        from chiso.units.registry import RegistryError, import_province

        if options["file"]:
            raise CommandError("dùng tệp hoặc --registry, không dùng cả hai")
        if not options["province"]:
            raise CommandError("--registry vn cần --province, ví dụ --province \"An Giang\"")
        as_of = date.today()
        if options["as_of"]:
            try:
                as_of = parse_date_cell(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of: {exc}") from exc
        try:
            plan, units, lineage = import_province(options["province"], as_of, dry_run=options["dry_run"])
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        except ImportError_ as exc:
            raise CommandError(
                f"Không nạp được danh mục, không có thay đổi nào được ghi ({len(exc.problems)} lỗi):\n{exc}"
            ) from exc
        shape = ("hai cấp: tỉnh → xã/phường/đặc khu" if plan.new
                 else "ba cấp: tỉnh → huyện → xã")
        self.stdout.write(f"{plan.province} ngày {format_date(as_of)} ({shape}).")
        self._write_units(units, options["verbosity"] - 1)  # hundreds of codes: listed with -v 2
        self.stdout.write(lineage.summary())
        if lineage.created and options["verbosity"] >= 2:
            self.stdout.write("  Tạo mới: " + ", ".join(describe(p) for p in lineage.created))
