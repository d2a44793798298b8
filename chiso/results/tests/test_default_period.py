"""The dashboard opens on the latest settled period, not on a round that has just opened."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from chiso.assessments.models import STATUS_APPROVED, Submission
from chiso.conftest import client_for, make_user
from chiso.results.store import mark_stale
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", "--demo-accounts", stdout=io.StringIO(), stderr=io.StringIO())
    subs = list(Submission.objects.filter(round__framework__code="ag-cqdt-2021", round__period="2025")
                .order_by("unit__code"))
    # the round is on today's units (the new An Giang from 01/07/2025): 13 departments, 30 communes
    assert len(subs) == 43
    first_two = subs[:2]
    Submission.objects.filter(pk__in=[s.pk for s in first_two]).update(status=STATUS_APPROVED)
    mark_stale(first_two[0].round.framework_id, "2025", [s.unit_id for s in first_two])
    return subs


def test_an_open_round_of_2_of_43_does_not_become_the_default_period(demo):
    client = client_for(make_user("quan_tri", "administrator"))
    page = client.get(reverse("dashboard:overview"), {"framework": "ag-cqdt-2021"})
    assert page.status_code == 200
    assert page.context["period"].code == "2024"
    assert page.context["collecting"] is None
    # the settled 2024 figure on the units of 2024: old An Giang (41 of 62 complete) and the demo's
    # part of old Kiên Giang (20 of 31): 61 of 93; none of the units created on 01/07/2025
    assert "65,59%" in page.content.decode()
    # the trend does not draw the half-collected 2025 as a fall
    assert [row["period"].code for row in page.context["trend_rows"]][-1] == "2024"

    open_period = client.get(reverse("dashboard:overview"), {"framework": "ag-cqdt-2021", "period": "2025"})
    assert "đang thu thập — 2/43 đơn vị đã duyệt" in open_period.content.decode()
    # units that did not report block no criterion
    blocking = client.get(reverse("dashboard:blocking"), {"framework": "ag-cqdt-2021", "period": "2025"})
    assert blocking.status_code == 200
    # the two approved reports hold no 2025 figures yet: nobody is assessed, so nothing is listed
    assert blocking.context["levels"] == []


def test_the_old_province_alone_keeps_its_2024_figure(demo):
    """A leader of the old An Giang sees the same 2024 figure as before today's units were added."""
    viewer = client_for(make_user("lanh_dao_cu", "viewer", [Unit.objects.get(code="AG")]))
    page = viewer.get(reverse("dashboard:overview"), {"framework": "ag-cqdt-2021", "period": "2024"})
    assert "66,13%" in page.content.decode()  # 41 of 62 complete, as before
