"""Fixtures for the report tests: bundled frameworks in the database and seed figures as values."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from chiso.assessments.models import Value
from chiso.frameworks.loader import parse_framework_text
from chiso.frameworks.models import Framework

LIBRARY = Path(__file__).resolve().parents[2] / "frameworks" / "library"
ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "artifacts"

# Seed 002 (Phụ lục 1, tháng 01/2025): the three golden ratios of Resolution 17.
SEED_002 = {
    "2.numerator": 54919, "2.denominator": 58669,    # 93,61% ≥ 50% → met
    "11.numerator": 54935, "11.denominator": 62922,  # 87,31% < 100% → not met
    "15.numerator": 32177, "15.denominator": 32656,  # 98,53% < 100% → not met
}


def store_framework(code: str) -> Framework:
    """Put a bundled framework in the database as the loader would."""
    path = LIBRARY / f"{code}.yaml"
    text = path.read_text(encoding="utf-8")
    spec = parse_framework_text(text, path.name)
    return Framework.objects.create(
        code=spec.code,
        version=spec.version,
        title=spec.title,
        kind=spec.kind,
        legal_number=spec.legal_basis.number if spec.legal_basis else "",
        legal_date=spec.legal_basis.date if spec.legal_basis else None,
        effective_from=spec.effective_from,
        effective_to=spec.effective_to,
        document={},
        source_yaml=text,
        source_name=path.name,
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


def put_values(framework: Framework, unit, period: str, values: dict) -> None:
    """Store numbers (counts, 1/0 for yes/no) and texts (narratives) for one unit."""
    for element, value in values.items():
        if isinstance(value, str):
            Value.objects.create(framework=framework, unit=unit, period=period, element=element, text=value)
        else:
            Value.objects.create(framework=framework, unit=unit, period=period, element=element,
                                 number=Decimal(int(value) if isinstance(value, bool) else value))


@pytest.fixture
def nq17(world) -> Framework:
    """Resolution 17 with seed 002's January 2025 figures for the province AG."""
    fw = store_framework("nq17-2019")
    put_values(fw, world.province, "2025-01", {
        **SEED_002,
        "2.narrative": "Thống kê hồ sơ tháng 01 trên Hệ thống thông tin giải quyết thủ tục hành chính tỉnh",
    })
    return fw


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
