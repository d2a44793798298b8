"""Seed 001's tables from the ingested exports: dossiers by unit and level, documents signed / not signed.

Two report kinds, in XLSX and DOCX (and PDF from the DOCX), read from the ingest metrics
(``chiso.ingest.metrics.dossier_metrics`` / ``document_metrics`` / ``dossier_metrics_series``),
never from the records themselves:

* ``dossiers`` – "Tình hình tiếp nhận và giải quyết hồ sơ thủ tục hành chính" as seed 001
  tabulates it: carried over, received, ineligible, to resolve, resolved (on time, late), pending,
  and the online figures, per unit, grouped by level with a subtotal per level and a total; the
  identities under the table (4.985 + 81.339 − 538 = 85.786; 85.786 − 79.569 = 6.217); the months
  of the period for the whole scope; received and resolved by service level per unit, as seed 001
  splits them ("81.339 hồ sơ (trong đó có: 35.591 … mức độ 2, 15.619 … mức độ 3 và 30.129 …
  mức độ 4)"), with "35.591 + 15.619 + 30.129 = 81.339" under it; and, where the export says
  which level of office received each dossier, received and resolved by that level;
* ``documents`` – "Văn bản đi / Văn bản đến: Tổng · Có ký số · Không ký số" per unit (seed 001:
  6.597 = 6.508 + 89), grouped by level with subtotals and a total, and the share of outgoing
  documents signed.

Neither depends on a framework: the figures are operational records, not indicator values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from openpyxl import Workbook

from chiso.engine.model import LEVELS
from chiso.engine.numbers import format_int
from chiso.engine.periods import Period, parse_period
from chiso.engine.rates import format_rate
from chiso.results.vocabulary import level_name, level_words

from .context import ReportMeta, percent_format, period_phrase, scope_phrase
from .xlsx import (
    COUNT_FORMAT,
    WRAP_CENTER,
    WRAP_TOP_CENTER,
    _cell,
    _font,
    _heading,
    _note,
    _print_setup,
    _save,
    _title_lines,
    _widths,
)

KINDS = ("dossiers", "documents")
DOSSIER_COLUMNS = ("carried_over", "received", "ineligible", "to_resolve", "resolved", "resolved_on_time",
                   "resolved_late", "pending", "online_eligible", "online")
DOSSIER_HEADERS = ("Kỳ trước chuyển sang", "Tiếp nhận trong kỳ", "Không đủ điều kiện", "Phải giải quyết",
                   "Đã giải quyết", "Giải quyết đúng hạn", "Giải quyết quá hạn", "Đang xử lý",
                   "Hồ sơ DVC một phần, toàn trình", "Nộp trực tuyến")
DOCUMENT_COLUMNS = ("outgoing", "outgoing_signed", "outgoing_unsigned", "incoming", "incoming_signed",
                    "incoming_unsigned")
OFFICE_LEVELS = ("province", "district", "commune")  # the ingest's ``received_<level>`` / ``resolved_<level>``
# Seed 001's order: mức độ 2, 3, 4 (the export's offline, partial_online, full_online).
SERVICE_LEVELS = ("offline", "partial_online", "full_online")
SERVICE_LEVEL_HEADERS = ("Mức độ 2", "Mức độ 3", "Mức độ 4")
LEVEL_COLUMNS = ("received", *(f"received_{lv}" for lv in SERVICE_LEVELS),
                 "resolved", *(f"resolved_{lv}" for lv in SERVICE_LEVELS))
SERVICE_LEVEL_LEGEND = (
    "Mức độ theo cột “Mức độ” của tệp xuất: mức độ 4 là dịch vụ công trực tuyến toàn trình, mức độ 3 "
    "là dịch vụ công trực tuyến một phần, mức độ 2 là hồ sơ nộp và giải quyết trực tiếp (kể cả mức độ 1)."
)
SERVICE_LEVEL_UNCOUNTED = (
    "Chưa có số hồ sơ theo mức độ: dữ liệu đã nhập trước khi hệ thống đếm theo mức độ. Chạy "
    "“chiso dataset_check” (hoặc nhập lại tệp xuất) để đếm lại từ dữ liệu đã lưu."
)

__all__ = ["KINDS", "OperationsContext", "operations_context", "operations_xlsx", "NoRecords"]


class NoRecords(ValueError):
    """No unit in scope has records of the source in the period: no file (the message is Vietnamese)."""


@dataclass(frozen=True)
class Row:
    """One unit, a level's subtotal or the total: the figures by column name."""

    stt: str
    name: str
    figures: dict[str, int]
    total: bool = False  # a subtotal or the total (bold)

    def text(self, name: str) -> str:
        return format_int(self.figures.get(name, 0))

    @property
    def texts(self) -> list[str]:
        """The figures in column order as printed (54.919), for the DOCX template's cell loop."""
        columns = DOSSIER_COLUMNS if "received" in self.figures else DOCUMENT_COLUMNS
        return [self.text(name) for name in columns]

    @property
    def level_texts(self) -> list[str]:
        """Received and resolved, each total then mức độ 2, 3, 4 (the service-level table's cells)."""
        return [self.text(name) for name in LEVEL_COLUMNS]

    @property
    def signed_rate(self) -> Fraction | None:
        """Outgoing documents digitally signed, of all outgoing (None when there were none)."""
        out = self.figures.get("outgoing", 0)
        return Fraction(self.figures.get("outgoing_signed", 0), out) if out else None

    @property
    def signed_rate_text(self) -> str:
        return format_rate(self.signed_rate)


@dataclass(frozen=True)
class Group:
    """The units of one level, then their subtotal."""

    title: str  # "Cấp tỉnh"
    rows: list[Row]
    subtotal: Row


@dataclass(frozen=True)
class MonthRow:
    label: str  # "Tháng 01/2023"
    figures: dict[str, int]

    def text(self, name: str) -> str:
        return format_int(self.figures.get(name, 0))

    @property
    def texts(self) -> list[str]:
        return [self.text(name) for name in ("received", "ineligible", "resolved", "resolved_on_time",
                                             "resolved_late", "pending", "online")]


@dataclass(frozen=True)
class OfficeLevelRow:
    level: str  # "Cơ quan cấp xã"
    received: int
    resolved: int

    @property
    def received_text(self) -> str:
        return format_int(self.received)

    @property
    def resolved_text(self) -> str:
        return format_int(self.resolved)


@dataclass
class OperationsContext:
    """Everything a dossier or document table prints; the DOCX template's variables."""

    kind: str
    meta: ReportMeta
    period_code: str
    period_label: str
    title: str
    groups: list[Group]
    total: Row
    identities: list[str]  # the seed's identities, worked on the figures printed
    months: list[MonthRow] = field(default_factory=list)
    office_levels: list[OfficeLevelRow] = field(default_factory=list)
    # Received and resolved by service level (mức độ 2 / 3 / 4) per unit, from the same groups:
    service_levels: bool = False  # every unit's months are counted by level (else the note says why)
    level_identities: list[str] = field(default_factory=list)
    service_level_legend: str = ""
    service_level_note: str = ""  # why there is no table by level
    source_line: str = ""
    framework_code: str = ""  # none: these tables are not a framework's
    basis_lines: list[str] = field(default_factory=list)
    headers: tuple[str, ...] = ()

    @property
    def column_count(self) -> int:
        return len(self.headers) + 2


def _scope(units: Iterable) -> list:
    return sorted(units, key=lambda u: (LEVELS.index(u.level) if u.level in LEVELS else 9, u.path or "", u.code))


def _sum(rows: Sequence[dict[str, int]], names: Sequence[str]) -> dict[str, int]:
    return {name: sum(r.get(name, 0) for r in rows) for name in names}


def _grouped(units: list, metrics: dict[int, dict[str, int]], names: Sequence[str]) -> tuple[list[Group], Row]:
    groups: list[Group] = []
    number = 0
    for level in LEVELS:
        members = [u for u in units if u.level == level and u.pk in metrics]
        if not members:
            continue
        rows = []
        for unit in members:
            number += 1
            rows.append(Row(str(number), unit.name, {n: metrics[unit.pk].get(n, 0) for n in names}))
        title = level_name(level)
        groups.append(Group(title, rows, Row("", f"Cộng {level_words(level)}",
                                             _sum([r.figures for r in rows], names), total=True)))
    total = Row("", "Tổng cộng", _sum([g.subtotal.figures for g in groups], names), total=True)
    return groups, total


def _dossier_identities(groups: list[Group], total: Row) -> list[str]:
    """carried over + received − ineligible = to resolve; to resolve − resolved = pending (seed 001)."""
    out = []
    for row in ([total] if len(groups) == 1 and len(groups[0].rows) == 1 else [*[g.subtotal for g in groups], total]):
        f = row.figures
        label = row.name if row is not total else "Tổng cộng"
        out.append(
            f"{label}: {format_int(f['carried_over'])} + {format_int(f['received'])} − {format_int(f['ineligible'])}"
            f" = {format_int(f['to_resolve'])} hồ sơ phải giải quyết; {format_int(f['to_resolve'])} − "
            f"{format_int(f['resolved'])} = {format_int(f['pending'])} hồ sơ đang xử lý; "
            f"{format_int(f['resolved'])} = {format_int(f['resolved_on_time'])} đúng hạn + "
            f"{format_int(f['resolved_late'])} quá hạn."
        )
    return out


def _level_identities(groups: list[Group], total: Row) -> list[str]:
    """received = mức độ 2 + 3 + 4, resolved likewise (seed 001: 35.591 + 15.619 + 30.129 = 81.339)."""
    out = []
    for row in ([total] if len(groups) == 1 and len(groups[0].rows) == 1 else [*[g.subtotal for g in groups], total]):
        f = row.figures
        received, resolved = (" + ".join(format_int(f[f"{flow}_{lv}"]) for lv in SERVICE_LEVELS)
                              for flow in ("received", "resolved"))
        out.append(f"{row.name}: tiếp nhận {received} = {format_int(f['received'])} hồ sơ (mức độ 2 + "
                   f"mức độ 3 + mức độ 4); đã giải quyết {resolved} = {format_int(f['resolved'])} hồ sơ.")
    return out


def _document_identities(groups: list[Group], total: Row) -> list[str]:
    """total = signed + not signed, outgoing and incoming (seed 001: 6.597 = 6.508 + 89)."""
    out = []
    for row in [*[r for g in groups for r in g.rows], total]:
        f = row.figures
        out.append(
            f"{row.name}: văn bản đi {format_int(f['outgoing'])} = {format_int(f['outgoing_signed'])} có ký số + "
            f"{format_int(f['outgoing_unsigned'])} không ký số; văn bản đến {format_int(f['incoming'])} = "
            f"{format_int(f['incoming_signed'])} + {format_int(f['incoming_unsigned'])}."
        )
    return out


def _months(period: Period) -> list[Period]:
    if period.kind == "month":
        return []
    out = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        out.append(parse_period(f"{year}-{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def operations_context(kind: str, period: Period, units: Iterable, meta: ReportMeta,
                       scope_name: str = "") -> OperationsContext:
    """The ``dossiers`` or ``documents`` table of ``period`` over ``units`` (those with records).

    Raises ``NoRecords`` when no unit in scope has records of that source in the period.
    """
    from chiso.ingest.metrics import document_metrics, dossier_metrics, dossier_metrics_series

    units = _scope(units)
    if kind == "dossiers":
        metrics = dossier_metrics(period, units)
        names = (*DOSSIER_COLUMNS, *(n for n in LEVEL_COLUMNS if n not in DOSSIER_COLUMNS))
    elif kind == "documents":
        raw = document_metrics(period, units)
        metrics = {uid: {**m, "outgoing_unsigned": m["outgoing"] - m["outgoing_signed"],
                         "incoming_unsigned": m["incoming"] - m["incoming_signed"]} for uid, m in raw.items()}
        names = DOCUMENT_COLUMNS
    else:
        raise ValueError(kind)
    if kind == "dossiers":
        active = {uid for uid, m in metrics.items() if m.get("received") or m.get("carried_over") or m.get("resolved")}
    else:
        active = {uid for uid, m in metrics.items() if m.get("outgoing") or m.get("incoming")}
    metrics = {uid: m for uid, m in metrics.items() if uid in active}
    what = "hồ sơ thủ tục hành chính" if kind == "dossiers" else "văn bản đi, đến"
    if not metrics:
        raise NoRecords(f"Chưa có dữ liệu {what} {period.label.lower()} của đơn vị nào trong phạm vi đã chọn "
                        "(nhập tệp xuất từ hệ thống bằng chiso ingest_"
                        f"{'dossiers' if kind == 'dossiers' else 'documents'}): chưa xuất báo cáo")
    groups, total = _grouped(units, metrics, names)
    ctx = OperationsContext(
        kind=kind, meta=meta, period_code=period.code, period_label=period.label,
        title="", groups=groups, total=total, identities=[],
        headers=DOSSIER_HEADERS if kind == "dossiers" else (),
    )
    where = scope_phrase(scope_name)
    if kind == "dossiers":
        ctx.title = (f"Tình hình tiếp nhận và giải quyết hồ sơ thủ tục hành chính{where} "
                     f"{period_phrase(period)}").upper()
        ctx.identities = _dossier_identities(groups, total)
        # Missing by level (months counted before the levels were): no table, rather than false zeros.
        ctx.service_levels = all(n in m for m in metrics.values() for n in LEVEL_COLUMNS)
        if ctx.service_levels:
            ctx.level_identities = _level_identities(groups, total)
            ctx.service_level_legend = SERVICE_LEVEL_LEGEND
        else:
            ctx.service_level_note = SERVICE_LEVEL_UNCOUNTED
        wanted = [u for u in units if u.pk in metrics]
        months = _months(period)
        if months:
            series = dossier_metrics_series(months, wanted)
            ctx.months = [MonthRow(m.label, _sum(list(series[m.code].values()), DOSSIER_COLUMNS)) for m in months]
        known = [m for m in metrics.values() if any(f"received_{lv}" in m for lv in OFFICE_LEVELS)]
        if known:
            ctx.office_levels = [
                OfficeLevelRow(f"Cơ quan {level_words(lv)}", sum(m.get(f"received_{lv}", 0) for m in metrics.values()),
                               sum(m.get(f"resolved_{lv}", 0) for m in metrics.values()))
                for lv in OFFICE_LEVELS
            ]
        ctx.source_line = ("Số liệu tính từ dữ liệu hồ sơ xuất từ Hệ thống thông tin giải quyết thủ tục hành "
                           "chính đã nhập vào hệ thống (chỉ các đơn vị có dữ liệu).")
    else:
        ctx.title = (f"Tình hình gửi, nhận văn bản điện tử có ký số{where} {period_phrase(period)}").upper()
        ctx.identities = _document_identities(groups, total)
        ctx.source_line = ("Số liệu tính từ dữ liệu văn bản xuất từ Hệ thống quản lý văn bản và điều hành đã nhập "
                           "vào hệ thống (không tính văn bản mật; chỉ các đơn vị có dữ liệu).")
    return ctx


# --------------------------------------------------------------------------- XLSX


def _put_figures(ws, r: int, item: Row, columns: Sequence[str]) -> None:
    """One unit, subtotal or total row: STT, name, then each column's count as a number."""
    if item.stt:
        _cell(ws, r, 1, int(item.stt), align=WRAP_TOP_CENTER, number_format="0")
    else:
        _cell(ws, r, 1, None)
    _cell(ws, r, 2, item.name, font=_font(bold=item.total))
    for offset, name in enumerate(columns):
        _cell(ws, r, 3 + offset, item.figures.get(name, 0), align=WRAP_TOP_CENTER, font=_font(bold=item.total),
              number_format=COUNT_FORMAT)


def _put_groups(ws, row: int, ctx: OperationsContext, width: int, put_row) -> int:
    """The units grouped by level (title, rows, subtotal), then the total; returns the last row."""
    for group in ctx.groups:
        row += 1
        _cell(ws, row, 1, group.title, font=_font(bold=True))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        for item in group.rows:
            row += 1
            put_row(row, item)
        row += 1
        put_row(row, group.subtotal)
    row += 1
    put_row(row, ctx.total)
    return row


def _levels_sheet(wb: Workbook, ctx: OperationsContext) -> None:
    """Sheet "Theo mức độ": per unit (grouped by the units' level), received and resolved, each as
    Tổng · Mức độ 2 · Mức độ 3 · Mức độ 4 (seed 001), counts as numbers, the identities under it."""
    ws = wb.create_sheet("Theo mức độ")
    width = 2 + len(LEVEL_COLUMNS)
    _widths(ws, [6, 34, *([11] * len(LEVEL_COLUMNS))])
    row = _heading(ws, [*_title_lines(ctx), ("Theo mức độ dịch vụ công", _font(bold=True, size=13))], width)
    for col, text in ((1, "STT"), (2, "Đơn vị"), (3, "Tiếp nhận trong kỳ"), (7, "Đã giải quyết")):
        _cell(ws, row, col, text, align=WRAP_CENTER, font=_font(bold=True))
    for col, text in enumerate(("Tổng", *SERVICE_LEVEL_HEADERS) * 2, start=3):
        _cell(ws, row + 1, col, text, align=WRAP_CENTER, font=_font(bold=True))
    for col in (1, 2):
        _cell(ws, row + 1, col, None)
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    for col in (4, 5, 6, 8, 9, 10):
        _cell(ws, row, col, None)
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=6)
    ws.merge_cells(start_row=row, start_column=7, end_row=row, end_column=10)
    head = (row, row + 1)
    row += 1

    row = _put_groups(ws, row, ctx, width, lambda r, item: _put_figures(ws, r, item, LEVEL_COLUMNS))
    row += 2
    _note(ws, row, ctx.service_level_legend, _font(italic=True), width)
    for line in ctx.level_identities:
        row += 1
        _note(ws, row, line, _font(italic=True), width)
    _print_setup(ws, head, width)


def operations_xlsx(ctx: OperationsContext) -> bytes:
    """The table (and, for dossiers, the months and office levels) with counts as numbers."""
    wb = Workbook()
    ws = wb.active
    if ctx.kind == "dossiers":
        ws.title = "Hồ sơ TTHC"
        headers = ["STT", "Đơn vị", *DOSSIER_HEADERS]
        _widths(ws, [6, 34, *([12] * len(DOSSIER_HEADERS))])
        row = _heading(ws, _title_lines(ctx), len(headers))
        for col, text in enumerate(headers, start=1):
            cell = _cell(ws, row, col, text, align=WRAP_CENTER, font=_font(bold=True))
            cell.font = _font(bold=True)
        head = (row, row)
        columns = DOSSIER_COLUMNS
    else:
        ws.title = "Văn bản"
        headers = ["STT", "Đơn vị", "Văn bản đi", "", "", "Văn bản đến", "", "", "Tỷ lệ văn bản đi có ký số"]
        _widths(ws, [6, 40, 11, 11, 11, 11, 11, 11, 14])
        row = _heading(ws, _title_lines(ctx), len(headers))
        for col, text in enumerate(headers, start=1):
            _cell(ws, row, col, text, align=WRAP_CENTER, font=_font(bold=True))
        for col, text in enumerate(["Tổng", "Có ký số", "Không ký số"] * 2, start=3):
            _cell(ws, row + 1, col, text, align=WRAP_CENTER, font=_font(bold=True))
        for col in (1, 2, 9):
            _cell(ws, row + 1, col, None)
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
        ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=8)
        head = (row, row + 1)
        row += 1
        columns = DOCUMENT_COLUMNS
    rate_format = percent_format(2)

    def put_row(r: int, item: Row) -> None:
        _put_figures(ws, r, item, columns)
        if ctx.kind == "documents":
            rate = item.signed_rate
            _cell(ws, r, 9, float(rate) if rate is not None else "—", align=WRAP_TOP_CENTER,
                  font=_font(bold=item.total), number_format=rate_format)

    row = _put_groups(ws, row, ctx, len(headers), put_row)
    row += 2
    _note(ws, row, ctx.source_line, _font(italic=True), len(headers))
    for line in ctx.identities:
        row += 1
        _note(ws, row, line, _font(italic=True), len(headers))
    if ctx.service_level_note:
        row += 1
        _note(ws, row, ctx.service_level_note, _font(italic=True), len(headers))
    _print_setup(ws, head, len(headers))
    if ctx.service_levels:
        _levels_sheet(wb, ctx)

    if ctx.months:
        ms = wb.create_sheet("Theo tháng")
        month_headers = ["Tháng", "Tiếp nhận trong kỳ", "Không đủ điều kiện", "Đã giải quyết", "Giải quyết đúng hạn",
                         "Giải quyết quá hạn", "Đang xử lý cuối tháng", "Nộp trực tuyến"]
        _widths(ms, [18, *([13] * 7)])
        r = _heading(ms, [*_title_lines(ctx), ("Theo tháng, toàn bộ đơn vị trong bảng", _font(bold=True, size=13))],
                     len(month_headers))
        for col, text in enumerate(month_headers, start=1):
            _cell(ms, r, col, text, align=WRAP_CENTER, font=_font(bold=True))
        first = r
        for item in ctx.months:
            r += 1
            _cell(ms, r, 1, item.label, align=WRAP_TOP_CENTER)
            for offset, name in enumerate(("received", "ineligible", "resolved", "resolved_on_time", "resolved_late",
                                           "pending", "online")):
                _cell(ms, r, 2 + offset, item.figures.get(name, 0), align=WRAP_TOP_CENTER, number_format=COUNT_FORMAT)
        _print_setup(ms, (first, first), len(month_headers))
    if ctx.office_levels:
        ls = wb.create_sheet("Theo cấp tiếp nhận")
        _widths(ls, [30, 16, 16])
        r = _heading(ls, [*_title_lines(ctx), ("Theo cấp của cơ quan tiếp nhận", _font(bold=True, size=13))], 3)
        for col, text in enumerate(["Cấp của cơ quan tiếp nhận", "Tiếp nhận trong kỳ", "Đã giải quyết"], start=1):
            _cell(ls, r, col, text, align=WRAP_CENTER, font=_font(bold=True))
        first = r
        for item in ctx.office_levels:
            r += 1
            _cell(ls, r, 1, item.level)
            _cell(ls, r, 2, item.received, align=WRAP_TOP_CENTER, number_format=COUNT_FORMAT)
            _cell(ls, r, 3, item.resolved, align=WRAP_TOP_CENTER, number_format=COUNT_FORMAT)
        r += 2
        _note(ls, r, "Chỉ tính hồ sơ có ghi cấp của cơ quan tiếp nhận trong tệp xuất.", _font(italic=True), 3)
        _print_setup(ls, (first, first), 3)
    return _save(wb)
