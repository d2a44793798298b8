"""Liveness for load balancers and systemd watchdogs, and the baseline of the load benchmarks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """"ok" while the process answers; touches no database, so it is also the trivial view of bench/load.py."""
    response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
