"""XLSX versions of the annex tables (openpyxl), read from the same context objects as the DOCX.

Results are written as the Vietnamese text officials read ("93,61%"), so the
sheet shows the same figures as the Word file whatever Excel's locale; the
counts behind a ratio are in the "Nội dung thực hiện" column. Every sheet is
set up to print: A4 landscape, fit to one page wide, header row repeated,
frozen below the header.
"""

from __future__ import annotations

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


def _font(bold: bool = False, italic: bool = False, size: int = 12, red: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, color=RED if red else "000000")


def _heading(ws: Worksheet, lines: list[tuple[str, Font]], width: int) -> int:
    """Centred heading lines merged across the table; returns the next free row."""
    row = 1
    for text, font in lines:
        ws.cell(row=row, column=1, value=text).font = font
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center",
                                                         wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 20 if len(text) < 120 else 36
        row += 1
    return row + 1


def _header_row(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = _font(bold=True)
        cell.alignment = WRAP_CENTER
        cell.border = BOX
    ws.row_dimensions[row].height = 36


def _print_setup(ws: Worksheet, header_row: int, last_col: int) -> None:
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
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


def _cell(ws: Worksheet, row: int, col: int, value, *, align=WRAP_LEFT, font: Font | None = None):
    cell = ws.cell(row=row, column=col, value=value)
    cell.alignment = align
    cell.border = BOX
    cell.font = font or _font()
    return cell


def appendix_xlsx(ctx: AppendixContext) -> bytes:
    """Seed 002's Phụ lục as a sheet, failing rows in bold red with "Chưa đạt" in Đánh giá."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    headers = ["TT", ctx.col_name, ctx.col_target, ctx.col_content, ctx.col_result, ctx.col_verdict]
    header_row = _heading(
        ws,
        [
            (ctx.meta.annex_label, _font(bold=True, size=14)),
            (ctx.title, _font(bold=True, size=14)),
            *((line, _font(bold=True, red=True)) for line in getattr(ctx, "basis_lines", ())),
            (ctx.meta.attached_line, _font(italic=True, size=13)),
        ],
        len(headers),
    )
    _header_row(ws, header_row, headers)
    row = header_row
    for item in ctx.rows:
        row += 1
        font = _font(bold=item.failing, red=item.failing, italic=item.sub and not item.failing)
        _cell(ws, row, 1, item.tt, align=WRAP_TOP_CENTER, font=font)
        _cell(ws, row, 2, item.name, font=font)
        _cell(ws, row, 3, item.target, align=WRAP_TOP_CENTER)
        _cell(ws, row, 4, item.content or None)
        _cell(ws, row, 5, item.result, align=WRAP_TOP_CENTER, font=font)
        _cell(ws, row, 6, item.verdict, align=WRAP_TOP_CENTER, font=font)
    row += 2
    ws.cell(row=row, column=1, value=ctx.summary_line).font = _font(size=13)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    row += 1
    ws.cell(row=row, column=1, value=f"Ghi chú: {ctx.legend}").font = _font(italic=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    _widths(ws, [6, 45, 16, 70, 16, 16])
    _print_setup(ws, header_row, len(headers))
    return _save(wb)


def matrix_xlsx(ctx: MatrixContext) -> bytes:
    """Seed 003's commune × criterion table with "Đ" where met."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng tiêu chí"
    headers = ["STT", "Đơn vị", "Năm công nhận", *ctx.criteria, "Nâng chất", "Phụ ghi"]
    header_row = _heading(
        ws,
        [
            (ctx.meta.annex_label, _font(bold=True, size=14)),
            (ctx.title, _font(bold=True, size=14)),
            *((line, _font(bold=True, red=True)) for line in getattr(ctx, "basis_lines", ())),
            (ctx.meta.attached_line, _font(italic=True, size=13)),
        ],
        len(headers),
    )
    _header_row(ws, header_row, headers)
    row = header_row
    for item in ctx.rows:
        row += 1
        _cell(ws, row, 1, item.stt, align=WRAP_TOP_CENTER)
        _cell(ws, row, 2, item.name)
        year = int(item.year) if item.year.isdigit() else (item.year or None)
        _cell(ws, row, 3, year, align=WRAP_TOP_CENTER).number_format = "0"
        for offset, mark in enumerate(item.marks):
            _cell(ws, row, 4 + offset, mark or None, align=WRAP_TOP_CENTER, font=_font(bold=True))
        col = 4 + len(item.marks)
        _cell(ws, row, col, item.upgraded or None, align=WRAP_TOP_CENTER, font=_font(bold=True))
        failing = item.status != "complete"
        _cell(ws, row, col + 1, item.note or None, font=_font(bold=failing, red=failing, size=11))
    row += 2
    for text, font in (
        (ctx.summary_line, _font(size=13)),
        (f"Ghi chú: {ctx.legend}", _font(italic=True)),
        *((f"- {code}: {name}", _font(size=11)) for code, name in zip(ctx.criteria, ctx.criteria_names, strict=True)),
    ):
        ws.cell(row=row, column=1, value=text).font = font
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        row += 1
    _widths(ws, [6, 32, 12, *([9] * len(ctx.criteria)), 11, 30])
    _print_setup(ws, header_row, len(headers))
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
    header_row = _heading(
        ws,
        [
            (ctx.meta.annex_label, _font(bold=True, size=14)),
            (ctx.title, _font(bold=True, size=14)),
            *((line, _font(bold=True, red=True)) for line in getattr(ctx, "basis_lines", ())),
            (ctx.meta.attached_line, _font(italic=True, size=13)),
        ],
        len(headers),
    )
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
            _cell(ws, row, col, cell.points, align=WRAP_TOP_CENTER, font=font)
            _cell(ws, row, col + 1, cell.level, align=WRAP_TOP_CENTER, font=font)
            col += 2
        _cell(ws, row, col, item.total, align=WRAP_TOP_CENTER, font=_font(bold=True))
        _cell(ws, row, col + 1, item.max_total, align=WRAP_TOP_CENTER)
        _cell(ws, row, col + 2, item.share, align=WRAP_TOP_CENTER)
        _cell(ws, row, col + 3, item.note or None, font=_font(size=11))
    row += 2
    ws.cell(row=row, column=1, value=ctx.summary_line).font = _font(size=13)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    row += 1
    ws.cell(row=row, column=1, value=ctx.not_reported_line).font = _font(size=13)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    _widths(ws, [6, 32, 11, *([12, 14] * len(ctx.categories)), 11, 11, 13, 40])
    _print_setup(ws, header_row, len(headers))

    missing = wb.create_sheet("Chưa báo cáo")
    _header_row(missing, 1, ["STT", "Đơn vị chưa báo cáo"])
    for i, name in enumerate(ctx.not_reported, start=1):
        _cell(missing, i + 1, 1, i, align=WRAP_TOP_CENTER)
        _cell(missing, i + 1, 2, name)
    _widths(missing, [6, 50])
    _print_setup(missing, 1, 2)
    return _save(wb)


WRITERS = {"appendix": appendix_xlsx, "matrix": matrix_xlsx, "ranking": ranking_xlsx}
