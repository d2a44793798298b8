"""GET /api/v1/submissions and POST /api/v1/submissions/{id}/transitions: the review workflow for machines."""

from __future__ import annotations

import json

from django.test import Client

from chiso.api.models import ApiToken
from chiso.assessments.models import STATUS_APPROVED, STATUS_SUBMITTED, Submission, SubmissionEvent
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, add_evidence, put_values
from chiso.assessments.workflow import apply_transition, close_round
from chiso.conftest import client_for

LIST = "/api/v1/submissions"
QUERY = {"framework": "web-thu-nghiem", "period": "2025"}


def transition(client: Client, sub: Submission, action: str, version: int, comment: str = "", **extra):
    return client.post(f"/api/v1/submissions/{sub.pk}/transitions",
                       json.dumps({"action": action, "version": version, "comment": comment}),
                       content_type="application/json", **extra)


def make_valid(sub: Submission) -> None:
    put_values(sub, VALID_COMMUNE_VALUES)
    add_evidence(sub, "1")


def mays(row: dict) -> tuple[bool, bool, bool, bool]:
    return row["may_submit"], row["may_return"], row["may_approve"], row["may_reopen"]


def test_the_list_says_what_each_caller_may_do(world, own_submission, other_submission):
    reviewer = client_for(world.reviewer).get(LIST, QUERY).json()
    assert [(r["unit"], r["status"], r["version"], mays(r)) for r in reviewer] == [
        ("AG-PT-PL", "draft", 1, (False, False, False, False)),
        ("AG-PT-PT", "draft", 1, (False, False, False, False)),
    ]
    [mine] = client_for(world.reporter).get(LIST, QUERY).json()
    assert (mine["id"], mine["unit_name"], mine["status_label"], mays(mine)) == (
        own_submission.pk, "UBND xã Phú Lâm", "Đang nhập", (True, False, False, False))
    assert mine["deadline"] == own_submission.round.deadline.isoformat() and mine["round_open"] is True
    assert client_for(world.outsider).get(LIST, QUERY).json() == []
    make_valid(own_submission)
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    row = client_for(world.reviewer).get(LIST, {**QUERY, "status": "submitted"}).json()
    assert [(r["unit"], r["version"], mays(r)) for r in row] == [("AG-PT-PL", 2, (False, True, True, False))]
    admin = client_for(world.admin).get(LIST, {**QUERY, "unit": "AG-PT-PL"}).json()
    assert mays(admin[0]) == (False, False, False, False)  # approving is the reviewers' (the table)


def test_the_list_is_paged_and_filtered_within_scope(world, own_submission, other_submission):
    c = client_for(world.viewer)
    first = c.get(LIST, {**QUERY, "limit": 1})
    assert [r["unit"] for r in first.json()] == ["AG-PT-PL"] and first["X-Total-Count"] == "2"
    assert "offset=1" in first["Link"] and first["Link"].endswith('rel="next"')
    last = c.get(LIST, {**QUERY, "limit": 1, "offset": 1})
    assert [r["unit"] for r in last.json()] == ["AG-PT-PT"] and not last.has_header("Link")
    assert client_for(world.reporter).get(LIST, {**QUERY, "unit": "AG-PT-PT"}).status_code == 404
    bad = c.get(LIST, {**QUERY, "status": "done"})
    assert bad.status_code == 422 and "draft, submitted" in bad.json()["detail"]
    assert c.get(LIST, {**QUERY, "limit": 0}).status_code == 422


def test_a_reporter_submits_with_a_token_and_the_version_goes_up(world, own_submission):
    make_valid(own_submission)
    _token, raw = ApiToken.issue(world.reporter)
    response = transition(Client(), own_submission, "submit", 1, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    doc = response.json()
    assert (doc["submission"]["status"], doc["submission"]["version"]) == ("submitted", 2)
    assert (doc["event"]["from_status"], doc["event"]["to_status"]) == ("draft", "submitted")
    event = SubmissionEvent.objects.get(pk=doc["event"]["id"])
    assert event.actor == world.reporter


def test_a_submit_with_figures_missing_gives_422_with_the_list(world, own_submission):
    response = transition(client_for(world.reporter), own_submission, "submit", 1)
    assert response.status_code == 422
    doc = response.json()
    assert doc["detail"].startswith("Chưa nộp được: còn ") and len(doc["problems"]) >= 1
    assert all(isinstance(p, str) and p for p in doc["problems"])
    own_submission.refresh_from_db()
    assert (own_submission.status, own_submission.version) == ("draft", 1)


def test_a_stale_version_gives_409_with_the_current_state_and_changes_nothing(world, own_submission):
    make_valid(own_submission)
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)  # version 2 now
    events = SubmissionEvent.objects.count()
    response = transition(client_for(world.reviewer), own_submission, "approve", 1)
    assert response.status_code == 409
    doc = response.json()
    assert (doc["current"]["status"], doc["current"]["version"]) == ("submitted", 2)
    assert "phiên bản hiện tại 2, bạn gửi 1" in doc["detail"]
    own_submission.refresh_from_db()
    assert (own_submission.status, own_submission.version) == ("submitted", 2)
    assert SubmissionEvent.objects.count() == events


def test_the_table_decides_who_may_and_comments_are_required(world, own_submission):
    make_valid(own_submission)
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    for user in (world.reporter, world.viewer, world.admin):
        refused = transition(client_for(user), own_submission, "approve", 2)
        assert refused.status_code == 403 and "“Duyệt”" in refused.json()["detail"]
    assert transition(client_for(world.outsider), own_submission, "approve", 2).status_code == 404
    no_comment = transition(client_for(world.reviewer), own_submission, "return", 2)
    assert no_comment.status_code == 422 and "Cần ghi nhận xét" in no_comment.json()["detail"]
    returned = transition(client_for(world.reviewer), own_submission, "return", 2, "Thiếu biên bản")
    assert returned.status_code == 200 and returned.json()["submission"]["status"] == "returned"
    assert returned.json()["event"]["comment"] == "Thiếu biên bản"
    again = transition(client_for(world.reviewer), own_submission, "approve", 3)
    assert again.status_code == 409 and again.json()["current"]["status"] == "returned"
    unknown = transition(client_for(world.reviewer), own_submission, "publish", 3)
    assert unknown.status_code == 422 and "submit, return, approve" in unknown.json()["detail"]


def test_an_administrator_reopens_approved_work_with_a_reason(world, own_submission):
    make_valid(own_submission)
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    apply_transition(own_submission, STATUS_APPROVED, world.reviewer)
    assert transition(client_for(world.reviewer), own_submission, "reopen", 3, "x").status_code == 403
    response = transition(client_for(world.admin), own_submission, "reopen", 3, "Sai chỉ tiêu 3")
    assert response.status_code == 200 and response.json()["submission"]["status"] == "draft"


def test_a_closed_round_refuses_transitions(world, own_submission):
    make_valid(own_submission)
    close_round(own_submission.round)
    [row] = client_for(world.reporter).get(LIST, QUERY).json()
    assert (row["round_open"], row["may_submit"]) == (False, False)
    response = transition(client_for(world.reporter), own_submission, "submit", 1)
    assert response.status_code == 409 and response.json()["detail"] == "Đợt đánh giá đã đóng."
    assert Submission.objects.get(pk=own_submission.pk).status == "draft"


def test_a_form_body_works_too(world, own_submission):
    make_valid(own_submission)
    response = client_for(world.reporter).post(f"/api/v1/submissions/{own_submission.pk}/transitions",
                                               {"action": "submit", "version": "1"})
    assert response.status_code == 200 and response.json()["submission"]["status"] == "submitted"


def test_a_malformed_body_names_the_fields(world, own_submission):
    c = client_for(world.reporter)
    response = c.post(f"/api/v1/submissions/{own_submission.pk}/transitions", json.dumps({"action": "submit"}),
                      content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"] == "Thiếu hoặc sai trường: version."
    response = c.post(f"/api/v1/submissions/{own_submission.pk}/transitions", "[1]", content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"].startswith("Cần một đối tượng JSON")
    assert Submission.objects.get(pk=own_submission.pk).version == 1
