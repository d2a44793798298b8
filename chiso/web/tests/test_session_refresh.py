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


def test_the_session_is_read_as_djangos_database_engine_reads_it(world):
    """``chiso.web.sessions``: the session row read with hand-written SQL — the same data, an expired
    or unknown key gives an empty session and forgets the key, as Django's engine does."""
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from chiso.web.sessions import SessionStore

    store = DjangoStore()
    store.update({"_auth_user_id": "7", "ghi chú": "Phú Lâm"})
    store.create()
    ours = SessionStore(session_key=store.session_key)
    with CaptureQueriesContext(connection) as ctx:
        loaded = ours.load()
    assert loaded == DjangoStore(session_key=store.session_key).load() == {"_auth_user_id": "7", "ghi chú": "Phú Lâm"}
    assert len(ctx.captured_queries) == 1 and ours.session_key == store.session_key
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(session_key=store.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore(session_key="k" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    malformed = SessionStore(session_key="x")  # too short: Django refuses the key before any query
    assert malformed.load() == {} and malformed.session_key is None
    # A signed-in page works through it.
    assert client_for(world.viewer).get(reverse("dashboard:overview")).status_code == 200
