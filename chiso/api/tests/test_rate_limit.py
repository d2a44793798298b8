"""Per-token rate limit: the (limit+1)-th request of a minute is a Vietnamese 429 with Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from chiso.api import ratelimit
from chiso.api.models import ApiRateWindow, ApiToken
from chiso.conftest import client_for

LIMIT = 3
URL = "/api/v1/frameworks"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def clock(monkeypatch, settings):
    """A settable clock for the limiter, starting 20 s into a minute; the limit is 3."""
    settings.API_RATE_LIMIT_PER_MINUTE = LIMIT
    moment = {"now": datetime(2026, 12, 2, 7, 30, 20, 400_000, tzinfo=UTC)}
    monkeypatch.setattr(ratelimit, "_now", lambda: moment["now"])
    return moment


def test_the_request_after_the_limit_is_refused_with_retry_after_and_other_tokens_go_on(world, clock):
    _, raw = ApiToken.issue(world.admin, label="vòng lặp")
    other, other_raw = ApiToken.issue(world.reviewer, label="khác")
    client = Client()
    assert [client.get(URL, **bearer(raw)).status_code for _ in range(LIMIT)] == [200, 200, 200]
    refused = client.get(URL, **bearer(raw))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"  # 39,6 s left in the minute, rounded up
    assert refused.json() == {"detail": "Mã truy cập API đã gửi quá 3 yêu cầu trong một phút: thử lại sau 40 giây."}
    assert client.get(URL, **bearer(other_raw)).status_code == 200
    assert ApiRateWindow.objects.get(token=other).count == 1
    clock["now"] = clock["now"].replace(second=59)
    assert client.get(URL, **bearer(raw))["Retry-After"] == "1"


def test_a_new_minute_starts_a_new_count_and_drops_the_old_one(world, clock):
    token, raw = ApiToken.issue(world.admin)
    client = Client()
    assert [client.get(URL, **bearer(raw)).status_code for _ in range(LIMIT + 1)] == [200, 200, 200, 429]
    clock["now"] = clock["now"].replace(minute=31, second=0, microsecond=0)
    assert client.get(URL, **bearer(raw)).status_code == 200
    assert list(ApiRateWindow.objects.filter(token=token).values_list("window_start", "count")) == [
        (datetime(2026, 12, 2, 7, 31, tzinfo=UTC), 1)]


def test_browser_sessions_and_a_zero_limit_are_not_limited(world, clock, settings):
    session = client_for(world.admin)
    assert {session.get(URL).status_code for _ in range(LIMIT + 2)} == {200}
    assert not ApiRateWindow.objects.exists()
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    _, raw = ApiToken.issue(world.admin)
    assert {Client().get(URL, **bearer(raw)).status_code for _ in range(LIMIT + 2)} == {200}


def test_a_revoked_token_is_refused_before_it_is_counted(world, clock):
    token, raw = ApiToken.issue(world.admin)
    token.revoke()
    assert Client().get(URL, **bearer(raw)).status_code == 401
    assert not ApiRateWindow.objects.exists()
