"""The API's part of the authorization matrix again, each actor calling with a personal token.

A token acts with its user's role and scope, nothing more: every API route
answers a token exactly as it answers that user's session. The client
enforces CSRF, which a token request does not need (it carries no cookie).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chiso.accounts.tests.matrix import ACTORS, actor_user
from chiso.api.models import ApiToken
from chiso.api.tests.authz_routes import ROUTES

# The OpenAPI pages are Django views behind the login page, not API operations.
TOKEN_ROUTES = [r for r in ROUTES if r.name.startswith("api:") and r.name not in (
    "api:openapi-json", "api:openapi-view")]
CASES = [(route, actor) for route in TOKEN_ROUTES for actor in ACTORS]


@pytest.mark.parametrize("route,actor", CASES, ids=[f"{r.id} as {a} (mã API)" for r, a in CASES])
def test_a_token_gets_what_its_user_gets(world, route, actor):
    user = actor_user(world, actor)
    headers = {}
    if user is not None:
        _token, raw = ApiToken.issue(user)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client = Client(enforce_csrf_checks=True)
    url = reverse(route.name, args=route.args(world))
    data = route.data(world) if route.data else {}
    resp = client.post(url, data, **headers) if route.method == "post" else client.get(url, data, **headers)
    wanted = route.expect[actor]
    assert resp.status_code == wanted, f"{route.id} as {actor}: {resp.status_code} ≠ {wanted} {resp.content[:300]!r}"


def test_a_session_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    response = client.post("/api/v1/rounds", {"framework": "x", "period": "2030"})
    assert response.status_code == 403
