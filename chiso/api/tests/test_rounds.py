"""POST /api/v1/rounds: administrators open a round as `chiso open_round` does."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from chiso.assessments.models import Round, Submission
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.conftest import client_for

URL = "/api/v1/rounds"


def post(client, **body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_an_administrator_opens_the_same_round_as_the_cli(world, test_framework):
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = post(client_for(world.admin), framework="web-thu-nghiem", period="2025", deadline=deadline,
                    units=["AG-PT"], levels=["commune"], title="Đợt xã 2025")
    assert response.status_code == 201, response.content
    [doc] = response.json()
    assert {k: doc[k] for k in ("framework", "period", "deadline", "title", "root_unit", "level", "reports")} == {
        "framework": "web-thu-nghiem", "period": "2025", "deadline": deadline, "title": "Đợt xã 2025",
        "root_unit": "AG-PT", "level": "commune", "reports": 2}
    rnd = Round.objects.get(pk=doc["round"])
    assert rnd.opened_by == world.admin
    assert sorted(Submission.objects.filter(round=rnd).values_list("unit__code", flat=True)) == [
        "AG-PT-PL", "AG-PT-PT"]
    # the CLI opening the agencies' round answers in the same shape
    out = io.StringIO()
    call_command("open_round", "--framework", "web-thu-nghiem", "--period", "2025", "--unit", "AG-STTTT",
                 "--format", "json", stdout=out)
    assert set(json.loads(out.getvalue())[0]) == set(doc)


def test_a_second_round_for_the_same_units_is_refused_and_nothing_opens(world, test_framework):
    admin = client_for(world.admin)
    assert post(admin, framework="web-thu-nghiem", period="2025", units=["AG-PT"]).status_code == 201
    again = post(admin, framework="web-thu-nghiem", period="2025", units=["AG-PT-PL"])
    assert again.status_code == 409 and again.json()["detail"].startswith("Không mở đợt nào: Đơn vị UBND xã Phú Lâm")
    assert Round.objects.count() == 1


def test_only_administrators_open_rounds(world, test_framework):
    for user in (world.reviewer, world.reporter, world.viewer, world.outsider):
        response = post(client_for(user), framework="web-thu-nghiem", period="2025")
        assert response.status_code == 403
        assert response.json()["detail"] == "Chỉ quản trị viên được mở đợt đánh giá."
    assert not Round.objects.exists()


def test_bad_round_requests_are_named(world, test_framework):
    admin = client_for(world.admin)
    past = post(admin, framework="web-thu-nghiem", period="2025", deadline="2020-01-01")
    assert past.status_code == 422 and "đã qua" in past.json()["detail"]
    assert post(admin, framework="web-thu-nghiem", period="2025", levels=["ward"]).status_code == 422
    assert post(admin, framework="web-thu-nghiem", period="2025", units=["XX"]).status_code == 404
    assert post(admin, framework="khong-co", period="2025").status_code == 404
    assert post(admin, framework="web-thu-nghiem", period="2025-13").status_code == 422
    assert not Round.objects.exists()
