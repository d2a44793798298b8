"""`chiso push --to URL --token T --framework F --period P [--basis official] [--mapping FILE] [--dry-run]`.

Sends this province's results of one framework and period — every unit's
verdict and the figures behind it, read from the stored results on the chosen
basis (never recomputed), and the province summary — to another Chỉ Số
instance (``POST /api/v1/pushes``), which writes them through its guarded
write path as that province's reported figures. One request per push (the
receiver's rate limit counts requests). See docs/api.md.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.api.exchange import build_payload
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results.models import BASES, BASIS_OFFICIAL
from chiso.units.models import Unit

ENDPOINT = "/api/v1/pushes"
TIMEOUT = 120  # seconds: a province's first push writes a few thousand figures


def endpoint(to: str) -> str:
    """The receiver's push URL from its address (``http://host:port``) or the full URL."""
    base = to.rstrip("/")
    return base if base.endswith(ENDPOINT) else base + ENDPOINT


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    help = ("Gửi kết quả đánh giá (chính thức) của tỉnh cho một bộ chỉ tiêu và một kỳ lên một hệ thống Chỉ Số khác "
            "qua API (POST /api/v1/pushes).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", help="địa chỉ hệ thống nhận, ví dụ https://chiso.tw.gov.vn")
        parser.add_argument("--token", help="mã truy cập API ở hệ thống nhận (hoặc biến môi trường CHISO_PUSH_TOKEN)")
        parser.add_argument("--framework", required=True, help="mã bộ chỉ tiêu")
        parser.add_argument("--period", required=True, help="kỳ, ví dụ 2025")
        parser.add_argument("--basis", choices=BASES, default=BASIS_OFFICIAL,
                            help="official: chỉ số liệu đã duyệt (mặc định); provisional: tạm tính")
        parser.add_argument("--mapping", help="tệp CSV ánh xạ mã đơn vị: sender (mã ở đây), receiver (mã ở nơi nhận)")
        parser.add_argument("--unit", help="chỉ gửi đơn vị này và các đơn vị trực thuộc (mặc định: mọi đơn vị)")
        parser.add_argument("--to-framework", dest="to_framework",
                            help="mã bộ chỉ tiêu ở nơi nhận, nếu khác (mặc định: cùng mã)")
        parser.add_argument("--from", dest="instance", help="tên hệ thống này gửi kèm (mặc định CHISO_INSTANCE_NAME)")
        parser.add_argument("--dry-run", action="store_true", help="nơi nhận chỉ kiểm tra, không ghi gì")
        parser.add_argument("--out", help="chỉ ghi nội dung sẽ gửi ra tệp JSON này, không gửi (để gửi bằng curl "
                                          "hoặc lưu hồ sơ)")
        parser.add_argument("--format", choices=["text", "json"], default="text",
                            help="json: in nguyên câu trả lời của nơi nhận")

    def handle(self, *args, **options) -> None:
        token = options["token"] or os.environ.get("CHISO_PUSH_TOKEN", "")
        if not options["out"] and not options["to"]:
            raise CommandError("Thiếu --to (địa chỉ hệ thống nhận), hoặc --out TỆP để chỉ ghi nội dung ra tệp.")
        if not options["out"] and not token:
            raise CommandError("Thiếu mã truy cập của hệ thống nhận: --token hoặc biến môi trường CHISO_PUSH_TOKEN.")
        try:
            framework = Framework.objects.latest_of(options["framework"])
        except Framework.DoesNotExist:
            raise CommandError(f"Không có bộ chỉ tiêu mã {options['framework']!r}.") from None
        try:
            period = parse_period(options["period"]).code
        except PeriodError as exc:
            raise CommandError(f"Kỳ không hợp lệ: {exc}") from None
        root = None
        if options["unit"]:
            root = Unit.objects.filter(code=options["unit"]).first()
            if root is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']!r}.")
        payload = build_payload(framework, period, options["basis"], root, options["instance"])
        if options["mapping"]:
            path = Path(options["mapping"])
            try:
                content = path.read_bytes().decode("utf-8-sig")
            except OSError as exc:
                raise CommandError(f"Không đọc được tệp ánh xạ {path}: {exc.strerror or exc}") from None
            except UnicodeDecodeError:
                raise CommandError(f"Tệp ánh xạ {path} phải là CSV mã UTF-8.") from None
            payload["mapping"] = {"file": path.name, "content": content}
        if options["out"]:
            Path(options["out"]).write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
            self.stdout.write(f"Đã ghi nội dung gửi ({len(payload['units'])} đơn vị, {payload['framework']} kỳ "
                              f"{payload['period']}, {payload['basis']}) vào {options['out']}; chưa gửi đi đâu.")
            return
        query = {k: v for k, v in (("framework", options["to_framework"]),
                                   ("dry_run", "true" if options["dry_run"] else None)) if v}
        url = endpoint(options["to"]) + (f"?{urlencode(query)}" if query else "")
        status, answer = send(url, token, payload)
        if options["format"] == "json":
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
        if status >= 400 or answer.get("status") == "ERROR":
            raise CommandError(refusal(status, answer, url))
        if options["format"] == "text":
            self.stdout.write(describe(answer, payload, url))


def send(url: str, token: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST the payload; (HTTP status, the JSON answer). Network failures are a CommandError in Vietnamese."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 — the URL the operator gave
            return response.status, _json(response.read())
    except urllib.error.HTTPError as exc:
        answer = _json(exc.read())
        if exc.code == 429:
            answer.setdefault("detail", "")
            answer["retry_after"] = exc.headers.get("Retry-After")
        return exc.code, answer
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CommandError(f"Không kết nối được tới {url}: {reason}") from None


def _json(data: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(data or b"{}")
    except ValueError:
        return {"detail": data[:300].decode("utf-8", "replace")}
    return doc if isinstance(doc, dict) else {"detail": str(doc)[:300]}


def refusal(status: int, answer: dict[str, Any], url: str) -> str:
    """Why the receiver refused, in Vietnamese; nothing was written there."""
    if status == 401:
        return f"Nơi nhận ({url}) từ chối mã truy cập (401): {answer.get('detail', '')}"
    if status == 429:
        return (f"Nơi nhận ({url}) đang giới hạn tần suất (429): {answer.get('detail', '')} "
                f"Thử lại sau {answer.get('retry_after') or '60'} giây.")
    if "conflicts" not in answer:
        return f"Nơi nhận ({url}) trả lỗi {status}: {answer.get('detail', '')}"
    lines = [f"Nơi nhận không ghi gì ({len(answer['conflicts'])} lỗi):"]
    for c in answer["conflicts"]:
        where = ", ".join(p for p in (c.get("file") or "", f"dòng {c['row']}" if c.get("row") is not None else "",
                                      f"cột {c['column']}" if c.get("column") else "") if p)
        lines.append(f"  {where}: [{c.get('code')}] {c.get('message')}")
    if answer.get("unknown"):
        lines.append("Mã đơn vị chưa đặt được ở nơi nhận: " + ", ".join(answer["unknown"]))
    return "\n".join(lines)


def describe(answer: dict[str, Any], payload: dict[str, Any], url: str) -> str:
    """One paragraph for the operator: what was sent and what the receiver did with it."""
    counts = answer.get("counts", {})
    head = "Chạy thử (nơi nhận chưa ghi gì)" if answer.get("dry_run") else "Đã gửi"
    lines = [f"{head}: {payload['framework']} kỳ {payload['period']} ({payload['basis']}), {len(payload['units'])} "
             f"đơn vị tới {url.split('?')[0]}.",
             f"Nơi nhận: tạo mới {counts.get('created', 0)}, cập nhật {counts.get('updated', 0)}, "
             f"xoá {counts.get('deleted', 0)}, không đổi {counts.get('unchanged', 0)} số liệu."]
    if answer.get("receipt"):
        lines.append(f"Lần nhận số {answer['receipt']}, mã băm {answer.get('payload_hash', '')[:12]}….")
    elif not answer.get("dry_run"):
        lines.append("Không có gì thay đổi ở nơi nhận (số liệu đã có đúng như vậy).")
    check = answer.get("check")
    if check is not None:
        lines.append("Kết quả chính thức ở nơi nhận khớp với ở đây." if check.get("matches") else
                     f"CẢNH BÁO: kết quả ở nơi nhận khác ở đây với {len(check.get('differences', []))} đơn vị.")
    return "\n".join(lines)
