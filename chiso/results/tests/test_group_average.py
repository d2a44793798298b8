"""Decree 307 scores a commune against the province average: one commune's new figure moves everyone's score,
so the stored results of every commune are recomputed together, each basis over its own figures."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command

from chiso.assessments.models import Value
from chiso.assessments.tests.workflow_world import store_framework_text
from chiso.assessments.writes import CellWrite, write_values
from chiso.frameworks.loader import LIBRARY_DIR
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


def points(doc: dict, unit: str, code: str = "1") -> Fraction:
    item = next(u for u in doc["units"] if u["unit"] == unit)
    return Fraction(next(i for i in item["indicators"] if i["code"] == code)["points"]).limit_denominator(1000)


def evaluate(basis: str = "provisional") -> dict:
    out = io.StringIO()
    call_command("evaluate", "--framework", "nd307-2025-so", "--period", "2025", "--format", "json",
                 "--basis", basis, stdout=out)
    return json.loads(out.getvalue())


def test_one_communes_new_figure_rescores_every_commune():
    text = (LIBRARY_DIR / "nd307-2025-so.yaml").read_text(encoding="utf-8")
    fw = store_framework_text(text, "nd307-2025-so.yaml")
    province = Unit.objects.create(code="T", name="Tỉnh An Giang", level="province", kind="Tỉnh")
    units = {code: Unit.objects.create(code=code, name=f"Xã {code}", level="commune", kind=kind.capitalize(),
                                       parent=province, attributes={"loai_don_vi": kind})
             for code, kind in (("A", "xã"), ("B", "xã"), ("C", "phường"))}
    for code, num in (("A", 600), ("B", 741), ("C", 834)):  # 60%, 74,1%, 83,4% → average 72,5%
        for element, number in (("1.numerator", num), ("1.denominator", 1000)):
            Value.objects.create(framework=fw, unit=units[code], period="2025", element=element,
                                 number=Decimal(number))
    before = evaluate()
    assert [points(before, u) for u in "ABC"] == [Fraction(3), Fraction(19, 5), Fraction(5)]

    # A now reports 90% through the write path: average (90 + 74,1 + 83,4) / 3 = 82,5%
    write_values(fw, [CellWrite(units["A"].pk, "2025", "1.numerator", number=Decimal(900))])
    after = evaluate()
    # A: 7,5 points above → 3 + 0,25 × 15 = 6,75, capped at 5; B: 74,1% ≤ 82,5% → 3; C: 0,9 above → 3,45
    assert [points(after, u) for u in "ABC"] == [Fraction(5), Fraction(3), Fraction(69, 20)]
