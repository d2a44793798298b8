"""Administration of units: tree, search, edit and move, deactivate, file import."""

import re

import pytest

from chiso.units.models import Unit

pytestmark = pytest.mark.django_db
TREE = "/quan-tri/don-vi/"


def test_the_tree_nests_communes_under_their_district(world, administrator_client):
    html = administrator_client.get(TREE).content.decode()
    district = re.search(rf'<li id="u-{world.district.pk}".*?</li>\s*</ul>', html, re.S).group(0)
    assert "UBND xã Phú Lâm" in district and "UBND thị trấn Phú Mỹ" in district
    assert "Sở Nội vụ</span> <span class=\"code\">AG-SNV" not in district
    assert "2 đơn vị trực thuộc" in district
    assert "Cấp tỉnh: <strong>5</strong>" in html  # AG, 2 sở, KG, KG-SNV
    assert "Cấp xã: <strong>2</strong>" in html


def test_search_keeps_the_matches_with_their_ancestors_only(world, administrator_client):
    html = administrator_client.get(TREE, {"q": "Phú Mỹ"}).content.decode()
    assert "Tìm thấy 1 đơn vị." in html
    assert "UBND thị trấn Phú Mỹ" in html and "UBND huyện Phú Tân" in html and "Tỉnh An Giang" in html
    assert "UBND xã Phú Lâm" not in html and "Sở Nội vụ" not in html


def test_inactive_units_are_hidden_unless_asked(world, administrator_client):
    done = administrator_client.post(f"/quan-tri/don-vi/{world.commune_b.code}/trang-thai/",
                                     {"active": "0"}, follow=True)
    assert "Đã ngừng hoạt động đơn vị UBND thị trấn Phú Mỹ" in done.content.decode()
    unit = Unit.objects.get(pk=world.commune_b.pk)
    assert not unit.active and unit.valid_to is not None
    assert "UBND thị trấn Phú Mỹ" not in administrator_client.get(TREE).content.decode()
    shown = administrator_client.get(TREE, {"inactive": "1"}).content.decode()
    assert "UBND thị trấn Phú Mỹ" in shown and "ngừng hoạt động" in shown
    administrator_client.post(f"/quan-tri/don-vi/{world.commune_b.code}/trang-thai/", {"active": "1"})
    unit.refresh_from_db()
    assert unit.active and unit.valid_to is None


def _unit_post(unit, **over):
    data = {
        "code": unit.code, "name": unit.name, "level": unit.level, "kind": unit.kind,
        "parent": unit.parent_id or "", "attributes": '{"terrain": "mountain"}',
        "valid_from": "", "valid_to": "", "active": "on",
    }
    data.update(over)
    return data


def test_editing_a_unit_saves_attributes_and_moving_it_moves_its_subtree(world, administrator_client):
    url = f"/quan-tri/don-vi/{world.district.code}/"
    resp = administrator_client.post(url, _unit_post(world.district, name="UBND huyện Phú Tân (cũ)",
                                                     parent=world.agency_a.pk))
    assert resp.status_code == 302
    district = Unit.objects.get(pk=world.district.pk)
    assert district.name == "UBND huyện Phú Tân (cũ)" and district.attributes == {"terrain": "mountain"}
    assert district.path == "/AG/AG-STTTT/AG-PT/"
    assert Unit.objects.get(pk=world.commune_a.pk).path == "/AG/AG-STTTT/AG-PT/AG-PT-PL/"


def test_a_unit_cannot_become_its_own_descendant_and_dates_must_be_in_order(world, administrator_client):
    url = f"/quan-tri/don-vi/{world.district.code}/"
    resp = administrator_client.post(url, _unit_post(world.district, parent=world.commune_a.pk,
                                                     valid_from="2025-07-01", valid_to="2019-01-01",
                                                     attributes="[1, 2]", code="AG PT"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Chưa lưu được" in html
    assert "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực." in html
    assert "Thuộc tính phải là một đối tượng JSON" in html
    assert "Mã đơn vị không được chứa dấu / hoặc khoảng trắng." in html
    assert Unit.objects.get(pk=world.district.pk).parent_id == world.province.pk


def test_adding_a_unit_under_a_parent(world, administrator_client):
    page = administrator_client.get("/quan-tri/don-vi/them/", {"parent": "AG-PT"}).content.decode()
    assert f'<option value="{world.district.pk}" selected>' in page
    resp = administrator_client.post("/quan-tri/don-vi/them/", {
        "code": "AG-PT-TB", "name": "UBND xã Tân Bình", "level": "commune", "kind": "UBND xã",
        "parent": world.district.pk, "attributes": "", "active": "on",
    })
    assert resp.status_code == 302
    assert Unit.objects.get(code="AG-PT-TB").path == "/AG/AG-PT/AG-PT-TB/"


def test_a_unit_file_with_errors_changes_nothing_and_names_row_and_column(world, administrator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = (
        "code,name,level,parent_code\n"
        "AG-PT-TB,UBND xã Tân Bình,xã,AG-PT\n"
        "AG-PT-X,UBND xã X,thôn,AG-PT\n"
        "AG-PT-Y,UBND xã Y,xã,KHONG-CO\n"
    ).encode()
    resp = administrator_client.post("/quan-tri/don-vi/nhap/", {
        "file": SimpleUploadedFile("don-vi.csv", csv, content_type="text/csv"),
    })
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "chưa ghi gì vào hệ thống" in html
    rows = re.findall(r"<tr><td>don-vi.csv</td><td class=\"num\">(\d+)</td><td>([^<]*)</td>", html)
    assert ("3", "level") in rows and ("4", "parent_code") in rows
    assert not Unit.objects.filter(code="AG-PT-TB").exists()


def test_a_good_unit_file_is_checked_then_imported(world, administrator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = ("code,name,level,parent_code,terrain\n"
           "AG-PT-TB,UBND xã Tân Bình,xã,AG-PT,lowland\n"
           "AG-PT-PL,UBND xã Phú Lâm,xã,AG-PT,lowland\n").encode()
    dry = administrator_client.post("/quan-tri/don-vi/nhap/", {
        "file": SimpleUploadedFile("don-vi.csv", csv), "dry_run": "on"})
    assert "Sẽ tạo 1 đơn vị" in dry.content.decode()
    assert not Unit.objects.filter(code="AG-PT-TB").exists()
    administrator_client.post("/quan-tri/don-vi/nhap/", {"file": SimpleUploadedFile("don-vi.csv", csv)})
    assert Unit.objects.get(code="AG-PT-TB").attributes == {"terrain": "lowland"}
