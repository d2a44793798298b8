"""The units a page shows are kept per process until a unit changes, never longer.

On deadline day every write rebuilds the overview; its units (engine views, rows, validity dates)
come from ``data.UNITS``, keyed by the viewer's scope and the "units" counter that every unit
change bumps — so a rebuilt page reads no unit list, and a renamed, added or closed unit shows on
the very next page.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.accounts.models import ROLE_VIEWER
from chiso.assessments.writes import CellWrite, write_values
from chiso.conftest import client_for, make_user
from chiso.results import reader
from chiso.units.models import Unit

from .helpers import build_province, load_framework

pytestmark = pytest.mark.django_db

UNITS_TABLE = f'"{Unit._meta.db_table}"'


@pytest.fixture
def province():
    fw = load_framework("ag-cqdt-2021")
    build_province(fw, 20, periods=("2024",), prefix="M")
    viewer = make_user("lanhdao_m", ROLE_VIEWER, [Unit.objects.get(code="M")])
    return fw, client_for(viewer)


def overview(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboard:overview"), {"period": "2024", "basis": "provisional"})
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def units_in_scope_count(page: str) -> str:
    start = page.index("Đơn vị trong phạm vi")
    return page[start:].split('class="kpi-value">', 1)[1].split("<", 1)[0]


def reads_units(sql: str) -> bool:
    """A query whose rows are units: its first FROM is the units table (not the user's scope, the
    stored results joined to their unit's code, nor a subquery filtering by units)."""
    first = re.search(r"\bFROM (\S+)", sql)
    return (sql.startswith((f"SELECT {UNITS_TABLE}.", f"SELECT DISTINCT {UNITS_TABLE}."))
            and first is not None and first.group(1) == UNITS_TABLE)


def write_one_value(fw, code: str, element: str, number: int) -> None:
    """One figure through the guarded write path (it bumps the revision: every page is rebuilt)."""
    unit = Unit.objects.get(code=code)
    write_values(fw, [CellWrite(unit.pk, "2024", element, number=Decimal(number))])


def test_a_page_rebuilt_after_a_write_reads_no_unit_list(province):
    fw, client = province
    reader.forget()
    _page, cold = overview(client)
    write_one_value(fw, "M-H000-X0", "1.numerator", 999)
    _page, rebuilt = overview(client)
    reading_units = [q for q in rebuilt if reads_units(q)]
    # Only the written unit's id, which the reader looks up to evaluate it; no list of every unit.
    assert len(reading_units) == 1, reading_units
    assert "IN ('M-H000-X0')" in reading_units[0]
    assert len([q for q in cold if reads_units(q)]) >= 4
    assert len(rebuilt) < len(cold)


def test_a_renamed_added_or_closed_unit_shows_on_the_next_page(province):
    fw, client = province
    page, _ = overview(client)
    before = int(units_in_scope_count(page))
    assert "Xã mới Phú Hưng" not in page

    # Added (with figures meeting nothing: it stays "chưa báo cáo" and is listed by name)
    district = Unit.objects.get(code="M-H000")
    Unit.objects.create(code="M-H000-XN", name="Xã mới Phú Hưng", level="commune", kind="UBND xã", parent=district)
    page, _ = overview(client)
    assert int(units_in_scope_count(page)) == before + 1
    assert "Xã mới Phú Hưng" in page

    # Renamed
    unit = Unit.objects.get(code="M-H000-XN")
    unit.name = "Xã Phú Hưng (đổi tên)"
    unit.save()
    page, _ = overview(client)
    assert "Xã Phú Hưng (đổi tên)" in page
    assert "Xã mới Phú Hưng" not in page

    # Closed before the period ends: not assessed in 2024 any more
    unit.valid_to = date(2023, 12, 31)
    unit.save()
    page, _ = overview(client)
    assert int(units_in_scope_count(page)) == before
    assert "Xã Phú Hưng (đổi tên)" not in page
