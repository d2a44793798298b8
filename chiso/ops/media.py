"""Evidence files against their stored SHA-256 and size: silent corruption or a lost disk shows here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.core.files.storage import default_storage

from chiso.assessments.models import Evidence

CHUNK = 1024 * 1024

MISSING, SIZE, HASH, UNREADABLE = "missing", "size", "sha256", "unreadable"
LABELS = {
    MISSING: "thiếu tệp",
    SIZE: "kích thước khác với lúc tải lên",
    HASH: "mã SHA-256 không khớp (tệp đã bị thay đổi)",
    UNREADABLE: "không đọc được tệp",
}


@dataclass
class Failure:
    id: int
    file: str
    original_name: str
    unit: str
    indicator: str
    problem: str
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def check_evidence() -> Iterator[tuple[Evidence, Failure | None]]:
    """Every evidence row with None (file intact) or the reason it fails, reading each file once."""
    rows = Evidence.objects.select_related("submission__unit").order_by("pk")
    for evidence in rows.iterator(chunk_size=500):
        name = evidence.file.name

        def fail(problem: str, detail: str = "", evidence=evidence, name=name) -> Failure:
            return Failure(id=evidence.pk, file=name, original_name=evidence.original_name,
                           unit=evidence.submission.unit.code, indicator=evidence.indicator,
                           problem=problem, detail=detail or LABELS[problem])

        try:
            if not name or not default_storage.exists(name):
                yield evidence, fail(MISSING)
                continue
            sha, size = hashlib.sha256(), 0
            with default_storage.open(name, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    sha.update(chunk)
                    size += len(chunk)
        except OSError as exc:
            yield evidence, fail(UNREADABLE, f"{LABELS[UNREADABLE]}: {exc.strerror or exc}")
            continue
        if size != evidence.size:
            yield evidence, fail(SIZE, f"{LABELS[SIZE]} ({size} byte, lúc tải lên {evidence.size} byte)")
        elif sha.hexdigest() != evidence.sha256:
            yield evidence, fail(HASH)
        else:
            yield evidence, None
