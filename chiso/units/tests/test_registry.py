"""Loading a province from the official registry (vietnamadminunits, read offline) with its lineage."""

from __future__ import annotations

import io
import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command

from chiso.units.models import Unit, UnitLineage
from chiso.units.registry import VnRegistry

pytestmark = pytest.mark.django_db

NEW_DAY = date(2025, 7, 1)
OLD_DAY = date(2025, 6, 30)
PHU_TAN_NEW = {  # the package's list: Phú Tân's 18 communes became these 6
    "X30406": "Xã Phú Tân",
    "X30409": "Xã Chợ Vàm",
    "X30421": "Xã Phú Lâm",
    "X30430": "Xã Hòa Lạc",
    "X30436": "Xã Phú An",
    "X30445": "Xã Bình Thạnh Đông",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_units", *args, stdout=out)
    return out.getvalue()


def load_new_an_giang() -> str:
    return run("--registry", "vn", "--province", "An Giang", "--as-of", "2025-07-01")


def test_the_new_an_giang_has_two_levels_and_102_commune_level_units():
    out = load_new_an_giang()

    assert "Tỉnh An Giang ngày 01/07/2025 (hai cấp: tỉnh → xã/phường/đặc khu)." in out
    # 1 + 102 new units; 2 old provinces, 26 old districts, 298 old communes.
    assert "vietnamadminunits 1.0.4, danh mục 34 tỉnh (từ 01/07/2025), Tỉnh An Giang: Đã tạo 429 đơn vị, " \
           "cập nhật 0, không đổi 0." in out
    assert "Đã tạo 304 liên kết kế thừa" in out
    # Read from the package's files: its own code (an address parser that may geocode online) never runs.
    assert "vietnamadminunits" not in sys.modules
    today = Unit.objects.active_on(NEW_DAY)
    assert today.count() == 103
    province = Unit.objects.get(code="T91")
    assert (province.name, province.level, province.parent, province.valid_from, province.valid_to) == (
        "Tỉnh An Giang", "province", None, NEW_DAY, None)
    communes = today.filter(level="commune")
    assert set(communes.values_list("parent__code", flat=True)) == {"T91"}
    assert Counter(communes.values_list("kind", flat=True)) == {"Xã": 85, "Phường": 14, "Đặc khu": 3}
    assert Counter(u.attributes["loai_don_vi"] for u in communes) == {"xã": 85, "phường": 14, "đặc khu": 3}
    assert not today.filter(level="district").exists()

    before = Unit.objects.active_on(OLD_DAY)
    assert Counter(before.values_list("level", flat=True)) == {"province": 2, "district": 26, "commune": 298}
    assert set(before.filter(level="province").values_list("name", flat=True)) == {"Tỉnh An Giang", "Tỉnh Kiên Giang"}
    assert Unit.objects.get(code="CU-X30421").path == "/CU-T89/CU-H888/CU-X30421/"
    assert Unit.objects.get(code="X30421").path == "/T91/X30421/"


def test_phu_tan_s_18_old_communes_merge_into_6_new_communes():
    load_new_an_giang()

    district = Unit.objects.get(code="CU-H888")
    assert (district.name, district.valid_to) == ("Huyện Phú Tân", OLD_DAY)
    old = Unit.objects.filter(parent=district)
    assert old.count() == 18
    links = UnitLineage.objects.filter(predecessor__in=old)
    assert links.count() == 18  # every old commune goes whole to one new commune
    assert set(links.values_list("kind", flat=True)) == {"merge"}
    assert set(links.values_list("share", flat=True)) == {Decimal("1")}
    assert set(links.values_list("effective", flat=True)) == {NEW_DAY}
    successors = defaultdict(set)
    for pred, succ, succ_name in links.values_list("predecessor__name", "successor__code", "successor__name"):
        assert PHU_TAN_NEW[succ] == succ_name
        successors[succ].add(pred)
    assert {code: len(p) for code, p in successors.items()} == {
        "X30406": 4, "X30409": 3, "X30421": 3, "X30430": 2, "X30436": 3, "X30445": 3}
    assert successors["X30421"] == {"Xã Long Hòa", "Xã Phú Long", "Xã Phú Lâm"}
    assert successors["X30406"] == {"Thị trấn Phú Mỹ", "Xã Phú Hưng", "Xã Tân Hòa", "Xã Tân Trung"}


def test_a_reused_official_code_never_collides():
    load_new_an_giang()

    # 91 was Kiên Giang until 30/06/2025 and is An Giang from 01/07/2025.
    new, old = Unit.objects.get(code="T91"), Unit.objects.get(code="CU-T91")
    assert (new.name, new.attributes["ma_hanh_chinh"]) == ("Tỉnh An Giang", "91")
    assert (old.name, old.attributes["ma_hanh_chinh"]) == ("Tỉnh Kiên Giang", "91")
    assert old.attributes["danh_muc"] == "63 tỉnh (đến 30/06/2025)"
    assert new.attributes["danh_muc"] == "34 tỉnh (từ 01/07/2025)"
    # 30316 was Phường Châu Phú B; it is now Phường Châu Đốc, into which Châu Phú B merged.
    assert Unit.objects.get(code="CU-X30316").name == "Phường Châu Phú B"
    assert Unit.objects.get(code="X30316").name == "Phường Châu Đốc"
    assert set(UnitLineage.objects.filter(successor__code="X30316").values_list("predecessor__name", "kind")) == {
        ("Phường Châu Phú A", "merge"), ("Phường Châu Phú B", "merge"), ("Phường Vĩnh Mỹ", "merge"),
        ("Phường Vĩnh Nguơn", "merge"), ("Xã Vĩnh Châu", "split"),
    }
    # Both old provinces merged into the new one.
    assert set(UnitLineage.objects.filter(successor=new).values_list("predecessor__code", "kind")) == {
        ("CU-T89", "merge"), ("CU-T91", "merge")}


def test_a_divided_commune_is_a_split_whose_main_successor_takes_the_whole_figure():
    load_new_an_giang()

    links = {
        succ: (kind, share, note)
        for succ, kind, share, note in UnitLineage.objects.filter(predecessor__code="CU-X30334").values_list(
            "successor__code", "kind", "share", "note")
    }
    assert Unit.objects.get(code="CU-X30334").name == "Xã Vĩnh Châu"
    assert links["X30316"][:2] == ("split", Decimal("1"))
    assert links["X30316"][2].startswith("đơn vị kế thừa chính theo danh mục")
    assert links["X30325"][:2] == ("split", Decimal("0"))
    assert links["X30325"][2] == ("nhận một phần địa bàn; số liệu cũ mặc định về Phường Châu Đốc (X30316); "
                                  "tỷ trọng 0")
    # A commune kept whole under the same official code is a rename onto the new key.
    rename = UnitLineage.objects.get(successor__code="X30313")
    assert (rename.predecessor.code, rename.kind, rename.share) == ("CU-X30313", "rename", Decimal("1"))


def test_loading_twice_changes_nothing_and_keeps_a_share_the_province_declared(tmp_path):
    load_new_an_giang()
    out = load_new_an_giang()
    assert "Đã tạo 0 đơn vị, cập nhật 0, không đổi 429." in out
    assert "Đã tạo 0 liên kết kế thừa, cập nhật 0, không đổi 304." in out

    declared = tmp_path / "vinh-chau.csv"
    declared.write_text("predecessor,successor,effective,kind,share\n"
                        "CU-X30334,X30316,01/07/2025,split,0.6\nCU-X30334,X30325,01/07/2025,split,0.4\n",
                        encoding="utf-8")
    call_command("import_lineage", str(declared), stdout=io.StringIO())
    out = load_new_an_giang()
    assert "không đổi 302. Giữ nguyên 2 liên kết đã khai báo khác danh mục" in out
    assert dict(UnitLineage.objects.filter(predecessor__code="CU-X30334").values_list(
        "successor__code", "share")) == {"X30316": Decimal("0.6"), "X30325": Decimal("0.4")}


def test_before_the_reform_it_loads_the_old_three_level_province_alone():
    out = run("--registry", "vn", "--province", "An Giang", "--as-of", "31/12/2024")

    assert "Tỉnh An Giang ngày 31/12/2024 (ba cấp: tỉnh → huyện → xã)." in out
    assert "Đã tạo 167 đơn vị" in out
    assert Counter(Unit.objects.values_list("level", flat=True)) == {"province": 1, "district": 11, "commune": 155}
    assert set(Unit.objects.filter(level="province").values_list("code", flat=True)) == {"CU-T89"}
    assert Unit.objects.get(code="CU-X30421").parent.name == "Huyện Phú Tân"
    assert not UnitLineage.objects.exists()

    # Loading the new province afterwards reuses the old units and adds the rest.
    out = load_new_an_giang()
    assert "Đã tạo 262 đơn vị, cập nhật 0, không đổi 167." in out


def test_dry_run_writes_nothing():
    out = run("--registry", "vn", "--province", "An Giang", "--as-of", "2025-07-01", "--dry-run")
    assert "Sẽ tạo 429 đơn vị" in out
    assert "Sẽ tạo 304 liên kết kế thừa" in out
    assert not Unit.objects.exists()
    assert not UnitLineage.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "Kiên Giang", "--as-of", "2025-07-01"],
         "Tỉnh Kiên Giang không còn là đơn vị cấp tỉnh từ 01/07/2025: đã hợp nhất vào tỉnh/thành phố An Giang"),
        (["--province", "Sao Hỏa"], "không có tỉnh/thành phố 'Sao Hỏa' trong danh mục từ 01/07/2025; có: An Giang"),
        (["--province", "An Giang", "--as-of", "30/02/2025"], "--as-of: không đọc được '30/02/2025' thành ngày"),
        ([], "--registry vn cần --province"),
    ],
)
def test_it_refuses_what_the_registry_cannot_answer(args, message):
    with pytest.raises(CommandError) as info:
        run("--registry", "vn", *args)
    assert message in str(info.value)
    assert not Unit.objects.exists()


def test_a_file_and_the_registry_are_not_mixed(tmp_path):
    with pytest.raises(CommandError, match="không dùng cả hai"):
        run(str(tmp_path / "units.csv"), "--registry", "vn", "--province", "An Giang")
    with pytest.raises(CommandError, match="chỉ dùng cùng --registry vn"):
        run(str(tmp_path / "units.csv"), "--province", "An Giang")


@pytest.mark.django_db(False)
def test_every_old_commune_of_the_country_passes_on_exactly_its_whole_figure():
    """Across the 34 provinces: 3.321 new units, and each old commune's shares add up to 1."""
    registry = VnRegistry()
    new_units = 0
    for row in registry.new_provinces.values():
        plan = registry.plan(row["provinceShort"], NEW_DAY)
        new_units += sum(1 for u in plan.units if u.code.startswith("X"))
        totals: dict[str, Fraction] = defaultdict(Fraction)
        kinds: dict[str, list[str]] = defaultdict(list)
        for link in plan.links:
            totals[link.predecessor] += link.share
            kinds[link.predecessor].append(link.kind)
        # A whole merge or a rename goes to exactly one unit; only a split goes to several.
        assert all(k == ["split"] * len(k) or len(k) == 1 for k in kinds.values()), row["province"]
        old_communes = {u.code for u in plan.units if u.code.startswith("CU-X")}
        assert old_communes <= set(totals)
        assert set(totals.values()) == {Fraction(1)}, row["province"]
    assert new_units == 3321
