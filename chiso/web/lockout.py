"""Login throttling rules on top of django-axes (settings: AXES_*, TRUSTED_PROXIES).

Two counters with their own limits: failures for one username from any address, and failures
from one client address over any username. And the client address is the real one: behind a
reverse proxy every request comes from the proxy, so a per-address limit on REMOTE_ADDR would
let anyone lock everyone out; the address is read from X-Forwarded-For only when the request
came from a proxy we trust.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def _trusted(address: str | None, networks: tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, when REMOTE_ADDR is a trusted proxy, the nearest
    X-Forwarded-For hop that is not one of our proxies (hops further left are client-supplied)."""
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if _trusted(hop, networks):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # a garbled header: count the attempt against the proxy hop we saw
    return remote


class PerParameterLimitHandler(AxesDatabaseHandler):
    """django-axes' database handler with a separate limit for the client address.

    Axes compares the largest of its per-parameter counts with one AXES_FAILURE_LIMIT. The
    address count is scaled so it reaches that limit exactly when it reaches
    AXES_IP_FAILURE_LIMIT; a successful login clears only that username's failures, so an
    attacker cannot reset his address's count by logging into his own account.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = int(settings.AXES_FAILURE_LIMIT)
        ip_limit = int(getattr(settings, "AXES_IP_FAILURE_LIMIT", limit)) or limit
        counts = []
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials),
                                       strict=False):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            counts.append(count * limit // ip_limit if parameter == "ip_address" else count)
        return max(counts, default=0)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        count = 0
        for parameter, attempts in zip(parameters, self.filter_user_attempts(request, credentials),
                                       strict=False):
            if parameter == "username":
                deleted, _ = attempts.delete()
                count += deleted
        return count


# --- what the lockout page and the user page say -------------------------------------------------

ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Lock:
    """One counter over its limit: ``kind`` is ACCOUNT (this username) or ADDRESS (this client)."""

    kind: str
    until: datetime
    failures: int


def _lock_from(attempts, kind: str, limit: int) -> Lock | None:
    """The moment the counter falls back under ``limit``: attempts expire one row at a time
    (each row's last failure + the cool-off), newest last, so it is the row whose failures bring
    the running total, counted from the newest, up to the limit."""
    cool_off = get_cool_off()
    if not cool_off or limit <= 0:
        return None
    since = timezone.now() - cool_off
    rows = attempts.filter(attempt_time__gte=since).order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start")
    total = 0
    for at, failures in rows:
        total += failures
        if total >= limit:
            whole = attempts.filter(attempt_time__gte=since).aggregate(n=Sum("failures_since_start"))["n"]
            return Lock(kind, at + cool_off, int(whole or total))
    return None


def account_lock(username: str) -> Lock | None:
    """The lock on ``username`` (failures from any address), or None."""
    if not username:
        return None
    return _lock_from(AccessAttempt.objects.filter(username=username), ACCOUNT, int(settings.AXES_FAILURE_LIMIT))


def current_locks(request: HttpRequest, username: str) -> list[Lock]:
    """Why this login is refused right now: the account's lock, the address's lock, or both."""
    locks = [account_lock(username)]
    ip = client_ip(request)
    if ip:
        limit = int(settings.AXES_FAILURE_LIMIT)
        ip_limit = int(getattr(settings, "AXES_IP_FAILURE_LIMIT", limit)) or limit
        locks.append(_lock_from(AccessAttempt.objects.filter(ip_address=ip), ADDRESS, ip_limit))
    return [lock for lock in locks if lock is not None]


def unlock_account(username: str) -> int:
    """Forget the failed logins of ``username`` from every address (an administrator's unlock);
    the per-address counters stay, so an unlock does not help someone spraying passwords."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted
