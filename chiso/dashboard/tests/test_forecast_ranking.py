"""Forecast page (least squares worked by hand) and ranking page (score framework)."""

import re

import pytest
from django.urls import reverse

from chiso.accounts.models import ROLE_ADMIN
from chiso.conftest import client_for, make_user
from chiso.units.models import Unit

from .helpers import all_met, load_framework, put

pytestmark = pytest.mark.django_db


def test_forecast_projects_the_quarterly_trend_to_the_2025_deadline(db):
    fw = load_framework("ag-cqdt-2021")
    root = Unit.objects.create(code="T", name="Tỉnh T", level="province", kind="Tỉnh")
    agencies = [Unit.objects.create(code=f"T-{i}", name=f"Sở {i}", level="province", kind="Sở", parent=root)
                for i in range(10)]
    complete = {"2024-Q1": 5, "2024-Q2": 5, "2024-Q3": 6, "2024-Q4": 6}
    for period, n in complete.items():
        for i, unit in enumerate(agencies):
            put(fw, unit, period, all_met(fw) | ({} if i < n else {"1.numerator": 1}))
    html = client_for(make_user("qt", ROLE_ADMIN)).get(reverse("dashboard:forecast")).content.decode()
    # x = month each quarter ends (2, 5, 8, 11), y = 50%, 50%, 60%, 60%: slope = 0,6/45 = 1/75 a month;
    # at 31/12/2025 (x = 23): 55% + 16,5/75 = 77% < 90% → at risk.
    row = re.search(r'<tr data-level="all">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["60,00%", "90% đến 31/12/2025", "77,00%", "4", "✗ có nguy cơ"]
    assert 'data-verdict="at_risk"' in row
    assert "Xu hướng tuyến tính qua 4 kỳ gần nhất (bình phương tối thiểu)" in html
    assert html.count('data-chart="forecast"') == 2  # overall and provincial agencies


def test_ranking_shows_points_levels_and_not_ranked_with_the_criterion(db):
    fw = load_framework("xep-hang-mau")
    root = Unit.objects.create(code="T", name="Tỉnh T", level="province", kind="Tỉnh")
    best = {"1.value": 15, "2.value": 12, "3.value": 8, "4.value": 12,
            "5.value": 20, "6.value": 14, "7.value": 15, "8.value": 12}  # 108 = the provincial maximum
    for code, values in {"A": best, "B": best | {"1.value": 6}, "C": None}.items():
        unit = Unit.objects.create(code=f"T-{code}", name=f"Sở {code}", level="province", kind="Sở", parent=root)
        if values:
            put(fw, unit, "2018", values)
    client = client_for(make_user("qt", ROLE_ADMIN))
    html = client.get(reverse("dashboard:ranking"), {"framework": "xep-hang-mau"}).content.decode()
    assert re.findall(r'<tr data-unit="([\w-]+)"', html) == ["T-A", "T-B"]
    assert "điểm tối đa 108" in html
    row_a = re.search(r'<tr data-unit="T-A">(.*?)</tr>', html, re.S).group(1)
    assert "108/108" in row_a and "100,00%" in row_a and row_a.count("<strong>Mức 4</strong>") == 2
    row_b = re.search(r'<tr data-unit="T-B">(.*?)</tr>', html, re.S).group(1)
    assert "99/108" in row_b and "91,67%" in row_b  # 108 − 15 + 6 = 99; 99/108 = 91,666…%
    assert "38/47 · " in row_b and "61/61 · <strong>Mức 4</strong>" in row_b
    assert "Không xếp hạng" in row_b and "1" in re.search(r"<small>(.*?)</small>", row_b).group(1)
    assert "Chưa báo cáo, không đánh giá được (1):</strong> Sở C" in html
    criteria_fw = load_framework("ag-cqdt-2021")
    put(criteria_fw, Unit.objects.get(code="T-A"), "2024", all_met(criteria_fw))
    criteria = client.get(reverse("dashboard:ranking"), {"framework": "ag-cqdt-2021"}).content.decode()
    assert "đánh giá đạt/không đạt, không chấm điểm" in criteria
    assert "?framework=xep-hang-mau@1" in criteria  # a link to the score framework
