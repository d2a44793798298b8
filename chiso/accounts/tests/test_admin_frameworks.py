"""Administration of frameworks: list, YAML upload with located errors, targets per level."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.accounts.tests.helpers import bundled_framework
from chiso.frameworks.models import Framework

pytestmark = pytest.mark.django_db

GOOD = """\
code: thu-nghiem
version: "2025.1"
title: Bộ chỉ tiêu thử nghiệm
legal_basis: {number: 12/QĐ-UBND, date: 2025-01-05, issuer: UBND tỉnh An Giang}
levels: [province, district, commune]
indicators:
  - code: "1"
    name: Hồ sơ công việc xử lý trên môi trường mạng
    kind: ratio
    target:
      - {op: ">=", value: "90%", level: province}
      - {op: ">=", value: "80%", level: district}
      - {op: ">=", value: "65%", level: commune}
  - code: "2"
    name: Ấp có loa truyền thanh
    kind: ratio
    levels: [commune]
    target:
      - {op: "=", value: "100%", attributes: {terrain: lowland}}
      - {op: ">=", value: "90%", attributes: {terrain: mountain}}
  - code: "3"
    name: Cổng thông tin có giao diện di động
    kind: boolean
    levels: [province, district]
    target: {op: "=", value: true}
"""

BAD = GOOD.replace('kind: boolean', 'kind: yes-no').replace('{op: ">=", value: "80%"', '{op: "=>", value: "80%"')


def upload(client, text, name="bo-chi-tieu.yaml", **extra):
    return client.post("/quan-tri/bo-chi-tieu/tai-len/", {
        "file": SimpleUploadedFile(name, text.encode("utf-8")), **extra,
    })


def cells(html: str, code: str) -> list[str]:
    row = re.search(rf'<th scope="row"[^>]*>{re.escape(code)}</th>(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_a_valid_upload_is_stored_and_shows_targets_per_level(administrator_client):
    resp = upload(administrator_client, GOOD)
    fw = Framework.objects.get(code="thu-nghiem", version="2025.1")
    assert resp.status_code == 302 and resp["Location"] == f"/quan-tri/bo-chi-tieu/{fw.pk}/"
    html = administrator_client.get(resp["Location"]).content.decode()
    assert "Đã tải bộ chỉ tiêu thu-nghiem phiên bản 2025.1." in html
    assert "12/QĐ-UBND ngày 05/01/2025" in html
    assert cells(html, "1")[2:] == ["≥ 90%", "≥ 80%", "≥ 65%"]
    assert cells(html, "2")[2:] == ["—", "—", "= 100% (terrain = lowland); ≥ 90% (terrain = mountain)"]
    assert cells(html, "3")[2:] == ["Có", "Có", "—"]


def test_the_same_file_twice_is_not_stored_twice(administrator_client):
    upload(administrator_client, GOOD)
    resp = upload(administrator_client, GOOD)
    assert resp.status_code == 302
    assert Framework.objects.filter(code="thu-nghiem").count() == 1


def test_schema_errors_are_listed_with_their_place_and_nothing_is_stored(administrator_client):
    resp = upload(administrator_client, BAD, name="sai.yaml")
    assert resp.status_code == 200
    html = resp.content.decode()
    errors = re.search(r'<div class="notice error" role="alert" id="framework-errors">(.*?)</div>', html, re.S)
    assert errors, html
    text = errors.group(1)
    assert "sai.yaml" in text and "indicators[0].target[1].op" in text and "indicators[2].kind" in text
    assert "dòng" in text
    assert not Framework.objects.filter(code="thu-nghiem").exists()


def test_a_dry_run_checks_without_storing(administrator_client):
    resp = upload(administrator_client, GOOD, dry_run="on")
    assert resp.status_code == 302
    assert not Framework.objects.filter(code="thu-nghiem").exists()


def test_a_file_that_is_not_utf8_is_refused_with_a_message(administrator_client):
    resp = administrator_client.post("/quan-tri/bo-chi-tieu/tai-len/", {
        "file": SimpleUploadedFile("cu.yaml", b"title: B\xf4 ch\xec ti\xeau"),
    })
    assert "tệp không phải văn bản UTF-8" in resp.content.decode()


def test_the_bundled_criteria_show_the_90_80_65_split(administrator_client):
    fw = bundled_framework("ag-cqdt-2021")
    html = administrator_client.get(f"/quan-tri/bo-chi-tieu/{fw.pk}/").content.decode()
    assert "Chỉ tiêu và mục tiêu theo cấp, năm 2025" in html and 'name="nam" value="2025"' in html
    assert cells(html, "1")[2:] == ["≥ 50%", "≥ 50%", "≥ 50%"]
    assert cells(html, "8")[2:] == ["≥ 90%", "—", "—"]
    assert cells(html, "9")[2:] == ["—", "≥ 80%", "—"]
    assert cells(html, "10")[2:] == ["—", "—", "≥ 65%"]
    listing = administrator_client.get("/quan-tri/bo-chi-tieu/").content.decode()
    assert "ag-cqdt-2021" in listing and "2989/QĐ-UBND" in listing


def test_a_changed_file_replaces_a_version_nobody_used_yet(administrator_client):
    upload(administrator_client, GOOD)
    changed = GOOD.replace("Bộ chỉ tiêu thử nghiệm", "Bộ chỉ tiêu thử nghiệm (sửa)")
    resp = upload(administrator_client, changed)
    assert resp.status_code == 302
    html = administrator_client.get(resp["Location"]).content.decode()
    assert "Đã thay nội dung bộ chỉ tiêu thu-nghiem phiên bản 2025.1" in html
    assert Framework.objects.get(code="thu-nghiem").title == "Bộ chỉ tiêu thử nghiệm (sửa)"


def test_a_version_with_values_is_never_edited_in_place(world, administrator_client):
    from chiso.assessments.models import Value

    upload(administrator_client, GOOD)
    fw = Framework.objects.get(code="thu-nghiem")
    Value.objects.create(framework=fw, unit=world.commune_a, period="2025", element="1.numerator", number=1)
    resp = upload(administrator_client, GOOD.replace("thử nghiệm", "khác"))
    assert resp.status_code == 200
    assert "thu-nghiem" in resp.content.decode() and 'id="framework-errors"' in resp.content.decode()
    assert Framework.objects.get(code="thu-nghiem").title == "Bộ chỉ tiêu thử nghiệm"
