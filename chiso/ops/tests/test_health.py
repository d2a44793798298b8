import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_health_page_answers_ok_without_a_login_or_a_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/suc-khoe/")
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Cache-Control"] == "no-store"
