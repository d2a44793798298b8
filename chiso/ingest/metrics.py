"""Metrics computed from imported records, per unit and period.

Every metric is computed for the period's own date range (local time), never
summed from months, because stocks such as ``pending`` are not additive. The
database does the counting: one query per metric family, grouped by unit, so
the cost does not grow with the number of units. A unit's metrics count only
its own records; adding up a subtree is the dashboard's job.

Dossier metrics (names as the frameworks' ``sources`` use them, ``dossiers.<name>``):

- ``received``: received within the period (any status); ``ineligible``: of
  those, rejected or withdrawn;
- ``carried_over``: received before the period, not ineligible, not resolved
  before it; ``to_resolve`` = carried_over + received − ineligible;
- ``resolved``: resolved within the period; ``resolved_on_time``: of those,
  resolved_at ≤ due_at (no deadline counts as on time); ``resolved_late`` = the rest;
- ``pending`` = to_resolve − resolved;
- ``online_eligible``: received, not ineligible, full or partial online
  service; ``online``: of those, submitted online;
- ``e_result``: of resolved, with an electronic result; ``digitized``: of
  received and not ineligible, digitised.

Document metrics (``documents.<name>``), secret documents left out of all but
``secret``: ``outgoing``, ``outgoing_electronic``, ``outgoing_signed``,
``incoming``, ``incoming_electronic``, ``incoming_signed``, ``secret``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Count, F, Q

from chiso.engine.periods import Period, parse_period
from chiso.units.models import Unit

from .importer import local_bounds
from .models import DocumentRecord, DossierRecord
from .reader import _utc_offset_seconds

DOSSIER_METRICS: tuple[str, ...] = (
    "carried_over", "received", "ineligible", "to_resolve", "resolved", "resolved_on_time",
    "resolved_late", "pending", "online_eligible", "online", "e_result", "digitized",
)
DOCUMENT_METRICS: tuple[str, ...] = (
    "outgoing", "outgoing_electronic", "outgoing_signed", "incoming", "incoming_electronic",
    "incoming_signed", "secret",
)
METRICS: dict[str, tuple[str, ...]] = {"dossiers": DOSSIER_METRICS, "documents": DOCUMENT_METRICS}
METRIC_LABELS: dict[str, str] = {
    "carried_over": "kỳ trước chuyển sang", "received": "tiếp nhận trong kỳ",
    "ineligible": "không đủ điều kiện", "to_resolve": "phải giải quyết", "resolved": "đã giải quyết",
    "resolved_on_time": "giải quyết đúng hạn", "resolved_late": "giải quyết quá hạn",
    "pending": "đang xử lý", "online_eligible": "hồ sơ DVC một phần, toàn trình",
    "online": "hồ sơ nộp trực tuyến", "e_result": "có kết quả bản điện tử", "digitized": "được số hoá",
    "outgoing": "văn bản đi", "outgoing_electronic": "văn bản đi điện tử",
    "outgoing_signed": "văn bản đi có ký số", "incoming": "văn bản đến",
    "incoming_electronic": "văn bản đến điện tử", "incoming_signed": "văn bản đến có ký số",
    "secret": "văn bản mật",
}
INELIGIBLE = ("rejected", "withdrawn")
ONLINE_LEVELS = ("full_online", "partial_online")
MODELS = {"dossiers": DossierRecord, "documents": DocumentRecord}

UnitMetrics = dict[int, dict[str, int]]  # unit id → metric → value


def _scoped(qs, units: Iterable[Unit] | None, system: str | None):
    if units is not None:
        qs = qs.filter(unit_id__in=[u.pk for u in units])
    if system:
        qs = qs.filter(system=system)
    return qs


def units_with_records(source: str, units: Iterable[Unit] | None = None,
                       system: str | None = None) -> list[int]:
    """Ids of the units that have at least one record of ``source``."""
    qs = _scoped(MODELS[source].objects.all(), units, system)
    return sorted(set(qs.values_list("unit_id", flat=True).distinct()))


def _finish_dossiers(m: dict[str, int]) -> dict[str, int]:
    m["to_resolve"] = m["carried_over"] + m["received"] - m["ineligible"]
    m["resolved_late"] = m["resolved"] - m["resolved_on_time"]
    m["pending"] = m["to_resolve"] - m["resolved"]
    return {name: int(m[name]) for name in DOSSIER_METRICS}


def dossier_metrics(period: Period | str, units: Iterable[Unit] | None = None,
                    system: str | None = None) -> UnitMetrics:
    """Dossier metrics of ``period`` for every unit with records (zeros included)."""
    period = parse_period(period)
    units = list(units) if units is not None else None
    start, end = local_bounds(period)
    base = _scoped(DossierRecord.objects.all(), units, system)
    eligible = ~Q(status__in=INELIGIBLE)
    out: UnitMetrics = {
        uid: dict.fromkeys(DOSSIER_METRICS, 0) for uid in units_with_records("dossiers", units, system)
    }
    received = (
        base.filter(received_at__gte=start, received_at__lt=end).order_by().values("unit_id").annotate(
            received=Count("id"),
            ineligible=Count("id", filter=Q(status__in=INELIGIBLE)),
            online_eligible=Count("id", filter=eligible & Q(service_level__in=ONLINE_LEVELS)),
            online=Count("id", filter=eligible & Q(service_level__in=ONLINE_LEVELS, channel="online")),
            digitized=Count("id", filter=eligible & Q(digitized=True)),
        )
    )
    resolved = (
        base.filter(status="resolved", resolved_at__gte=start, resolved_at__lt=end).order_by()
        .values("unit_id").annotate(
            resolved=Count("id"),
            resolved_on_time=Count("id", filter=Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at"))),
            e_result=Count("id", filter=Q(e_result=True)),
        )
    )
    carried = (
        base.filter(received_at__lt=start)
        .filter(Q(status="received") | Q(status="resolved", resolved_at__gte=start))
        .order_by().values("unit_id").annotate(carried_over=Count("id"))
    )
    for family in (received, resolved, carried):
        for row in family:
            target = out.setdefault(row.pop("unit_id"), dict.fromkeys(DOSSIER_METRICS, 0))
            target.update(row)
    return {uid: _finish_dossiers(m) for uid, m in out.items()}


def document_metrics(period: Period | str, units: Iterable[Unit] | None = None,
                     system: str | None = None) -> UnitMetrics:
    """Document metrics of ``period`` for every unit with records (zeros included)."""
    period = parse_period(period)
    units = list(units) if units is not None else None
    start, end = local_bounds(period)
    open_ = Q(secret=False) | Q(secret__isnull=True)
    out: UnitMetrics = {
        uid: dict.fromkeys(DOCUMENT_METRICS, 0) for uid in units_with_records("documents", units, system)
    }
    rows = (
        _scoped(DocumentRecord.objects.all(), units, system)
        .filter(date__gte=start, date__lt=end).order_by().values("unit_id").annotate(
            **{
                f"{d}{suffix}": Count("id", filter=open_ & Q(direction=d, **extra))
                for d in ("outgoing", "incoming")
                for suffix, extra in (("", {}), ("_electronic", {"electronic": True}),
                                      ("_signed", {"signed": True}))
            },
            secret=Count("id", filter=Q(secret=True)),
        )
    )
    for row in rows:
        out.setdefault(row.pop("unit_id"), dict.fromkeys(DOCUMENT_METRICS, 0)).update(row)
    return {uid: {name: int(m[name]) for name in DOCUMENT_METRICS} for uid, m in out.items()}


def compute_metrics(source: str, period: Period | str, units: Iterable[Unit] | None = None,
                    system: str | None = None) -> UnitMetrics:
    """Metrics of ``source`` (dossiers | documents) for ``period``, unit id → name → value."""
    if source == "dossiers":
        return dossier_metrics(period, units, system)
    if source == "documents":
        return document_metrics(period, units, system)
    raise ValueError(f'Nguồn dữ liệu "{source}" không có: chọn dossiers (hồ sơ) hoặc documents (văn bản)')


# -- many periods at once ------------------------------------------------------------------
def _month_sql(column: str) -> str:
    """SQL for the local calendar month ("2025-01") of a stored instant."""
    if connection.vendor == "postgresql":
        from django.conf import settings

        return f"to_char({column} AT TIME ZONE '{settings.TIME_ZONE}', 'YYYY-MM')"
    offset = _utc_offset_seconds()
    return f"strftime('%Y-%m', {column}, '{offset:+d} seconds')"


def dossier_metrics_series(periods: Sequence[Period | str], units: Iterable[Unit] | None = None,
                           system: str | None = None) -> dict[str, UnitMetrics]:
    """Dossier metrics for many periods in two scans: period code → unit id → metrics.

    Flows are counted per local month and added up over each period's months;
    the stock ``carried_over`` is worked out at each period's first instant as
    (eligible dossiers received before it) − (dossiers resolved before it), which
    is the definition above, not a sum of monthly stocks. Gives exactly what
    ``dossier_metrics`` gives period by period (tested), much faster for a year
    of months.
    """
    periods = [parse_period(p) for p in periods]
    units = list(units) if units is not None else None
    if connection.vendor != "postgresql" and _utc_offset_seconds() is None:
        return {p.code: dossier_metrics(p, units, system) for p in periods}
    table = DossierRecord._meta.db_table
    where, params = ["1 = 1"], []
    if units is not None:
        ids = [u.pk for u in units] or [-1]
        where.append(f"unit_id IN ({', '.join(str(int(i)) for i in ids)})")
    if system:
        where.append("system = %s")
        params.append(system)
    cond = " AND ".join(where)
    inel = "status IN ('rejected', 'withdrawn')"
    online_level = "service_level IN ('full_online', 'partial_online')"
    received_sql = (
        f"SELECT unit_id, {_month_sql('received_at')} AS m, count(*), "
        f"sum(CASE WHEN {inel} THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN NOT {inel} AND {online_level} THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN NOT {inel} AND {online_level} AND channel = 'online' THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN NOT {inel} AND digitized THEN 1 ELSE 0 END) "
        f"FROM {table} WHERE {cond} GROUP BY unit_id, m"
    )
    resolved_sql = (
        f"SELECT unit_id, {_month_sql('resolved_at')} AS m, count(*), "
        f"sum(CASE WHEN due_at IS NULL OR resolved_at <= due_at THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN e_result THEN 1 ELSE 0 END) "
        f"FROM {table} WHERE {cond} AND status = 'resolved' GROUP BY unit_id, m"
    )
    if params:
        # With parameters the driver formats the query: literal percent signs must be doubled.
        received_sql = received_sql.replace("%Y-%m", "%%Y-%%m")
        resolved_sql = resolved_sql.replace("%Y-%m", "%%Y-%%m")
    flows: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)  # unit → month → counts
    with connection.cursor() as cur:
        cur.execute(received_sql, params or None)
        for uid, month, rec, inel_n, oe, on, dig in cur.fetchall():
            flows[uid].setdefault(month, {}).update(
                received=rec, ineligible=inel_n, online_eligible=oe, online=on, digitized=dig)
        cur.execute(resolved_sql, params or None)
        for uid, month, res, on_time, er in cur.fetchall():
            flows[uid].setdefault(month, {}).update(resolved=res, resolved_on_time=on_time, e_result=er)
    out: dict[str, UnitMetrics] = {p.code: {} for p in periods}
    for uid, months in flows.items():
        ordered = sorted(months.items())
        for p in periods:
            first = f"{p.start.year}-{p.start.month:02d}"
            last = f"{p.end.year}-{p.end.month:02d}"
            m = dict.fromkeys(DOSSIER_METRICS, 0)
            eligible_before = resolved_before = 0
            for month, counts in ordered:
                if month < first:
                    eligible_before += counts.get("received", 0) - counts.get("ineligible", 0)
                    resolved_before += counts.get("resolved", 0)
                elif month <= last:
                    for name, value in counts.items():
                        m[name] += int(value or 0)
            m["carried_over"] = eligible_before - resolved_before
            out[p.code][uid] = _finish_dossiers(m)
    return out


def metric_rows(source: str, period: Period | str, unit: Unit | None = None,
                system: str | None = None, units: Iterable[Unit] | None = None) -> list[dict]:
    """``[{"unit", "period", "name", "value"}]`` in unit-code and metric order (the CLI's JSON).

    ``unit`` gives one unit; ``units`` a scope (the API's: the caller's units); neither, all.
    """
    period = parse_period(period)
    scope = [unit] if unit is not None else (list(units) if units is not None else None)
    values = compute_metrics(source, period, scope, system)
    codes = dict(Unit.objects.filter(pk__in=list(values)).values_list("id", "code"))
    rows = []
    for uid in sorted(values, key=lambda i: codes[i]):
        for name in METRICS[source]:
            rows.append({"unit": codes[uid], "period": period.code, "name": name, "value": values[uid][name]})
    return rows
