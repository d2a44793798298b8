"""XLSX versions of the annex tables (openpyxl), read from the same context objects as the DOCX.

Figures are numbers, so a sheet sums and sorts: a rate is the fraction with a percentage format
(``0.00%``, shown ``93,61%`` by a Vietnamese Excel), counts and points use ``#,##0``. Texts (targets
such as "= 100%", names, narratives) are written as text, never as a formula. Every sheet is set up
to print: A4 landscape, fit to one page wide, header rows repeated on every page, a print area,
rows tall enough for their wrapped text, frozen below the header.
"""

from __future__ import annotations

import math
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chiso.spreadsheets import neutralise_workbook

from .context import AppendixContext, MatrixContext, RankingContext

FONT = "Times New Roman"
RED = "C00000"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
WRAP_TOP_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
COUNT_FORMAT = "#,##0"
LINE_FACTOR = 1.3  # a wrapped line's height in points per point of font size
CHARS_PER_WIDTH = 1.05  # characters of 12 pt Times New Roman per unit of Excel column width


def _font(bold: bool = False, italic: bool = False, size: int = 12, red: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, color=RED if red else "000000")


def _put(ws: Worksheet, row: int, col: int, value):
    """Write ``value``; a text stays text even when it starts with "=" (a target "= 100%")."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _heading(ws: Worksheet, lines: list[tuple[str, Font]], width: int) -> int:
    """Centred heading lines merged across the table; returns the next free row."""
    row = 1
    for text, font in lines:
        _put(ws, row, 1, text).font = font
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center",
                                                         wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    return row + 1


def _header_row(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, row, col, text)
        cell.font = _font(bold=True)
        cell.alignment = WRAP_CENTER
        cell.border = BOX


def _lines(text: str, width: float, size: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` wide at ``size`` points."""
    per_line = max(1, int(width * CHARS_PER_WIDTH * 12 / max(size, 1)))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _fit_heights(ws: Worksheet, first_row: int = 1) -> None:
    """Give every row the height its wrapped text needs (Excel does not grow rows written by a program).

    A merged cell counts the width of all the columns it spans.
    """
    widths = {col: ws.column_dimensions[get_column_letter(col)].width or 8.43
              for col in range(1, ws.max_column + 1)}
    spans = {(r.min_row, r.min_col): sum(widths.get(c, 8.43) for c in range(r.min_col, r.max_col + 1))
             for r in ws.merged_cells.ranges}
    for row in ws.iter_rows(min_row=first_row):
        needed = 0.0
        for cell in row:
            if cell.value is None or not isinstance(cell.value, str):
                continue
            size = float(cell.font.sz or 12)
            width = spans.get((cell.row, cell.column), widths.get(cell.column, 8.43))
            needed = max(needed, _lines(cell.value, width, size) * size * LINE_FACTOR + 3)
        if needed:
            ws.row_dimensions[row[0].row].height = round(max(needed, 16.0), 1)


def _print_setup(ws: Worksheet, header_rows: tuple[int, int], last_col: int) -> None:
    """A4 landscape, one page wide, header rows on every page, the print area, page numbers."""
    first, last = header_rows
    _fit_heights(ws)
    ws.freeze_panes = ws.cell(row=last + 1, column=1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{first}:{last}"
    ws.print_area = f"A1:{get_column_letter(last_col)}{ws.max_row}"
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.print_options.horizontalCentered = True
    ws.auto_filter.ref = None
    ws.oddFooter.center.text = "Trang &P/&N"


def _widths(ws: Worksheet, widths: list[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _save(wb: Workbook) -> bytes:
    neutralise_workbook(wb)  # unit names and texts come from users: never a live formula
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(ws: Worksheet, row: int, col: int, value, *, align=WRAP_LEFT, font: Font | None = None,
          number_format: str | None = None):
    cell = _put(ws, row, col, value)
    cell.alignment = align
    cell.border = BOX
    cell.font = font or _font()
    if number_format and isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def _note(ws: Worksheet, row: int, text: str, font: Font, width: int) -> None:
    """A line under the table merged across it."""
    _put(ws, row, 1, text).font = font
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _title_lines(ctx) -> list[tuple[str, Font]]:
    return [
        (ctx.meta.annex_label, _font(bold=True, size=14)),
        (ctx.title, _font(bold=True, size=14)),
        *((line, _font(bold=True, red=True)) for line in getattr(ctx, "basis_lines", ())),
        (ctx.meta.attached_line, _font(italic=True, size=13)),
    ]


def appendix_xlsx(ctx: AppendixContext) -> bytes:
    """Seed 002's Phụ lục as a sheet, failing rows in bold red with "Chưa đạt" in Đánh giá."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    headers = ["TT", ctx.col_name, ctx.col_target, ctx.col_content, ctx.col_result, ctx.col_verdict]
    _widths(ws, [6, 45, 16, 70, 16, 16])
    header_row = _heading(ws, _title_lines(ctx), len(headers))
    _header_row(ws, header_row, headers)
    row = header_row
    for item in ctx.rows:
        row += 1
        font = _font(bold=item.failing, red=item.failing, italic=item.sub and not item.failing)
        _cell(ws, row, 1, item.tt or None, align=WRAP_TOP_CENTER, font=font)
        _cell(ws, row, 2, item.name, font=font)
        _cell(ws, row, 3, item.target or None, align=WRAP_TOP_CENTER)
        _cell(ws, row, 4, item.content or None)
        result = item.number if item.number is not None else (item.result or None)
        _cell(ws, row, 5, result, align=WRAP_TOP_CENTER, font=font, number_format=item.number_format)
        _cell(ws, row, 6, item.verdict or None, align=WRAP_TOP_CENTER, font=font)
    row += 2
    _note(ws, row, ctx.summary_line, _font(size=13), len(headers))
    _note(ws, row + 1, f"Ghi chú: {ctx.legend}", _font(italic=True), len(headers))
    _print_setup(ws, (header_row, header_row), len(headers))
    return _save(wb)


def matrix_xlsx(ctx: MatrixContext) -> bytes:
    """Seed 003's commune × criterion table with "Đ" where met."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng tiêu chí"
    headers = ["STT", "Đơn vị", "Năm công nhận", *ctx.criteria, "Nâng chất", "Phụ ghi"]
    _widths(ws, [6, 32, 12, *([7] * len(ctx.criteria)), 11, 30])
    header_row = _heading(ws, _title_lines(ctx), len(headers))
    _header_row(ws, header_row, headers)
    row = header_row
    for item in ctx.rows:
        row += 1
        stt = int(item.stt) if item.stt.isdigit() else item.stt
        _cell(ws, row, 1, stt, align=WRAP_TOP_CENTER, number_format="00")
        _cell(ws, row, 2, item.name)
        year = int(item.year) if item.year.isdigit() else (item.year or None)
        _cell(ws, row, 3, year, align=WRAP_TOP_CENTER, number_format="0")
        for offset, mark in enumerate(item.marks):
            _cell(ws, row, 4 + offset, mark or None, align=WRAP_TOP_CENTER, font=_font(bold=True))
        col = 4 + len(item.marks)
        _cell(ws, row, col, item.upgraded or None, align=WRAP_TOP_CENTER, font=_font(bold=True))
        failing = item.status != "complete"
        _cell(ws, row, col + 1, item.note or None, font=_font(bold=failing, red=failing, size=11))
    row += 2
    for text, font in (
        (ctx.summary_line, _font(size=13)),
        *((f"- {group.heading}", _font(size=13)) for group in ctx.groups),  # subtotals by level
        (f"Ghi chú: {ctx.legend}", _font(italic=True)),
        *((f"- {code}: {name}", _font(size=11)) for code, name in zip(ctx.criteria, ctx.criteria_names, strict=True)),
    ):
        _note(ws, row, text, font, len(headers))
        row += 1
    _print_setup(ws, (header_row, header_row), len(headers))
    return _save(wb)


def ranking_xlsx(ctx: RankingContext) -> bytes:
    """Points and level per category, total, share of the level's maximum; units not reported on a second sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp hạng"
    category_headers: list[str] = []
    for name in ctx.categories:
        category_headers += [f"{name} – điểm", f"{name} – xếp hạng"]
    headers = ["STT", "Đơn vị", "Cấp", *category_headers, "Tổng điểm", "Điểm tối đa",
               "Tỷ lệ so với điểm tối đa", "Ghi chú"]
    _widths(ws, [6, 32, 11, *([12, 14] * len(ctx.categories)), 11, 11, 13, 40])
    header_row = _heading(ws, _title_lines(ctx), len(headers))
    _header_row(ws, header_row, headers)
    row = header_row
    for item in ctx.rows:
        row += 1
        _cell(ws, row, 1, int(item.stt), align=WRAP_TOP_CENTER)
        _cell(ws, row, 2, item.name)
        _cell(ws, row, 3, item.level_name, align=WRAP_TOP_CENTER)
        col = 4
        for cell in item.cells:
            font = _font(bold=not cell.ranked, red=not cell.ranked)
            points = cell.points_value if cell.points_value is not None else (cell.points or None)
            _cell(ws, row, col, points, align=WRAP_TOP_CENTER, font=font, number_format=_points_format(points))
            _cell(ws, row, col + 1, cell.level, align=WRAP_TOP_CENTER, font=font)
            col += 2
        _cell(ws, row, col, item.total_value, align=WRAP_TOP_CENTER, font=_font(bold=True),
              number_format=_points_format(item.total_value))
        _cell(ws, row, col + 1, item.max_total_value, align=WRAP_TOP_CENTER,
              number_format=_points_format(item.max_total_value))
        _cell(ws, row, col + 2, item.share_value, align=WRAP_TOP_CENTER, number_format=ctx.share_format)
        _cell(ws, row, col + 3, item.note or None, font=_font(size=11))
    row += 2
    _note(ws, row, ctx.summary_line, _font(size=13), len(headers))
    _note(ws, row + 1, ctx.not_reported_line, _font(size=13), len(headers))
    _print_setup(ws, (header_row, header_row), len(headers))

    missing = wb.create_sheet("Chưa báo cáo")
    _widths(missing, [6, 50])
    _header_row(missing, 1, ["STT", "Đơn vị chưa báo cáo"])
    for i, name in enumerate(ctx.not_reported, start=1):
        _cell(missing, i + 1, 1, i, align=WRAP_TOP_CENTER)
        _cell(missing, i + 1, 2, name)
    _print_setup(missing, (1, 1), 2)
    return _save(wb)


def _points_format(value) -> str:
    return COUNT_FORMAT if isinstance(value, int) else "#,##0.00"


WRITERS = {"appendix": appendix_xlsx, "matrix": matrix_xlsx, "ranking": ranking_xlsx}
