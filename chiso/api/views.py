"""The page that says where figures received from other instances came from, and when (``chiso push``).

One row per unit whose figures of a framework and period were written by a
push: the sending instance, the unit's code there, the basis, when it was sent
and received, the payload hash, and the sender's verdict. Every role sees the
rows of its own units, as on every page; the API gives the same (``GET
/api/v1/pushes``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.accounts.models import ROLE_CHOICES
from chiso.accounts.permissions import role_required
from chiso.engine.periods import PeriodError, parse_period
from chiso.results.vocabulary import UNIT_STATUSES

from .pushes import provenance_rows

PAGE_SIZE = 500


@role_required(*[r for r, _label in ROLE_CHOICES])
def received(request: HttpRequest) -> HttpResponse:
    """Figures received by push, filtered by framework and period (newest receipt first)."""
    framework = request.GET.get("framework", "").strip()
    period = request.GET.get("period", "").strip()
    problem = ""
    if period:
        try:
            period = parse_period(period).code
        except PeriodError as exc:
            problem, period = str(exc), ""
    rows = list(provenance_rows(request.user, framework or None, period or None)[:PAGE_SIZE])
    # only the frameworks of figures this user may see (the rows' own scope)
    frameworks = sorted(set(provenance_rows(request.user).values_list("framework__code", flat=True)))
    return render(request, "api/received.html", {
        "rows": [{"row": r, "status": UNIT_STATUSES.get(r.status, r.status)} for r in rows],
        "framework": framework, "period": period, "frameworks": frameworks, "problem": problem,
        "limited": len(rows) == PAGE_SIZE,
    })
