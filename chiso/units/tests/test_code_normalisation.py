"""Unit codes are NFC and free of zero-width and bidi control characters, in files and in forms."""

from __future__ import annotations

import io
import unicodedata

import pytest

from chiso.assessments.importer import import_values
from chiso.assessments.models import Value
from chiso.assessments.tests.import_fixtures import spec_framework
from chiso.tabular import normalize_code
from chiso.units.importer import import_units
from chiso.units.models import Unit

ZW, RLO, BOM = "\u200b", "\u202e", "\ufeff"


def test_normalize_code_removes_invisible_characters_and_composes():
    decomposed = unicodedata.normalize("NFD", "AG-PHÚ")
    assert decomposed != "AG-PHÚ"
    assert normalize_code(decomposed) == "AG-PHÚ"
    assert normalize_code(f" AG{ZW}-S{RLO}TP{BOM} ") == "AG-STP"
    assert normalize_code("AG\u2066-PT\u2069") == "AG-PT"


@pytest.mark.django_db
def test_imported_codes_and_parent_codes_are_normalised():
    data = (f"code,name,level,parent_code\nAG{ZW},Tỉnh An Giang,province,\n"
            f"AG-{RLO}STP,Sở Tư pháp,province,{BOM}AG\n"
            f"{unicodedata.normalize('NFD', 'AG-PHÚ')},Sở P,province,AG\n").encode()
    import_units(io.BytesIO(data), filename="don-vi.csv")
    assert set(Unit.objects.values_list("code", flat=True)) == {"AG", "AG-STP", "AG-PHÚ"}
    assert Unit.objects.get(code="AG-STP").parent.code == "AG"


def test_a_value_row_finds_its_unit_through_a_zero_width_space(world, monkeypatch):
    spec_framework(monkeypatch)
    data = f"unit,period,element,value\nAG-STTTT{ZW},2025-01,2.numerator,7\n".encode()
    import_values(io.BytesIO(data), "mau-nhap", filename="gia-tri.csv")
    assert Value.objects.get(element="2.numerator").unit == world.agency_a


def test_the_unit_form_stores_the_normalised_code(world, administrator_client):
    response = administrator_client.post("/quan-tri/don-vi/them/", {
        "code": f"AG-PT{ZW}-TB{RLO}", "name": "UBND xã Tân Bình", "level": "commune",
        "kind": "UBND xã", "parent": world.district.pk, "attributes": "", "active": "on",
    })
    assert response.status_code == 302
    assert Unit.objects.filter(code="AG-PT-TB").exists()
