"""Every URL × every role × own/other unit gives the status the matrix says (see matrix.py)."""

import pytest
from django.urls import get_resolver, reverse

from chiso.accounts.tests.matrix import ACTORS, EXEMPT, actor_user, collect_routes
from chiso.conftest import client_for

ROUTES, CONTRIBUTING_APPS = collect_routes()
CASES = [(route, actor) for route in ROUTES for actor in ACTORS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route,actor", CASES, ids=[f"{r.id} as {a}" for r, a in CASES]
)
def test_status_matches_the_matrix(world, route, actor):
    client = client_for(actor_user(world, actor))
    url = reverse(route.name, args=route.args(world))
    data = route.data(world) if route.data else {}
    resp = client.post(url, data) if route.method == "post" else client.get(url, data)
    wanted = route.expect[actor]
    assert resp.status_code == wanted, f"{route.id} as {actor}: {resp.status_code} ≠ {wanted}"
    if wanted == 302 and actor == "anonymous":
        assert resp["Location"].startswith(reverse("login")), resp["Location"]


def _url_names(namespace: str | None) -> set[str]:
    resolver = get_resolver()
    if namespace is None:
        return {p.name for p in resolver.url_patterns if getattr(p, "name", None)} | {
            p.name for inc in resolver.url_patterns if not getattr(inc, "namespace", None)
            and hasattr(inc, "url_patterns") and inc.app_name is None
            for p in inc.url_patterns if getattr(p, "name", None)
        }
    names: set[str] = set()
    for inc in resolver.url_patterns:
        if getattr(inc, "namespace", None) == namespace:
            names |= {f"{namespace}:{p.name}" for p in inc.url_patterns if getattr(p, "name", None)}
    return names


def test_every_url_of_the_covered_namespaces_is_in_the_matrix():
    covered = {r.name for r in ROUTES}
    namespaces = {"accounts"} | {a for a in CONTRIBUTING_APPS if a != "web"}
    wanted = set().union(*(_url_names(ns) for ns in namespaces)) | _url_names(None)
    missing = sorted(wanted - covered - set(EXEMPT))
    assert not missing, f"URLs missing from the authorization matrix: {missing}"


def test_the_matrix_has_an_entry_for_every_actor():
    for route in ROUTES:
        assert set(route.expect) == set(ACTORS), route.id
