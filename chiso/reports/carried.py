"""Reports on today's units: a past period re-aggregated after the 2025 reform, and the notes that say how.

With ``as_of`` a report covers the units in force on that date; a unit created by a merger takes
the figures of its predecessors (``chiso.results.history``: counts and ratios summed and
recomputed, yes/no by "all", scores averaged, splits by their declared share). Every unit whose
figures were carried gets one line in the file, naming the method and its predecessors:
"Xã Phú Tân (X30406): Số liệu Năm 2024 quy đổi theo đơn vị hành chính mới: gộp Xã Tân Hòa, …".
The DOCX gains a section after the body; the XLSX a sheet "Quy đổi đơn vị".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from chiso.engine.evaluate import Evaluation
from chiso.engine.numbers import format_date
from chiso.frameworks.models import Framework
from chiso.results.history import evaluate_as_of, method_text
from chiso.results.models import BASIS_OFFICIAL

SECTION_TITLE = "Số liệu quy đổi theo đơn vị hành chính mới"
SHEET_TITLE = "Quy đổi đơn vị"


@dataclass(frozen=True)
class CarriedFigures:
    """Like ``chiso.results.reader.Figures``, for a period evaluated on the units of ``as_of``."""

    evaluation: Evaluation
    basis: str
    left_out: dict[str, str]
    as_of: date
    notes: tuple[str, ...]
    revision: int = 0

    @property
    def is_official(self) -> bool:
        return self.basis == BASIS_OFFICIAL


def figures_as_of(framework: Framework, period: str, as_of: date, units=None,
                  basis: str = BASIS_OFFICIAL) -> CarriedFigures:
    """The figures of ``period`` on the units in force on ``as_of`` (within ``units``), with one note
    per re-aggregated unit."""
    history = evaluate_as_of(framework, period, as_of, basis, units=units)
    label = history.evaluation.period.label
    notes = []
    for result in history.evaluation.results:
        text = method_text(history, result.unit.code, label)
        if text:
            notes.append(f"{result.unit.name} ({result.unit.code}): {text}")
    return CarriedFigures(history.evaluation, basis, history.left_out, as_of, tuple(notes))


def intro(as_of: date) -> str:
    return (f"Đánh giá trên các đơn vị có hiệu lực ngày {format_date(as_of)}; số liệu của đơn vị mới được "
            "tổng hợp từ các đơn vị cũ (tỷ lệ: cộng tử số, mẫu số rồi tính lại; số: cộng; có/không: đạt khi "
            "mọi đơn vị cũ đạt; điểm: trung bình).")


def add_notes_to_docx(content: bytes, as_of: date, notes: tuple[str, ...]) -> bytes:
    """The DOCX with a closing section listing each re-aggregated unit."""
    from docx import Document

    doc = Document(BytesIO(content))
    heading = doc.add_paragraph()
    heading.add_run(SECTION_TITLE).bold = True
    doc.add_paragraph(intro(as_of))
    for note in notes or ("Không có đơn vị nào cần quy đổi.",):
        doc.add_paragraph(f"- {note}")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def add_notes_to_xlsx(content: bytes, as_of: date, notes: tuple[str, ...]) -> bytes:
    """The workbook with a sheet listing each re-aggregated unit (one row per unit)."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.load_workbook(BytesIO(content))
    ws = wb.create_sheet(SHEET_TITLE)
    ws.append([SECTION_TITLE])
    ws["A1"].font = Font(bold=True)
    ws.append([intro(as_of)])
    ws.append([])
    ws.append(["Đơn vị", "Cách quy đổi"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for note in notes:
        unit, _sep, text = note.partition(": ")
        ws.append([unit, text])
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 100
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
