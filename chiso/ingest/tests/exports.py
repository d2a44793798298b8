"""Hand-made exports for the ingest tests."""

from __future__ import annotations

import csv
from pathlib import Path

DOSSIER_HEADER = ["dossier_id", "unit", "procedure", "service_level", "channel", "received_at",
                  "due_at", "resolved_at", "status", "e_result", "digitized"]
DOCUMENT_HEADER = ["document_id", "unit", "direction", "date", "electronic", "signed", "secret"]


def write_csv(path: Path, rows, header=DOSSIER_HEADER) -> Path:
    """Write ``rows`` (lists) under ``header`` as UTF-8 CSV."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def dossier(ident, unit="AG-STTTT", level="full_online", channel="online",
            received="2025-01-10 08:00", due="2025-01-20 17:00", resolved="", status="received",
            e_result="", digitized="", procedure="1.001"):
    """One row of a dossier export, canonical column order."""
    return [ident, unit, procedure, level, channel, received, due, resolved, status, e_result, digitized]


# An export with the optional 2026 columns, headed in Vietnamese as an operator would write it.
VI_HEADER = ["Mã hồ sơ", "Đơn vị", "Thủ tục", "Mức độ", "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
             "Ngày có kết quả", "Trạng thái", "Kết quả điện tử", "Số hoá",
             "Thanh toán trực tuyến", "Công khai kết quả đúng hạn", "Mức độ hài lòng",
             "Tái sử dụng dữ liệu số hoá", "Cấp của cơ quan tiếp nhận"]


def row(ident, paid="", published="", satisfaction="", reused="", office="", **kw):
    """A dossier row with the five 2026 cells after the old ones (``VI_HEADER`` order)."""
    return [*dossier(ident, **kw), paid, published, satisfaction, reused, office]


def stored(ident: str, system: str = "main"):
    """A dossier as the dataset holds it, with attribute access (``unit_id``, ``batch_id`` …)."""
    from types import SimpleNamespace

    from chiso.ingest.records import record

    values = record("dossiers", ident, system)
    return SimpleNamespace(**values, batch_id=values["batch"])
