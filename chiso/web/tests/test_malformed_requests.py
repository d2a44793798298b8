"""A NUL byte anywhere in a request is answered 400 (PostgreSQL would refuse it with a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

from chiso.conftest import client_for


def test_a_nul_in_a_search_box_or_an_api_filter_is_a_400(world):
    admin = client_for(world.admin)
    assert admin.get("/quan-tri/nguoi-dung/?q=rep").status_code == 200
    for url in ("/quan-tri/nguoi-dung/?q=a%00b", "/api/v1/units?q=%00", "/quan-tri/don-vi/?q%00=x"):
        response = admin.get(url)
        assert response.status_code == 400, url
        assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_form_field_or_the_path_is_a_400():
    client = Client()
    assert client.post("/dang-nhap/", {"username": "ad\x00min", "password": "x"}).status_code == 400
    assert client.get("/dang-nhap/%00").status_code == 400
    assert client.post("/dang-nhap/", {"username": "admin", "password": "x"}).status_code == 200
