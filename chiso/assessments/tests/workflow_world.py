"""Fixtures for the workflow tests: a small framework that exercises every input kind, and a round.

The framework ``web-thu-nghiem`` has a ratio with evidence required and a CEL
rule (1), a yes/no (2), a level-specific ratio 90/80/65% (3, seed 000's rows
8/9/10), a composite with a ratio and a number (4, commune only, shaped like
seed 003's 8.4) and a narrative-only text indicator (5). Import the fixtures
with ``from chiso.assessments.tests.workflow_world import *``.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from chiso.assessments.models import Submission, Value
from chiso.assessments.workflow import open_round
from chiso.frameworks.loader import parse_framework_text
from chiso.frameworks.models import Framework

TEST_FRAMEWORK_YAML = """
code: web-thu-nghiem
version: "1"
title: Bộ tiêu chí thử nghiệm nhập liệu
kind: criteria
legal_basis: {number: "01/QĐ-TN", date: 2024-01-02, issuer: "UBND tỉnh An Giang"}
levels: [province, district, commune]
scope: {levels: [province, district, commune], assesses: agencies}
indicators:
  - code: "1"
    name: Tỷ lệ hồ sơ giải quyết trực tuyến
    kind: ratio
    target: {op: ">=", value: "50%"}
    unit_label: hồ sơ
    evidence_required: true
    inputs: {numerator: Số hồ sơ trực tuyến, denominator: Tổng số hồ sơ}
    rules:
      - expr: numerator <= denominator
        message: Số hồ sơ trực tuyến không thể lớn hơn tổng số hồ sơ.
  - code: "2"
    name: Cổng thông tin có giao diện cho thiết bị di động
    kind: boolean
  - code: "3"
    name: Hồ sơ công việc được xử lý trên môi trường mạng
    kind: ratio
    unit_label: hồ sơ công việc
    target:
      - {level: province, op: ">=", value: "90%"}
      - {level: district, op: ">=", value: "80%"}
      - {level: commune, op: ">=", value: "65%"}
    inputs: {numerator: Số hồ sơ xử lý trên mạng, denominator: Tổng số hồ sơ công việc}
  - code: "4"
    name: Ứng dụng công nghệ thông tin trong quản lý, điều hành
    kind: composite
    levels: [commune]
    items:
      - code: a
        name: Tỷ lệ cán bộ, công chức có máy tính
        kind: ratio
        target: {op: ">=", value: "50%"}
        inputs: {numerator: Số cán bộ có máy tính, denominator: Tổng số cán bộ}
      - code: b
        name: Số phần mềm dùng chung đang sử dụng
        kind: number
        target: {op: ">=", value: 4}
  - code: "5"
    name: Nhiệm vụ khác
    kind: text
"""

# Values that make commune AG-PT-PL complete (1: seed 002's 54.919 / 58.669 = 93,61%).
VALID_COMMUNE_VALUES: dict[str, Decimal] = {
    "1.numerator": Decimal(54919), "1.denominator": Decimal(58669),
    "2.value": Decimal(1),
    "3.numerator": Decimal(70), "3.denominator": Decimal(100),
    "4.a.numerator": Decimal(30), "4.a.denominator": Decimal(40),
    "4.b.value": Decimal(5),
}

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def store_framework_text(text: str, name: str = "web-thu-nghiem.yaml") -> Framework:
    """Parse a framework YAML and store it as a ``Framework`` row."""
    spec = parse_framework_text(text, name)
    return Framework.objects.create(
        code=spec.code, version=spec.version, title=spec.title, kind=spec.kind,
        legal_number=spec.legal_basis.number, legal_date=spec.legal_basis.date,
        issuer=spec.legal_basis.issuer, effective_from=spec.effective_from,
        effective_to=spec.effective_to, document={}, source_yaml=text, source_name=name,
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


@pytest.fixture
def test_framework(db) -> Framework:
    return store_framework_text(TEST_FRAMEWORK_YAML)


@pytest.fixture
def commune_round(world, test_framework):
    """A round of the test framework for 2025 over the communes of district AG-PT, due in 10 days."""
    return open_round(test_framework, "2025", timezone.localdate() + timedelta(days=10), world.admin,
                      root_unit=world.district, level="commune")


@pytest.fixture
def own_submission(world, commune_round) -> Submission:
    """The submission of commune AG-PT-PL (the world's reporter's unit)."""
    return Submission.objects.get(round=commune_round, unit=world.commune_a)


@pytest.fixture
def other_submission(world, commune_round) -> Submission:
    """The submission of commune AG-PT-PT (another reporter's unit, same reviewer)."""
    return Submission.objects.get(round=commune_round, unit=world.commune_b)


def put_values(sub: Submission, values: dict[str, Decimal | str], source: str = "manual", **extra) -> None:
    """Store values directly (as an import or computation would)."""
    for element, value in values.items():
        number, text = (None, value) if isinstance(value, str) else (value, "")
        Value.objects.update_or_create(
            framework=sub.round.framework, unit=sub.unit, period=sub.period, element=element,
            defaults={"number": number, "text": text, "source": source, **extra},
        )


def add_evidence(sub: Submission, indicator: str = "1", user=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chiso.assessments.evidence import store_evidence

    return store_evidence(sub, SimpleUploadedFile("bien-ban.pdf", PDF_BYTES), user, indicator)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Evidence goes to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


__all__ = [
    "TEST_FRAMEWORK_YAML", "VALID_COMMUNE_VALUES", "PNG_BYTES", "PDF_BYTES", "store_framework_text",
    "test_framework", "commune_round", "own_submission", "other_submission", "put_values", "add_evidence",
    "_media_root",
]
