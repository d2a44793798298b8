"""Decree 30 layout checked on the PDF LibreOffice makes: the signature block never splits,
no blank page at the end, page numbers on the annexes, wide tables inside the page."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from chiso.reports.services import default_meta, export_report

from .test_matrix_ranking import ntm, ranking  # noqa: F401  (fixtures)
from .test_report import cqdt  # noqa: F401  (fixture)

SIGNATURE = ("Trên đây là báo cáo", "Nơi nhận:", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An", "- Lưu: VT, CNTT.")


def pdf_pages(docx_files: list[Path], outdir: Path) -> dict[str, list[str]]:
    """Convert DOCX files with one LibreOffice run; the text of each page of each, by file stem."""
    assert shutil.which("soffice"), "LibreOffice chưa được cài: chạy `make libreoffice`"
    subprocess.run(["soffice", f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_files)],
                   capture_output=True, check=True, timeout=600)
    pages = {}
    for docx in docx_files:
        text = subprocess.run(["pdftotext", "-layout", str(outdir / f"{docx.stem}.pdf"), "-"],
                              capture_output=True, check=True, timeout=60).stdout.decode()
        pages[docx.stem] = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    return pages


def test_signature_block_shares_a_page_with_the_closing_line_whatever_the_length(cqdt, world, tmp_path):  # noqa: F811
    """Section III grows one paragraph at a time so the block meets the page end at some length."""
    files = []
    for n in range(0, 34, 2):
        steps = "\n".join(f"Nhiệm vụ {i + 1}: tiếp tục đôn đốc các đơn vị hoàn thành chỉ tiêu." for i in range(n))
        meta = default_meta(number="05", day=date(2026, 1, 5), signer="Nguyễn Văn An", next_steps=steps)
        out = export_report("report", "docx", cqdt, "2025", unit=world.province, meta=meta)
        files.append(tmp_path / f"bao-cao-{n:02d}.docx")
        files[-1].write_bytes(out.content)
    pages = pdf_pages(files, tmp_path)
    assert len({len(p) for p in pages.values()}) >= 2  # the block did meet a page end in this range
    for name, texts in pages.items():
        where = {line: [i for i, text in enumerate(texts) if line in text] for line in SIGNATURE}
        assert all(len(found) == 1 for found in where.values()), (name, where)
        assert len({found[0] for found in where.values()}) == 1, (name, where)
        assert where["Nguyễn Văn An"] == [len(texts) - 1], name  # the signature is on the last page
        assert all(text.strip() for text in texts), f"{name}: có trang trắng"


@pytest.mark.parametrize(("kind", "fixture", "period", "unit_attr"), [
    ("appendix", "nq17", "2025-01", "province"),
    ("matrix", "ntm", "2024", "district"),
    ("ranking", "ranking", "2024", "province"),
])
def test_annexes_have_page_numbers(request, world, kind, fixture, period, unit_attr):
    framework = request.getfixturevalue(fixture)
    out = export_report(kind, "docx", framework, period, unit=getattr(world, unit_attr))
    section = Document(BytesIO(out.content)).sections[0]
    assert 'w:instr="PAGE"' in section.header._element.xml
    assert section.different_first_page_header_footer  # Decree 30: no number on the first page


def _words_outside_the_page(pdf: Path) -> tuple[int, list[str]]:
    """Pages and the words drawn beyond the right edge of their page (``pdftotext -bbox``)."""
    import re

    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode()
    outside: list[str] = []
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    for width, height, body in pages:
        assert float(width) > float(height)  # landscape
        for x_max, word in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', body):
            if float(x_max) > float(width) - 20:  # 15 mm margin ≈ 42 pt; 20 pt is already in the margin
                outside.append(word)
    return len(pages), outside


def test_matrix_of_eleven_criteria_fits_the_landscape_page(cqdt, world, tmp_path):  # noqa: F811
    out = export_report("matrix", "docx", cqdt, "2025", unit=world.province)
    doc = Document(BytesIO(out.content))
    section = doc.sections[0]
    available = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    from docx.oxml.ns import qn

    grid = [int(c.get(qn("w:w"))) for c in doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(grid) == 3 + 11 + 2 and sum(grid) <= available
    target = tmp_path / "bang.docx"
    target.write_bytes(out.content)
    pages = pdf_pages([target], tmp_path)["bang"]
    count, outside = _words_outside_the_page(tmp_path / "bang.pdf")
    assert count == len(pages) and not outside
    text = "\n".join(pages)
    assert "Phụ ghi" in text and "Nâng chất" in text
    assert "Chưa đạt: 1, 6" in text.replace("\n", " ") or "Chưa đạt: 1," in text


def test_ranking_of_59_units_takes_a_few_pages_with_shared_notes(world, tmp_path):
    """A long reason in the table's "Ghi chú" column made every row a page tall (16 pages for 59
    units); the reasons are now numbered notes under the table, shared by units with the same one."""
    from chiso.units.models import Unit

    from .conftest import put_values, store_framework
    from .test_matrix_ranking import ALL_MAX_PROVINCE

    fw = store_framework("xep-hang-mau")
    for i in range(59):
        unit = Unit.objects.create(code=f"AG-S{i:02d}", name=f"Sở thử nghiệm {i + 1}", level="province",
                                   kind="Sở", parent=world.province)
        put_values(fw, unit, "2024", {**ALL_MAX_PROVINCE, "2.value": 3 if i % 2 else 12, "6.value": 2})
    out = export_report("ranking", "docx", fw, "2024", unit=world.province)
    doc = Document(BytesIO(out.content))
    refs = {r.cells[1].text: r.cells[-1].text for r in doc.tables[0].rows if r.cells[0].text.isdigit()}
    assert len(refs) == 59 and set(refs.values()) == {"(1)", "(2)"}
    notes = [p.text for p in doc.paragraphs if p.text.startswith(("(1) ", "(2) ", "(3) "))]
    assert len(notes) == 2 and all(n.count("Sở thử nghiệm") in (29, 30) for n in notes)
    target = tmp_path / "xep-hang.docx"
    target.write_bytes(out.content)
    pages = pdf_pages([target], tmp_path)["xep-hang"]
    assert len(pages) <= 5, len(pages)  # two lines a row (points, level): about 14 rows a page
    assert sum(text.count("Sở thử nghiệm") for text in pages) >= 59
