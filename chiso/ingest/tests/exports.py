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
