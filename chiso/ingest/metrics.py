"""Metrics computed from imported records, per unit and period.

Metrics read the per-unit, per-month summary the imports keep (``DossierMonth``,
``DocumentMonth``, counted from the records dataset by ``dataset.MONTHLY_SQL``),
never the records themselves, so their cost does not grow with the number of
dossiers. Every period is whole months (``chiso.engine.periods``: month,
quarter, half, year), and a period's figures are exact from monthly flows:
flows add up over its months; the stock ``carried_over`` at its start is the
sum over every earlier month of received − ineligible − resolved (see
``dataset``). A unit's metrics count only its own records; adding up a subtree
is the dashboard's job.

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
  received and not ineligible, digitised;
- by the export's service level (seed 001's "mức độ 4 / 3 / 2"):
  ``received_full_online``, ``received_partial_online``, ``received_offline``
  (received, any status: they add up to ``received``) and
  ``resolved_full_online``, ``resolved_partial_online``, ``resolved_offline``
  (they add up to ``resolved``). Added on 02/12/2026: for months counted
  before, until ``chiso dataset_check`` (or the system's next import) recounts
  them from the dataset, these six are missing — absent, never 0.

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

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Count, F, Sum

from chiso.engine.periods import Period, parse_period
from chiso.units.models import Unit

from .dataset import FLOWS
from .importer import month_keys
from .models import DocumentMonth, DossierMonth

SERVICE_LEVELS = ("full_online", "partial_online", "offline")  # mức độ 4 / 3 / 2 and below
SERVICE_LEVEL_METRICS: tuple[str, ...] = (
    *(f"received_{level}" for level in SERVICE_LEVELS), *(f"resolved_{level}" for level in SERVICE_LEVELS),
)
DOSSIER_METRICS: tuple[str, ...] = (
    "carried_over", "received", "ineligible", "to_resolve", "resolved", "resolved_on_time",
    "resolved_late", "pending", "online_eligible", "online", "e_result", "digitized",
    *SERVICE_LEVEL_METRICS,
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
    "received_full_online": "tiếp nhận, DVC trực tuyến toàn trình (mức độ 4)",
    "received_partial_online": "tiếp nhận, DVC trực tuyến một phần (mức độ 3)",
    "received_offline": "tiếp nhận, dịch vụ trực tiếp (mức độ 2 trở xuống)",
    "resolved_full_online": "đã giải quyết, DVC trực tuyến toàn trình (mức độ 4)",
    "resolved_partial_online": "đã giải quyết, DVC trực tuyến một phần (mức độ 3)",
    "resolved_offline": "đã giải quyết, dịch vụ trực tiếp (mức độ 2 trở xuống)",
}
INELIGIBLE = ("rejected", "withdrawn")
ONLINE_LEVELS = ("full_online", "partial_online")
MODELS = {"dossiers": DossierMonth, "documents": DocumentMonth}

UnitMetrics = dict[int, dict[str, int]]  # unit id → metric → value (optional ones may be absent)


def _scoped(qs, units: Iterable[Unit] | None, system: str | None):
    if units is not None:
        qs = qs.filter(unit_id__in=[u.pk for u in units])
    if system:
        qs = qs.filter(system=system)
    return qs


def units_with_records(source: str, units: Iterable[Unit] | None = None,
                       system: str | None = None) -> list[int]:
    """Ids of the units that have at least one record of ``source`` (a row in its summary)."""
    qs = _scoped(MODELS[source].objects.all(), units, system)
    return sorted(set(qs.order_by().values_list("unit_id", flat=True).distinct()))


def _finish_dossiers(m: dict[str, int], uncounted: frozenset[str] | set[str] = frozenset()) -> dict[str, int]:
    m["to_resolve"] = m["carried_over"] + m["received"] - m["ineligible"]
    m["resolved_late"] = m["resolved"] - m["resolved_on_time"]
    m["pending"] = m["to_resolve"] - m["resolved"]
    # A flow some month of the period has not counted yet (NULL: counted before it existed) is missing.
    out = {name: int(m[name]) for name in DOSSIER_METRICS if name not in uncounted}
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
    """Document metrics of ``period`` for every unit with records (zeros included): sums of months."""
    period = parse_period(period)
    units = list(units) if units is not None else None
    first, last = month_keys(period)
    out: UnitMetrics = {
        uid: dict.fromkeys(DOCUMENT_METRICS, 0) for uid in units_with_records("documents", units, system)
    }
    rows = (_scoped(DocumentMonth.objects.all(), units, system).filter(month__gte=first, month__lte=last)
            .order_by().values("unit_id").annotate(**{name: Sum(name) for name in DOCUMENT_METRICS}))
    for row in rows:
        out.setdefault(row.pop("unit_id"), dict.fromkeys(DOCUMENT_METRICS, 0)).update(row)
    return {uid: {name: int(m[name] or 0) for name in DOCUMENT_METRICS} for uid, m in out.items()}


def compute_metrics(source: str, period: Period | str, units: Iterable[Unit] | None = None,
                    system: str | None = None, engine: str = "database") -> UnitMetrics:
    """Metrics of ``source`` (dossiers | documents) for ``period``, unit id → name → value.

    ``engine``: ``database`` (default) reads the monthly summary the imports stored;
    ``duckdb`` or ``spark`` computes that summary again from the records dataset with the
    same SQL (``spark.summary_metrics``) — the same figures, by another engine.
    """
    if engine != "database":
        from .spark import summary_metrics

        return summary_metrics(source, parse_period(period), units, system, engine)
    if source == "dossiers":
        return dossier_metrics(period, units, system)
    if source == "documents":
        return document_metrics(period, units, system)
    raise ValueError(f'Nguồn dữ liệu "{source}" không có: chọn dossiers (hồ sơ) hoặc documents (văn bản)')


# -- the one dossier computation: monthly flows, added up per period -------------------------
# unit id → [(YYYY-MM, flow → count)]; None: a flow that month's stored summary has not counted yet
MonthlyFlows = dict[int, list[tuple[str, dict[str, int | None]]]]


def dossier_metrics_series(periods: Sequence[Period | str], units: Iterable[Unit] | None = None,
                           system: str | None = None) -> dict[str, UnitMetrics]:
    """Dossier metrics for many periods from one summary query: period code → unit id → metrics.

    THE dossier computation (``dossier_metrics`` is this for one period), so a
    single period and a series can never disagree. The summary's monthly flows
    (``dataset.RECEIVED_FLOWS``, ``dataset.RESOLVED_FLOWS``, all systems added
    unless ``system`` is given) up to the last period's end are read once and
    added up over each period's months; the stock ``carried_over`` at a
    period's start is the eligible dossiers received in all earlier months
    minus those resolved in them — never a sum of monthly stocks. Every unit
    with records is listed, with zeros.
    """
    periods = [parse_period(p) for p in periods]
    units = list(units) if units is not None else None
    out: dict[str, UnitMetrics] = {p.code: {} for p in periods}
    if not periods or (units is not None and not units):  # no unit asked: no row (the SQL below would be empty)
        return out
    _, end = month_keys(max(periods, key=lambda p: p.end))
    flows = FLOWS["dossiers"]
    # Flows added later are NULL in rows counted before them: a month with such a row has no figure.
    later = [name for name in flows if DossierMonth._meta.get_field(name).null]
    query = (_scoped(DossierMonth.objects.all(), units, system).filter(month__lte=end).order_by()
             .values("unit_id", "month")
             .annotate(**{f"f_{name}": Sum(F(name)) for name in flows}, n_rows=Count("pk"),
                       **{f"n_{name}": Count(name) for name in later}))
    # The ORM's SQL, run on a cursor: the rows are plain sums, and Django's per-value converters
    # (about 50.000 calls for 24 months × 60 units) cost more than the query.
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    at = {name: i for i, name in enumerate(names)}
    sums = [(name, at[f"f_{name}"]) for name in flows]
    counted = [(name, at[f"n_{name}"]) for name in later]
    unit_at, month_at, rows_at = at["unit_id"], at["month"], at["n_rows"]
    by_unit: MonthlyFlows = defaultdict(list)
    for row in rows:
        counts: dict[str, int | None] = {name: int(row[i] or 0) for name, i in sums}
        for name, i in counted:
            if row[i] < row[rows_at]:
                counts[name] = None
        by_unit[row[unit_at]].append((row[month_at], counts))
    for uid in units_with_records("dossiers", units, system):
        by_unit.setdefault(uid, [])
    return dossier_periods(by_unit, periods)


def dossier_periods(by_unit: MonthlyFlows, periods: Sequence[Period]) -> dict[str, UnitMetrics]:
    """Period metrics from monthly flows (all systems added), as ``dossier_metrics_series`` defines them.

    Pure: the stored summary and a summary computed elsewhere (``spark.py``: the same SQL on
    Spark) go through this one function, so equal monthly flows give equal figures.
    """
    out: dict[str, UnitMetrics] = {p.code: {} for p in periods}
    bounds = [(p.code, *month_keys(p)) for p in periods]
    for uid, months in by_unit.items():
        months.sort()
        keys = [month for month, _ in months]
        # The stock before each month: a running sum, so a period's opening stock is one look-up
        # (not a sum over every earlier month for each period).
        stock = [0]
        for _, counts in months:
            stock.append(stock[-1] + counts["received"] - counts["ineligible"] - counts["resolved"])
        for code, first, last in bounds:
            start, stop = bisect_left(keys, first), bisect_right(keys, last)
            m = dict.fromkeys(DOSSIER_METRICS, 0)
            uncounted: set[str] = set()
            for _, counts in months[start:stop]:
                for name, value in counts.items():
                    if value is None:
                        uncounted.add(name)
                    else:
                        m[name] = m.get(name, 0) + value
            m["carried_over"] = stock[start]
            out[code][uid] = _finish_dossiers(m, uncounted)
    return out


def metric_rows(source: str, period: Period | str, unit: Unit | None = None,
                system: str | None = None, units: Iterable[Unit] | None = None,
                engine: str = "database") -> list[dict]:
    """``[{"unit", "period", "name", "value"}]`` in unit-code and metric order (the CLI's JSON).

    ``unit`` gives one unit; ``units`` a scope (the API's: the caller's units); neither, all.
    ``engine`` as for ``compute_metrics``.
    """
    period = parse_period(period)
    scope = [unit] if unit is not None else (list(units) if units is not None else None)
    values = compute_metrics(source, period, scope, system, engine)
    codes = dict(Unit.objects.filter(pk__in=list(values)).values_list("id", "code"))
    rows = []
    for uid in sorted(values, key=lambda i: codes[i]):
        for name in METRICS[source]:
            if name in values[uid]:  # an optional metric with no known value is missing: no row
                rows.append({"unit": codes[uid], "period": period.code, "name": name,
                             "value": values[uid][name]})
    return rows
