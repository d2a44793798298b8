#!/usr/bin/env python
"""Build the DOCX report templates shipped in ``chiso/reports/templates/reports/``.

The templates are ordinary Word files with docxtpl (Jinja) tags, so a province
can open them in Word, change the layout, fonts or wording, and drop its own
copy into ``CHISO_REPORT_TEMPLATES_DIR``. This script only makes the bundled
defaults reproducible: run it again after changing it and commit the files.

    .venv/bin/python scripts/build_report_templates.py [OUTDIR]

Layout follows Decree 30/2020/NĐ-CP (Appendix I): A4, Times New Roman, body
13–14 pt justified with a first-line indent, margins top/bottom 20 mm, left
30 mm, right 15 mm, page numbers centred in the top margin from page 2. Annex
tables (appendix, matrix, ranking, statistics) are A4 landscape like seeds 002 and 003.

Template variables: see ``chiso.reports.context`` (one dataclass per kind).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "chiso" / "reports" / "templates" / "reports"
FONT = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY


# --------------------------------------------------------------------------- helpers


def new_document(landscape: bool, body_size: int) -> Document:
    doc = Document()
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(body_size)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin, section.right_margin = Mm(20), Mm(15)
    else:
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    return doc


def para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align=None,
    indent: float | None = None,
    after: float | None = None,
    before: float | None = None,
    line: float | None = None,
    color: RGBColor | None = None,
):
    """Add one paragraph with one run formatted as asked."""
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    if line is not None:
        fmt.line_spacing = line
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl control tag ({%p …%}); it vanishes on rendering."""
    return para(container, text)


def rule(container, left_cm: float, right_cm: float):
    """A short horizontal rule: an empty paragraph with a bottom border, narrowed by indents."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(left_cm), Cm(right_cm)
    fmt.space_after = Pt(0)
    run = p.add_run()
    run.font.size = Pt(2)
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    # keep the rule close to the line above
    spacing = p_pr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        p_pr.append(spacing)
    spacing.set(qn("w:line"), "40")
    spacing.set(qn("w:lineRule"), "exact")
    return p


def flagged(container, condition: str, expr: str, *, size: float | None = None, align=None, bold_always=False):
    """A paragraph that prints ``expr`` in bold red when ``condition`` holds, plainly otherwise.

    Written as run-level tags so the formatting stays in the template, where a
    province can change it in Word.
    """
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align

    def run(text: str, *, red: bool = False):
        r = p.add_run(text)
        if size:
            r.font.size = Pt(size)
        if red:
            r.bold = True
            r.font.color.rgb = RED
        elif bold_always:
            r.bold = True
        return r

    run("{%r if " + condition + " %}")
    run(expr, red=True)
    run("{%r else %}")
    run(expr)
    run("{%r endif %}")
    return p


def first_paragraph(cell):
    """A cell's first (empty) paragraph, to write into instead of adding a blank one."""
    return cell.paragraphs[0]


def cell_text(cell, text: str, *, bold=False, italic=False, size=None, align=CENTER):
    p = first_paragraph(cell)
    p.alignment = align
    if text:
        r = p.add_run(text)
        r.bold, r.italic = bold or None, italic or None
        if size:
            r.font.size = Pt(size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return p


def drop_first_paragraph(cell):
    """Remove the empty paragraph python-docx puts in every new cell."""
    p = cell.paragraphs[0]
    p._p.getparent().remove(p._p)


def set_widths(table, widths_cm: list[float]):
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    # every cell by its grid position (merged cells get the sum of the columns they span)
    for tr in table._tbl.tr_lst:
        position = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Cm(sum(widths_cm[position:position + span]))
            position += span


def repeat_header(row):
    """Repeat this table row at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def cant_split(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def keep_with_next(*paragraphs):
    """Keep each paragraph on the same page as the next one (the closing line with the signature)."""
    for p in paragraphs:
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.keep_together = True


def end_paragraph(doc):
    """A 1 pt last paragraph after a closing table.

    A document must end with a paragraph; after a table that fills the page, a full-height
    empty one would be pushed to a page of its own (a trailing blank page).
    """
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    p_pr = p._p.get_or_add_pPr()
    spacing = p_pr.find(qn("w:spacing"))
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    r_pr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "2")
    r_pr.append(sz)
    p_pr.append(r_pr)
    return p


def page_number_header(section):
    """Page numbers centred in the top margin, from page 2 (Decree 30)."""
    section.different_first_page_header_footer = True
    header = section.header
    p = header.paragraphs[0]
    p.alignment = CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "28")
    r_pr.append(fonts)
    r_pr.append(sz)
    r.append(r_pr)
    t = OxmlElement("w:t")
    t.text = "2"
    r.append(t)
    fld.append(r)
    p._p.append(fld)


def annex_heading(doc):
    """"Phụ lục 1" / TITLE IN CAPITALS / "(Kèm theo Báo cáo số …)" as seed 002; page numbers from page 2."""
    page_number_header(doc.sections[0])
    para(doc, "{{ meta.annex_label }}", bold=True, size=14, align=CENTER)
    para(doc, "{{ title }}", bold=True, size=14, align=CENTER, before=3)
    para(doc, "{{ meta.attached_line }}", italic=True, size=13, align=CENTER, before=3)
    rule(doc, 10.5, 10.5)
    para(doc, "", size=6)


def group_heading_row(table, expr: str, count: str):
    """A row of one cell across the table (``{% colspan %}`` widens it to every column a loop adds)."""
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    cell_text(merged, expr + "{% colspan " + count + " %}", bold=True, size=12, align=LEFT)
    cant_split(row)
    return row


def grouped_rows(table, heading: str, count: str):
    """Rows grouped by level: {%tr for group %} / heading / {%tr for row %} / data / {%tr endfor %} ×2."""
    first = table.add_row()
    cell_text(first.cells[0], "{%tr for group in groups %}", align=LEFT)
    group_heading_row(table, heading, count)
    data = loop_rows(table, "{%tr for row in group.rows %}", "{%tr endfor %}", len(table.columns))
    last = table.add_row()
    cell_text(last.cells[0], "{%tr endfor %}", align=LEFT)
    return data


def loop_rows(table, start: str, end: str, data_cells: int):
    """Add the three rows of a docxtpl row loop: {%tr for %} / data / {%tr endfor %}; return the data row."""
    first = table.add_row()
    cell_text(first.cells[0], start, align=LEFT)
    data = table.add_row()
    last = table.add_row()
    cell_text(last.cells[0], end, align=LEFT)
    return data


# --------------------------------------------------------------------------- appendix


def build_appendix(path: Path) -> None:
    doc = new_document(landscape=True, body_size=13)
    annex_heading(doc)
    widths = [1.1, 6.5, 3.0, 10.0, 3.0, 2.6]
    headers = ["TT", "{{ col_name }}", "{{ col_target }}", "{{ col_content }}", "{{ col_result }}",
               "{{ col_verdict }}"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, size=12)
    repeat_header(table.rows[0])
    data = loop_rows(table, "{%tr for row in rows %}", "{%tr endfor %}", len(headers))
    cant_split(data)
    c_tt, c_name, c_target, c_content, c_result, c_verdict = data.cells
    cell_text(c_tt, "{{ row.tt }}", size=12)
    drop_first_paragraph(c_name)
    flagged(c_name, "row.failing", "{{ row.name }}", size=12, align=LEFT)
    cell_text(c_target, "{{ row.target }}", size=12)
    drop_first_paragraph(c_content)
    tag(c_content, "{%p for line in row.lines %}")
    para(c_content, "{{ line }}", size=12, align=JUSTIFY)
    tag(c_content, "{%p endfor %}")
    drop_first_paragraph(c_result)
    flagged(c_result, "row.failing", "{{ row.result }}", size=12, align=CENTER)
    drop_first_paragraph(c_verdict)
    flagged(c_verdict, "row.failing", "{{ row.verdict }}", size=12, align=CENTER)
    set_widths(table, widths)
    para(doc, "", size=6)
    para(doc, "{{ summary_line }}", size=13, before=6)
    para(doc, "Ghi chú: {{ legend }}", italic=True, size=12, before=3)
    doc.save(path)


# --------------------------------------------------------------------------- Decree 30 report


def build_report(path: Path) -> None:
    doc = new_document(landscape=False, body_size=14)
    page_number_header(doc.sections[0])

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    cell_text(left, "{{ meta.parent_agency_caps }}", size=13)
    para(left, "{{ meta.agency_caps }}", bold=True, size=13, align=CENTER)
    rule(left, 2.0, 2.0)
    para(left, "{{ meta.number_line }}", size=13, align=CENTER, before=6)
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=CENTER)
    rule(right, 2.6, 2.6)
    para(right, "{{ meta.date_line }}", italic=True, size=14, align=CENTER, before=6)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    set_widths(header, [6.3, 10.2])

    para(doc, "", size=14, after=6)
    para(doc, "BÁO CÁO", bold=True, size=14, align=CENTER, before=12)
    para(doc, "{{ subject }}", bold=True, size=14, align=CENTER)
    rule(doc, 6.0, 6.0)
    para(doc, "", size=8)
    tag(doc, "{%p if meta.addressee %}")
    para(doc, "Kính gửi: {{ meta.addressee }}", size=14, align=CENTER, after=6)
    tag(doc, "{%p endif %}")

    def body(text: str, *, italic=False, bold=False):
        return para(doc, text, italic=italic, bold=bold, size=14, align=JUSTIFY, indent=1.27,
                    after=6, line=1.15)

    def loop(var: str, *, italic=False):
        tag(doc, "{%p for line in " + var + " %}")
        body("{{ line }}", italic=italic)
        tag(doc, "{%p endfor %}")

    loop("legal_lines", italic=True)
    body("{{ intro }}")
    body("I. KẾT QUẢ THỰC HIỆN", bold=True)
    # numbered parts written from the data: 1. Kết quả chung (and the comparison with the period
    # before), 2. theo cấp, 3. theo tiêu chí, 4. đơn vị … (a one-unit framework: its indicators)
    tag(doc, "{%p for section in sections %}")
    body("{{ section.title }}", bold=True)
    loop("section.lines")
    tag(doc, "{%p endfor %}")
    body("II. KHÓ KHĂN, HẠN CHẾ", bold=True)
    loop("difficulty_lines")
    tag(doc, "{%p if next_steps_lines %}")
    body("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", bold=True)
    loop("next_steps_lines")
    tag(doc, "{%p endif %}")
    closing = body("{{ closing }}")
    gap = para(doc, "", size=14)
    # the closing line, "Nơi nhận" and the signature never part: keep-with-next into a row that
    # cannot split across pages
    keep_with_next(closing, gap)

    sign = doc.add_table(rows=1, cols=2)
    sign.alignment = WD_TABLE_ALIGNMENT.CENTER
    cant_split(sign.rows[0])
    left, right = sign.rows[0].cells
    cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=LEFT)
    tag(left, "{%p for line in meta.recipient_lines %}")
    para(left, "{{ line }}", size=11, align=LEFT)
    tag(left, "{%p endfor %}")
    cell_text(right, "{{ meta.authority }}", bold=True, size=14)
    para(right, "{{ meta.position }}", bold=True, size=14, align=CENTER)
    for _ in range(4):
        para(right, "", size=14)
    para(right, "{{ meta.signer }}", bold=True, size=14, align=CENTER)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        keep_with_next(*cell.paragraphs)
    set_widths(sign, [8.0, 8.5])
    end_paragraph(doc)
    doc.save(path)


# --------------------------------------------------------------------------- commune matrix


def build_matrix(path: Path) -> None:
    doc = new_document(landscape=True, body_size=13)
    annex_heading(doc)
    # columns: STT, Đơn vị, Năm công nhận, [loop start, criterion, loop end], Nâng chất, Phụ ghi
    table = doc.add_table(rows=2, cols=8)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, sub = table.rows
    group = top.cells[3].merge(top.cells[5])
    for idx, text in ((0, "STT"), (1, "Đơn vị"), (2, "Năm công nhận"), (6, "Nâng chất"), (7, "Phụ ghi")):
        merged = top.cells[idx].merge(sub.cells[idx])
        cell_text(merged, text, bold=True, size=12)
    cell_text(group, "Tiêu chí{% colspan criteria|length %}", bold=True, size=12)
    cell_text(sub.cells[3], "{%tc for c in criteria %}", size=12)
    cell_text(sub.cells[4], "{{ c }}", bold=True, size=12)
    cell_text(sub.cells[5], "{%tc endfor %}", size=12)
    repeat_header(top)
    repeat_header(sub)
    data = grouped_rows(table, "{{ group.heading }}", "column_count")
    cant_split(data)
    cells = data.cells
    cell_text(cells[0], "{{ row.stt }}", size=12)
    cell_text(cells[1], "{{ row.name }}", size=12, align=LEFT)
    cell_text(cells[2], "{{ row.year }}", size=12)
    cell_text(cells[3], "{%tc for m in row.marks %}", size=12)
    cell_text(cells[4], "{{ m }}", bold=True, size=12)
    cell_text(cells[5], "{%tc endfor %}", size=12)
    cell_text(cells[6], "{{ row.upgraded }}", bold=True, size=12)
    drop_first_paragraph(cells[7])
    flagged(cells[7], "row.status != 'complete'", "{{ row.note }}", size=11, align=LEFT)
    set_widths(table, [1.2, 6.0, 2.6, 0.01, 2.0, 0.01, 2.4, 7.0])
    para(doc, "", size=6)
    para(doc, "{{ summary_line }}", size=13, before=6)
    para(doc, "Ghi chú: {{ legend }}", italic=True, size=12, before=3)
    tag(doc, "{%p for i in range(criteria|length) %}")
    para(doc, "- {{ criteria[i] }}: {{ criteria_names[i] }}", size=12)
    tag(doc, "{%p endfor %}")
    doc.save(path)


# --------------------------------------------------------------------------- ranking


def build_ranking(path: Path) -> None:
    doc = new_document(landscape=True, body_size=13)
    annex_heading(doc)
    headers = ["STT", "Đơn vị", "Cấp", "{%tc for c in categories %}", "{{ c }}", "{%tc endfor %}",
               "Tổng điểm", "Tỷ lệ so với điểm tối đa", "Ghi chú"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, size=12)
    repeat_header(table.rows[0])
    data = grouped_rows(table, "{{ group.heading }}", "column_count")
    cant_split(data)
    cells = data.cells
    cell_text(cells[0], "{{ row.stt }}", size=12)
    cell_text(cells[1], "{{ row.name }}", size=12, align=LEFT)
    cell_text(cells[2], "{{ row.level_name }}", size=12)
    cell_text(cells[3], "{%tc for cell in row.cells %}", size=12)
    drop_first_paragraph(cells[4])
    flagged(cells[4], "not cell.ranked", "{{ cell.points }} điểm", size=12, align=CENTER)
    flagged(cells[4], "not cell.ranked", "{{ cell.level }}", size=12, align=CENTER)
    cell_text(cells[5], "{%tc endfor %}", size=12)
    cell_text(cells[6], "{{ row.total }}/{{ row.max_total }}", size=12)
    cell_text(cells[7], "{{ row.share }}", size=12)
    cell_text(cells[8], "{{ row.note_ref }}", size=11)
    set_widths(table, [1.3, 6.3, 2.0, 0.01, 4.3, 0.01, 2.6, 2.6, 1.9])  # 26,2 cm with two categories
    para(doc, "", size=6)
    # the reasons a category is not ranked, numbered as in the Ghi chú column: a long note in a
    # narrow column made one unit's row a page tall (16 pages for 59 units)
    tag(doc, "{%p for note in notes %}")
    para(doc, "{{ note }}", size=12, align=JUSTIFY)
    tag(doc, "{%p endfor %}")
    para(doc, "{{ summary_line }}", size=13, before=6)
    para(doc, "Đơn vị chưa báo cáo (không đánh giá được)", bold=True, size=13, before=6)
    para(doc, "{{ not_reported_line }}", size=13)
    tag(doc, "{%p for name in not_reported %}")
    para(doc, "- {{ name }}", size=13)
    tag(doc, "{%p endfor %}")
    para(
        doc,
        "Ghi chú: \u201cKhông xếp hạng\u201d khi có tiêu chí trong hạng mục dưới mức tối thiểu, "
        "bất kể tổng điểm; lý do ghi dưới bảng, theo số ở cột Ghi chú.",
        italic=True, size=12, before=6,
    )
    doc.save(path)


# --------------------------------------------------------------------------- statistics by level


def _simple_table(doc, headers: list[str], loop: str, cells: list[str], widths: list[float],
                  lefts: tuple[int, ...] = ()):
    """A table with one header row repeated on every page and one looped data row."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, size=12)
    repeat_header(table.rows[0])
    data = loop_rows(table, "{%tr for " + loop + " %}", "{%tr endfor %}", len(headers))
    cant_split(data)
    for i, (cell, text) in enumerate(zip(data.cells, cells, strict=True)):
        cell_text(cell, text, size=12, align=LEFT if i in lefts else CENTER)
    set_widths(table, widths)
    return table


def build_statistics(path: Path) -> None:
    """The seeds' tables by level: criteria × level × target, k/n units meeting each criterion,
    k/N criteria met, and for a score framework the Mức and "Không xếp hạng" counts."""
    doc = new_document(landscape=True, body_size=13)
    annex_heading(doc)
    keep_with_next(para(doc, "1. Tiêu chí, cấp áp dụng và chỉ tiêu cần đạt", bold=True, size=13, before=6, after=3))
    _simple_table(doc, ["STT", "Mã", "Tiêu chí", "Cấp áp dụng", "Chỉ tiêu cần đạt"], "t in targets",
                  ["{{ loop.index }}", "{{ t.code }}", "{{ t.name }}", "{{ t.level }}", "{{ t.target or '—' }}"],
                  [1.3, 1.5, 13.0, 3.0, 6.2], lefts=(2,))
    keep_with_next(para(doc, "2. Số đơn vị đạt từng tiêu chí (trong số đơn vị đã báo cáo mà tiêu chí áp dụng)",
         bold=True, size=13, before=9, after=3))
    tag(doc, "{%p if tallies %}")
    _simple_table(doc, ["Cấp", "Mã", "Tiêu chí", "Số đơn vị đạt", "Tỷ lệ đạt", "Chưa đạt", "Chưa có số liệu"],
                  "t in tallies",
                  ["{{ t.level }}", "{{ t.code }}", "{{ t.name }}", "{{ t.text }}", "{{ t.rate_text }}",
                   "{{ t.not_met_text }}", "{{ t.missing_text }}"],
                  [2.4, 1.5, 10.6, 3.4, 2.5, 2.0, 2.6], lefts=(2,))
    tag(doc, "{%p else %}")
    para(doc, "Bộ chỉ tiêu chấm điểm: xem số đơn vị theo mức ở mục 4.", italic=True, size=13)
    tag(doc, "{%p endif %}")
    keep_with_next(para(doc, "3. Số tiêu chí đạt của các đơn vị", bold=True, size=13, before=9, after=3))
    _simple_table(doc, ["Cấp", "Số tiêu chí đạt", "Số đơn vị", "Số đơn vị đã báo cáo", "Tỷ lệ"],
                  "h in histogram",
                  ["{{ h.level }}", "{{ h.met }}/{{ h.applicable }}", "{{ h.units_text }}", "{{ h.reported_text }}",
                   "{{ h.share_text }}"],
                  [3.0, 4.0, 3.0, 4.0, 3.0])
    tag(doc, "{%p if band_rows %}")
    keep_with_next(para(doc, "4. Số đơn vị theo mức xếp hạng", bold=True, size=13, before=9, after=3))
    table = doc.add_table(rows=1, cols=6)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0].cells
    for idx, text in ((0, "Cấp"), (1, "Hạng mục"), (2, "{%tc for b in band_columns %}"), (3, "{{ b }}"),
                      (4, "{%tc endfor %}"), (5, "Số đơn vị đã báo cáo")):
        cell_text(head[idx], text, bold=True, size=12)
    repeat_header(table.rows[0])
    data = loop_rows(table, "{%tr for row in band_rows %}", "{%tr endfor %}", 6)
    cant_split(data)
    for idx, text in ((0, "{{ row.level }}"), (1, "{{ row.category }}"), (2, "{%tc for n in row.value_texts %}"),
                      (3, "{{ n }}"), (4, "{%tc endfor %}"), (5, "{{ row.reported_text }}")):
        cell_text(data.cells[idx], text, size=12, align=LEFT if idx == 1 else CENTER)
    set_widths(table, [2.6, 7.0, 0.01, 2.4, 0.01, 3.0])
    para(doc, "", size=6)
    _simple_table(doc, ["Cấp", "Không xếp hạng ở tất cả hạng mục", "Tỷ lệ", "Xếp hạng ở tất cả hạng mục"],
                  "n in not_ranked",
                  ["{{ n.level }}", "{{ n.none_text }}", "{{ n.rate_text }}",
                   "{{ n.all_text }}"],
                  [3.0, 6.0, 3.0, 6.0])
    tag(doc, "{%p endif %}")
    para(doc, "Ghi chú: tỷ lệ tính trên số đơn vị đã báo cáo; đơn vị chưa báo cáo không tính là chưa đạt.",
         italic=True, size=12, before=6)
    end_paragraph(doc)
    doc.save(path)


# --------------------------------------------------------------------------- seed 001: dossiers, documents


def _figure_rows(table, count: int, lefts=(1,), texts: str = "texts"):
    """Grouped rows of a table with fixed columns: per level a heading across the table, the units,
    the level's subtotal (bold); then the total (bold). Cells read ``<texts>[i]`` of each row."""

    def figures(row, prefix: str, bold: bool):
        cell_text(row.cells[0], "{{ " + prefix + ".stt }}" if prefix == "row" else "", size=11)
        cell_text(row.cells[1], "{{ " + prefix + ".name }}", bold=bold, size=11, align=LEFT)
        for i in range(count):
            cell_text(row.cells[2 + i], "{{ " + prefix + f".{texts}[{i}] }}}}", bold=bold, size=11)
        cant_split(row)

    first = table.add_row()
    cell_text(first.cells[0], "{%tr for group in groups %}", align=LEFT)
    heading = table.add_row()
    merged = heading.cells[0].merge(heading.cells[-1])
    cell_text(merged, "{{ group.title }}", bold=True, size=11, align=LEFT)
    cant_split(heading)
    data = loop_rows(table, "{%tr for row in group.rows %}", "{%tr endfor %}", len(table.columns))
    figures(data, "row", False)
    figures(table.add_row(), "group.subtotal", True)
    last = table.add_row()
    cell_text(last.cells[0], "{%tr endfor %}", align=LEFT)
    figures(table.add_row(), "total", True)


def _notes(doc):
    para(doc, "{{ source_line }}", italic=True, size=12, before=6)
    tag(doc, "{%p for line in identities %}")
    para(doc, "{{ line }}", italic=True, size=12)
    tag(doc, "{%p endfor %}")


def build_dossiers(path: Path) -> None:
    """Seed 001's dossier statistics: per unit, grouped by level, subtotals, the identities; received and
    resolved by service level (mức độ 2 / 3 / 4) with theirs; the months."""
    doc = new_document(landscape=True, body_size=13)
    annex_heading(doc)
    headers = ["STT", "Đơn vị", "Kỳ trước chuyển sang", "Tiếp nhận trong kỳ", "Không đủ điều kiện",
               "Phải giải quyết", "Đã giải quyết", "Đúng hạn", "Quá hạn", "Đang xử lý",
               "DVC một phần, toàn trình", "Nộp trực tuyến"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, size=11)
    repeat_header(table.rows[0])
    _figure_rows(table, len(headers) - 2)
    set_widths(table, [1.3, 5.0, *([1.95] * (len(headers) - 2))])
    _notes(doc)
    # Received and resolved by service level (seed 001: mức độ 2 / 3 / 4), same rows and groups.
    tag(doc, "{%p if service_levels %}")
    keep_with_next(para(doc, "Hồ sơ tiếp nhận và giải quyết theo mức độ dịch vụ công", bold=True, size=13,
                        before=9, after=3))
    table = doc.add_table(rows=2, cols=10)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, sub = table.rows
    for idx, text in ((0, "STT"), (1, "Đơn vị")):
        cell_text(top.cells[idx].merge(sub.cells[idx]), text, bold=True, size=11)
    cell_text(top.cells[2].merge(top.cells[5]), "Tiếp nhận trong kỳ", bold=True, size=11)
    cell_text(top.cells[6].merge(top.cells[9]), "Đã giải quyết", bold=True, size=11)
    for i, text in enumerate(["Tổng", "Mức độ 2", "Mức độ 3", "Mức độ 4"] * 2):
        cell_text(sub.cells[2 + i], text, bold=True, size=11)
    repeat_header(top)
    repeat_header(sub)
    _figure_rows(table, 8, texts="level_texts")
    set_widths(table, [1.3, 6.9, *([2.2] * 8)])
    para(doc, "{{ service_level_legend }}", italic=True, size=12, before=6)
    tag(doc, "{%p for line in level_identities %}")
    para(doc, "{{ line }}", italic=True, size=12)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ service_level_note }}", italic=True, size=12)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if months %}")
    keep_with_next(para(doc, "Theo tháng (toàn bộ đơn vị trong bảng)", bold=True, size=13, before=9, after=3))
    _simple_table(doc, ["Tháng", "Tiếp nhận trong kỳ", "Không đủ điều kiện", "Đã giải quyết", "Đúng hạn",
                        "Quá hạn", "Đang xử lý cuối tháng", "Nộp trực tuyến"], "m in months",
                  ["{{ m.label }}", *("{{ m.texts[" + str(i) + "] }}" for i in range(7))],
                  [3.4, *([2.6] * 7)])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if office_levels %}")
    keep_with_next(para(doc, "Theo cấp của cơ quan tiếp nhận (hồ sơ có ghi cấp trong tệp xuất)", bold=True, size=13,
                        before=9, after=3))
    _simple_table(doc, ["Cấp của cơ quan tiếp nhận", "Tiếp nhận trong kỳ", "Đã giải quyết"], "o in office_levels",
                  ["{{ o.level }}", "{{ o.received_text }}", "{{ o.resolved_text }}"], [6.0, 4.0, 4.0], lefts=(0,))
    tag(doc, "{%p endif %}")
    end_paragraph(doc)
    doc.save(path)


def build_documents(path: Path) -> None:
    """Seed 001's documents table: Văn bản đi / đến × Tổng · Có ký số · Không ký số, per unit, by level."""
    doc = new_document(landscape=True, body_size=13)
    annex_heading(doc)
    table = doc.add_table(rows=2, cols=9)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, sub = table.rows
    for idx, text in ((0, "STT"), (1, "Đơn vị"), (8, "Tỷ lệ văn bản đi có ký số")):
        cell_text(top.cells[idx].merge(sub.cells[idx]), text, bold=True, size=11)
    cell_text(top.cells[2].merge(top.cells[4]), "Văn bản đi", bold=True, size=11)
    cell_text(top.cells[5].merge(top.cells[7]), "Văn bản đến", bold=True, size=11)
    for i, text in enumerate(["Tổng", "Có ký số", "Không ký số"] * 2):
        cell_text(sub.cells[2 + i], text, bold=True, size=11)
    repeat_header(top)
    repeat_header(sub)
    _figure_rows(table, 6)
    # the rate column: the cells the loop left empty get the row's rate
    for tr in table.rows[2:]:
        cell = tr.cells[8]
        texts = [c.text for c in tr.cells[:2]]
        if "{{ row.name }}" in texts:
            cell_text(cell, "{{ row.signed_rate_text }}", size=11)
        elif "{{ group.subtotal.name }}" in texts:
            cell_text(cell, "{{ group.subtotal.signed_rate_text }}", bold=True, size=11)
        elif "{{ total.name }}" in texts:
            cell_text(cell, "{{ total.signed_rate_text }}", bold=True, size=11)
    set_widths(table, [1.3, 7.7, *([2.3] * 6), 3.0])
    _notes(doc)
    end_paragraph(doc)
    doc.save(path)


BUILDERS = {
    "appendix": build_appendix,
    "report": build_report,
    "matrix": build_matrix,
    "ranking": build_ranking,
    "statistics": build_statistics,
    "dossiers": build_dossiers,
    "documents": build_documents,
}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for kind, build in BUILDERS.items():
        target = out / f"{kind}.docx"
        build(target)
        print(f"đã tạo {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
