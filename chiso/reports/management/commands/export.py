"""``chiso export``: write an official report (appendix, Decree 30 report, matrix, ranking) to a file.

    chiso export --framework nq17-2019 --period 2025-01 --kind appendix --format xlsx -o phu-luc.xlsx
    chiso export --framework ag-cqdt-2021 --period 2025 --kind report --format docx -o bao-cao.docx \\
        --number 05 --date 05/01/2026 --signer "Nguyễn Văn A"

Exits non-zero with a Vietnamese message on bad input (unknown framework,
period or unit; a ranking of a framework that is not scored; PDF without
LibreOffice installed).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.reports.pdf import PdfError
from chiso.reports.services import (
    FORMATS,
    KINDS,
    OPERATION_KINDS,
    ReportError,
    default_meta,
    export_report,
)
from chiso.units.models import Unit


def _date(text: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày \u201c{text}\u201d không hợp lệ: cần dạng dd/mm/yyyy, ví dụ 05/01/2026")


class Command(BaseCommand):
    help = "Xuất báo cáo chính thức (phụ lục, báo cáo NĐ 30, bảng tiêu chí, xếp hạng) ra tệp XLSX/DOCX/PDF"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", help="mã bộ chỉ tiêu, ví dụ nq17-2019 (hoặc mã@phiên bản); "
                                                "không cần cho dossiers, documents (dữ liệu nghiệp vụ)")
        parser.add_argument("--period", required=True, help="kỳ: 2025-01, 2025-Q1, 2025-H1, 2025")
        parser.add_argument("--unit", help="mã đơn vị (phụ lục: đơn vị báo cáo; loại khác: phạm vi cây đơn vị)")
        parser.add_argument("--kind", required=True, choices=KINDS,
                            help="appendix|report|matrix|ranking|statistics|dossiers|documents")
        parser.add_argument("--format", choices=FORMATS, help="xlsx|docx|pdf (mặc định: theo đuôi tệp -o)")
        parser.add_argument("-o", "--output", required=True, help="tệp đích")
        parser.add_argument("--basis", choices=["official", "provisional"], default="official",
                            help="official: số liệu chính thức (mặc định); provisional: số liệu tạm tính, "
                                 "ghi “SỐ LIỆU TẠM TÍNH” dưới tiêu đề")
        parser.add_argument("--as-of", dest="as_of", metavar="NGÀY",
                            help="trên các đơn vị có hiệu lực ngày này (dd/mm/yyyy hoặc yyyy-mm-dd), ví dụ "
                                 "01/07/2025: số liệu đơn vị cũ quy đổi sang đơn vị mới, mỗi đơn vị quy đổi "
                                 "được ghi cách làm và các đơn vị cũ")
        meta = parser.add_argument_group("thông tin văn bản (mặc định lấy từ cấu hình)")
        meta.add_argument("--number", help="số văn bản, ví dụ 05")
        meta.add_argument("--symbol", help="ký hiệu, ví dụ BC-STTTT")
        meta.add_argument("--date", help="ngày văn bản dd/mm/yyyy (mặc định hôm nay)")
        meta.add_argument("--place", help="địa danh, ví dụ An Giang")
        meta.add_argument("--parent-agency", help="cơ quan chủ quản, ví dụ UBND tỉnh An Giang")
        meta.add_argument("--agency", help="cơ quan ban hành, ví dụ Sở Thông tin và Truyền thông")
        meta.add_argument("--authority", help="quyền hạn ký, ví dụ KT. GIÁM ĐỐC")
        meta.add_argument("--position", help="chức vụ người ký, ví dụ PHÓ GIÁM ĐỐC")
        meta.add_argument("--signer", help="họ tên người ký")
        meta.add_argument("--recipient", action="append", help="nơi nhận (lặp lại cho nhiều nơi)")
        meta.add_argument("--subject", help="trích yếu nội dung báo cáo")
        meta.add_argument("--addressee", help="Kính gửi (để trống: không in dòng Kính gửi)")
        meta.add_argument("--next-steps", help="mục III. Phương hướng, nhiệm vụ: mỗi dòng một đoạn "
                                               "(để trống: không in mục III)")
        meta.add_argument("--annex-label", help="nhãn phụ lục, ví dụ \u201cPhụ lục 1\u201d")

    def handle(self, *args, **opts) -> None:
        if not opts["framework"] and opts["kind"] not in OPERATION_KINDS:
            raise CommandError(f"Loại {opts['kind']} cần --framework MÃ (ví dụ --framework nq17-2019)")
        output = Path(opts["output"])
        fmt = opts["format"] or output.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError(f"Không rõ định dạng: dùng --format {'|'.join(FORMATS)} hoặc đặt đuôi tệp .xlsx/.docx/.pdf")
        unit = None
        if opts["unit"]:
            unit = Unit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã \u201c{opts['unit']}\u201d")
        meta = default_meta(
            unit,
            number=opts["number"],
            symbol=opts["symbol"],
            day=_date(opts["date"]) if opts["date"] else None,
            place=opts["place"],
            parent_agency=opts["parent_agency"],
            agency=opts["agency"],
            authority=opts["authority"],
            position=opts["position"],
            signer=opts["signer"],
            recipients=tuple(opts["recipient"]) if opts["recipient"] else None,
            subject=opts["subject"],
            annex_label=opts["annex_label"],
            addressee=opts["addressee"],
            next_steps=(opts["next_steps"] or "").replace("\\n", "\n"),
        )
        try:
            exported = export_report(opts["kind"], fmt, opts["framework"], opts["period"], unit=unit, meta=meta,
                                     basis=opts["basis"], as_of=_date(opts["as_of"]) if opts["as_of"] else None)
        except (ReportError, PdfError) as exc:
            raise CommandError(str(exc)) from exc
        if output.parent and not output.parent.exists():
            output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(exported.content)
        self.stdout.write(f"Đã ghi {output} ({len(exported.content):,} byte)".replace(",", "."))
