"""``chiso load_frameworks`` and ``store_framework``: all or nothing, idempotent, versions never edited once used."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.assessments.models import Value
from chiso.frameworks.loader import LIBRARY_DIR, parse_framework_text
from chiso.frameworks.models import Framework
from chiso.frameworks.services import Action, FrameworkVersionConflict, store_framework
from chiso.units.models import Unit

BROKEN = Path(__file__).with_name("broken")
SMALL = """code: thu-nghiem
version: "1"
title: Bộ thử nghiệm
legal_basis: {number: 1/QĐ-UBND, date: 2024-01-05, issuer: UBND tỉnh}
levels: [commune]
indicators:
  - code: "1"
    name: Tỷ lệ hồ sơ trực tuyến
    kind: ratio
    target: {op: ">=", value: "TARGET"}
"""


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_frameworks", *args, stdout=out)
    return out.getvalue()


def small(tmp_path: Path, target: str = "50%", name: str = "thu-nghiem.yaml") -> Path:
    path = tmp_path / name
    path.write_text(SMALL.replace("TARGET", target), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_without_paths_it_loads_the_bundled_library_then_changes_nothing() -> None:
    first = run()
    codes = set(Framework.objects.values_list("code", flat=True))
    assert codes == {"nq17-2019", "ag-cqdt-2021", "ntm-xa-2021", "ntm-nang-cao-xa-2021", "xep-hang-mau", "ntm-xa-2026",
                     "nd307-2025-so", "qd766-2022"}
    assert first.count("nạp mới") == 8
    assert "nd307-2025-so@2025  (nd307-2025-so.yaml, 3 chỉ tiêu)" in first
    assert "qd766-2022@2025  (qd766-2022.yaml, 17 chỉ tiêu)" in first
    assert "nq17-2019@2025  (nq17-2019.yaml, 22 chỉ tiêu)" in first

    stamps = dict(Framework.objects.values_list("code", "loaded_at"))
    second = run()
    assert second.count("không đổi") == 8 and "nạp mới" not in second
    assert dict(Framework.objects.values_list("code", "loaded_at")) == stamps
    assert Framework.objects.count() == 8


@pytest.mark.django_db
def test_stored_row_keeps_header_document_and_gives_back_the_spec() -> None:
    run(str(LIBRARY_DIR / "ag-cqdt-2021.yaml"))
    fw = Framework.objects.latest_of("ag-cqdt-2021")
    assert (fw.version, fw.kind, fw.legal_number, str(fw.legal_date)) == ("2021", "criteria", "2989/QĐ-UBND", "2020-12-23")
    assert fw.issuer == "Ủy ban nhân dân tỉnh An Giang"
    assert (str(fw.effective_from), str(fw.effective_to)) == ("2020-12-23", "2025-12-31")
    assert fw.document["legal_basis"]["date"] == "2020-12-23"
    assert len(fw.document["indicators"]) == 11
    assert fw.source_name == "ag-cqdt-2021.yaml"
    assert [i.code for i in fw.spec().indicators] == [str(n) for n in range(1, 12)]


@pytest.mark.django_db
def test_one_broken_file_means_nothing_is_written(tmp_path: Path) -> None:
    shutil.copy(LIBRARY_DIR / "nq17-2019.yaml", tmp_path)
    shutil.copy(BROKEN / "bad-op.yaml", tmp_path)
    shutil.copy(BROKEN / "missing-name.yaml", tmp_path)
    with pytest.raises(CommandError) as caught:
        run(str(tmp_path))
    message = str(caught.value)
    assert 'bad-op.yaml: indicators[1].target.op: cần một trong >=, >, <=, <, =, range (gặp "=>")' in message
    assert "missing-name.yaml: indicators[1].name: thiếu" in message
    assert "Không nạp bộ chỉ tiêu nào (2 lỗi)" in message
    assert Framework.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_replacement_rolls_back_the_other_files(tmp_path: Path) -> None:
    fw, _ = store_framework(parse_framework_text(SMALL.replace("TARGET", "50%"), "a.yaml"), SMALL.replace("TARGET", "50%"), "a.yaml")
    unit = Unit.objects.create(code="X1", name="UBND xã Một", level="commune")
    Value.objects.create(framework=fw, unit=unit, period="2024", element="1.numerator", number=5)
    small(tmp_path, "60%")
    shutil.copy(LIBRARY_DIR / "ntm-xa-2021.yaml", tmp_path / "a-ntm.yaml")
    with pytest.raises(CommandError, match="đã có số liệu nên không được sửa tại chỗ; hãy đổi version"):
        run(str(tmp_path))
    assert not Framework.objects.filter(code="ntm-xa-2021").exists()
    fw.refresh_from_db()
    assert "50%" in fw.source_yaml


@pytest.mark.django_db
def test_changed_file_without_values_is_replaced_in_place(tmp_path: Path) -> None:
    assert "nạp mới" in run(str(small(tmp_path, "50%")))
    before = Framework.objects.get(code="thu-nghiem")
    out = run(str(small(tmp_path, "60%")))
    assert out.startswith("thay thế")
    after = Framework.objects.get(code="thu-nghiem")
    assert after.pk == before.pk and after.checksum != before.checksum
    [rule] = after.spec().indicator("1").targets
    assert str(rule.target.value) == "3/5"


@pytest.mark.django_db
def test_a_new_version_is_loaded_beside_the_old_one(tmp_path: Path) -> None:
    run(str(small(tmp_path, "50%")))
    newer = tmp_path / "v2.yaml"
    newer.write_text(SMALL.replace("TARGET", "60%").replace('version: "1"', 'version: "2"'), encoding="utf-8")
    run(str(newer))
    assert sorted(Framework.objects.filter(code="thu-nghiem").values_list("version", flat=True)) == ["1", "2"]


@pytest.mark.django_db
def test_two_files_with_the_same_code_and_version_are_refused(tmp_path: Path) -> None:
    small(tmp_path, "50%", "a.yaml")
    small(tmp_path, "60%", "b.yaml")
    with pytest.raises(CommandError, match="b.yaml: version: trùng mã và phiên bản thu-nghiem@1 với tệp a.yaml"):
        run(str(tmp_path))
    assert Framework.objects.count() == 0


@pytest.mark.django_db
def test_missing_path_and_empty_directory_are_errors(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="khong-co.yaml: không đọc được tệp"):
        run(str(tmp_path / "khong-co.yaml"))
    with pytest.raises(CommandError, match="Không tìm thấy tệp .yaml nào"):
        run(str(tmp_path))


@pytest.mark.django_db
def test_store_framework_reports_its_action_for_the_web_upload() -> None:
    text = SMALL.replace("TARGET", "50%")
    spec = parse_framework_text(text, "web.yaml")
    fw, action = store_framework(spec, text, "web.yaml")
    assert (action, bool(action)) == (Action.LOADED, True)
    again, action = store_framework(spec, text, "web.yaml")
    assert (again.pk, action, bool(action)) == (fw.pk, "unchanged", False)
    unit = Unit.objects.create(code="X2", name="UBND xã Hai", level="commune")
    Value.objects.create(framework=fw, unit=unit, period="2024", element="1.numerator", number=1)
    changed = text.replace("Bộ thử nghiệm", "Bộ thử nghiệm (sửa)")
    with pytest.raises(FrameworkVersionConflict) as caught:
        store_framework(parse_framework_text(changed, "web.yaml"), changed, "web.yaml")
    assert str(caught.value).startswith("web.yaml: version: bộ chỉ tiêu thu-nghiem phiên bản 1 đã có số liệu")
    assert 'ví dụ "2"' in str(caught.value)


@pytest.mark.django_db
def test_admin_shows_a_loaded_framework_read_only(admin_client) -> None:
    run(str(LIBRARY_DIR / "nq17-2019.yaml"))
    fw = Framework.objects.get(code="nq17-2019")
    listing = admin_client.get("/admin/frameworks/framework/")
    assert listing.status_code == 200
    assert "nq17-2019" in listing.content.decode()
    page = admin_client.get(f"/admin/frameworks/framework/{fw.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<td>20.1</td>" in html and "= 100% (cấp tỉnh); ≥ 80% (cấp huyện)" in html
    assert "từ 30% đến 50%" in html
    assert 'name="title"' not in html  # no editable form fields
    assert admin_client.get("/admin/frameworks/framework/add/").status_code == 403


@pytest.mark.django_db
def test_unknown_metric_names_are_warned_about_but_loaded(tmp_path: Path) -> None:
    path = small(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "    sources: {numerator: dossiers.onlien}\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("load_frameworks", str(path), stdout=out, stderr=err)
    assert "nạp mới" in out.getvalue()
    assert "Cảnh báo: thu-nghiem 1.numerator: chưa có chỉ số dossiers.onlien" in err.getvalue()
    bundled_err = StringIO()
    call_command("load_frameworks", stdout=StringIO(), stderr=bundled_err)
    assert bundled_err.getvalue() == ""  # every bundled source is a metric the ingest app computes
