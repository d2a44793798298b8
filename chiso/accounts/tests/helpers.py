"""Test helpers shared by the accounts tests and the authorization matrix."""

from __future__ import annotations

import hashlib

from chiso.frameworks.loader import LIBRARY_DIR, parse_framework_text
from chiso.frameworks.models import Framework


def bundled_framework(code: str) -> Framework:
    """The bundled framework ``code`` stored in the database (loaded once per test)."""
    existing = Framework.objects.filter(code=code).first()
    if existing is not None:
        return existing
    path = LIBRARY_DIR / f"{code}.yaml"
    text = path.read_text(encoding="utf-8")
    try:
        from chiso.frameworks.services import store_framework
    except ImportError:
        store_framework = None
    if store_framework is not None:
        return store_framework(parse_framework_text(text, path.name), text, path.name)[0]
    spec = parse_framework_text(text, path.name)
    return Framework.objects.create(
        code=spec.code, version=spec.version, title=spec.title, kind=spec.kind,
        legal_number=spec.legal_basis.number, legal_date=spec.legal_basis.date,
        issuer=spec.legal_basis.issuer, effective_from=spec.effective_from,
        effective_to=spec.effective_to, document={}, source_yaml=text, source_name=path.name,
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )
