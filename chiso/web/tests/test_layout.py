"""The layout, home page, login and error pages, in Vietnamese."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from chiso.conftest import client_for

pytestmark = pytest.mark.django_db


def render(source: str, path: str = "/") -> str:
    request = RequestFactory().get(path)
    return Template("{% load chiso_web %}" + source).render(Context({"request": request}))


def test_nav_link_renders_nothing_for_an_unknown_url_name():
    assert render("{% nav_link 'khong:co' 'Tổng quan' %}") == ""


def test_nav_link_marks_the_current_page():
    html = render("{% nav_link 'accounts:unit_tree' 'Đơn vị' %}", "/quan-tri/don-vi/")
    assert html == '<li><a href="/quan-tri/don-vi/" aria-current="page">Đơn vị</a></li>'
    other = render("{% nav_link 'accounts:unit_tree' 'Đơn vị' %}", "/")
    assert other == '<li><a href="/quan-tri/don-vi/">Đơn vị</a></li>'


def test_url_or_empty_gives_empty_text_for_an_unknown_name():
    assert render("[{% url_or_empty 'khong:co' %}]") == "[]"
    assert render("[{% url_or_empty 'home' %}]") == "[/]"


def test_home_requires_login(anonymous_client):
    resp = anonymous_client.get("/")
    assert resp.status_code == 302 and resp["Location"] == "/dang-nhap/?next=/"


def test_the_layout_loads_local_assets_and_sets_the_htmx_csrf_header(reporter_client):
    html = reporter_client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert 'src="/static/vendor/htmx.min.js"' in html and 'href="/static/chiso/app.css"' in html
    assert re.search(r'hx-headers=\'\{"X-CSRFToken": "[A-Za-z0-9]+"\}\'', html)
    assert "<script>" not in html  # CSP: no inline scripts
    assert 'action="/dang-xuat/"' in html and 'method="post" action="/dang-xuat/"' in html
    assert 'action="/i18n/setlang/"' in html


def test_administrators_see_the_administration_links_and_others_do_not(world):
    admin_html = client_for(world.admin).get("/").content.decode()
    for url in ("/quan-tri/don-vi/", "/quan-tri/nguoi-dung/", "/quan-tri/bo-chi-tieu/"):
        assert f'href="{url}"' in admin_html
    for user in (world.reporter, world.reviewer, world.viewer):
        html = client_for(user).get("/").content.decode()
        assert "/quan-tri/" not in html


def test_home_tells_a_reporter_their_scope_and_how_to_start(reporter_client):
    html = reporter_client.get("/").content.decode()
    assert "Xin chào Cán bộ UBND xã Phú Lâm" in html
    assert "UBND xã Phú Lâm" in html and "Lần đầu sử dụng?" in html
    assert "Nộp báo cáo" in html


def test_home_warns_a_user_without_a_role(db):
    from django.contrib.auth import get_user_model

    bare = get_user_model().objects.create_user("moi", password="x" * 12)
    html = client_for(bare).get("/").content.decode()
    assert "Tài khoản của bạn chưa được phân quyền." in html


def test_logout_is_post_only(reporter_client):
    assert reporter_client.get("/dang-xuat/").status_code == 405
    resp = reporter_client.post("/dang-xuat/")
    assert resp.status_code == 302 and resp["Location"] == "/dang-nhap/"
    assert reporter_client.get("/").status_code == 302


def test_the_403_page_is_in_vietnamese(reporter_client):
    resp = reporter_client.get(reverse("accounts:user_list"))
    assert resp.status_code == 403
    assert "Bạn không có quyền mở trang này" in resp.content.decode()


def test_the_404_page_is_in_vietnamese_and_does_not_name_the_unit(administrator_client):
    resp = administrator_client.get("/quan-tri/don-vi/KHONG-CO/")
    assert resp.status_code == 404
    main = resp.content.decode().split('<main id="noi-dung"')[1].split("</main>")[0]
    assert "Không tìm thấy trang" in main and "KHONG-CO" not in main


def test_english_is_available_through_set_language(reporter_client):
    resp = reporter_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert resp.status_code == 302
    html = reporter_client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "First time here?" in html
