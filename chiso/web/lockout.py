"""Login throttling rules on top of django-axes (settings: AXES_*, TRUSTED_PROXIES).

Two counters with their own limits: failures for one username from any address, and failures
from one client address over any username. And the client address is the real one: behind a
reverse proxy every request comes from the proxy, so a per-address limit on REMOTE_ADDR would
let anyone lock everyone out; the address is read from X-Forwarded-For only when the request
came from a proxy we trust.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

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
