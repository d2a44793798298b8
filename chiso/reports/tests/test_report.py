"""The Decree 30/2020/NĐ-CP report: header, fonts, margins, date line, sections written from the data."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from chiso.reports.context import date_words
from chiso.reports.services import build_context, default_meta, export_report

from .conftest import put_values, store_framework


def full_marks(spec, level: str) -> dict:
    """Values meeting every criterion that applies at ``level`` (100% ratios, "Có")."""
    values = {}
    for ind in spec.indicators:
        if ind.levels and level not in ind.levels:
            continue
        if ind.kind == "ratio":
            values[f"{ind.code}.numerator"] = 100
            values[f"{ind.code}.denominator"] = 100
        elif ind.kind == "boolean":
            values[f"{ind.code}.value"] = 1
    return values


@pytest.fixture
def cqdt(world):
    """ag-cqdt-2021 for 2025: STTTT and xã Phú Lâm complete; Sở Nội vụ fails 1; Phú Tân fails 1 and 6;
    thị trấn Phú Mỹ did not report. So 2/5 complete (40%) against the 90% goal."""
    fw = store_framework("ag-cqdt-2021")
    spec = fw.spec()
    put_values(fw, world.agency_a, "2025", full_marks(spec, "province"))
    put_values(fw, world.agency_b, "2025", {**full_marks(spec, "province"), "1.numerator": 30})
    put_values(fw, world.district, "2025",
               {**full_marks(spec, "district"), "1.numerator": 45, "6.numerator": 90})
    put_values(fw, world.commune_a, "2025", full_marks(spec, "commune"))
    return fw


META = dict(number="05", day=date(2026, 1, 5), signer="Nguyễn Văn An",
            next_steps="Đôn đốc Sở Nội vụ hoàn thành tiêu chí 1.\n\nRà soát số liệu của huyện Phú Tân.")


def test_date_line_has_leading_zeros_for_days_below_ten_and_months_one_and_two():
    assert date_words(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert date_words(date(2026, 2, 9)) == "ngày 09 tháng 02 năm 2026"
    assert date_words(date(2025, 3, 15)) == "ngày 15 tháng 3 năm 2025"
    assert date_words(date(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"
    assert default_meta(**META).date_line == "An Giang, ngày 05 tháng 01 năm 2026"


def test_sections_are_written_from_the_engine_figures(cqdt, world):
    ctx = build_context("report", cqdt, "2025", unit=world.province, meta=default_meta(**META))
    assert ctx.overall_lines[0] == (
        "Tổng số đơn vị được đánh giá: 5; đã báo cáo số liệu: 4; chưa báo cáo: 1."
    )
    assert ctx.overall_lines[1] == (
        "Kết quả: 2/5 đơn vị hoàn thành (đạt 40,00%), so với mục tiêu ≥ 90% năm 2025: chưa đạt."
    )
    assert ctx.level_texts == [
        "- Cấp tỉnh: 1/2 đơn vị hoàn thành (đạt 50,00%), mục tiêu ≥ 90%: chưa đạt.",
        "- Cấp huyện: 0/1 đơn vị hoàn thành (đạt 0,00%), mục tiêu ≥ 90%: chưa đạt.",
        "- Cấp xã: 1/2 đơn vị hoàn thành (đạt 50,00%), mục tiêu ≥ 90%: chưa đạt; 1 đơn vị chưa báo cáo.",
    ]
    first, second = ctx.blocking[:2]
    assert (first.code, first.failing, first.assessed) == ("1", 2, 4)
    assert first.unit_names == ["Sở Nội vụ", "UBND huyện Phú Tân"]
    assert (second.code, second.failing, second.unit_names) == ("6", 1, ["UBND huyện Phú Tân"])
    assert ctx.difficulty_lines[1].startswith("- Tiêu chí 1 \u201cTỷ lệ hồ sơ giải quyết trực tuyến")
    assert ctx.difficulty_lines[1].endswith(": 2/4 đơn vị chưa đạt (Sở Nội vụ, UBND huyện Phú Tân).")
    assert any("UBND thị trấn Phú Mỹ" in line for line in ctx.not_reported_lines)
    assert ctx.complete_lines == [
        "Các đơn vị đã hoàn thành (2): Sở Thông tin và Truyền thông, UBND xã Phú Lâm.",
        "Các đơn vị đã báo cáo nhưng chưa đạt đủ tiêu chí (2): Sở Nội vụ, UBND huyện Phú Tân.",
    ]
    # units not reported are kept apart from units not meeting
    assert ctx.not_reported_lines == [
        "Các đơn vị chưa báo cáo số liệu (1): UBND thị trấn Phú Mỹ; các đơn vị này được tính là chưa hoàn thành."
    ]
    assert ctx.criterion_lines[0].startswith("- Tiêu chí 1 \u201cTỷ lệ hồ sơ giải quyết trực tuyến")
    assert ctx.criterion_lines[0].endswith(": 2/4 đơn vị đạt (50,00%); 2 đơn vị chưa đạt.")
    assert [s.title for s in ctx.sections] == [
        "1. Kết quả chung", "2. Kết quả theo cấp", "3. Kết quả theo tiêu chí",
        "4. Đơn vị hoàn thành, chưa hoàn thành, chưa báo cáo"]
    assert ctx.comparison_lines == []  # nothing reported for 2024


def _runs(paragraph):
    return [r for r in paragraph.runs if r.text]


def test_docx_follows_decree_30_layout(cqdt, world):
    out = export_report("report", "docx", cqdt, "2025", unit=world.province, meta=default_meta(**META))
    assert out.filename == "bao-cao-ag-cqdt-2021-2025-AG.docx"
    doc = Document(BytesIO(out.content))

    # A4 portrait, margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    top, bottom, left, right = (round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin))
    assert 20 <= top <= 25 and 20 <= bottom <= 25 and 30 <= left <= 35 and 15 <= right <= 20
    # page numbers centred in the header from page 2: first page has its own (empty) header
    assert s.different_first_page_header_footer
    assert 'w:instr="PAGE"' in s.header._element.xml
    assert s.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not "".join(p.text for p in s.first_page_header.paragraphs).strip()
    assert doc.styles["Normal"].font.name == "Times New Roman"
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"

    # header table: agency on the left, national motto on the right
    left, right = doc.tables[0].rows[0].cells
    lp = [p for p in left.paragraphs if p.text]
    assert [p.text for p in lp] == ["UBND TỈNH AN GIANG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 05/BC-SKHCN"]
    assert not _runs(lp[0])[0].bold and _runs(lp[1])[0].bold
    rp = [p for p in right.paragraphs if p.text]
    assert [p.text for p in rp] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "An Giang, ngày 05 tháng 01 năm 2026",
    ]
    motto, slogan, date_p = (_runs(p)[0] for p in rp)
    assert motto.bold and Pt(12) <= motto.font.size <= Pt(13)
    assert slogan.bold and Pt(13) <= slogan.font.size <= Pt(14)
    assert date_p.italic and not date_p.bold
    # the rules under the agency and under the motto
    assert any(p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None for p in left.paragraphs)
    assert any(p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None for p in right.paragraphs)

    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    texts = [p.text for p in paragraphs]
    title = paragraphs[texts.index("BÁO CÁO")]
    assert _runs(title)[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    subject = paragraphs[texts.index("BÁO CÁO") + 1]
    assert subject.text.startswith("Kết quả thực hiện Tiêu chí cơ quan nhà nước")
    assert subject.text.endswith("tỉnh An Giang năm 2025") and _runs(subject)[0].bold

    for heading in ("I. KẾT QUẢ THỰC HIỆN", "II. KHÓ KHĂN, HẠN CHẾ", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"):
        assert _runs(paragraphs[texts.index(heading)])[0].bold
    assert not any("[" in t for t in texts)  # no bracketed placeholder goes out
    result = paragraphs[texts.index(
        "Kết quả: 2/5 đơn vị hoàn thành (đạt 40,00%), so với mục tiêu ≥ 90% năm 2025: chưa đạt.")]
    assert result.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Cm(1) <= result.paragraph_format.first_line_indent <= Cm(1.27)
    assert result.paragraph_format.space_after >= Pt(6)
    assert Pt(13) <= _runs(result)[0].font.size <= Pt(14)
    legal = next(p for p in paragraphs if p.text.startswith("Căn cứ Quyết định số 2989/QĐ-UBND ngày 23/12/2020"))
    assert _runs(legal)[0].italic
    difficulties = texts[texts.index("II. KHÓ KHĂN, HẠN CHẾ") + 1:texts.index(
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")]
    assert any(t.endswith("2/4 đơn vị chưa đạt (Sở Nội vụ, UBND huyện Phú Tân).") for t in difficulties)
    assert "- 1 đơn vị chưa báo cáo số liệu nên chưa đánh giá được." in difficulties
    assert sum("UBND thị trấn Phú Mỹ" in t for t in texts) == 1  # named once, in section I
    steps = texts[texts.index("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI") + 1:]
    assert steps[:2] == ["Đôn đốc Sở Nội vụ hoàn thành tiêu chí 1.", "Rà soát số liệu của huyện Phú Tân."]

    # "Nơi nhận" block and signature
    recipients, signature = doc.tables[1].rows[0].cells
    rp = [p for p in recipients.paragraphs if p.text]
    head = _runs(rp[0])[0]
    assert rp[0].text == "Nơi nhận:" and head.bold and head.italic and head.font.size == Pt(12)
    assert all(_runs(p)[0].font.size == Pt(11) for p in rp[1:])
    assert rp[-1].text == "- Lưu: VT, CNTT."
    sp = [p for p in signature.paragraphs if p.text]
    assert [p.text for p in sp] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]
    assert all(_runs(p)[0].bold for p in sp)


def test_report_is_not_offered_as_xlsx(cqdt, world):
    from chiso.reports.services import ReportError

    with pytest.raises(ReportError, match="chỉ xuất được DOCX hoặc PDF"):
        export_report("report", "xlsx", cqdt, "2025", unit=world.province)


def test_section_three_is_left_out_when_the_officer_wrote_nothing(cqdt, world):
    meta = default_meta(number="05", day=date(2026, 1, 5))
    out = export_report("report", "docx", cqdt, "2025", unit=world.province, meta=meta)
    texts = [p.text for p in Document(BytesIO(out.content)).paragraphs if p.text.strip()]
    assert "II. KHÓ KHĂN, HẠN CHẾ" in texts
    assert "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI" not in texts
    assert not any("[" in t or "]" in t for t in texts)


def test_scope_is_named_as_an_area_or_an_agency():
    from chiso.reports.context import scope_phrase

    assert scope_phrase("UBND huyện Phú Tân") == " trên địa bàn huyện Phú Tân"
    assert scope_phrase("Huyện Phú Tân") == " trên địa bàn huyện Phú Tân"
    assert scope_phrase("Ủy ban nhân dân Thị xã Tân Châu") == " trên địa bàn thị xã Tân Châu"
    assert scope_phrase("Sở Tư pháp") == " của Sở Tư pháp"
    assert scope_phrase("") == ""
