"""Admin lists of units (tree order, search, filters) and values."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chiso.assessments.models import Value

from ...assessments.tests.import_fixtures import spec_framework


@pytest.fixture
def superuser_client(db) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.gov.vn", "Mat-khau-dai-2025")
    client = Client()
    client.force_login(user)
    return client


def test_units_are_listed_as_a_tree_and_can_be_searched_and_filtered(world, superuser_client):
    page = superuser_client.get("/admin/units/unit/").content.decode()
    # Path order: each unit right under its parent, indented by depth.
    assert page.index("Tỉnh An Giang") < page.index("— UBND huyện Phú Tân") < page.index("— — UBND xã Phú Lâm")
    assert page.index("— — UBND thị trấn Phú Mỹ") < page.index("Tỉnh Kiên Giang")

    page = superuser_client.get("/admin/units/unit/", {"q": "Phú Lâm"}).content.decode()
    assert "UBND xã Phú Lâm" in page and "Sở Nội vụ" not in page

    page = superuser_client.get("/admin/units/unit/", {"level__exact": "commune"}).content.decode()
    assert "UBND xã Phú Lâm" in page and "UBND thị trấn Phú Mỹ" in page and "Sở Nội vụ" not in page


def test_values_are_listed_in_the_admin(world, superuser_client, monkeypatch):
    framework = spec_framework(monkeypatch)
    Value.objects.create(framework=framework, unit=world.agency_a, period="2025-01",
                         element="2.numerator", number=54919, source="import")
    page = superuser_client.get("/admin/assessments/value/").content.decode()
    assert "2.numerator" in page and "Sở Thông tin và Truyền thông" in page
    page = superuser_client.get("/admin/assessments/value/", {"q": "AG-SNV"}).content.decode()
    assert "2.numerator" not in page
