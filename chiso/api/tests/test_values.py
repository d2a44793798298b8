"""POST /api/v1/values: the importer's checks and the guarded write path, answered with an import summary."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.api.models import ApiToken
from chiso.assessments.models import STATUS_SUBMITTED, Submission, Value
from chiso.assessments.tests.workflow_world import *  # noqa: F403
from chiso.assessments.tests.workflow_world import put_values
from chiso.conftest import client_for

URL = "/api/v1/values?framework=web-thu-nghiem"


def post(client: Client, rows, dry_run: bool = False, **extra):
    return client.post(URL + ("&dry_run=true" if dry_run else ""), json.dumps(rows),
                       content_type="application/json", **extra)


def stored(sub: Submission) -> dict[str, Decimal]:
    return {v.element: v.number for v in sub.values()}


ROWS = [
    {"unit": "AG-PT-PL", "period": "2025", "element": "1.numerator", "value": "54.919"},
    {"unit": "AG-PT-PL", "period": "2025", "element": "1.denominator", "value": 58669, "comment": "theo một cửa"},
    {"unit": "AG-PT-PL", "period": "2025", "element": "2.value", "value": "Có"},
]


def test_a_reporter_sends_figures_of_its_unit_and_the_report_version_goes_up(world, own_submission):
    response = post(client_for(world.reporter), ROWS)
    assert response.status_code == 200
    doc = response.json()
    assert (doc["status"], doc["dry_run"], doc["counts"], doc["conflicts"]) == (
        "OK", False, {"created": 3, "updated": 0, "unchanged": 0, "ignored": 0}, [])
    assert [(c["row"], c["element"], c["old"], c["new"]) for c in doc["changes"]] == [
        (1, "1.numerator", None, "54.919"), (2, "1.denominator", None, "58.669"), (3, "2.value", None, "Có")]
    assert stored(own_submission) == {"1.numerator": 54919, "1.denominator": 58669, "2.value": 1}
    own_submission.refresh_from_db()
    assert own_submission.version == 2
    row = own_submission.values().get(element="1.denominator")
    assert (row.comment, row.source, row.updated_by, row.provenance["api"]) == (
        "theo một cửa", "import", world.reporter, "phiên đăng nhập")


def test_a_dry_run_writes_nothing_and_says_what_would_change(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(100)})
    response = post(client_for(world.reporter), ROWS, dry_run=True)
    doc = response.json()
    assert response.status_code == 200
    assert (doc["status"], doc["dry_run"], doc["counts"]) == (
        "OK", True, {"created": 2, "updated": 1, "unchanged": 0, "ignored": 0})
    assert doc["changes"][0] == {"row": 1, "unit": "AG-PT-PL", "period": "2025", "element": "1.numerator",
                                 "old": "100", "new": "54.919"}
    assert stored(own_submission) == {"1.numerator": 100}
    own_submission.refresh_from_db()
    assert own_submission.version == 1


def test_a_second_send_counts_unchanged_and_ignored_rows_and_keeps_comments(world, own_submission):
    client = client_for(world.reporter)
    post(client, ROWS)
    again = post(client, [ROWS[0], ROWS[0], {**ROWS[1], "comment": None, "value": 60000}])
    doc = again.json()
    assert again.status_code == 200
    # row 2 repeats row 1 exactly: nothing to do with it → WARNING
    assert (doc["status"], doc["counts"]) == ("WARNING", {"created": 0, "updated": 1, "unchanged": 1, "ignored": 1})
    row = own_submission.values().get(element="1.denominator")
    assert (row.number, row.comment) == (60000, "theo một cửa")


def test_every_problem_is_named_with_a_stable_code_and_nothing_is_written(world, own_submission):
    rows = [
        {"unit": "AG-PT-PL", "period": "2025", "element": "1.numerator", "value": "12a"},
        {"unit": "XX-KHONG", "period": "2025", "element": "1.numerator", "value": 1},
        {"unit": "AG-PT-PT", "period": "2025", "element": "1.numerator", "value": 1},
        {"unit": "AG-PT-PL", "period": "2025-13", "element": "1.numerator", "value": 1},
        {"unit": "AG-PT-PL", "period": "2025", "element": "9.numerator", "value": 1},
        {"unit": "AG-PT-PL", "period": "2025", "element": "2.value", "value": "hình như có"},
        {"unit": "AG-PT-PL", "period": "2025", "element": "1.denominator", "value": 100},
        "không phải dòng",
    ]
    response = post(client_for(world.reporter), rows)
    assert response.status_code == 422
    doc = response.json()
    assert doc["status"] == "ERROR" and doc["counts"]["created"] == 0
    assert [(c["row"], c["code"]) for c in doc["conflicts"]] == [(8, "E_ROW_INVALID")]
    # a row that is not an object stops the check first; without it every cell problem is listed
    response = post(client_for(world.reporter), rows[:-1])
    got = [(c["row"], c["column"], c["value"], c["code"]) for c in response.json()["conflicts"]]
    assert got == [
        (1, "value", "12a", "E_NOT_A_NUMBER"),
        (2, "unit", "XX-KHONG", "E_UNIT_UNKNOWN"),
        (3, "unit", "AG-PT-PT", "E_OUT_OF_SCOPE"),
        (4, "period", "2025-13", "E_PERIOD_INVALID"),
        (5, "element", "9.numerator", "E_ELEMENT_UNKNOWN"),
        (6, "value", "hình như có", "E_NOT_A_BOOLEAN"),
    ]
    messages = {c["code"]: c["message"] for c in response.json()["conflicts"]}
    assert messages["E_UNIT_UNKNOWN"] == "không có đơn vị mã 'XX-KHONG' trong hệ thống"
    assert messages["E_OUT_OF_SCOPE"] == "bạn không được nhập số liệu cho đơn vị 'AG-PT-PT'"
    assert not Value.objects.exists()


def test_a_submitted_report_is_locked(world, own_submission):
    Submission.objects.filter(pk=own_submission.pk).update(status=STATUS_SUBMITTED)
    response = post(client_for(world.admin), ROWS[:1])
    assert response.status_code == 422
    [problem] = response.json()["conflicts"]
    assert (problem["row"], problem["code"], problem["value"]) == (1, "E_REPORT_LOCKED", "AG-PT-PL")
    assert "người thẩm định phải trả lại báo cáo" in problem["message"]
    assert not Value.objects.exists()


def test_reviewers_and_viewers_may_not_send_figures(world, own_submission):
    for user in (world.reviewer, world.viewer):
        response = post(client_for(user), ROWS)
        assert response.status_code == 403
        assert response.json()["detail"] == "Vai trò của bạn không được nhập số liệu."
    assert not Value.objects.exists()


def test_the_cli_file_can_be_uploaded_with_a_token(world, own_submission):
    _token, raw = ApiToken.issue(world.reporter)
    csv = "Mã đơn vị,Kỳ,Chỉ tiêu,Giá trị\nAG-PT-PL,2025,1.numerator,54.919\nAG-PT-PL,2025,1.denominator,abc\n"
    response = Client().post(URL, {"file": SimpleUploadedFile("so-lieu.csv", csv.encode())},
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    [problem] = response.json()["conflicts"]
    assert (problem["row"], problem["column"], problem["value"], problem["code"]) == (
        3, "Giá trị", "abc", "E_NOT_A_NUMBER")
    fixed = csv.replace("abc", "58669")
    response = Client().post(URL, {"file": SimpleUploadedFile("so-lieu.csv", fixed.encode())},
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["created"] == 2
    assert stored(own_submission) == {"1.numerator": 54919, "1.denominator": 58669}
    assert own_submission.values().first().provenance["api"] == _token.shown


def test_a_file_missing_a_column_is_one_file_problem(world, own_submission):
    response = client_for(world.admin).post(
        URL, {"file": SimpleUploadedFile("x.csv", b"unit,period,value\nAG-PT-PL,2025,1\n")})
    assert response.status_code == 422
    [problem] = response.json()["conflicts"]
    assert problem["code"] == "E_FILE_INVALID" and "thiếu cột bắt buộc element" in problem["message"]


def test_bad_requests_are_explained(world, own_submission):
    admin = client_for(world.admin)
    assert admin.post("/api/v1/values", "[]", content_type="application/json").status_code == 422
    empty = admin.post(URL, "[]", content_type="application/json")
    assert empty.status_code == 422 and "ít nhất một dòng" in empty.json()["detail"]
    broken = admin.post(URL, "{", content_type="application/json")
    assert broken.status_code == 422 and "không phải JSON" in broken.json()["detail"]
    unknown = admin.post("/api/v1/values?framework=khong-co", json.dumps(ROWS), content_type="application/json")
    assert unknown.status_code == 404


def test_a_body_over_the_limit_is_413_and_nothing_is_written(world, own_submission, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    rows = ROWS * 20000  # about 2 MB of JSON
    response = post(client_for(world.admin), rows)
    assert response.status_code == 413 and "vượt 1 MB" in response.json()["detail"]
    assert not Value.objects.exists()
