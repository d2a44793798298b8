"""Pages are Vietnamese unless the user picks English, whatever the browser asks for."""

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_it_serves_vietnamese_to_an_english_browser(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_it_serves_english_once_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dang-nhap/")
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in response.content.decode() or "Sign in" in response.content.decode()
