"""Every dashboard page shows only the units the user may see."""

import re

import pytest
from django.urls import reverse

from chiso.conftest import client_for

from .authz_routes import _data

pytestmark = pytest.mark.django_db


def unit_codes(html: str) -> set[str]:
    return set(re.findall(r'<tr data-unit="([\w-]+)"', html))


def test_the_matrix_lists_exactly_the_units_in_scope(world):
    _data(world)
    expected = {
        world.admin: {"AG-STTTT", "AG-SNV", "AG-PT", "AG-PT-PL", "AG-PT-PT", "KG-SNV"},
        world.viewer: {"AG-STTTT", "AG-SNV", "AG-PT", "AG-PT-PL", "AG-PT-PT"},
        world.reviewer: {"AG-PT", "AG-PT-PL", "AG-PT-PT"},
        world.reporter: {"AG-PT-PL"},
        world.outsider: {"KG-SNV"},
    }
    for user, codes in expected.items():
        html = client_for(user).get(reverse("dashboard:matrix")).content.decode()
        assert unit_codes(html) == codes, user.username


def test_overview_counts_only_the_viewers_units(world):
    _data(world)
    html = client_for(world.reviewer).get(reverse("dashboard:overview")).content.decode()
    assert 'id="overall-rate">100,00%<' in html  # AG-PT and its two communes, all complete
    assert "Sở Nội vụ" not in html
    html = client_for(world.viewer).get(reverse("dashboard:overview")).content.decode()
    assert 'id="overall-rate">80,00%<' in html  # 4 of 5: AG-SNV fails criterion 1
    assert "Kiên Giang" not in html


def test_a_unit_or_district_outside_scope_is_not_found(world):
    _data(world)
    reviewer = client_for(world.reviewer)
    assert reviewer.get(reverse("dashboard:matrix"), {"district": world.agency_a.code}).status_code == 404
    assert reviewer.get(reverse("dashboard:unit", args=[world.other_unit.code])).status_code == 404
    assert reviewer.get(reverse("dashboard:planner_export", args=["csv"]),
                        {"district": world.other_unit.code}).status_code == 404
    csv_text = reviewer.get(reverse("dashboard:planner_export", args=["csv"])).content.decode("utf-8-sig")
    assert "AG-SNV" not in csv_text


def test_the_matrix_filters_by_level_and_district_and_sorts(world):
    _data(world)
    admin = client_for(world.admin)
    html = admin.get(reverse("dashboard:matrix"), {"level": "commune"}).content.decode()
    assert unit_codes(html) == {"AG-PT-PL", "AG-PT-PT"}
    html = admin.get(reverse("dashboard:matrix"), {"district": "AG-PT"}).content.decode()
    assert unit_codes(html) == {"AG-PT", "AG-PT-PL", "AG-PT-PT"}
    html = admin.get(reverse("dashboard:matrix"), {"sort": "ct-1"}).content.decode()
    order = re.findall(r'<tr data-unit="([\w-]+)"', html)
    assert order[0] == "AG-SNV"  # the only unit failing criterion 1 comes first
    cell = re.search(r'<tr data-unit="AG-SNV">.*?data-code="1" data-status="not_met" title="([^"]*)"><b aria-hidden="true">K</b>',
                     html, re.S)
    assert cell and "100/1.000 = 10%" in cell.group(1)
    assert admin.get(reverse("dashboard:matrix"), {"level": "tinh"}).status_code == 404
