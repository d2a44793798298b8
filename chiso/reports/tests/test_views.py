"""Report downloads from the web: same file as the CLI, scope checked, plain messages on errors."""

from __future__ import annotations

import html
from io import BytesIO

import openpyxl
from django.template.loader import render_to_string
from django.urls import reverse
from docx import Document

from chiso.conftest import client_for
from chiso.reports.pdf import PDF_UNAVAILABLE

from .test_matrix_ranking import ntm  # noqa: F401  (fixture)


def test_appendix_download_has_the_seed_figures(nq17, world):
    resp = client_for(world.viewer).get(reverse("reports:export"), {
        "framework": "nq17-2019", "period": "2025-01", "unit": "AG", "kind": "appendix", "format": "xlsx"})
    assert resp.status_code == 200
    assert resp["Content-Disposition"] == 'attachment; filename="phu-luc-nq17-2019-2025-01-AG.xlsx"'
    ws = openpyxl.load_workbook(BytesIO(resp.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert 54919 / 58669 in values and 54935 / 62922 in values and 32177 / 32656 in values  # 93,61% …


def test_matrix_without_unit_covers_only_what_the_user_sees(ntm, world):  # noqa: F811
    resp = client_for(world.reviewer).get(reverse("reports:export"), {
        "framework": "ntm-xa-2021", "period": "2024", "kind": "matrix", "format": "docx"})
    assert resp.status_code == 200
    names = [r.cells[1].text for r in Document(BytesIO(resp.content)).tables[0].rows[2:]
             if r.cells[0].text.isdigit()]  # not the level headings
    assert names == ["UBND xã Phú Lâm", "UBND thị trấn Phú Mỹ", "UBND xã Phú Thọ"]
    # the outsider (another province) gets no file and a message, never An Giang's communes
    resp = client_for(world.outsider).get(reverse("reports:export"), {
        "framework": "ntm-xa-2021", "period": "2024", "kind": "matrix", "format": "xlsx"})
    assert resp.status_code == 400 and resp["Content-Type"].startswith("text/html")
    page = html.unescape(resp.content.decode())
    assert "không có đơn vị nào được đánh giá theo bộ chỉ tiêu ntm-xa-2021" in page
    assert "Phú Lâm" not in page


def test_unit_outside_scope_is_not_found(nq17, world):
    resp = client_for(world.outsider).get(reverse("reports:export"), {
        "framework": "nq17-2019", "period": "2025-01", "unit": "AG", "kind": "appendix", "format": "docx"})
    assert resp.status_code == 404
    assert "Không tìm thấy trang" in resp.content.decode()  # the site's Vietnamese 404 page


def test_a_mistyped_unit_is_a_form_error_not_a_404(nq17, world):
    resp = client_for(world.admin).get(reverse("reports:export"), {
        "framework": "nq17-2019", "period": "2025-01", "unit": "UBND xã Phú Lâm", "kind": "appendix",
        "format": "docx"})
    assert resp.status_code == 400
    page = html.unescape(resp.content.decode())
    assert "Không có đơn vị mã “UBND xã Phú Lâm”. Hãy chọn đơn vị trong danh sách." in page
    assert 'class="field has-error"' in page and "<h1>Xuất báo cáo</h1>" in page  # the form, again


def test_the_form_offers_pickers_for_period_and_unit(nq17, world):
    page = client_for(world.reviewer).get(reverse("reports:index")).content.decode()
    assert '<select name="unit"' in page and '<select name="period"' in page
    assert '<option value="2025-01">Tháng 01/2025 (2025-01)</option>' in page
    assert 'value="AG-PT-PL"' in page and 'value="AG-STTTT"' not in page


def test_bad_requests_get_a_vietnamese_message(nq17, world):
    client = client_for(world.admin)
    resp = client.get(reverse("reports:export"), {
        "framework": "nq17-2019", "period": "2025-13", "unit": "AG", "kind": "appendix", "format": "xlsx"})
    assert resp.status_code == 400
    assert "2025-13" in resp.content.decode()
    resp = client.get(reverse("reports:export"), {
        "framework": "nq17-2019", "period": "2025-01", "unit": "AG", "kind": "ranking", "format": "xlsx"})
    assert resp.status_code == 400
    assert "không phải bộ chấm điểm nên không có bảng xếp hạng" in resp.content.decode()


def test_pdf_without_libreoffice_says_so_and_offers_the_docx(nq17, world, settings, tmp_path):
    settings.CHISO_SOFFICE = str(tmp_path / "khong-co")
    resp = client_for(world.admin).get(reverse("reports:export"), {
        "framework": "nq17-2019", "period": "2025-01", "unit": "AG", "kind": "appendix", "format": "pdf"})
    assert resp.status_code == 503
    html = resp.content.decode()
    assert PDF_UNAVAILABLE in html
    assert "format=docx" in html and "Tải bản DOCX" in html


def test_form_fields_become_the_document_number_date_and_signer(nq17, world):
    resp = client_for(world.admin).get(reverse("reports:export"), {
        "framework": "nq17-2019", "period": "2025-01", "unit": "AG", "kind": "appendix", "format": "docx",
        "number": "12", "date": "05/02/2026"})
    doc = Document(BytesIO(resp.content))
    assert doc.paragraphs[2].text == (
        "(Kèm theo Báo cáo số 12/BC-SKHCN ngày 05 tháng 02 năm 2026 của Sở Khoa học và Công nghệ)")


def test_export_buttons_link_the_kinds_that_fit(nq17, ntm, world):  # noqa: F811
    html = render_to_string("reports/_export_buttons.html", {"framework": nq17, "period": "2025-01", "unit": None})
    assert "kind=appendix" in html and "kind=report" in html and "kind=matrix" in html
    assert "kind=ranking" not in html
    assert "kind=statistics" not in html  # one unit: no tallies by level
    assert "framework=nq17-2019%402019" in html or "framework=nq17-2019%40" in html
    html = render_to_string("reports/_export_buttons.html", {"framework": ntm, "period": "2024", "unit": None})
    assert "kind=appendix" not in html  # a commune framework needs a unit for its appendix
    assert "kind=statistics&amp;format=xlsx" in html and "kind=statistics&amp;format=docx" in html
    html = render_to_string("reports/_export_buttons.html",
                            {"framework": ntm, "period": "2024", "unit": world.commune_a})
    assert "kind=appendix" in html and "unit=AG-PT-PL" in html


def test_report_form_page(world):
    resp = client_for(world.viewer).get(reverse("reports:index"), {"period": "2025", "kind": "matrix"})
    assert resp.status_code == 200
    assert "Xuất báo cáo" in resp.content.decode()


def test_missing_parameters_are_named(world):
    resp = client_for(world.viewer).get(reverse("reports:export"), {"framework": "nq17-2019", "kind": "appendix",
                                                                    "format": "xlsx"})
    assert resp.status_code == 400
    assert "Chưa xuất được báo cáo: Kỳ:" in resp.content.decode()


def test_form_offers_only_units_the_user_may_see(world):
    html = client_for(world.reviewer).get(reverse("reports:index")).content.decode()
    assert 'value="AG-PT-PL"' in html and 'value="AG-STTTT"' not in html


def test_form_fields_for_section_three_addressee_and_symbol(world):
    from .conftest import store_framework
    from .test_report import full_marks, put_values

    fw = store_framework("ag-cqdt-2021")
    put_values(fw, world.agency_a, "2025", full_marks(fw.spec(), "province"))
    resp = client_for(world.viewer).get(reverse("reports:export"), {
        "framework": "ag-cqdt-2021", "period": "2025", "kind": "report", "format": "docx",
        "number": "15/BC-STTTT", "addressee": "Ban Chỉ đạo chuyển đổi số tỉnh",
        "next_steps": "Đôn đốc các đơn vị.\r\nRà soát số liệu."})
    assert resp.status_code == 200
    doc = Document(BytesIO(resp.content))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert "Kính gửi: Ban Chỉ đạo chuyển đổi số tỉnh" in texts
    steps = texts.index("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
    assert texts[steps + 1:steps + 3] == ["Đôn đốc các đơn vị.", "Rà soát số liệu."]
    assert "Số: 15/BC-STTTT" in doc.tables[0].rows[0].cells[0].text
    assert "BC-STTTT/BC-STTTT" not in doc.tables[0].rows[0].cells[0].text


def test_the_exporting_users_unit_issues_the_report(world):
    from chiso.conftest import make_user

    from .conftest import store_framework
    from .test_report import full_marks, put_values

    fw = store_framework("ag-cqdt-2021")
    put_values(fw, world.agency_b, "2025", full_marks(fw.spec(), "province"))
    params = {"framework": "ag-cqdt-2021", "period": "2025", "unit": "AG-SNV", "kind": "report",
              "format": "docx", "number": "15"}
    snv = make_user("vien_snv", "viewer", [world.agency_b])
    header = Document(BytesIO(client_for(snv).get(reverse("reports:export"), params).content)).tables[0]
    assert [p.text for p in header.rows[0].cells[0].paragraphs if p.text] == [
        "UBND TỈNH AN GIANG", "SỞ NỘI VỤ", "Số: 15/BC-SNV"]
    # the PDF job reads the same parameters the same way
    from django.http import QueryDict

    from chiso.reports.jobs import export_from_params

    made = export_from_params(QueryDict(mutable=True) | params, snv)
    assert "Số: 15/BC-SNV" in Document(BytesIO(made.content)).tables[0].rows[0].cells[0].text
    # the province's viewer exporting the same scope issues as the settings say (Sở KH&CN)
    header = Document(BytesIO(client_for(world.viewer).get(reverse("reports:export"), params).content)).tables[0]
    assert "Số: 15/BC-SKHCN" in header.rows[0].cells[0].text
