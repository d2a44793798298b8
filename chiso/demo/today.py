"""The demo province in today's shape: the new An Giang (from 01/07/2025) and the units it came from.

On 01/07/2025 the old An Giang and Kiên Giang were merged into the new An Giang, districts were
abolished and communes merged into 102 xã, phường and đặc khu. The demo keeps the old province
of ``chiso.demo.province`` unchanged (codes ``AG``…, figures 2023–2024, valid until 30/06/2025),
adds a part of the old Kiên Giang (``KG``…, same years) and the new province ``T91`` with:

* its departments under their 2025 names (the uniform departments of Nghị định 45/2025/NĐ-CP),
  each continuing the old departments of both provinces (Sở Thông tin và Truyền thông → Sở Khoa
  học và Công nghệ, …);
* the commune-level units that succeed the demo's old communes, plus four of the former Kiên
  Giang, read offline from the official registry (``vietnamadminunits``, ``chiso.units.registry``)
  with their names, kinds, official codes and lineage (merge, split with share, rename);
* figures for 2025 and 2026 on the new units, drawn with their own random generator *after*
  the old ones, so the old figures stay exactly as they were.

Everything stays labelled demo data (attribute ``demo: "1"``, names "(dữ liệu minh hoạ)").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import UnitInfo

from .province import DISTRICTS, Plan, plan_values, synthesize

REFORM_DAY = date(2025, 7, 1)
LAST_OLD_DAY = date(2025, 6, 30)

NEW_ROOT = ("T91", "Tỉnh An Giang (dữ liệu minh hoạ)", "UBND tỉnh")
OLD_AG_NAME = "Tỉnh An Giang cũ (đến 30/06/2025, dữ liệu minh hoạ)"
KG_ROOT = ("KG", "Tỉnh Kiên Giang cũ (đến 30/06/2025, dữ liệu minh hoạ)", "UBND tỉnh")

# Departments of the old Kiên Giang kept in the demo (a few, enough to show a merger across provinces).
KG_AGENCIES = [
    ("KG-SKHCN", "Sở Khoa học và Công nghệ (Kiên Giang)"),
    ("KG-STTTT", "Sở Thông tin và Truyền thông (Kiên Giang)"),
    ("KG-SNV", "Sở Nội vụ (Kiên Giang)"),
    ("KG-STP", "Sở Tư pháp (Kiên Giang)"),
    ("KG-VPUBND", "Văn phòng UBND tỉnh (Kiên Giang)"),
]

# Departments of the new province (the twelve departments every province has under Nghị định
# 45/2025/NĐ-CP, plus the economic-zone board, which that decree does not cover) and the old
# departments each one continues. Sở TTTT → Sở KH&CN is confirmed (../shared/DOMAIN-2026.md);
# the other pairings follow the new names (Nông nghiệp và Môi trường, …) and are demo data: a
# province declares its own with ``chiso import_lineage``. Sở Ngoại vụ and Ban Dân tộc have no
# successor in the demo.
NEW_AGENCIES = [
    ("T91-SNV", "Sở Nội vụ", ["AG-SNV", "AG-SLDTBXH", "KG-SNV"]),
    ("T91-STP", "Sở Tư pháp", ["AG-STP", "KG-STP"]),
    ("T91-STC", "Sở Tài chính", ["AG-STC", "AG-SKHDT"]),
    ("T91-SCT", "Sở Công Thương", ["AG-SCT"]),
    ("T91-SNNMT", "Sở Nông nghiệp và Môi trường", ["AG-SNNPTNT", "AG-STNMT"]),
    ("T91-SXD", "Sở Xây dựng", ["AG-SXD", "AG-SGTVT"]),
    ("T91-SKHCN", "Sở Khoa học và Công nghệ", ["AG-SKHCN", "AG-STTTT", "KG-SKHCN", "KG-STTTT"]),
    ("T91-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ["AG-SVHTTDL"]),
    ("T91-SGDDT", "Sở Giáo dục và Đào tạo", ["AG-SGDDT"]),
    ("T91-SYT", "Sở Y tế", ["AG-SYT"]),
    ("T91-TTRA", "Thanh tra tỉnh", ["AG-TTRA"]),
    ("T91-VPUBND", "Văn phòng UBND tỉnh", ["AG-VPUBND", "KG-VPUBND"]),
    ("T91-BQLKKT", "Ban Quản lý Khu kinh tế", ["AG-BQLKKT"]),
]

# New units of the former Kiên Giang in the demo, with all their old communes (registry codes):
# Phường Rạch Giá (9 wards merged), Xã Tiên Hải (kept, renamed link), Xã Hòn Đất (4 merged),
# Đặc khu Phú Quốc (8 merged).
KG_NEW_UNITS = ("30742", "30781", "30817", "31078")

# A split the province declares with its own shares (the registry's default gives the whole
# figure to the main successor): Xã Phú Hội (An Phú) divided between Xã An Phú and Xã Nhơn Hội.
DECLARED_SPLIT = {("AG-AP-PHH", "X30337"): Fraction(6, 10), ("AG-AP-PHH", "X30346"): Fraction(4, 10)}
DECLARED_NOTE = "tỷ trọng do tỉnh khai báo (minh hoạ): phần địa bàn và dân số chuyển sang"


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    attributes: dict
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class DemoLink:
    predecessor: str
    successor: str
    kind: str
    share: Fraction
    note: str = ""


@dataclass
class TodayPlan:
    """Units (parents first) and links the demo adds for today's province."""

    kg_units: list[NewUnit]
    new_units: list[NewUnit]
    links: list[DemoLink]
    source: str


def _kind_of(loai: str) -> str:
    return f"UBND {loai}" if loai else "UBND xã"


def today_plan(registry=None) -> TodayPlan:
    """Read the registry (offline) and choose the demo's part of it."""
    from chiso.units.registry import VnRegistry

    registry = registry or VnRegistry()
    plan = registry.plan("An Giang", REFORM_DAY)
    by_code = {u.code: u for u in plan.units}
    links_from: dict[str, list] = {}
    links_to: dict[str, list] = {}
    for link in plan.links:
        links_from.setdefault(link.predecessor, []).append(link)
        links_to.setdefault(link.successor, []).append(link)

    # The demo's old communes, found in the registry by district and name.
    old_by_name = {
        (by_code[u.parent_code].name, u.name): u.code
        for u in plan.units if u.code.startswith("CU-X")
    }
    demo_old: dict[str, str] = {}  # registry code → demo code
    terrain: dict[str, str] = {}
    for dcode, dname, _kind, communes in DISTRICTS:
        for suffix, cname, _ckind, ter, _year in communes:
            registry_code = old_by_name.get((dname, cname))
            if registry_code is not None:
                demo_old[registry_code] = f"{dcode}-{suffix}"
                terrain[f"{dcode}-{suffix}"] = ter

    # The old Kiên Giang part: every old commune of the chosen new units, with its district.
    kg_units: list[NewUnit] = [NewUnit(KG_ROOT[0], KG_ROOT[1], "province", KG_ROOT[2], None, {"demo": "1"},
                                       None, LAST_OLD_DAY)]
    kg_units += [NewUnit(code, name, "province", "Sở, ban, ngành", "KG", {"demo": "1"}, None, LAST_OLD_DAY)
                 for code, name in KG_AGENCIES]
    kg_old: list[str] = sorted({lk.predecessor for n in KG_NEW_UNITS for lk in links_to.get(f"X{n}", [])})
    districts_seen: set[str] = set()
    communes: list[NewUnit] = []
    for registry_code in kg_old:
        u = by_code[registry_code]
        district = by_code[u.parent_code]
        dcode = "KG-" + district.code.removeprefix("CU-")
        if dcode not in districts_seen:
            districts_seen.add(dcode)
            kg_units.append(NewUnit(dcode, district.name, "district", _kind_of(district.attributes["loai_don_vi"]),
                                    "KG", {"demo": "1", **district.attributes}, None, LAST_OLD_DAY))
        code = "KG-" + registry_code.removeprefix("CU-")
        demo_old[registry_code] = code
        communes.append(NewUnit(code, u.name, "commune", _kind_of(u.attributes["loai_don_vi"]), dcode,
                                {"demo": "1", **u.attributes, "terrain": "lowland"}, None, LAST_OLD_DAY))
    kg_units += communes

    # The new province: departments, then the communes succeeding the demo's old ones.
    new_units: list[NewUnit] = [NewUnit(NEW_ROOT[0], NEW_ROOT[1], "province", NEW_ROOT[2], None,
                                        {"demo": "1", **by_code["T91"].attributes}, REFORM_DAY, None)]
    new_units += [NewUnit(code, name, "province", "Sở, ban, ngành", "T91", {"demo": "1"}, REFORM_DAY, None)
                  for code, name, _olds in NEW_AGENCIES]
    links: list[DemoLink] = [DemoLink("AG", "T91", "merge", Fraction(1)), DemoLink("KG", "T91", "merge", Fraction(1))]
    for code, _name, olds in NEW_AGENCIES:
        kind = "merge" if len(olds) > 1 else "rename"
        links += [DemoLink(old, code, kind, Fraction(1)) for old in olds]

    successors: dict[str, list] = {}
    for registry_code, demo_code in demo_old.items():
        for link in links_from.get(registry_code, []):
            successors.setdefault(link.successor, []).append((demo_code, link))
    for new_code in sorted(successors):
        u = by_code[new_code]
        preds = successors[new_code]
        ter = next((terrain[d] for d, _lk in preds if d in terrain), "lowland")
        new_units.append(NewUnit(new_code, u.name, "commune", _kind_of(u.attributes["loai_don_vi"]), "T91",
                                 {"demo": "1", **u.attributes, "terrain": ter}, REFORM_DAY, None))
        for demo_code, link in sorted(preds, key=lambda p: p[0]):
            declared = DECLARED_SPLIT.get((demo_code, new_code))
            if declared is not None:
                links.append(DemoLink(demo_code, new_code, "split", declared, DECLARED_NOTE))
            else:
                links.append(DemoLink(demo_code, new_code, link.kind, link.share, link.note))
    return TodayPlan(kg_units, new_units, links, plan.source)


# --------------------------------------------------------------------------- figures

# The old Kiên Giang part: the same years as the old An Giang (2023, 2024).
KG_PLANS: dict[str, dict[str, dict[str, Plan]]] = {
    "ag-cqdt-2021": {
        "2023": {"province": Plan(Fraction(60, 100), 0, ("1", "6")),
                 "district": Plan(Fraction(50, 100), 0, ("1", "3")),
                 "commune": Plan(Fraction(35, 100), 1, ("1", "10"))},
        "2024": {"province": Plan(Fraction(80, 100), 0, ("6",)),
                 "district": Plan(Fraction(75, 100), 0, ("1",)),
                 "commune": Plan(Fraction(60, 100), 0, ("1", "3"))},
    },
    "ntm-xa-2021": {
        "2023": {"commune": Plan(Fraction(70, 100), 0, ("8.4",))},
        "2024": {"commune": Plan(Fraction(85, 100), 0, ("8.4",))},
    },
    "xep-hang-mau": {
        "2024": {"province": Plan(Fraction(40, 100), 0, ()),
                 "district": Plan(Fraction(25, 100), 0, ()),
                 "commune": Plan(Fraction(15, 100), 1, ())},
    },
}

# The new province: 2025 and 2026 (the 2025 round of ag-cqdt-2021 is the one left open).
NEW_PLANS: dict[str, dict[str, dict[str, Plan]]] = {
    "xep-hang-mau": {
        "2025": {"province": Plan(Fraction(55, 100), 0, ()), "commune": Plan(Fraction(30, 100), 1, ())},
        "2026": {"province": Plan(Fraction(75, 100), 0, ()), "commune": Plan(Fraction(50, 100), 0, ())},
    },
    "ntm-xa-2026": {
        "2026": {"commune": Plan(Fraction(70, 100), 0, ("khcn-cds",))},
    },
}
ND307 = ("nd307-2025-so", "2025")


def kg_values(spec: FrameworkSpec, period: str, year: int, units: list[UnitInfo]) -> dict[str, dict]:
    """Figures of the old Kiên Giang part, from its own plans and random generator."""
    plans = KG_PLANS.get(spec.code, {}).get(period)
    if not plans:
        return {}
    return _planned(spec, period, year, units, plans, "kien-giang")


def new_values(spec: FrameworkSpec, period: str, year: int, units: list[UnitInfo]) -> dict[str, dict]:
    """Figures of the new province's units, from their own plans and random generator."""
    if (spec.code, period) == ND307:
        return nd307_values(units, period)
    plans = NEW_PLANS.get(spec.code, {}).get(period)
    if not plans:
        return {}
    if spec.code == "ntm-xa-2026":  # new-rural criteria: xã only
        units = [u for u in units if u.attributes.get("loai_don_vi") == "xã"]
    return _planned(spec, period, year, units, plans, "an-giang-2025")


def _planned(spec, period, year, units, plans, seed) -> dict[str, dict]:
    return plan_values(spec, period, year, units, seed=seed, plans=plans)


def nd307_values(units: list[UnitInfo], period: str) -> dict[str, dict]:
    """Decree 307's two digital criteria: fully-online dossiers and signed outgoing documents (counts)."""
    rng = random.Random(f"an-giang-2025-nd307-{period}")
    out: dict[str, dict] = {}
    for unit in units:
        loai = unit.attributes.get("loai_don_vi")
        if loai not in ("xã", "phường"):
            continue
        dossiers = rng.randint(800, 6000)
        online = round(dossiers * rng.uniform(0.35, 0.85))
        documents = rng.randint(600, 2500)
        signed = round(documents * rng.uniform(0.62, 0.99))
        out[unit.code] = {
            "1.numerator": Fraction(online), "1.denominator": Fraction(dossiers),
            f"2-{'xa' if loai == 'xã' else 'phuong'}.numerator": Fraction(signed),
            f"2-{'xa' if loai == 'xã' else 'phuong'}.denominator": Fraction(documents),
        }
    return out


__all__ = ["today_plan", "kg_values", "new_values", "synthesize"]
