"""An API evidence upload over the limit is refused from its Content-Length, before the body is read."""

from __future__ import annotations

from django.test import Client

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)


def test_a_too_large_api_upload_is_a_json_413_before_the_body_is_read(world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = Client().generic(
        "POST", "/api/v1/submissions/1/evidence", b"x" * 10,
        content_type="multipart/form-data; boundary=x", HTTP_CONTENT_LENGTH=str(5 * 1024 * 1024),
        CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json() == {"detail": "Tệp quá lớn: tối đa 1 MB mỗi tệp minh chứng."}


def test_any_api_write_past_the_request_limit_is_a_json_413_and_writes_nothing(world, own_submission, settings):
    """A values file (or a push) larger than API_MAX_REQUEST_BYTES is refused from its Content-Length."""
    from chiso.api.models import ApiToken
    from chiso.assessments.models import Value

    settings.API_MAX_REQUEST_BYTES = 2 * 1024 * 1024
    _token, raw = ApiToken.issue(world.reporter)
    body = b"x" * 10
    for path in ("/api/v1/values?framework=test-fw", "/api/v1/pushes"):
        response = Client().generic(
            "POST", path, body, content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(3 * 1024 * 1024), HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 413
        assert response.json() == {"detail": "Yêu cầu quá lớn: API nhận tối đa 2 MB mỗi yêu cầu; hãy chia tệp "
                                             "thành nhiều phần."}
    assert not Value.objects.exists()
