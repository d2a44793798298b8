"""What every report prints under its title about the basis of its figures.

A provisional report says "SỐ LIỆU TẠM TÍNH" under its title; an official one
names the units whose figures are not official yet and why. The lines are
added to the produced file itself (not to the editable template), so a
province's own template can never drop them.
"""

from __future__ import annotations

import copy
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from chiso.results.models import BASIS_OFFICIAL
from chiso.results.text import status_text
from chiso.results.vocabulary import NOT_OFFICIAL, PROVISIONAL_BANNER

PROVISIONAL_TITLE = str(PROVISIONAL_BANNER)


def basis_lines(figures) -> list[str]:
    """Lines under the title: the provisional mark, or the units left out of the official basis."""
    if figures.basis != BASIS_OFFICIAL:
        return [PROVISIONAL_TITLE,
                "(gồm cả số liệu chưa được duyệt; không dùng thay số liệu chính thức)"]
    if not figures.left_out:
        return []
    names = {r.unit.code: r.unit.name for r in figures.evaluation.results}
    listed = "; ".join(f"{names.get(code, code)} ({status_text(status).lower()})"
                       for code, status in sorted(figures.left_out.items(), key=lambda kv: names.get(kv[0], kv[0])))
    return [f"Số liệu chính thức (báo cáo đã duyệt). {len(figures.left_out)} đơn vị {NOT_OFFICIAL}, "
            f"được tính là chưa báo cáo: {listed}."]


def add_basis_to_docx(content: bytes, title: str, lines: list[str]) -> bytes:
    """Insert ``lines`` as centred paragraphs right after the paragraph holding ``title``."""
    if not lines:
        return content
    doc = Document(io.BytesIO(content))
    first = (title or "").strip().splitlines()[0].strip().upper() if title else ""
    paragraphs = list(doc.paragraphs)
    anchor = next((p for p in paragraphs if first and first in p.text.strip().upper()), None)
    if anchor is None:
        anchor = next((p for p in paragraphs if p.text.strip()), paragraphs[0])
    for text in reversed(lines):
        new = copy.deepcopy(anchor._p)
        anchor._p.addnext(new)
        from docx.text.paragraph import Paragraph

        para = Paragraph(new, anchor._parent)
        for run in list(para.runs)[1:]:
            run._r.getparent().remove(run._r)
        if not para.runs:
            para.add_run("")
        run = para.runs[0]
        run.text = text
        run.bold = text == PROVISIONAL_TITLE
        run.italic = text != PROVISIONAL_TITLE
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
