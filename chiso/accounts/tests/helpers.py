"""Test helpers shared by the accounts tests and the authorization matrix."""

from __future__ import annotations

from chiso.accounts.framework_ui import store_uploaded_framework
from chiso.frameworks.loader import LIBRARY_DIR
from chiso.frameworks.models import Framework


def bundled_framework(code: str) -> Framework:
    """The bundled framework ``code`` stored in the database, as the upload page stores it."""
    existing = Framework.objects.filter(code=code).first()
    if existing is not None:
        return existing
    path = LIBRARY_DIR / f"{code}.yaml"
    fw, _status = store_uploaded_framework(path.read_text(encoding="utf-8"), path.name)
    return fw
