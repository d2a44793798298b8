"""The overview and the matrix cost the same number of queries for 20 and 200 units."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.accounts.models import ROLE_ADMIN, ROLE_VIEWER
from chiso.conftest import client_for, make_user
from chiso.dashboard import data  # noqa: F401
from chiso.results import reader
from chiso.units.models import Unit

from .helpers import build_province, load_framework

pytestmark = pytest.mark.django_db

PAGES = ["dashboard:overview", "dashboard:matrix", "dashboard:planner"]


def count_queries(client, page: str, **params) -> tuple[int, int]:
    """Queries of the page with a cold cache, then with the evaluation cached."""
    counts = []
    reader.forget()
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(page), params)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def province_counts(n_units: int, role: str) -> dict[str, int]:
    fw = load_framework("ag-cqdt-2021")
    build_province(fw, n_units, periods=("2023", "2024"), prefix=f"P{n_units}")
    root = Unit.objects.get(code=f"P{n_units}")
    user = make_user(f"u{n_units}{role}", role, [root] if role != ROLE_ADMIN else [])
    client = client_for(user)
    client.get(reverse("dashboard:overview"))  # warm the session and caches
    return {page: count_queries(client, page, period="2024") for page in PAGES} | {
        "matrix-filtered": count_queries(client, "dashboard:matrix", period="2024", level="commune",
                                         district=f"P{n_units}-H001", sort="ct-1"),
    }


def test_query_count_does_not_grow_with_units():
    """A leader scoped to the province: the scope filter is part of every query."""
    small = province_counts(20, ROLE_VIEWER)
    large = province_counts(200, ROLE_VIEWER)
    assert small == large
    cold, warm = small["dashboard:overview"]
    assert warm < cold  # kept evaluations save the values queries
    assert cold <= 20
