"""Every kind of page carries the Content-Security-Policy; HSTS and the proxy header follow settings."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import client_for


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {d[0]: (d[1] if len(d) > 1 else "") for d in directives}


def assert_locked_down(response) -> None:
    csp = policy(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no inline script, no eval
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_the_login_page_has_the_policy():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert_locked_down(response)


def test_the_dashboard_and_the_round_list_have_the_policy(world):
    viewer = client_for(world.viewer)
    for name in ("dashboard:overview", "assessments:round_list"):
        response = viewer.get(reverse(name))
        assert response.status_code == 200, name
        assert_locked_down(response)


def test_the_entry_form_and_its_htmx_fragments_have_the_policy(world, own_submission):
    reporter = client_for(world.reporter)
    page = reporter.get(reverse("assessments:submission", args=[own_submission.pk]))
    assert page.status_code == 200
    assert_locked_down(page)
    assert b"<script>" not in page.content  # nothing inline the policy would block


def test_the_admin_the_api_and_its_docs_have_the_policy(world):
    admin = client_for(world.admin)
    world.admin.is_staff = True
    world.admin.save()
    for url in ("/admin/", "/api/v1/frameworks", "/api/v1/docs"):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert_locked_down(response)


@pytest.mark.django_db
def test_a_404_page_has_the_policy():
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert_locked_down(response)


@pytest.mark.django_db
def test_hsts_is_sent_on_https_when_configured():
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        response = Client().get(reverse("login"), secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_the_proxy_header_makes_a_request_secure_and_redirects_plain_http():
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
                           SECURE_SSL_REDIRECT=True):
        plain = Client().get(reverse("login"))
        proxied = Client().get(reverse("login"), headers={"X-Forwarded-Proto": "https"})
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    assert proxied.status_code == 200
