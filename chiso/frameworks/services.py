"""Storing parsed frameworks: one place for the CLI (``chiso load_frameworks``) and the web upload.

A framework version that already has values is never edited in place: the
reported figures were checked against it, so a changed file must carry a new
``version`` and is loaded beside the old one.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from django.db import transaction

from chiso.engine.model import Framework as FrameworkSpec

from .loader import FrameworkError, Problem, read_document
from .models import Framework


class Action(StrEnum):
    """What storing a file did. Truthy when the database changed."""

    LOADED = "loaded"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"

    @property
    def label(self) -> str:
        return {"loaded": "nạp mới", "unchanged": "không đổi", "replaced": "thay thế"}[self.value]

    def __bool__(self) -> bool:
        return self is not Action.UNCHANGED


class FrameworkVersionConflict(FrameworkError):
    """The same code and version is stored with other content and already has values."""


def checksum_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(spec: FrameworkSpec, text: str, filename: str) -> dict[str, object]:
    return {
        "title": spec.title[:500],
        "kind": spec.kind,
        "legal_number": spec.legal_basis.number[:100],
        "legal_date": spec.legal_basis.date,
        "issuer": spec.legal_basis.issuer[:255],
        "effective_from": spec.effective_from,
        "effective_to": spec.effective_to,
        "document": read_document(text, filename),
        "source_yaml": text,
        "source_name": str(filename)[:255],
        "checksum": checksum_of(text),
    }


def store_framework(spec: FrameworkSpec, text: str, filename: str) -> tuple[Framework, Action]:
    """Store ``spec`` (parsed from ``text``) as its code + version.

    The same text again changes nothing; changed text replaces the stored
    version only while no ``Value`` refers to it, otherwise
    ``FrameworkVersionConflict`` asks for a new version.
    """
    checksum = checksum_of(text)
    with transaction.atomic():
        existing = (
            Framework.objects.select_for_update().filter(code=spec.code, version=spec.version).first()
        )
        if existing is None:
            fw = Framework.objects.create(code=spec.code, version=spec.version, **_fields(spec, text, filename))
            return fw, Action.LOADED
        if existing.checksum == checksum:
            return existing, Action.UNCHANGED
        if existing.values.exists():
            raise FrameworkVersionConflict([
                Problem(
                    str(filename),
                    "version",
                    f"bộ chỉ tiêu {spec.code} phiên bản {spec.version} đã có số liệu nên không được sửa "
                    f"tại chỗ; hãy đổi version (ví dụ \"{_next_version(spec.version)}\") để nạp bản sửa đổi "
                    "bên cạnh bản cũ",
                )
            ])
        for name, value in _fields(spec, text, filename).items():
            setattr(existing, name, value)
        existing.save()
        return existing, Action.REPLACED


def unknown_metrics(spec: FrameworkSpec) -> list[str]:
    """``sources`` naming a metric the ingest app does not compute (yet), as readable lines.

    The loader only checks the form ``dossiers.<name>``; the names themselves
    belong to ``chiso.ingest.metrics``, so this is a warning, not a refusal.
    """
    try:
        from chiso.ingest.metrics import METRICS
    except ImportError:
        return []
    out: list[str] = []

    def walk(indicators, prefix: str) -> None:
        for ind in indicators:
            code = f"{prefix}{ind.code}"
            for input_name, metric in ind.sources.items():
                family, _, name = metric.partition(".")
                if name not in METRICS.get(family, ()):
                    known = ", ".join(METRICS.get(family, ()))
                    out.append(f"{spec.code} {code}.{input_name}: chưa có chỉ số {metric} (có: {known})")
            walk(ind.items, f"{code}.")

    walk(spec.indicators, "")
    return out


def _next_version(version: str) -> str:
    head, _, tail = version.rpartition(".")
    if tail.isdigit():
        return f"{head}.{int(tail) + 1}" if head else str(int(tail) + 1)
    return f"{version}.1"
