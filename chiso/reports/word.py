"""Fill a DOCX template (docxtpl) from a report context.

Templates live in ``chiso/reports/templates/reports/<kind>.docx`` (built by
``scripts/build_report_templates.py``); a province may put its own edited copy
of any of them in the folder named by the ``CHISO_REPORT_TEMPLATES_DIR``
setting, which is looked at first.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx.oxml.ns import qn
from docxtpl import DocxTemplate

BUNDLED = Path(__file__).resolve().parent / "templates" / "reports"


def template_path(kind: str, override_dir: str | Path | None = None) -> Path:
    """The template for ``kind``: the province's own copy when present, else the bundled one."""
    if override_dir:
        candidate = Path(override_dir) / f"{kind}.docx"
        if candidate.is_file():
            return candidate
    return BUNDLED / f"{kind}.docx"


def template_vars(context) -> dict:
    """Every public attribute and property of a context object, as Jinja names."""
    return {name: getattr(context, name) for name in dir(context) if not name.startswith("_")}


def _twips(el, attr: str = "w") -> int:
    try:
        return int(float(el.get(qn(f"w:{attr}"))))
    except (TypeError, ValueError):
        return 0


def sync_table_grids(document) -> None:
    """Make each table's grid agree with its cells after loops added or removed columns.

    docxtpl's column loops ({%tc %}) repeat cells but can only guess the grid
    widths; Word and LibreOffice draw fixed tables from the grid, so the grid is
    rebuilt from the widest row's cell widths and spanning cells get the sum.
    """
    for tbl in document.element.body.iter(qn("w:tbl")):
        rows = tbl.findall(qn("w:tr"))
        best: list[int] | None = None
        for tr in rows:
            widths: list[int] = []
            plain = True
            for tc in tr.findall(qn("w:tc")):
                tc_pr = tc.find(qn("w:tcPr"))
                span = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
                if span is not None and int(span.get(qn("w:val"), "1")) > 1:
                    plain = False
                    break
                tcw = tc_pr.find(qn("w:tcW")) if tc_pr is not None else None
                widths.append(_twips(tcw) if tcw is not None else 0)
            # the widest row wins; among equals the last one (data rows come after headers)
            if plain and widths and all(widths) and (best is None or len(widths) >= len(best)):
                best = widths
        if not best:
            continue
        grid = tbl.find(qn("w:tblGrid"))
        for col in list(grid):
            grid.remove(col)
        for width in best:
            col = grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(width)})
            grid.append(col)
        for tr in rows:
            position = 0
            for tc in tr.findall(qn("w:tc")):
                tc_pr = tc.find(qn("w:tcPr"))
                span_el = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
                span = int(span_el.get(qn("w:val"), "1")) if span_el is not None else 1
                tcw = tc_pr.find(qn("w:tcW")) if tc_pr is not None else None
                if tcw is not None and span > 1:
                    tcw.set(qn("w:w"), str(sum(best[position:position + span])))
                    tcw.set(qn("w:type"), "dxa")
                position += span


CHAR_TWIPS = 150  # an average 12 pt Times New Roman character (bold, capitals and digits included)
CELL_PADDING = 230  # twips a cell needs beside its text (both margins and the borders)


def _cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def _min_width(words: list[str]) -> int:
    """The narrowest a column may be: its longest word must not break."""
    longest = max((len(w) for w in words), default=1)
    return CELL_PADDING + CHAR_TWIPS * max(longest, 1)


def fit_tables_to_width(document) -> None:
    """Narrow every table wider than the page's text area (columns from a loop: the matrix with
    11 criteria was 412 mm on a 297 mm page).

    Each column keeps at least the width of its longest word; the room above that is taken
    from all columns in proportion, so a wide name column gives more than a "Đ" column.
    """
    section = document.sections[-1]
    available = int(section.page_width.twips - section.left_margin.twips - section.right_margin.twips)
    for tbl in document.element.body.iter(qn("w:tbl")):
        grid = tbl.find(qn("w:tblGrid"))
        if grid is None:
            continue
        cols = grid.findall(qn("w:gridCol"))
        widths = [_twips(col) for col in cols]
        if not widths or sum(widths) <= available:
            continue
        words: list[list[str]] = [[] for _ in widths]
        rows = tbl.findall(qn("w:tr"))
        for tr in rows:
            position = 0
            for tc in tr.findall(qn("w:tc")):
                tc_pr = tc.find(qn("w:tcPr"))
                span_el = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
                span = int(span_el.get(qn("w:val"), "1")) if span_el is not None else 1
                if span == 1 and position < len(words):
                    words[position].extend(_cell_text(tc).split())
                position += span
        least = [min(w, _min_width(ws)) for w, ws in zip(widths, words, strict=True)]
        spare = sum(widths) - sum(least)
        excess = sum(widths) - available
        if spare >= excess:
            new = [w - (w - m) * excess / spare for w, m in zip(widths, least, strict=True)]
        else:  # even the longest words do not fit: scale everything
            new = [m * available / sum(least) for m in least]
        new = [max(int(w), 200) for w in new]
        for col, width in zip(cols, new, strict=True):
            col.set(qn("w:w"), str(width))
        for tr in rows:
            position = 0
            for tc in tr.findall(qn("w:tc")):
                tc_pr = tc.find(qn("w:tcPr"))
                span_el = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
                span = int(span_el.get(qn("w:val"), "1")) if span_el is not None else 1
                tcw = tc_pr.find(qn("w:tcW")) if tc_pr is not None else None
                if tcw is not None:
                    tcw.set(qn("w:w"), str(sum(new[position:position + span])))
                    tcw.set(qn("w:type"), "dxa")
                position += span
        tbl_pr = tbl.find(qn("w:tblPr"))
        tbl_w = tbl_pr.find(qn("w:tblW")) if tbl_pr is not None else None
        if tbl_w is not None and tbl_w.get(qn("w:type")) == "dxa":
            tbl_w.set(qn("w:w"), str(sum(new)))


def render_docx(kind: str, context, override_dir: str | Path | None = None) -> bytes:
    """The filled document as bytes (autoescaped: unit names may contain "&")."""
    tpl = DocxTemplate(str(template_path(kind, override_dir)))
    tpl.render(template_vars(context), autoescape=True)
    sync_table_grids(tpl.docx)
    fit_tables_to_width(tpl.docx)
    out = BytesIO()
    tpl.save(out)
    return out.getvalue()
