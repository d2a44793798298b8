"""Uploaded spreadsheets are measured before they are read: bombs and XFD columns refused, ragged CSV rows named."""

from __future__ import annotations

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import client_for
from chiso.spreadsheets import XlsxLimits
from chiso.tabular import ImportError_, read_table

FIELDS = ["unit", "period", "element", "value"]


def xlsx(rows: list[list[object]] | None = None, cells: dict[str, object] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows or [FIELDS, ["AG", "2025", "1.numerator", 5]]:
        ws.append(row)
    for ref, value in (cells or {}).items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bomb(unpacked_mb: int) -> bytes:
    """A valid XLSX whose first sheet unpacks to ``unpacked_mb`` MB of identical rows."""
    row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = row * (unpacked_mb * 1024 * 1024 // len(row))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    return out.getvalue()


def problems(data: bytes, name: str, **kwargs) -> list[str]:
    with pytest.raises(ImportError_) as caught:
        read_table(data, fields=FIELDS, required=["unit"], filename=name, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_unpacked():
    data = bomb(120)
    assert len(data) < 1_000_000  # small on disk…
    [message] = problems(data, "bom.xlsx")  # …120 MB unpacked, over the 100 MB default
    assert message.startswith("bom.xlsx: tệp Excel giải nén ra ")
    assert "vượt giới hạn 100 MB" in message


def test_a_highly_compressed_member_is_refused_even_under_the_size_cap():
    [message] = problems(bomb(20), "nen.xlsx")
    assert "nén bất thường" in message and "xl/worksheets/sheet1.xml" in message


def test_a_cell_in_column_xfd_is_refused_without_allocating_the_columns():
    [message] = problems(xlsx(cells={"XFD2": "lạc"}), "rong.xlsx")
    assert message == ("rong.xlsx: có ô ở cột XFD (ô XFD2); chỉ nhận tối đa 200 cột — "
                       "hãy xoá các cột thừa bên phải")


def test_rows_beyond_the_cap_are_refused():
    data = xlsx([FIELDS, *[["AG", "2025", f"{i}.value", i] for i in range(10)]])
    [message] = problems(data, "dai.xlsx", limits=XlsxLimits(max_rows=5))
    assert message == "dai.xlsx: trang tính có hơn 5 dòng, vượt giới hạn; hãy chia nhỏ tệp"
    table = read_table(data, fields=FIELDS, required=["unit"], filename="dai.xlsx")
    assert len(table.rows) == 10


def test_a_csv_row_with_more_cells_than_its_header_is_refused_with_its_row():
    data = b"unit,period,element,value\nAG,2025,1.numerator,7\nAG,2025,3.numerator,5,6\n"
    [message] = problems(data, "gia-tri.csv")
    assert message.startswith("gia-tri.csv, dòng 3: dòng có 5 ô nhưng dòng tiêu đề chỉ có 4 cột")
    assert '("5,6")' in message
    # Trailing empty cells (a spreadsheet's extra commas) are not a problem.
    table = read_table(b"unit,period,element,value\nAG,2025,1.numerator,7,,\n", fields=FIELDS,
                       required=["unit"], filename="ok.csv")
    assert table.rows[0].get("value") == "7"


def test_the_offline_form_refuses_a_bomb_and_an_xfd_cell_with_a_message(world, own_submission):
    client = client_for(world.reporter)
    url = reverse("assessments:offline_upload", args=[own_submission.pk])
    for name, data, words in (("bom.xlsx", bomb(60), "vượt giới hạn 50 MB"),
                              ("rong.xlsx", xlsx(cells={"XFD9": 1}), "có ô ở cột XFD (ô XFD9)")):
        response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400
        assert f"{name}: " in html.unescape(response.content.decode())
        assert words in html.unescape(response.content.decode())
