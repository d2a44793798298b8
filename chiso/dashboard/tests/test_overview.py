"""The overview shows the engine's figures: the same as `chiso evaluate --format json`."""

import io
import json
import re
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.urls import reverse

from chiso.accounts.models import ROLE_ADMIN
from chiso.assessments.serialize import percent_fixed
from chiso.conftest import client_for, make_user
from chiso.engine.numbers import format_int
from chiso.units.models import Unit

from .helpers import build_province, load_framework, put

pytestmark = pytest.mark.django_db


def cells(html: str, table_id: str) -> dict[str, dict[str, str]]:
    """data-level → data-field → text of the overview's level table."""
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    out = {}
    for level, body in re.findall(r'<tr data-level="(\w+)">(.*?)</tr>', table, re.S):
        out[level] = {f: re.sub(r"<[^>]+>", "", v).strip()
                      for f, v in re.findall(r'data-field="(\w+)">(.*?)</td>', body, re.S)}
    return out


@pytest.fixture
def admin_client(db):
    return client_for(make_user("quantri", ROLE_ADMIN))


def cli_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("evaluate", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_overview_figures_equal_the_cli(admin_client):
    fw = load_framework("ag-cqdt-2021")
    build_province(fw, 40, periods=("2024", "2025"))
    cli = cli_json("--framework", "ag-cqdt-2021", "--period", "2024")
    response = admin_client.get(reverse("dashboard:overview"), {"framework": "ag-cqdt-2021", "period": "2024"})
    assert response.status_code == 200
    html = response.content.decode()
    shown = cells(html, "level-table")
    expected = {"all": cli["summary"]["overall"], **cli["summary"]["by_level"]}
    assert set(shown) == set(expected) == {"all", "province", "district", "commune"}
    for level, tally in expected.items():
        assert shown[level]["units"] == format_int(tally["units"])
        assert shown[level]["assessed"] == format_int(tally["assessed"])
        assert shown[level]["not_reported"] == format_int(tally["not_reported"])
        assert shown[level]["complete"] == format_int(tally["complete"])
        assert shown[level]["rate"] == percent_fixed(Fraction(tally["complete"], tally["units"]))
    # Worked by hand: 40 units, i % 4 == 2 silent in 2024 (10), i % 4 == 1 fails criterion 1 (10)
    assert expected["all"]["units"] == 40 and expected["all"]["complete"] == 20
    assert shown["all"]["rate"] == "50,00%"
    assert 'id="overall-rate">50,00%<' in html
    # Milestone of 2024 is the 2025 goal (90%): not met
    assert "90% năm 2025" in html and "✗ Chưa đạt mục tiêu" in html
    # Trend: both periods listed; 2025 has everyone reporting: 30/40 = 75,00%
    cli25 = cli_json("--framework", "ag-cqdt-2021", "--period", "2025")
    assert cli25["summary"]["overall"]["complete"] == 30
    trend = re.search(r'<table id="trend-table">.*?</table>', html, re.S).group(0)
    assert "Năm 2024" in trend and "Năm 2025" not in trend  # the trend stops at the chosen period
    latest = admin_client.get(reverse("dashboard:overview")).content.decode()  # default: latest period
    assert 'id="overall-rate">75,00%<' in latest
    assert "50,00% <small>(20/40)</small>" in latest and "75,00% <small>(30/40)</small>" in latest


def test_histogram_and_not_reported_come_from_the_engine(admin_client):
    fw = load_framework("ag-cqdt-2021")
    units = build_province(fw, 20)
    html = admin_client.get(reverse("dashboard:overview")).content.decode()
    hist = re.search(r'<table id="histogram-table".*?</table>', html, re.S).group(0)
    rows = dict(re.findall(r'<th scope="row">(\d+/\d+)</th><td class="num">(\d+)</td>', hist))
    # 20 units: 2 agencies (0, 1), district H000 (2) + 9 communes (3–11), district H001 (12) + 7 communes.
    # i % 4 == 2 silent: 2 (district H000), 6, 10, 14, 18 (communes).
    # i % 4 == 1 fails criterion 1: 1 (agency, 8/9), 5, 9, 13, 17 (communes, 5/6).
    # 9/9: agency 0 and district 12; 6/6: the other 16 − 4 − 4 = 8 communes.
    assert rows == {"9/9": "2", "8/9": "1", "6/6": "8", "5/6": "4"}
    silent = re.search(r'<ul class="columns" id="not-reported">(.*?)</ul>', html, re.S).group(1)
    assert sorted(re.findall(r"don-vi/([\w-]+)/", silent)) == sorted(u.code for i, u in enumerate(units) if i % 4 == 2)


def test_drill_down_area_counts_only_the_districts_subtree(admin_client):
    fw = load_framework("ag-cqdt-2021")
    build_province(fw, 20)
    html = admin_client.get(reverse("dashboard:overview")).content.decode()
    # District H000 = units 2..11: silent 2, 6, 10; failing 5, 9 → 5 complete of 10
    assert re.search(r'dia-ban/P-H000/[^"]*">Huyện 000</a></th><td class="num">10</td><td class="num">5</td>'
                     r'<td class="num">3</td><td class="num">50,00%</td>', html)
    area = admin_client.get(reverse("dashboard:area", args=["P-H000"])).content.decode()
    assert cells(area, "level-table")["all"] == {"units": "10", "assessed": "7", "not_reported": "3",
                                                 "complete": "5", "rate": "50,00%"}


def test_a_seed_000_province_shows_13_of_20_agencies_65_percent(admin_client):
    """Seed 000: 13/20 provincial agencies complete = 65% against the 60% milestone of 2023."""
    fw = load_framework("ag-cqdt-2021")
    root = Unit.objects.create(code="AG", name="Tỉnh An Giang", level="province", kind="Tỉnh")
    base = {e: 100 for e in fw.spec().element_ids() if not e.endswith(".value")} | {"5.value": True}
    for i in range(20):
        unit = Unit.objects.create(code=f"AG-S{i:02d}", name=f"Sở {i:02d}", level="province", kind="Sở",
                                   parent=root)
        put(fw, unit, "2023", base if i < 13 else base | {"3.numerator": 99})
    html = admin_client.get(reverse("dashboard:overview"), {"period": "2023"}).content.decode()
    shown = cells(html, "level-table")
    assert shown["province"] == {"units": "20", "assessed": "20", "not_reported": "0", "complete": "13",
                                 "rate": "65,00%"}
    assert "60% năm 2023" in html and "✓ Đạt mục tiêu" in html
    assert '<tr><th scope="row">6/9</th>' not in html and "8/9" in html


def test_the_page_says_when_there_is_nothing_yet(admin_client):
    response = admin_client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    assert "Chưa có bộ chỉ tiêu nào được nạp" in response.content.decode()
    load_framework("ag-cqdt-2021")
    assert "Chưa có số liệu" in admin_client.get(reverse("dashboard:overview")).content.decode()
