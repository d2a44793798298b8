"""Evidence files: the type is read from the content, never from the name.

Accepted: PDF, PNG, JPEG, DOCX and XLSX. A file whose name claims one type but
whose content is another accepted type is stored as what it really is (a
``.pdf`` that is really a PNG is kept as ``image/png`` with a ``.png`` name);
anything else (an ``.exe`` renamed ``.pdf``, a zip that is not an Office
document, an empty file) is refused. Files live under ``MEDIA_ROOT`` (outside
the web root) with a SHA-256 checksum and are served only by a view that
checks the user may see the unit.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .models import Evidence, Submission


class EvidenceError(ValueError):
    """A refused upload, with a Vietnamese message naming the file."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", "pdf", "PDF")
PNG = FileType("image/png", "png", "ảnh PNG")
JPEG = FileType("image/jpeg", "jpg", "ảnh JPEG")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word (DOCX)")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel (XLSX)")
ACCEPTED_LABEL = "PDF, PNG, JPEG, DOCX, XLSX"


def sniff(head: bytes, data: bytes | None = None) -> FileType | None:
    """The accepted type ``data`` really is (from magic bytes and zip structure), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def store_evidence(
    submission: Submission,
    upload: UploadedFile,
    user: Any,
    indicator: str = "",
    description: str = "",
) -> Evidence:
    """Check ``upload`` (size, real type) and store it with its checksum; ``EvidenceError`` otherwise."""
    name = PurePath(upload.name or "tep").name[:200]
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise EvidenceError(_("Tệp “%(name)s” nặng %(size)s, vượt giới hạn %(limit)s.") % {
            "name": name, "size": _size_label(upload.size), "limit": _size_label(limit)})
    data = b"".join(upload.chunks())
    if len(data) > limit:
        raise EvidenceError(_("Tệp “%(name)s” nặng %(size)s, vượt giới hạn %(limit)s.") % {
            "name": name, "size": _size_label(len(data)), "limit": _size_label(limit)})
    if not data:
        raise EvidenceError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    kind = sniff(data[:16], data)
    if kind is None:
        raise EvidenceError(_(
            "Tệp “%(name)s” không phải loại được nhận (%(accepted)s): nội dung tệp không khớp loại nào, "
            "dù tên tệp là gì."
        ) % {"name": name, "accepted": ACCEPTED_LABEL})
    stem = PurePath(name).stem or "tep"
    suffix = PurePath(name).suffix.lower().lstrip(".")
    shown_name = name if suffix in {kind.extension, "jpeg" if kind is JPEG else ""} else f"{stem}.{kind.extension}"
    evidence = Evidence(
        submission=submission, indicator=indicator or "", original_name=shown_name,
        content_type=kind.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        description=(description or "")[:255], uploaded_by=user,
    )
    _save_file(evidence, f"{uuid.uuid4().hex}.{kind.extension}", data, name)
    try:
        evidence.save()
    except Exception:
        _discard(evidence.file.storage, evidence.file.name)  # no file without its row
        raise
    return evidence


def _save_file(evidence: Evidence, filename: str, data: bytes, shown: str) -> None:
    """Write the file, or raise ``EvidenceError`` leaving nothing behind.

    A full disk or a read-only evidence directory is the server's problem, not the user's: it
    gets a sentence, not a 500, and a write that stopped half-way is removed so no truncated
    file sits in the store without a row (or under a row whose SHA-256 it does not match).
    """
    field = evidence.file.field
    try:
        evidence.file.save(filename, ContentFile(data), save=False)
    except OSError as exc:
        _discard(field.storage, field.generate_filename(evidence, filename))
        raise EvidenceError(_(
            "Chưa lưu được tệp “%(name)s”: kho minh chứng trên máy chủ đang đầy hoặc không ghi được "
            "(%(reason)s). Số liệu đã nhập không bị ảnh hưởng; hãy thử lại sau hoặc báo quản trị hệ thống."
        ) % {"name": shown, "reason": exc.strerror or exc.__class__.__name__}) from exc


def _discard(storage: Any, name: str | None) -> None:
    if not name:
        return
    try:
        storage.delete(name)
    except OSError:
        pass  # nothing was written, or the store refuses even deletes: nothing more to do here


def renamed_note(evidence: Evidence, uploaded_name: str) -> str:
    """A note for the user when the stored name differs from the uploaded one (type fixed from content)."""
    if PurePath(uploaded_name).name == evidence.original_name:
        return ""
    return _("Tệp “%(a)s” thực chất là %(kind)s nên được lưu thành “%(b)s”.") % {
        "a": PurePath(uploaded_name).name, "kind": evidence.content_type, "b": evidence.original_name}


def _size_label(size: int) -> str:
    """"1,9 KB" or "12,3 MB": a clerk must see how far over the limit the file is, never "0 MB"."""
    from fractions import Fraction

    from chiso.engine.numbers import format_number

    if size < 1024 * 1024:
        return f"{format_number(Fraction(size, 1024), decimals=1)} KB"
    return f"{format_number(Fraction(size, 1024 * 1024), decimals=1)} MB"
