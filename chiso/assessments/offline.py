"""The offline path: the unit's form as a pre-filled XLSX, filled in Excel, uploaded back.

One row per input (and one per criterion narrative) with the unit, period,
element, label and target the unit must reach; only the value and reason
columns are unlocked, yes/no cells offer a Có/Không list. A hidden column keeps
the value each row had when the file was downloaded, so an upload that would
overwrite a figure someone else changed meanwhile is refused for that row
instead of silently winning. Uploads are all-or-nothing: every problem is
listed with its row and column and nothing is stored until there are none.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chiso.engine.model import Indicator
from chiso.engine.numbers import NumberError, format_date, parse_bool, parse_count, parse_number
from chiso.engine.periods import parse_period
from chiso.engine.targets import describe_target, select_target
from chiso.spreadsheets import FORM_LIMITS, SpreadsheetRefused, check_xlsx, neutralise_workbook
from chiso.units.models import unit_infos

from .evaluation import element_kinds
from .forms import input_label, plan_elements
from .models import Submission, Value
from .workflow import NARRATIVE, ValueChange, WorkflowError, save_values, to_decimal
from .writes import not_applicable

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Biểu mẫu"
META_SHEET = "_chiso"
HEADERS = [
    ("A", "Mã đơn vị"), ("B", "Kỳ"), ("C", "Mã phần tử"), ("D", "Chỉ tiêu / nội dung"),
    ("E", "Mục tiêu của đơn vị"), ("F", "Giá trị"), ("G", "Lý do điều chỉnh (số tính tự động)"),
    ("H", "Ghi chú"), ("I", "Giá trị lúc tải về"),
]
COL_UNIT, COL_PERIOD, COL_ELEMENT, COL_LABEL, COL_TARGET, COL_VALUE, COL_REASON, COL_NOTE, COL_ORIGINAL = range(1, 10)
HEADER_ROW = 5


class OfflineError(WorkflowError):
    """The upload was refused; ``problems`` name file, row and column of each."""


def filename(sub: Submission) -> str:
    return f"bieu-mau-{sub.unit.code}-{sub.period}.xlsx"


def _canonical(number: Decimal | None, text: str, kind: str) -> str:
    """A stored value as a stable string, to tell later whether it changed."""
    if kind == "text":
        return text or ""
    if number is None:
        return ""
    return format(Decimal(number).normalize(), "f")


def _rows(sub: Submission) -> list[dict[str, Any]]:
    """The rows of the form in document order: element, label, target, kind."""
    spec = sub.framework.spec()
    info = unit_infos(type(sub.unit).objects.filter(pk=sub.unit_id))[0]
    year = parse_period(sub.period).year
    kinds = element_kinds(spec)
    plan = plan_elements(spec)
    out: list[dict[str, Any]] = []

    def walk(ind: Indicator, code: str, title: str) -> None:
        if ind.kind == "composite":
            for item in ind.items:
                walk(item, f"{code}.{item.code}", f"{title} — {item.code}) {item.name}")
            return
        target = select_target(ind, info, year) if ind.kind != "text" else None
        target_text = describe_target(target, ind.kind, spec.decimals) if target is not None else (
            "" if ind.kind == "text" else _("Không áp dụng cho đơn vị này"))
        for name in ind.inputs:
            element = f"{code}.{name}"
            out.append({"element": element, "label": f"{title} — {input_label(ind, name)}",
                        "target": target_text, "kind": kinds[element]})

    for ind in spec.indicators:
        walk(ind, ind.code, f"{ind.code}. {ind.name}")
        if ind.code in plan.narratives:
            out.append({"element": plan.narratives[ind.code],
                        "label": f"{ind.code}. {ind.name} — {_('Nội dung thực hiện')}",
                        "target": "", "kind": "text"})
    return out


def _applicable_rows(sub: Submission) -> list[dict[str, Any]]:
    """The form's rows without the criteria (and composite items) the engine says do not apply to
    this unit: a row there would invite figures the write path refuses anyway."""
    from .writes import not_applicable

    # The engine gives text (narrative-only) criteria no verdict and marks them not_applicable
    # whatever the unit: they are kept.
    texts: set[str] = set()

    def walk(ind: Indicator, code: str) -> None:
        if ind.kind == "text":
            texts.add(code)
        for item in ind.items:
            walk(item, f"{code}.{item.code}")

    for ind in sub.framework.spec().indicators:
        walk(ind, ind.code)
    skip = not_applicable(sub.framework, [sub.unit_id], sub.period).get(sub.unit_id, set()) - texts
    return [row for row in _rows(sub) if not any(row["element"].startswith(f"{code}.") for code in skip)]


def build_workbook(sub: Submission) -> bytes:
    """The pre-filled XLSX of one submission."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    p = parse_period(sub.period)
    ws["A1"] = _("Biểu mẫu báo cáo: %(t)s") % {"t": sub.framework.title}
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _("Đơn vị: %(u)s (%(c)s) · Kỳ: %(p)s · Hạn nộp: %(d)s") % {
        "u": sub.unit.name, "c": sub.unit.code, "p": p.label, "d": format_date(sub.round.deadline)}
    ws["A3"] = _(
        "Biểu chỉ liệt kê các chỉ tiêu áp dụng cho đơn vị. "
        "Chỉ điền cột F (Giá trị); số viết 54.919 hoặc 54919, tỷ lệ không cần nhập (hệ thống tự tính); "
        "ô Có/Không chọn trong danh sách. Số tính tự động chỉ sửa khi ghi lý do ở cột G. "
        "Không sửa các cột khác; tải tệp lên lại ở trang báo cáo.")
    ws["A3"].alignment = Alignment(wrap_text=True)
    ws.merge_cells("A3:H3")
    ws.row_dimensions[3].height = 45
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    for col, title in HEADERS:
        cell = ws[f"{col}{HEADER_ROW}"]
        cell.value = title
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    stored = {v.element: v for v in sub.values()}
    yes_no = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True,
                            error=_("Chọn Có hoặc Không"), errorTitle=_("Giá trị không hợp lệ"),
                            showErrorMessage=True)
    ws.add_data_validation(yes_no)
    input_fill = PatternFill("solid", fgColor="FFF9DB")
    r = HEADER_ROW
    for row in _applicable_rows(sub):
        r += 1
        old: Value | None = stored.get(row["element"])
        ws.cell(r, COL_UNIT, sub.unit.code)
        ws.cell(r, COL_PERIOD, sub.period)
        ws.cell(r, COL_ELEMENT, row["element"])
        ws.cell(r, COL_LABEL, row["label"]).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, COL_TARGET, row["target"])
        value_cell = ws.cell(r, COL_VALUE)
        note = ""
        if old is not None:
            if row["kind"] == "text":
                value_cell.value = old.text
            elif old.number is not None:
                if row["kind"] == "boolean":
                    value_cell.value = "Có" if old.number != 0 else "Không"
                else:
                    n = Decimal(old.number)
                    value_cell.value = int(n) if n == n.to_integral_value() else float(n)
            if old.source == "computed":
                note = _("tính tự động từ dữ liệu nghiệp vụ")
            elif old.source == "override":
                note = _("đã điều chỉnh số tính tự động (%(c)s)") % {"c": old.provenance.get("computed", "")}
                ws.cell(r, COL_REASON, old.provenance.get("reason", ""))
            ws.cell(r, COL_ORIGINAL, _canonical(old.number, old.text, row["kind"]))
        ws.cell(r, COL_NOTE, note)
        if row["kind"] == "boolean":
            yes_no.add(value_cell)
        elif row["kind"] == "count":
            value_cell.number_format = "#,##0"
        if row["kind"] == "text":
            value_cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col in (COL_VALUE, COL_REASON):
            ws.cell(r, col).protection = Protection(locked=False)
            ws.cell(r, col).fill = input_fill
    for col, width in zip("ABCDEFGHI", (14, 10, 18, 60, 22, 20, 30, 26, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.column_dimensions["I"].hidden = True
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    meta = wb.create_sheet(META_SHEET)
    for i, (key, value) in enumerate([
        ("submission", sub.pk), ("framework", f"{sub.framework.code}@{sub.framework.version}"),
        ("unit", sub.unit.code), ("period", sub.period), ("version", sub.version),
    ], start=1):
        meta.cell(i, 1, key)
        meta.cell(i, 2, value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    neutralise_workbook(wb).save(buffer)  # narratives are user text: shown, never evaluated
    return buffer.getvalue()


@dataclass
class _Cell:
    row: int
    col: int

    def where(self, name: str) -> str:
        title = dict(HEADERS).get(get_column_letter(self.col), "")
        return _("%(file)s, trang “%(sheet)s”, dòng %(row)d, cột %(col)s (%(title)s)") % {
            "file": name, "sheet": SHEET, "row": self.row, "col": get_column_letter(self.col), "title": title}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def import_workbook(sub: Submission, fileobj: Any, name: str, user: Any) -> list[dict[str, str]]:
    """Check every row of an uploaded form, then store all of it in one transaction (or nothing)."""
    if not sub.is_editable:
        raise WorkflowError(_("Báo cáo đang ở trạng thái không cho sửa số liệu."))
    data = fileobj.read()
    try:
        check_xlsx(data, name, FORM_LIMITS)  # a ZIP bomb or a cell in column XFD: refused unread
    except SpreadsheetRefused as exc:
        raise OfflineError(str(exc)) from exc
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise OfflineError(_("Không đọc được %(f)s: cần tệp Excel .xlsx tải từ trang này.") % {"f": name}) from exc
    if SHEET not in wb.sheetnames:
        raise OfflineError(_("%(f)s không có trang “%(s)s”: hãy dùng biểu mẫu tải từ trang này.") % {
            "f": name, "s": SHEET})
    ws = wb[SHEET]
    header = [_text(ws.cell(HEADER_ROW, c).value) for c in range(1, len(HEADERS) + 1)]
    if header[:6] != [title for _col, title in HEADERS][:6]:
        raise OfflineError(_("%(f)s: dòng %(r)d không phải tiêu đề của biểu mẫu (cần %(h)s).") % {
            "f": name, "r": HEADER_ROW, "h": ", ".join(t for _c, t in HEADERS[:6])})
    spec_rows = {row["element"]: row for row in _rows(sub)}
    stored = {v.element: v for v in sub.values()}
    skip = not_applicable(sub.framework, [sub.unit_id], sub.period).get(sub.unit_id, set())
    problems: list[str] = []
    changes: list[ValueChange] = []
    seen: dict[str, int] = {}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        cells = [ws.cell(r, c).value for c in range(1, len(HEADERS) + 1)]
        if all(v in (None, "") for v in cells):
            continue
        unit_code, period, element = _text(cells[0]), _text(cells[1]), _text(cells[2])
        if unit_code != sub.unit.code:
            problems.append(_("%(w)s: tệp ghi đơn vị “%(a)s”, báo cáo này là của “%(b)s”.") % {
                "w": _Cell(r, COL_UNIT).where(name), "a": unit_code, "b": sub.unit.code})
            continue
        if period != sub.period:
            problems.append(_("%(w)s: tệp ghi kỳ “%(a)s”, báo cáo này là kỳ “%(b)s”.") % {
                "w": _Cell(r, COL_PERIOD).where(name), "a": period, "b": sub.period})
            continue
        row = spec_rows.get(element)
        if row is None:
            problems.append(_("%(w)s: bộ chỉ tiêu không có phần tử “%(e)s”.") % {
                "w": _Cell(r, COL_ELEMENT).where(name), "e": element})
            continue
        if element in seen:
            problems.append(_("%(w)s: phần tử “%(e)s” đã có ở dòng %(first)d.") % {
                "w": _Cell(r, COL_ELEMENT).where(name), "e": element, "first": seen[element]})
            continue
        seen[element] = r
        raw = cells[COL_VALUE - 1]
        reason = _text(cells[COL_REASON - 1])
        kind = row["kind"]
        try:
            parsed = _parse(kind, raw)
        except NumberError as exc:
            problems.append(f"{_Cell(r, COL_VALUE).where(name)}: {exc}")
            continue
        number = None if kind == "text" else to_decimal(parsed)
        text = (parsed or "") if kind == "text" else ""
        if (number is not None or text) and any(element.startswith(f"{code}.") for code in skip):
            problems.append(_("%(w)s: chỉ tiêu %(c)s không áp dụng cho %(u)s, không nhận số liệu; hãy xoá giá "
                              "trị ở ô này (hoặc tải biểu mẫu mới).") % {
                "w": _Cell(r, COL_VALUE).where(name), "c": element.rsplit(".", 1)[0], "u": sub.unit.name})
            continue
        old = stored.get(element)
        original = _text(cells[COL_ORIGINAL - 1])
        current = _canonical(old.number, old.text, kind) if old is not None else ""
        new = _canonical(number, text, kind)
        if current != original and new != current:
            if new == original:
                continue  # left as it was downloaded: the newer figure stored since then stays
            problems.append(_(
                "%(w)s: số liệu này đã được %(who)s sửa thành “%(now)s” sau khi bạn tải biểu mẫu; "
                "hãy tải biểu mẫu mới rồi điền lại.") % {
                "w": _Cell(r, COL_VALUE).where(name),
                "who": (old.updated_by.get_full_name() or old.updated_by.get_username())
                if old is not None and old.updated_by else _("người khác"),
                "now": current or "—"})
            continue
        provenance = {"file": name, "sheet": SHEET, "row": r}
        change = ValueChange(element, number=number, text=text, source="import", provenance=provenance,
                             label=row["label"])
        if old is not None and old.source in ("computed", "override"):
            computed = old.number if old.source == "computed" else (
                Decimal(str(old.provenance["computed"])) if old.provenance.get("computed") not in (None, "") else None)
            computed_prov = old.provenance if old.source == "computed" else old.provenance.get("computed_provenance", {})
            if number == computed:
                change.source, change.provenance = "computed", dict(computed_prov or {})
            elif number is None:
                problems.append(_("%(w)s: số tính tự động không xoá được; nhập số đúng và ghi lý do ở cột G.") % {
                    "w": _Cell(r, COL_VALUE).where(name)})
                continue
            elif not reason:
                problems.append(_("%(w)s: số tính tự động là %(c)s; muốn dùng số khác phải ghi lý do ở cột G.") % {
                    "w": _Cell(r, COL_REASON).where(name), "c": _canonical(computed, "", kind)})
                continue
            else:
                change.source = "override"
                change.provenance = {"reason": reason, "computed": str(computed) if computed is not None else None,
                                     "computed_provenance": computed_prov or {}, **provenance}
        changes.append(change)
    if problems:
        raise OfflineError(_("Chưa nhận tệp %(f)s: có %(n)d lỗi, không số liệu nào được lưu.") % {
            "f": name, "n": len(problems)}, problems)
    with transaction.atomic():
        fresh = Submission.objects.get(pk=sub.pk)
        return save_values(fresh, user, changes, fresh.version)


def _parse(kind: str, raw: Any) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "text":
        return str(raw).strip()
    if kind == "boolean":
        return parse_bool(raw if not isinstance(raw, bool) else ("1" if raw else "0"))
    if isinstance(raw, float):
        raw = Fraction(str(raw))
    if kind == "count":
        if isinstance(raw, Fraction):
            if raw.denominator != 1 or raw < 0:
                raise NumberError(_("Cần số nguyên không âm, gặp %(v)s") % {"v": raw})
            return int(raw)
        return parse_count(raw)
    return raw if isinstance(raw, Fraction) else parse_number(raw)


__all__ = ["build_workbook", "import_workbook", "filename", "OfflineError", "XLSX_TYPE", "NARRATIVE"]
