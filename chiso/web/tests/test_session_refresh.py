"""A signed-in session is renewed every few minutes, not written on every page read."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.conftest import client_for


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(1 for q in ctx.captured_queries
               if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"])


def test_a_page_read_writes_the_session_only_when_it_is_due(world, settings, monkeypatch):
    import time

    client = client_for(world.viewer)
    url = reverse("dashboard:overview")
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    assert _session_writes(client, url) == 1  # first page: renewed
    clock[0] += 60
    assert _session_writes(client, url) == 0  # a minute later: a read stays a read
    clock[0] += settings.SESSION_REFRESH_SECONDS
    assert _session_writes(client, url) == 1  # five minutes on: renewed, the inactivity limit moves
