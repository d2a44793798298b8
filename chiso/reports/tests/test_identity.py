"""Who issues a report and on what basis: number and symbol, the exporting unit's identity,
"Kính gửi", and the legal basis sentence of every bundled framework."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document

from chiso.frameworks.loader import parse_framework_text
from chiso.reports.context import ReportMeta, document_type, legal_basis_sentence
from chiso.reports.services import default_meta, export_report, unit_identity
from chiso.units.models import Unit

from .conftest import LIBRARY
from .test_matrix_ranking import ranking  # noqa: F401  (fixture)
from .test_report import cqdt  # noqa: F401  (fixture)

LEGAL = {
    "nq17-2019": "Căn cứ Nghị quyết số 17/NQ-CP ngày 07/3/2019 của Chính phủ về một số nhiệm vụ, giải pháp "
                 "trọng tâm phát triển Chính phủ điện tử giai đoạn 2019 - 2020, định hướng đến 2025;",
    "ag-cqdt-2021": "Căn cứ Quyết định số 2989/QĐ-UBND ngày 23/12/2020 của Ủy ban nhân dân tỉnh An Giang;",
    "ntm-xa-2021": "Căn cứ Quyết định số 1260/QĐ-UBND ngày 22/6/2022 của Ủy ban nhân dân tỉnh An Giang về việc "
                   "ban hành bộ tiêu chí xã nông thôn mới tỉnh An Giang giai đoạn 2021-2025;",
    "ntm-nang-cao-xa-2021": "Căn cứ Quyết định số 1261/QĐ-UBND ngày 22/6/2022 của Ủy ban nhân dân tỉnh An Giang "
                            "về việc ban hành bộ tiêu chí xã nông thôn mới nâng cao tỉnh An Giang giai đoạn 2021-2025;",
    "xep-hang-mau": "",  # "(mẫu minh hoạ)" is not a document: no "Căn cứ" line
}


def _spec(code: str):
    path = LIBRARY / f"{code}.yaml"
    return parse_framework_text(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize("code", sorted(LEGAL))
def test_legal_basis_sentence_of_each_bundled_framework(code):
    assert legal_basis_sentence(_spec(code).legal_basis) == LEGAL[code]


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_framework_names_its_document_type_first(path: Path):
    legal = _spec(path.stem).legal_basis
    sentence = legal_basis_sentence(legal)
    if document_type(legal.number):
        assert sentence.startswith(f"Căn cứ {document_type(legal.number)} số {legal.number} ngày ")
        assert sentence.endswith(";") and "  " not in sentence
    else:
        assert sentence == ""


def test_document_types_from_the_symbol():
    assert [document_type(n) for n in ("17/NQ-CP", "2989/QĐ-UBND", "51/2025/QĐ-TTg", "30/2020/NĐ-CP",
                                       "01/2019/TT-BTTTT", "12/KH-UBND", "05/CT-TTg", "(mẫu minh hoạ)")] == [
        "Nghị quyết", "Quyết định", "Quyết định", "Nghị định", "Thông tư", "Kế hoạch", "Chỉ thị", ""]


def test_report_docx_prints_the_legal_basis_and_the_addressee(cqdt, world):  # noqa: F811
    meta = default_meta(number="05", day=date(2026, 1, 5), addressee="Ủy ban nhân dân tỉnh An Giang")
    doc = Document(BytesIO(export_report("report", "docx", cqdt, "2025", unit=world.province, meta=meta).content))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert LEGAL["ag-cqdt-2021"] in texts
    assert texts.index("Kính gửi: Ủy ban nhân dân tỉnh An Giang") == texts.index("BÁO CÁO") + 2
    plain = Document(BytesIO(export_report("report", "docx", cqdt, "2025", unit=world.province).content))
    assert not any(p.text.startswith("Kính gửi") for p in plain.paragraphs)


def test_number_typed_with_its_symbol_is_split():
    meta = ReportMeta(number="15/BC-STTTT")
    assert (meta.number, meta.symbol, meta.number_line) == ("15", "BC-STTTT", "Số: 15/BC-STTTT")
    assert default_meta(number="15/BC-STP").number_line == "Số: 15/BC-STP"
    assert default_meta(number=" 7 ").number_line == "Số: 7/BC-SKHCN"
    assert "15/BC-STTTT/BC-STTTT" not in default_meta(number="15/BC-STTTT").attached_line


def test_a_department_exporting_its_own_report_issues_it(cqdt, world, tmp_path):  # noqa: F811
    justice = Unit.objects.create(code="AG-STP", name="Sở Tư pháp", level="province", kind="Sở",
                                  parent=world.province)
    identity = unit_identity(justice)
    assert (identity["agency"], identity["symbol"]) == ("Sở Tư pháp", "BC-STP")
    assert unit_identity(world.agency_a)["symbol"] == "BC-STTTT"
    assert unit_identity(world.province) == {}  # the province: the settings' issuer
    assert unit_identity(world.district)["agency"] == "UBND huyện Phú Tân"
    Unit.objects.filter(pk=world.agency_b.pk).update(attributes={"report_symbol": "BC-SNV-VP"})
    world.agency_b.refresh_from_db()
    assert unit_identity(world.agency_b)["symbol"] == "BC-SNV-VP"

    target = tmp_path / "bao-cao.docx"
    call_command("export", "--framework", "ag-cqdt-2021", "--period", "2025", "--unit", "AG-SNV",
                 "--kind", "report", "--number", "15", "--date", "05/01/2026", "-o", str(target))
    left = Document(target).tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text] == ["UBND TỈNH AN GIANG", "SỞ NỘI VỤ", "Số: 15/BC-SNV-VP"]


def test_ranking_has_no_sample_document_number(ranking, world):  # noqa: F811
    doc = Document(BytesIO(export_report("ranking", "docx", ranking, "2024", unit=world.province).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "mẫu minh hoạ" not in text and "((" not in text
