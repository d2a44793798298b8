"""Dashboard pages: overview, matrix, unit page, blocking criteria, planner, forecast, ranking.

Every page starts from the units the user may see
(``chiso.accounts.permissions.visible_units``) and asks the engine for every
verdict and tally; the views only choose, group and format. Query counts do
not depend on the number of units (see ``chiso.dashboard.data``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode

from chiso.accounts.permissions import (
    ROLE_REPORTER,
    ROLE_REVIEWER,
    ROLE_VIEWER,
    get_unit_for_user_or_404,
    role_required,
    scope_paths,
    visible_units,
)
from chiso.assessments.evaluation import evaluate_framework
from chiso.engine.forecast import forecast_rate
from chiso.engine.model import LEVELS, UnitResult
from chiso.engine.numbers import format_date, format_percent
from chiso.engine.periods import Period
from chiso.engine.planner import plan_units, reach_target, unit_plan
from chiso.engine.ranking import rank_by_level
from chiso.results.models import BASES, BASIS_OFFICIAL
from chiso.results.vocabulary import basis_label, level_agency, status_label
from chiso.spreadsheets import csv_row, neutralise_workbook
from chiso.units.models import Unit, path_prefix_q

from . import data

ALL_ROLES = (ROLE_VIEWER, ROLE_REVIEWER, ROLE_REPORTER)


# ---------------------------------------------------------------------------
# shared selection: framework, period, area


class Selection:
    """What the page is about: framework, period and the units in view."""

    def __init__(self, request: HttpRequest, area_code: str | None = None,
                 area_param: str | None = None) -> None:
        self.request = request
        self.user_units = visible_units(request.user)
        code = area_code or (request.GET.get(area_param) if area_param else None)
        self.area: Unit | None = get_unit_for_user_or_404(request.user, code) if code else None
        self.level = request.GET.get("level") or None
        if self.level and self.level not in LEVELS:
            raise Http404("Cấp không hợp lệ")
        self.choices = data.framework_choices()
        self.framework = data.pick_framework(request.GET.get("framework"), self.choices)
        self.units = data.scoped_units(self.user_units, self.area, self.level)
        self.basis = request.GET.get("basis") or BASIS_OFFICIAL
        if self.basis not in BASES:
            raise Http404("Cơ sở số liệu không hợp lệ")
        # Every write bumps one of these (period, revision) pairs: read once, used for periods and page keys.
        self.written = data.framework_revisions(self.framework) if self.framework else ()
        self.periods: list[Period] = (
            data.periods_with_values(self.framework, self.units, self.written) if self.framework else []
        )
        self.collecting = data.collecting_periods(self.framework, self.units) if self.framework else {}
        self.period: Period | None = (
            data.pick_period(request.GET.get("period"), self.periods, self.collecting)
            if self.framework else None
        )
        self.spec = self.framework.spec() if self.framework else None

    @cached_property
    def units_state(self) -> int:
        """The units counter, read once per request (every unit change bumps it)."""
        return data.units_counter()

    def scope(self) -> tuple:
        """What decides the units in view: the viewer's scope roots, the area and the level."""
        return (scope_paths(self.request.user), self.area.path if self.area else None, self.level)

    def state_key(self) -> tuple:
        """The database state this selection's pages depend on (framework, basis, scope, revisions)."""
        return data.state_key(self.framework, self.basis, self.scope(), self.written, self.units_state)

    def infos(self) -> list:
        """Engine views of the units in view that the framework assesses (kept until a unit changes)."""
        return data.kept_in_scope(self.framework, (*self.scope(), self.units_state), self.units)

    def rows(self) -> dict[str, data.UnitRow]:
        """Every active unit the viewer sees in the area (any level), by code (kept until a unit changes)."""
        units = (self.user_units.filter(path_prefix_q(self.area.path), active=True) if self.area
                 else self.user_units.filter(active=True))
        return data.kept_unit_rows((*self.scope()[:2], self.units_state), units)  # the level left out

    def evaluate(self, periods: list[Period]) -> dict[str, Any]:
        """period code → the engine's evaluation of the units in view, from the stored results."""
        return data.evaluate_periods(self.framework, periods, self.units, self.infos(), basis=self.basis,
                                     dated=data.kept_dated_units(self.units_state))

    @property
    def ready(self) -> bool:
        return self.framework is not None and self.period is not None

    def query(self, **extra: Any) -> str:
        """The query string that keeps this page's choices (for links between pages)."""
        params = {}
        if self.framework is not None:
            params["framework"] = f"{self.framework.code}@{self.framework.version}"
        if self.period is not None:
            params["period"] = self.period.code
        if self.basis != BASIS_OFFICIAL:
            params["basis"] = self.basis
        params.update({k: v for k, v in extra.items() if v})
        return urlencode(params)

    def context(self) -> dict[str, Any]:
        fw_value = f"{self.framework.code}@{self.framework.version}" if self.framework else ""
        return {
            "sel": self,
            "framework": self.framework,
            "framework_value": fw_value,
            "spec": self.spec,
            "period": self.period,
            "periods": list(reversed(self.periods)),
            "choices": self.choices,
            "area": self.area,
            "level": self.level,
            "decimals": self.spec.decimals if self.spec else 2,
            "qs": self.query(),
            "basis": self.basis,
            "basis_label": basis_label(self.basis),
            "collecting": self.collecting.get(self.period.code) if self.period else None,
        }


def _empty(request: HttpRequest, sel: Selection, title: str) -> HttpResponse:
    return render(request, "dashboard/empty.html", {**sel.context(), "title": title})


def _level_rows(sel: Selection, summary, period: Period) -> list[dict[str, Any]]:
    """Overall and per-level completion against the milestone of the period's year."""
    rows = []
    for level in (None, *LEVELS):
        tally = summary.overall if level is None else summary.by_level.get(level)
        if tally is None:
            continue
        milestone = data.target_for(sel.spec, period, level)
        meets = None
        if milestone is not None and tally.rate is not None:
            meets = milestone.met_by(tally.rate)
        rows.append({
            "level": level,
            "label": "Toàn tỉnh (trong phạm vi xem)" if level is None else level_agency(level),
            "tally": tally,
            "milestone": milestone,
            "meets": meets,
        })
    return rows


def _pct_number(rate: Fraction | None, decimals: int = 2) -> float | None:
    """A rate as a percentage number for chart drawing only (tables show the engine's text)."""
    return None if rate is None else round(float(rate * 100), decimals)


# ---------------------------------------------------------------------------
# 1. overview


@role_required(*ALL_ROLES)
def overview(request: HttpRequest, area_code: str | None = None) -> HttpResponse:
    """Completion overall and by level vs milestones, trend, not reported, met-k-of-n."""
    sel = Selection(request, area_code=area_code)
    if not sel.ready:
        return _empty(request, sel, "Tổng quan")
    period = sel.period
    trend = data.trend_periods(period, sel.periods, collecting=sel.collecting)
    key = ("overview", sel.state_key(), period.code, tuple(p.code for p in trend))
    context = {**sel.context(), "nav": "overview"}

    def body() -> dict[str, Any]:
        # The figures and their HTML are the same for every viewer of this state: made once.
        page = _overview_data(sel, period, trend)
        return {**page, "overview_body": render_to_string("dashboard/_overview_body.html", {**context, **page})}

    context.update(data.PAGES.get_or_build(key, body))
    return render(request, "dashboard/overview.html", context)


def _overview_data(sel: Selection, period: Period, trend: list[Period]) -> dict[str, Any]:
    """Everything the overview shows, computed from stored results (kept in ``data.PAGES``)."""
    evaluations = sel.evaluate(sorted({*trend, period}))  # the trend ends with the period shown
    ev = evaluations[period.code]
    summaries = {p.code: evaluations[p.code].summary for p in trend}
    rows = sel.rows()
    level_rows = _level_rows(sel, ev.summary, period)
    histogram = data.met_histogram(ev.results)
    milestones = data.completion_milestones(sel.spec)
    trend_rows = []
    for p in trend:
        s = summaries[p.code]
        trend_rows.append({"period": p, "overall": s.overall,
                           "levels": {lvl: s.by_level.get(lvl) for lvl in LEVELS}})
    levels_present = [lvl for lvl in LEVELS if lvl in ev.summary.by_level]
    not_reported = [r for r in ev.results if r.status == "not_reported"]
    districts = data.by_district(ev.results, rows)
    decimals = sel.spec.decimals
    chart = {
        "levels": {
            "labels": [r["label"] for r in level_rows],
            "rates": [_pct_number(r["tally"].rate, decimals) for r in level_rows],
            "targets": [_pct_number(r["milestone"].target if r["milestone"] else None, decimals)
                        for r in level_rows],
        },
        "trend": {
            "labels": [p.label for p in trend],
            "series": [{"name": "Toàn bộ", "data": [_pct_number(t["overall"].rate, decimals) for t in trend_rows]}]
            + [{"name": level_agency(lvl),
                "data": [_pct_number(t["levels"][lvl].rate if t["levels"][lvl] else None, decimals)
                         for t in trend_rows]} for lvl in levels_present],
            "milestones": [{"label": f"Mục tiêu {m.year}", "value": _pct_number(m.target, decimals)}
                           for m in milestones],
        },
        "histogram": {
            "labels": [f"{m}/{a}" for m, a, _ in histogram],
            "counts": [n for _, _, n in histogram],
        },
    }
    return {
        "evaluation": ev,
        "summary": ev.summary,
        "level_rows": level_rows,
        "milestones": milestones,
        "trend_rows": trend_rows,
        "levels_present": levels_present,
        "histogram": histogram,
        "not_reported": not_reported,
        "districts": districts,
        "chart": chart,
    }


# ---------------------------------------------------------------------------
# 2. matrix


STATUS_ORDER = {"met": 0, "not_applicable": 1, "missing": 2, "invalid": 3, "not_met": 4}
UNIT_STATUS_ORDER = {"complete": 0, "incomplete": 1, "not_reported": 2}
SORTS = {
    "ten": "Tên đơn vị",
    "ma": "Mã đơn vị",
    "dat-nhieu": "Đạt nhiều tiêu chí nhất",
    "dat-it": "Đạt ít tiêu chí nhất",
    "trang-thai": "Trạng thái",
}


def _sort_results(results: Sequence[UnitResult], sort: str) -> list[UnitResult]:
    items = list(results)
    if sort == "ma":
        items.sort(key=lambda r: r.unit.code)
    elif sort == "dat-nhieu":
        items.sort(key=lambda r: (-(r.met / r.applicable if r.applicable else 0), -r.met, r.unit.name))
    elif sort == "dat-it":
        items.sort(key=lambda r: ((r.met / r.applicable if r.applicable else 0), r.met, r.unit.name))
    elif sort == "trang-thai":
        items.sort(key=lambda r: (UNIT_STATUS_ORDER.get(r.status, 9), r.unit.name))
    elif sort.startswith("ct-"):
        code = sort[3:]

        def key(r: UnitResult) -> tuple:
            try:
                status = r.indicator(code).status
            except KeyError:
                status = "not_applicable"
            return (-STATUS_ORDER.get(status, 9), r.unit.name)

        items.sort(key=key)
    else:
        items.sort(key=lambda r: (LEVELS.index(r.unit.level) if r.unit.level in LEVELS else 9, r.unit.name))
    return items


@role_required(*ALL_ROLES)
def matrix(request: HttpRequest) -> HttpResponse:
    """Units × criteria heat map with letters, filter by level and district, sortable."""
    sel = Selection(request, area_param="district")
    if not sel.ready:
        return _empty(request, sel, "Ma trận đơn vị × tiêu chí")
    ev = sel.evaluate([sel.period])[sel.period.code]
    sort = request.GET.get("sort") or "cap"
    columns = [ind for ind in sel.spec.indicators if ind.kind != "text"]
    rows = []
    for r in _sort_results(ev.results, sort):
        cells = []
        for ind in columns:
            try:
                cells.append(r.indicator(ind.code))
            except KeyError:
                cells.append(None)
        rows.append({"result": r, "cells": cells})
    districts = list(sel.user_units.filter(active=True, level="district").order_by("name")
                     .values_list("code", "name"))
    sort_choices = list(SORTS.items()) + [(f"ct-{c.code}", f"Theo tiêu chí {c.code}") for c in columns]
    context = {
        **sel.context(),
        "evaluation": ev,
        "columns": columns,
        "rows": rows,
        "sort": sort,
        "sort_choices": sort_choices,
        "districts": districts,
        "district": sel.area.code if sel.area else "",
        "levels": [(lvl, level_agency(lvl)) for lvl in LEVELS],
        "legend": ["met", "not_met", "missing", "not_applicable", "invalid"],
        "nav": "matrix",
    }
    return render(request, "dashboard/matrix.html", context)


# ---------------------------------------------------------------------------
# 3. unit page


def _evidence_by_indicator(framework, unit: Unit, period: Period) -> dict[str, list[dict[str, str]]]:
    """Indicator code → evidence files of the unit's submission for this period, with links."""
    try:
        from chiso.assessments.models import Evidence
    except ImportError:  # the assessments app has no evidence yet
        return {}
    out: dict[str, list[dict[str, str]]] = {}
    files = Evidence.objects.filter(
        submission__unit=unit, submission__round__framework=framework,
        submission__round__period=period.code,
    ).only("pk", "indicator", "original_name")
    for ev in files:
        url = ""
        for name in ("assessments:evidence_download", "assessments:evidence"):
            try:
                url = reverse(name, args=[ev.pk])
                break
            except NoReverseMatch:
                continue
        code = (ev.indicator or "").split(".")[0] if ev.indicator else ""
        out.setdefault(ev.indicator or "", []).append({"name": ev.original_name, "url": url})
        if code and code != ev.indicator:
            out.setdefault(code, []).append({"name": ev.original_name, "url": url})
    return out


@role_required(*ALL_ROLES)
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    """One unit: each indicator's value, target, verdict, reason, evidence and history."""
    unit = get_unit_for_user_or_404(request.user, code)
    sel = Selection(request)
    one = Unit.objects.filter(pk=unit.pk)
    sel.periods = data.periods_with_values(sel.framework, one) if sel.framework else []
    if sel.framework and not request.GET.get("period"):
        sel.period = sel.periods[-1] if sel.periods else None
    if not sel.ready:
        return render(request, "dashboard/empty.html", {**sel.context(), "title": unit.name, "unit": unit})
    period = sel.period
    ev = evaluate_framework(sel.framework, period.code, unit=unit, basis=sel.basis)
    result = ev.results[0]
    history_periods = [p for p in sel.periods if p.kind == period.kind][-data.TREND_PERIODS:]
    history = data.evaluate_periods(sel.framework, history_periods, one, infos=[result.unit], basis=sel.basis)
    history_notes = _carried_history(sel, unit, history_periods, history)
    history_rows = []
    for ind in sel.spec.indicators:
        if ind.kind == "text":
            continue
        cells = []
        for p in history_periods:
            try:
                cells.append(history[p.code].results[0].indicator(ind.code))
            except (KeyError, IndexError):
                cells.append(None)
        history_rows.append({"indicator": ind, "cells": cells})
    evidence = _evidence_by_indicator(sel.framework, unit, period)
    indicators = [{"result": r, "evidence": evidence.get(r.code, [])} for r in result.indicators]
    children = list(unit.children.filter(pk__in=sel.user_units.values("pk"), active=True)
                    .order_by("name").values_list("code", "name"))
    context = {
        **sel.context(),
        "unit": unit,
        "result": result,
        "indicators": indicators,
        "plan": unit_plan(result, sel.spec) if result.status != "complete" else None,
        "history_periods": history_periods,
        "history_rows": history_rows,
        "history_notes": history_notes,
        "history_status": [(p, history[p.code].results[0].status if history[p.code].results else None)
                           for p in history_periods],
        "children": children,
        "ancestors": list(sel.user_units.filter(code__in=[c for c in unit.path.split("/") if c][:-1])
                          .order_by("path")
                          .values_list("code", "name")),
        "nav": "unit",
    }
    return render(request, "dashboard/unit.html", context)


def _carried_history(sel: Selection, unit: Unit, periods: list[Period], history: dict) -> list[str]:
    """Periods before the unit existed, carried from its predecessors (merge, split) in ``history``.

    Returns the sentences that say so ("Số liệu Năm 2024 quy đổi theo đơn vị hành chính mới: gộp …").
    """
    from chiso.results.history import evaluate_as_of, method_text

    if unit.valid_from is None or not unit.predecessor_links.exists():
        return []
    notes = []
    for p in periods:
        if p.end >= unit.valid_from:
            continue
        carried = evaluate_as_of(sel.framework, p.code, unit.valid_from, sel.basis, unit=unit)
        text = method_text(carried, unit.code, p.label)
        if text:
            history[p.code] = carried.evaluation
            notes.append(text)
    return notes


# ---------------------------------------------------------------------------
# 4. blocking criteria


@role_required(*ALL_ROLES)
def blocking(request: HttpRequest) -> HttpResponse:
    """Which criteria most units fail, per level."""
    sel = Selection(request, area_param="district")
    if not sel.ready:
        return _empty(request, sel, "Tiêu chí vướng mắc")
    ev = sel.evaluate([sel.period])[sel.period.code]
    by_level = data.blocking_by_level(ev.results)
    levels = [{"level": lvl, "label": level_agency(lvl),
               "rows": [{"b": b, "share": Fraction(b.failing, b.assessed) if b.assessed else None}
                        for b in rows],
               "chart": {"labels": [row.code for row in rows],
                         "names": [row.name for row in rows],
                         "failing": [row.failing for row in rows],
                         "assessed": [row.assessed for row in rows]}}
              for lvl, rows in by_level.items()]
    names = {r.unit.code: r.unit.name for r in ev.results}
    context = {**sel.context(), "evaluation": ev, "levels": levels, "names": names,
               "chart": {lv["level"]: lv["chart"] for lv in levels}, "nav": "blocking"}
    return render(request, "dashboard/blocking.html", context)


# ---------------------------------------------------------------------------
# 5. planner


def _planner_data(sel: Selection):
    ev = sel.evaluate([sel.period])[sel.period.code]
    plans = plan_units(ev.results, sel.spec)
    milestone = data.target_for(sel.spec, sel.period)
    selection = (reach_target(ev.results, milestone.target, sel.spec, op=milestone.op)
                 if milestone else None)
    return ev, plans, milestone, selection


@role_required(*ALL_ROLES)
def planner(request: HttpRequest) -> HttpResponse:
    """Per incomplete unit: what is missing and by how much; the fewest units to reach the target."""
    sel = Selection(request, area_param="district")
    if not sel.ready:
        return _empty(request, sel, "Kế hoạch đạt mục tiêu")
    ev, plans, milestone, selection = _planner_data(sel)
    chosen = {p.unit.code for p in selection.chosen} if selection else set()
    context = {**sel.context(), "evaluation": ev, "plans": plans, "milestone": milestone,
               "selection": selection, "chosen": chosen, "nav": "planner",
               "export_qs": sel.query(district=sel.area.code if sel.area else None)}
    return render(request, "dashboard/planner.html", context)


EXPORT_HEADER = ["Thứ tự ưu tiên", "Mã đơn vị", "Tên đơn vị", "Cấp", "Trạng thái", "Số tiêu chí đạt",
                 "Số tiêu chí áp dụng", "Trong nhóm cần hoàn thành để đạt mục tiêu", "Mã tiêu chí",
                 "Tiêu chí", "Cần làm"]


def planner_rows(plans, chosen: set[str]) -> list[list[object]]:
    """One row per gap (a unit without gaps still gets one row), in priority order."""
    out: list[list[object]] = []
    for i, p in enumerate(plans, start=1):
        base = [i, p.unit.code, p.unit.name, level_agency(p.unit.level),
                status_label(p.status), p.met, p.applicable, "Có" if p.unit.code in chosen else ""]
        for g in p.gaps or [None]:
            out.append([*base, g.code if g else "", g.name if g else "", g.text if g else ""])
    return out


@role_required(*ALL_ROLES)
def planner_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The planner as CSV (UTF-8 with BOM, opens in Excel) or XLSX."""
    sel = Selection(request, area_param="district")
    if not sel.ready:
        raise Http404("Chưa có số liệu")
    ev, plans, milestone, selection = _planner_data(sel)
    chosen = {p.unit.code for p in selection.chosen} if selection else set()
    rows = planner_rows(plans, chosen)
    name = f"ke-hoach-{sel.framework.code}-{sel.period.code}"
    title = (f"Kế hoạch đạt mục tiêu — {sel.framework.title} — {sel.period.label}"
             + (f" — mục tiêu {format_percent(milestone.target)} năm {milestone.year}" if milestone else ""))
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")
        writer = csv.writer(buf)
        writer.writerow(csv_row([title]))
        writer.writerow(EXPORT_HEADER)
        writer.writerows(csv_row(row) for row in rows)  # unit names are user data: no formulas
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        wb = Workbook()
        ws = wb.active
        ws.title = "Kế hoạch"
        ws.append([title])
        ws["A1"].font = Font(bold=True)
        ws.append(EXPORT_HEADER)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for col, width in zip("ABCDEFGHIJK", (8, 14, 36, 16, 16, 10, 10, 14, 10, 48, 70), strict=True):
            ws.column_dimensions[col].width = width
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A3"
        out = io.BytesIO()
        neutralise_workbook(wb).save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    raise Http404("Định dạng không hỗ trợ")


# ---------------------------------------------------------------------------
# 6. forecast


@role_required(*ALL_ROLES)
def forecast(request: HttpRequest) -> HttpResponse:
    """Projection of each rate to the target date, with the method stated."""
    sel = Selection(request, area_param="district")
    if not sel.ready:
        return _empty(request, sel, "Dự báo")
    periods = [p for p in sel.periods if p.kind == sel.period.kind and not sel.period < p
               and (p == sel.period or p.code not in sel.collecting)]
    summaries = {code: ev.summary for code, ev in sel.evaluate(periods).items()}
    decimals = sel.spec.decimals
    series = []
    for level in (None, *LEVELS):
        history = []
        for p in periods:
            s = summaries[p.code]
            tally = s.overall if level is None else s.by_level.get(level)
            history.append((p, tally.rate if tally else None))
        if all(rate is None for _, rate in history):
            continue
        milestone = data.target_for(sel.spec, sel.period, level)
        if milestone is None:
            continue
        fc = forecast_rate(history, milestone.target, milestone.deadline)
        label = "Toàn bộ đơn vị" if level is None else level_agency(level)
        series.append({
            "level": level or "all", "label": label, "history": history, "forecast": fc,
            "milestone": milestone,
            "chart": {
                "label": label,
                "actual": [[format_date(p.end), _pct_number(r, decimals)] for p, r in history],
                "line": [[format_date(d), _pct_number(v, decimals)] for d, v in fc.line],
                "target": _pct_number(milestone.target, decimals),
                "target_date": format_date(milestone.deadline),
            },
        })
    context = {**sel.context(), "series": series, "periods_used": periods,
               "chart": [s["chart"] for s in series], "nav": "forecast"}
    return render(request, "dashboard/forecast.html", context)


# ---------------------------------------------------------------------------
# 7. ranking (score frameworks)


@role_required(*ALL_ROLES)
def ranking(request: HttpRequest) -> HttpResponse:
    """Points, category levels, "Không xếp hạng" with its criterion, share of the level maximum."""
    sel = Selection(request, area_param="district")
    if not sel.ready:
        return _empty(request, sel, "Xếp hạng")
    ev = sel.evaluate([sel.period])[sel.period.code]
    # the ranking rule (order, ties, units not ranked or not reported) is the engine's
    by_level = [{"level": lv.level, "label": level_agency(lv.level), "rows": lv.ranked,
                 "maximum": lv.maximum, "not_reported": list(lv.not_reported)}
                for lv in rank_by_level(ev.results)]
    context = {**sel.context(), "evaluation": ev, "by_level": by_level,
               "categories": sel.spec.categories, "is_score": sel.spec.kind == "score",
               "nav": "ranking",
               "score_frameworks": [f for f in sel.choices if f.kind == "score"]}
    return render(request, "dashboard/ranking.html", context)


__all__ = ["overview", "matrix", "unit_page", "blocking", "planner", "planner_export", "forecast",
           "ranking"]
