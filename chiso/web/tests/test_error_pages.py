"""Error pages speak Vietnamese inside the site's layout, never Django's debug pages."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import client_for

LAYOUT = 'class="site-header"'


def test_an_out_of_scope_report_is_the_vietnamese_404_page(world, other_submission):
    # A reporter of commune Phú Lâm opens the report of another commune by its address.
    r = client_for(world.reporter).get(reverse("assessments:submission", args=[other_submission.pk]))
    assert r.status_code == 404
    page = r.content.decode()
    assert "Không tìm thấy trang" in page and "nằm ngoài phạm vi đơn vị bạn phụ trách" in page
    assert LAYOUT in page and "Page not found" not in page


def test_an_unknown_address_is_the_vietnamese_404_page(world):
    r = client_for(world.viewer).get("/khong-co-trang-nay/")
    assert r.status_code == 404
    assert "Không tìm thấy trang" in r.content.decode() and LAYOUT in r.content.decode()


def test_a_forbidden_page_is_the_vietnamese_403_page(world):
    r = client_for(world.reporter).get(reverse("accounts:user_list"))
    assert r.status_code == 403
    assert "Bạn không có quyền mở trang này" in r.content.decode() and LAYOUT in r.content.decode()


def test_a_malformed_request_is_the_vietnamese_400_page_in_the_layout(world):
    r = client_for(world.viewer).get("/", {"q": "a\x00b"})
    assert r.status_code == 400
    assert "Yêu cầu không hợp lệ" in r.content.decode() and LAYOUT in r.content.decode()


def test_the_500_page_is_vietnamese_in_the_layout_without_a_request_context(db):
    r = server_error(RequestFactory().get("/"))
    assert r.status_code == 500
    page = r.content.decode()
    assert "Hệ thống gặp lỗi" in page and "Số liệu đã lưu trước đó không bị ảnh hưởng." in page
    assert LAYOUT in page and "Điều hướng chính" not in page  # no menu: no user is known here


def test_in_english_the_error_and_lockout_pages_are_english(world):
    from django.conf import settings
    from django.test import Client

    client = client_for(world.reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/khong-co-trang-nay/").content.decode()
    assert "<h1>Page not found</h1>" in page and "Không tìm thấy trang" not in page
    page = client.post(reverse("assessments:evidence_upload", args=[1]), data=b"x" * 10,
                       content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(30 * 1024 * 1024)
                       ).content.decode()
    assert "<h1>File too large</h1>" in page
    anonymous = Client(REMOTE_ADDR="203.0.113.9")
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = None
    for i in range(5):
        r = anonymous.post("/dang-nhap/", {"username": "viewer", "password": f"sai-{i}"})
    page = r.content.decode()
    assert r.status_code == 429
    assert "The account “viewer” cannot log in until <strong>" in page
    assert "Until then even the right password does not log in." in page
