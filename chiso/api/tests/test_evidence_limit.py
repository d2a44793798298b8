"""An API evidence upload over the limit is refused from its Content-Length, before the body is read."""

from __future__ import annotations

from django.test import Client


def test_a_too_large_api_upload_is_a_json_413_before_the_body_is_read(world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = Client().generic(
        "POST", "/api/v1/submissions/1/evidence", b"x" * 10,
        content_type="multipart/form-data; boundary=x", HTTP_CONTENT_LENGTH=str(5 * 1024 * 1024),
        CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json() == {"detail": "Tệp quá lớn: tối đa 1 MB mỗi tệp minh chứng."}
