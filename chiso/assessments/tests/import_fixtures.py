"""Frameworks for the import and CLI tests.

``SPEC`` is a small hand-built framework with one element of every kind
(count, number, yes/no, text, a composite), so the importer is tested without
depending on any YAML file. ``library_framework`` stores a bundled YAML
framework (e.g. ``nq17-2019``) the way the loader reads it, for golden tests.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from django.db import connection

from chiso.engine.model import (
    Framework as FrameworkSpec,
)
from chiso.engine.model import (
    Indicator,
    LegalBasis,
    Scope,
    Target,
    TargetRule,
)
from chiso.frameworks.models import Framework

LIBRARY = Path(__file__).resolve().parents[2] / "frameworks" / "library"
CORPUS = Path(__file__).resolve().parents[3] / "tests" / "corpus"

SPEC = FrameworkSpec(
    code="mau-nhap",
    version="1",
    title="Bộ chỉ tiêu mẫu để kiểm thử nhập số liệu",
    kind="criteria",
    legal_basis=LegalBasis(number="01/KT", date=None, issuer="Kiểm thử"),
    levels=("province", "district", "commune"),
    scope=Scope(levels=("province", "district", "commune")),
    indicators=(
        Indicator(code="2", name="Tỷ lệ hồ sơ trực tuyến", kind="ratio",
                  targets=(TargetRule(Target(">=", Fraction(1, 2))),)),
        Indicator(code="11", name="Dịch vụ công có hồ sơ điện tử", kind="ratio",
                  targets=(TargetRule(Target("=", Fraction(1))),)),
        Indicator(code="5", name="Cổng có giao diện di động", kind="boolean",
                  targets=(TargetRule(Target("=", True)),)),
        Indicator(code="7", name="Số phần mềm dùng chung", kind="number",
                  targets=(TargetRule(Target(">=", Fraction(4))),)),
        Indicator(code="21", name="Nội dung thực hiện", kind="text"),
        Indicator(code="8", name="Ứng dụng CNTT", kind="composite", items=(
            Indicator(code="a", name="Máy tính", kind="ratio",
                      targets=(TargetRule(Target(">=", Fraction(1, 2))),)),
        )),
    ),
)


def spec_framework(monkeypatch, spec: FrameworkSpec = SPEC) -> Framework:
    """A stored Framework row whose ``spec()`` is ``spec``."""
    row = Framework.objects.create(
        code=spec.code, version=spec.version, title=spec.title, document={},
        source_yaml="# dựng trong kiểm thử", source_name="mau.yaml", checksum="test-" + spec.code,
    )
    monkeypatch.setattr(Framework, "spec", lambda self: spec)
    return row


def library_framework(code: str) -> Framework:
    """Store the bundled framework ``code`` the way ``chiso load_frameworks`` does."""
    from chiso.frameworks.loader import parse_framework_text
    from chiso.frameworks.services import store_framework

    path = LIBRARY / f"{code}.yaml"
    text = path.read_text(encoding="utf-8")
    framework, _ = store_framework(parse_framework_text(text, path.name), text, path.name)
    return framework


def table_counts() -> dict[str, int]:
    """Row count of every table of the project's apps (to prove a failed import wrote nothing)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(("units_", "assessments_", "frameworks_")):
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
    return counts
