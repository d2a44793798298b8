"""Test data for the dashboard: bundled frameworks in the DB and provinces of any size.

Values follow a fixed rule per unit so every figure a test asserts can be
recomputed by hand from the unit's index.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from chiso.assessments.models import Value
from chiso.frameworks.loader import library_paths, parse_framework_text
from chiso.frameworks.models import Framework
from chiso.units.models import Unit


def load_framework(code: str = "ag-cqdt-2021") -> Framework:
    """Store a bundled framework the way ``chiso load_frameworks`` does."""
    path = next(p for p in library_paths() if p.stem == code)
    return store_text(path.read_text(encoding="utf-8"), path.name)


def store_text(text: str, name: str) -> Framework:
    spec = parse_framework_text(text, name)
    fw, _ = Framework.objects.update_or_create(
        code=spec.code, version=spec.version,
        defaults=dict(
            title=spec.title, kind=spec.kind, legal_number=spec.legal_basis.number,
            legal_date=spec.legal_basis.date, issuer=spec.legal_basis.issuer,
            effective_from=spec.effective_from, effective_to=spec.effective_to,
            document={}, source_yaml=text, source_name=name,
            checksum=hashlib.sha256(text.encode()).hexdigest(),
        ),
    )
    return fw


def put(framework: Framework, unit: Unit, period: str, values: dict[str, object]) -> None:
    """Store ``element → value`` for one unit (booleans as 1/0)."""
    rows = []
    for element, value in values.items():
        number = Decimal(int(value)) if isinstance(value, bool) else Decimal(str(value))
        rows.append(Value(framework=framework, unit=unit, period=period, element=element, number=number))
    Value.objects.bulk_create(rows)


def all_met(framework: Framework, den: int = 1000) -> dict[str, object]:
    """Values meeting every criterion of ``framework`` (100% ratios, yes for booleans)."""
    spec = framework.spec()
    out: dict[str, object] = {}
    for element in spec.element_ids():
        if element.endswith(".numerator") or element.endswith(".denominator"):
            out[element] = den
        elif element.endswith(".value"):
            out[element] = True
    return out


def build_province(framework: Framework, n_units: int, periods=("2024",), prefix: str = "P") -> list[Unit]:
    """A province root, districts of 10 units each (the district + 9 communes) and agencies.

    Unit i (0-based among the assessed units) meets every criterion except:
    i % 4 == 1 → criterion 1 at 40%; i % 4 == 2 → nothing reported (for the first
    period only); otherwise complete.
    """
    root = Unit.objects.create(code=prefix, name=f"Tỉnh {prefix}", level="province", kind="Tỉnh")
    n_agencies = max(2, n_units // 10)
    agencies = [Unit(code=f"{prefix}-S{a:03d}", name=f"Sở {a:03d}", level="province", kind="Sở",
                     parent=root, path=f"{root.path}{prefix}-S{a:03d}/") for a in range(n_agencies)]
    Unit.objects.bulk_create(agencies)
    units: list[Unit] = list(agencies)
    d = 0
    while len(units) < n_units:
        district = Unit.objects.create(code=f"{prefix}-H{d:03d}", name=f"Huyện {d:03d}", level="district",
                                       kind="UBND huyện", parent=root)
        units.append(district)
        communes = []
        for c in range(min(9, n_units - len(units))):
            code = f"{prefix}-H{d:03d}-X{c}"
            communes.append(Unit(code=code, name=f"Xã {d:03d}-{c}", level="commune", kind="UBND xã",
                                 parent=district, path=f"{district.path}{code}/"))
        Unit.objects.bulk_create(communes)
        units.extend(communes)
        d += 1
    base = all_met(framework)
    for k, period in enumerate(periods):
        rows = []
        for i, unit in enumerate(units):
            if i % 4 == 2 and k == 0:
                continue
            values = dict(base)
            if i % 4 == 1:
                values["1.numerator"] = 400
            for element, value in values.items():
                number = Decimal(int(value)) if isinstance(value, bool) else Decimal(str(value))
                rows.append(Value(framework=framework, unit=unit, period=period, element=element,
                                  number=number))
        Value.objects.bulk_create(rows)
    return units
