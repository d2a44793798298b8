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

Optional dossier metrics (2026 columns, Decision 766). Each comes with the count
of dossiers whose value is known, and is *missing* (absent from the unit's
dict, no row in ``metric_rows``) for a unit and period with no known value —
never 0; a share is numerator / known, which a framework divides:

- ``paid_online`` / ``payment_known``: of received and not ineligible;
- ``reused_digitised`` / ``reuse_known``: of received and not ineligible;
- ``published_on_time`` / ``publication_known``: of resolved;
- ``satisfaction_sum`` / ``satisfaction_rated`` (average rating, 1–5) and
  ``satisfied`` (rated 4 or 5) / ``satisfaction_rated``: of resolved;
- ``received_province``, ``received_district``, ``received_commune``: received,
  by the receiving office's level (any status, like ``received``); present when
  at least one received dossier of the period has a known level;
- ``resolved_province``, ``resolved_district``, ``resolved_commune``: resolved,
  by the same level.

Document metrics (``documents.<name>``), secret documents left out of all but
``secret``: ``outgoing``, ``outgoing_electronic``, ``outgoing_signed``,
``incoming``, ``incoming_electronic``, ``incoming_signed``, ``secret``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Aggregate, Case, CharField, Count, F, Func, Q, Sum, Value, When
from django.db.models.functions import TruncMonth

from chiso.engine.periods import Period, parse_period
from chiso.units.models import Unit

from .formats import SATISFIED_FROM
from .importer import local_bounds
from .models import DocumentRecord, DossierRecord
from .reader import _utc_offset_seconds

DOSSIER_METRICS: tuple[str, ...] = (
    "carried_over", "received", "ineligible", "to_resolve", "resolved", "resolved_on_time",
    "resolved_late", "pending", "online_eligible", "online", "e_result", "digitized",
)
# Optional metrics, by group: a group is present only when its known count (the key) is not 0.
OPTIONAL_GROUPS: dict[str, tuple[str, ...]] = {
    "payment_known": ("payment_known", "paid_online"),
    "reuse_known": ("reuse_known", "reused_digitised"),
    "publication_known": ("publication_known", "published_on_time"),
    "satisfaction_rated": ("satisfaction_rated", "satisfaction_sum", "satisfied"),
    "received_level_known": ("received_province", "received_district", "received_commune"),
    "resolved_level_known": ("resolved_province", "resolved_district", "resolved_commune"),
}
OPTIONAL_DOSSIER_METRICS: tuple[str, ...] = tuple(
    name for names in OPTIONAL_GROUPS.values() for name in names
)
OFFICE_LEVELS = ("province", "district", "commune")
DOCUMENT_METRICS: tuple[str, ...] = (
    "outgoing", "outgoing_electronic", "outgoing_signed", "incoming", "incoming_electronic",
    "incoming_signed", "secret",
)
# Every name a framework's ``sources`` may use; the optional ones may be missing.
METRICS: dict[str, tuple[str, ...]] = {"dossiers": DOSSIER_METRICS + OPTIONAL_DOSSIER_METRICS,
                                       "documents": DOCUMENT_METRICS}
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
    "payment_known": "biết có/không thanh toán trực tuyến", "paid_online": "thanh toán trực tuyến",
    "reuse_known": "biết có/không tái sử dụng dữ liệu số hoá",
    "reused_digitised": "tái sử dụng dữ liệu số hoá",
    "publication_known": "biết có/không công khai kết quả đúng hạn",
    "published_on_time": "công khai kết quả đúng hạn",
    "satisfaction_rated": "được đánh giá mức độ hài lòng", "satisfaction_sum": "tổng điểm hài lòng (1–5)",
    "satisfied": "hài lòng, rất hài lòng (4–5)",
    "received_province": "tiếp nhận tại cấp tỉnh", "received_district": "tiếp nhận tại cấp huyện",
    "received_commune": "tiếp nhận tại cấp xã", "resolved_province": "giải quyết, tiếp nhận tại cấp tỉnh",
    "resolved_district": "giải quyết, tiếp nhận tại cấp huyện",
    "resolved_commune": "giải quyết, tiếp nhận tại cấp xã",
}
INELIGIBLE = ("rejected", "withdrawn")
ONLINE_LEVELS = ("full_online", "partial_online")
MODELS = {"dossiers": DossierRecord, "documents": DocumentRecord}

UnitMetrics = dict[int, dict[str, int]]  # unit id → metric → value (optional ones may be absent)


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
    out = {name: int(m[name]) for name in DOSSIER_METRICS}
    # An optional group with no known value in the period is missing, not 0.
    m["received_level_known"] = sum(m.get(f"received_{level}", 0) for level in OFFICE_LEVELS)
    m["resolved_level_known"] = sum(m.get(f"resolved_{level}", 0) for level in OFFICE_LEVELS)
    for known, names in OPTIONAL_GROUPS.items():
        if m.get(known):
            out.update({name: int(m.get(name, 0)) for name in names})
    return out


def dossier_metrics(period: Period | str, units: Iterable[Unit] | None = None,
                    system: str | None = None) -> UnitMetrics:
    """Dossier metrics of ``period`` for every unit with records (zeros included).

    The same computation as ``dossier_metrics_series`` (there is only one), for one period.
    """
    period = parse_period(period)
    return dossier_metrics_series([period], units, system)[period.code]


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


# -- the one dossier computation: monthly flows, added up per period -------------------------
ELIGIBLE = ~Q(status__in=INELIGIBLE)
# Counted in the local month a dossier was received (any status). A condition (Q) or None is
# counted; an aggregate (the satisfaction sum) is used as it is.
RECEIVED_FLOWS: dict[str, Q | Aggregate | None] = {
    "received": None,
    "ineligible": Q(status__in=INELIGIBLE),
    "online_eligible": ELIGIBLE & Q(service_level__in=ONLINE_LEVELS),
    "online": ELIGIBLE & Q(service_level__in=ONLINE_LEVELS, channel="online"),
    "digitized": ELIGIBLE & Q(digitized=True),
    "payment_known": ELIGIBLE & Q(paid_online__isnull=False),
    "paid_online": ELIGIBLE & Q(paid_online=True),
    "reuse_known": ELIGIBLE & Q(reused_digitised__isnull=False),
    "reused_digitised": ELIGIBLE & Q(reused_digitised=True),
    **{f"received_{level}": Q(office_level=level) for level in OFFICE_LEVELS},
}
# Counted in the local month a resolved dossier was resolved.
RESOLVED_FLOWS: dict[str, Q | Aggregate | None] = {
    "resolved": None,
    "resolved_on_time": Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at")),
    "e_result": Q(e_result=True),
    "publication_known": Q(published_on_time__isnull=False),
    "published_on_time": Q(published_on_time=True),
    "satisfaction_rated": Q(satisfaction__isnull=False),
    "satisfaction_sum": Sum("satisfaction"),
    "satisfied": Q(satisfaction__gte=SATISFIED_FROM),
    **{f"resolved_{level}": Q(office_level=level) for level in OFFICE_LEVELS},
}


def _aggregate(q: Q | Aggregate | None) -> Aggregate:
    return q if isinstance(q, Aggregate) else Count("id", filter=q)


BEFORE = ""  # the month key of everything before the first period: sorts before every "YYYY-MM"


class LocalMonth(Func):
    """The local calendar month ("2025-01") of a stored instant, computed by the database."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        offset = _utc_offset_seconds()
        assert offset is not None, "a zone with daylight saving time goes through TruncMonth"
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y-%%m', {sql}, '{offset:+d} seconds')", params

    def as_postgresql(self, compiler, connection, **extra):
        from django.conf import settings

        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM')", [*params, settings.TIME_ZONE]


def _month(field: str, start):
    """The month key of ``field``: "YYYY-MM" computed in SQL ("" before ``start``) when the
    zone's offset is fixed, else Django's TruncMonth (zones with daylight saving time)."""
    if connection.vendor == "postgresql" or (connection.vendor == "sqlite" and _utc_offset_seconds() is not None):
        return Case(When(**{f"{field}__lt": start}, then=Value(BEFORE)), default=LocalMonth(field),
                    output_field=CharField())
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return TruncMonth(field, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _month_key(value) -> str:
    return value if isinstance(value, str) else f"{value.year}-{value.month:02d}"


def dossier_metrics_series(periods: Sequence[Period | str], units: Iterable[Unit] | None = None,
                           system: str | None = None) -> dict[str, UnitMetrics]:
    """Dossier metrics for many periods in two grouped queries: period code → unit id → metrics.

    THE dossier computation (``dossier_metrics`` is this for one period), so a
    single period and a series can never disagree. Flows (``RECEIVED_FLOWS``,
    ``RESOLVED_FLOWS``) are counted per unit and local month from the first
    period's start and added up over each period's months. The stock
    ``carried_over`` is counted at the first period's start as the module
    docstring defines it, then carried forward: at a later period's start it is
    that count plus the eligible dossiers received since, minus those resolved
    since — never a sum of monthly stocks. Every unit with records is listed,
    with zeros.
    """
    periods = [parse_period(p) for p in periods]
    units = list(units) if units is not None else None
    out: dict[str, UnitMetrics] = {p.code: {} for p in periods}
    if not periods:
        return out
    start, _ = local_bounds(min(periods, key=lambda p: p.start))
    _, end = local_bounds(max(periods, key=lambda p: p.end))
    base = _scoped(DossierRecord.objects.all(), units, system)
    # unit → month → counts, one query per family, from the first period's start; before it
    # only the dossiers carried into it count, in the month BEFORE (""): eligible, received
    # before the start and not resolved before it
    carried = Q(received_at__lt=start) & (Q(status="received") | Q(status="resolved", resolved_at__gte=start))
    flows: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for field, family, rows_wanted in (
        ("received_at", RECEIVED_FLOWS, Q(received_at__gte=start, received_at__lt=end) | carried),
        ("resolved_at", RESOLVED_FLOWS, Q(status="resolved", resolved_at__gte=start, resolved_at__lt=end)),
    ):
        rows = (
            base.filter(rows_wanted).order_by()
            .annotate(month=_month(field, start)).values("unit_id", "month")
            .annotate(**{name: _aggregate(q) for name, q in family.items()})
        )
        for row in rows:
            uid, month = row.pop("unit_id"), _month_key(row.pop("month"))
            flows[uid].setdefault(month, {}).update(row)
    for uid in units_with_records("dossiers", units, system):
        flows.setdefault(uid, {})
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
                        m[name] = m.get(name, 0) + int(value or 0)
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
            if name in values[uid]:  # an optional metric with no known value is missing: no row
                rows.append({"unit": codes[uid], "period": period.code, "name": name,
                             "value": values[uid][name]})
    return rows
