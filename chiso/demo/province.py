"""An An Giang-like demo province: units, plausible values for 2023 and 2024, demo accounts.

Everything here is labelled demo data (the root unit's name says "dữ liệu minh hoạ" and every unit carries
the attribute ``demo: "1"``). Values are made to meet or miss each indicator's *own* target, read from the
framework through the engine, so the demo stays true when a framework's targets change.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import Indicator, Target, UnitInfo
from chiso.engine.targets import select_target

# The old province (until 30/06/2025); today's province is built in ``chiso.demo.today``.
ROOT = ("AG", "Tỉnh An Giang cũ (đến 30/06/2025, dữ liệu minh hoạ)", "UBND tỉnh")

AGENCIES = [
    ("AG-SCT", "Sở Công Thương"),
    ("AG-SGTVT", "Sở Giao thông vận tải"),
    ("AG-SGDDT", "Sở Giáo dục và Đào tạo"),
    ("AG-SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("AG-SKHCN", "Sở Khoa học và Công nghệ"),
    ("AG-SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("AG-SNGV", "Sở Ngoại vụ"),
    ("AG-SNV", "Sở Nội vụ"),
    ("AG-STNMT", "Sở Tài nguyên và Môi trường"),
    ("AG-STTTT", "Sở Thông tin và Truyền thông"),
    ("AG-STP", "Sở Tư pháp"),
    ("AG-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("AG-SXD", "Sở Xây dựng"),
    ("AG-TTRA", "Thanh tra tỉnh"),
    ("AG-BDT", "Ban Dân tộc"),
    ("AG-BQLKKT", "Ban Quản lý Khu kinh tế"),
    ("AG-SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("AG-STC", "Sở Tài chính"),
    ("AG-SYT", "Sở Y tế"),
    ("AG-VPUBND", "Văn phòng UBND tỉnh"),
]

# District code, name, kind, communes (code suffix, name, kind, terrain, recognised year).
DISTRICTS = [
    ("AG-LX", "Thành phố Long Xuyên", "UBND thành phố", [("MHD", "Phường Mỹ Hòa", "UBND phường", "lowland", None), ("MKH", "Xã Mỹ Khánh", "UBND xã", "lowland", 2016), ("MHH", "Xã Mỹ Hòa Hưng", "UBND xã", "lowland", 2015)]),
    ("AG-CD", "Thành phố Châu Đốc", "UBND thành phố", [("VTE", "Xã Vĩnh Tế", "UBND xã", "mountain", 2017), ("VCH", "Xã Vĩnh Châu", "UBND xã", "lowland", 2018)]),
    ("AG-AP", "Huyện An Phú", "UBND huyện", [("KB", "Xã Khánh Bình", "UBND xã", "lowland", 2019), ("PHH", "Xã Phú Hội", "UBND xã", "lowland", None), ("TTAP", "Thị trấn An Phú", "UBND thị trấn", "lowland", None)]),
    ("AG-TC", "Thị xã Tân Châu", "UBND thị xã", [("TAN", "Xã Tân An", "UBND xã", "lowland", 2018), ("PVI", "Xã Phú Vĩnh", "UBND xã", "lowland", 2020)]),
    ("AG-PT", "Huyện Phú Tân", "UBND huyện", [("TH", "Xã Tân Hòa", "UBND xã", "lowland", 2015), ("PB", "Xã Phú Bình", "UBND xã", "lowland", 2016), ("PL", "Xã Phú Lâm", "UBND xã", "lowland", 2017), ("HX", "Xã Hiệp Xương", "UBND xã", "lowland", 2018), ("BTD", "Xã Bình Thạnh Đông", "UBND xã", "lowland", 2019), ("PTH", "Xã Phú Thạnh", "UBND xã", "lowland", 2019), ("TT", "Xã Tân Trung", "UBND xã", "lowland", None)]),
    ("AG-CP", "Huyện Châu Phú", "UBND huyện", [("BMY", "Xã Bình Mỹ", "UBND xã", "lowland", 2017), ("DB", "Xã Đào Hữu Cảnh", "UBND xã", "lowland", None)]),
    ("AG-TB", "Thị xã Tịnh Biên", "UBND thị xã", [("AC", "Xã An Cư", "UBND xã", "mountain", None), ("VT", "Xã Văn Giáo", "UBND xã", "mountain", 2021), ("NCU", "Phường Nhà Bàng", "UBND phường", "mountain", None)]),
    ("AG-TT", "Huyện Tri Tôn", "UBND huyện", [("LA", "Xã Lương An Trà", "UBND xã", "mountain", None), ("NT", "Xã Núi Tô", "UBND xã", "mountain", 2022)]),
    ("AG-CT", "Huyện Châu Thành", "UBND huyện", [("VH", "Xã Vĩnh Hanh", "UBND xã", "lowland", 2016), ("BH", "Xã Bình Hòa", "UBND xã", "lowland", 2015)]),
    ("AG-CM", "Huyện Chợ Mới", "UBND huyện", [("KA", "Xã Kiến An", "UBND xã", "lowland", 2016), ("LG", "Xã Long Giang", "UBND xã", "lowland", 2018), ("MHB", "Xã Mỹ Hội Đông", "UBND xã", "lowland", None)]),
    ("AG-TS", "Huyện Thoại Sơn", "UBND huyện", [("VC", "Xã Vọng Thê", "UBND xã", "mountain", 2020), ("DT", "Xã Định Thành", "UBND xã", "lowland", 2017)]),
]

# Demo accounts: username, role, scope unit codes (empty: whole province), name. The province's
# staff see today's province and the old units it came from (their history).
DEMO_PASSWORD = "ChiSo@2025"
PROVINCE_SCOPE = ("T91", "AG", "KG")
ACCOUNTS = [
    ("admin", "administrator", (), "Quản trị Sở KH&CN"),
    ("chuyenvien", "reviewer", PROVINCE_SCOPE, "Chuyên viên Sở KH&CN"),
    ("xa.phutan", "reporter", ("X30406",), "Cán bộ CNTT xã Phú Tân"),
    ("so.tuphap", "reporter", ("T91-STP",), "Cán bộ CNTT Sở Tư pháp"),
    ("lanhdao", "viewer", PROVINCE_SCOPE, "Lãnh đạo UBND tỉnh"),
]


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    attributes: dict


def unit_rows() -> list[UnitRow]:
    """The demo hierarchy, parents before children."""
    rows = [UnitRow(ROOT[0], ROOT[1], "province", ROOT[2], None, {"demo": "1"})]
    for code, name in AGENCIES:
        rows.append(UnitRow(code, name, "province", "Sở, ban, ngành", "AG", {"demo": "1"}))
    for code, name, kind, communes in DISTRICTS:
        rows.append(UnitRow(code, name, "district", kind, "AG", {"demo": "1"}))
        for suffix, cname, ckind, terrain, year in communes:
            attrs = {"demo": "1", "terrain": terrain}
            if year:
                attrs["recognized_year"] = str(year)
            rows.append(UnitRow(f"{code}-{suffix}", cname, "commune", ckind, code, attrs))
    return rows


# --------------------------------------------------------------------------- values

# Typical yearly volumes (dossiers, documents …) by level, for denominators.
VOLUME = {"province": (400, 6000), "district": (3000, 20000), "commune": (150, 1500)}


def _whole_at_least(fraction: Fraction, den: int) -> int:
    return math.ceil(fraction * den)


def ratio_inputs(target: Target, met: bool, level: str, rng: random.Random) -> tuple[int, int]:
    """A numerator/denominator pair that meets (or misses) ``target``."""
    low, high = VOLUME.get(level, (100, 1000))
    den = rng.randint(low, high)
    op = target.op
    if op == "range":
        lo, hi = target.minimum or Fraction(0), target.maximum or Fraction(1)
        if met:
            share = lo + (hi - lo) * Fraction(rng.randint(1, 9), 10)
            return min(den, _whole_at_least(share, den)), den
        return max(0, _whole_at_least(lo, den) - rng.randint(1, max(1, den // 10))), den
    t = Fraction(target.value) if target.value is not None else Fraction(1)
    if op in (">=", ">"):
        need = _whole_at_least(t, den) + (1 if op == ">" and (t * den).denominator == 1 else 0)
        if met:
            return min(den, need + rng.randint(0, max(0, den - need))), den
        short = rng.randint(1, max(1, min(need, den // 8 or 1)))
        return max(0, need - short), den
    if op in ("<=", "<"):
        cap = math.floor(t * den)
        if met:
            return rng.randint(0, max(0, cap - (1 if op == "<" else 0))), den
        return min(den, cap + rng.randint(1, max(1, den // 10))), den
    # "=": choose a denominator the target divides exactly
    den = t.denominator * max(1, den // t.denominator)
    exact = int(t * den)
    return (exact, den) if met else (max(0, exact - rng.randint(1, max(1, den // 20))), den)


def number_input(target: Target, met: bool, rng: random.Random) -> Fraction:
    t = Fraction(target.value) if isinstance(target.value, Fraction | int) else Fraction(1)
    if target.op in (">=", ">", "="):
        if met:
            return t + (rng.randint(0, 3) if target.op != "=" else 0) + (1 if target.op == ">" else 0)
        return max(Fraction(0), t - rng.randint(1, 2))
    if target.op in ("<=", "<"):
        return max(Fraction(0), t - rng.randint(0, 2)) if met else t + rng.randint(1, 3)
    lo, hi = target.minimum or Fraction(0), target.maximum or Fraction(10)
    return (lo + hi) / 2 if met else lo - 1


def synthesize(
    indicator: Indicator, unit: UnitInfo, year: int, met: bool, rng: random.Random, prefix: str | None = None
) -> dict[str, Fraction | bool | str]:
    """Input values for one indicator that meet it (``met``) or miss it."""
    prefix = prefix or indicator.code
    kind = indicator.kind
    if kind == "composite":
        out: dict[str, Fraction | bool | str] = {}
        required = list(indicator.required_items or [i.code for i in indicator.items])
        failing = rng.choice(required) if (not met and required) else None
        for item in indicator.items:
            out.update(synthesize(item, unit, year, item.code != failing, rng, f"{prefix}.{item.code}"))
        return out
    if kind == "text":
        return {f"{prefix}.value": "Đã triển khai theo kế hoạch của đơn vị (dữ liệu minh hoạ)."}
    if kind == "boolean":
        return {f"{prefix}.value": met}
    if kind == "score":
        top = indicator.max_points.get(unit.level, indicator.max_points.get("default", Fraction(10)))
        floor = indicator.minimum_points.get(unit.level, indicator.minimum_points.get("default", Fraction(0)))
        if met:
            return {f"{prefix}.value": Fraction(rng.randint(math.ceil(floor), max(math.ceil(floor), int(top))))}
        return {f"{prefix}.value": Fraction(max(0, math.ceil(floor) - rng.randint(1, 2)))}
    target = select_target(indicator, unit, year)
    if target is None:
        return {}
    if kind == "ratio":
        num, den = ratio_inputs(target, met, unit.level, rng)
        return {f"{prefix}.numerator": Fraction(num), f"{prefix}.denominator": Fraction(den)}
    return {f"{prefix}.value": number_input(target, met, rng)}


@dataclass(frozen=True)
class Plan:
    """How many units of a level complete in a period, and which criteria the others fail."""

    complete_share: Fraction
    not_reported: int = 0
    blocking: tuple[str, ...] = ()  # criteria most units fail (seed 000: 1, 3, 6)
    exact_complete: int | None = None  # overrides the share (seed 000: 13 of 20 agencies)


PLANS: dict[str, dict[str, dict[str, Plan]]] = {
    "ag-cqdt-2021": {
        "2023": {
            "province": Plan(Fraction(65, 100), 0, ("1", "3", "6"), exact_complete=13),
            "district": Plan(Fraction(45, 100), 0, ("1", "3", "6", "11")),
            "commune": Plan(Fraction(30, 100), 2, ("1", "3", "6", "10")),
        },
        "2024": {
            "province": Plan(Fraction(85, 100), 0, ("1", "6"), exact_complete=17),
            "district": Plan(Fraction(70, 100), 0, ("1", "6")),
            "commune": Plan(Fraction(55, 100), 1, ("1", "3", "10")),
        },
    },
    "ntm-xa-2021": {
        "2023": {"commune": Plan(Fraction(80, 100), 1, ("8.4", "8.3"))},
        "2024": {"commune": Plan(Fraction(90, 100), 0, ("8.4",))},
    },
    "ntm-nang-cao-xa-2021": {
        "2023": {"commune": Plan(Fraction(1), 0, ("8.2", "15.3"))},
    },
    "nq17-2019": {
        "2024": {"province": Plan(Fraction(0), 0, ("11", "15"))},
        "2025-01": {"province": Plan(Fraction(0), 0, ("11", "15"))},
    },
    "xep-hang-mau": {
        "2024": {
            "province": Plan(Fraction(40, 100), 1, ()),
            "district": Plan(Fraction(30, 100), 0, ()),
            "commune": Plan(Fraction(10, 100), 2, ()),
        },
    },
}

# Seed 002's own January 2025 figures for the province (Phụ lục 1).
SEED_002 = {
    "2": (54919, 58669),
    "11": (54935, 62922),
    "15": (32177, 32656),
}
# Seed 003's advanced new-rural communes: smartphone subscribers / working-age population.
SEED_003_SMARTPHONES = {"AG-PT-PB": (4676, 5366), "AG-PT-PL": (5891, 6181)}


def plan_values(
    spec: FrameworkSpec, period: str, year: int, units: list[UnitInfo], seed: int | str = 2025,
    plans: dict[str, Plan] | None = None,
) -> dict[str, dict[str, Fraction | bool | str]]:
    """unit code → element → value for one framework and period, following ``PLANS`` (or ``plans``)."""
    plans = PLANS.get(spec.code, {}).get(period, {}) if plans is None else plans
    rng = random.Random(f"{seed}-{spec.code}-{period}")
    out: dict[str, dict[str, Fraction | bool | str]] = {}
    if spec.code == "ntm-nang-cao-xa-2021":
        # Only the two communes recognised as advanced (seed 003) report against it.
        units = [u for u in units if u.code in SEED_003_SMARTPHONES]
    for level, plan in plans.items():
        members = [u for u in units if u.level == level]
        rng.shuffle(members)
        skipped = members[: plan.not_reported]
        members = members[plan.not_reported :]
        n_complete = plan.exact_complete if plan.exact_complete is not None else round(plan.complete_share * len(members))
        for index, unit in enumerate(members):
            applicable = [
                ind for ind in spec.indicators
                if (ind.levels is None or unit.level in ind.levels) and ind.kind != "text"
            ]
            complete = index < n_complete
            failing: set[str] = set()
            if not complete:
                candidates = [c for c in plan.blocking if any(i.code == c for i in applicable)]
                candidates = candidates or [i.code for i in applicable]
                count = rng.choice([len(candidates)] * 2 + [1, 2]) if candidates else 0
                failing = set(rng.sample(candidates, min(count, len(candidates))))
            values: dict[str, Fraction | bool | str] = {}
            for ind in spec.indicators:
                if ind.levels is not None and unit.level not in ind.levels:
                    continue
                values.update(synthesize(ind, unit, year, ind.code not in failing, rng))
            out[unit.code] = values
        for unit in skipped:
            out.pop(unit.code, None)
    if spec.code == "nq17-2019" and period == "2025-01":
        for unit_values in out.values():
            for code, (num, den) in SEED_002.items():
                unit_values[f"{code}.numerator"] = Fraction(num)
                unit_values[f"{code}.denominator"] = Fraction(den)
    if spec.code == "ntm-nang-cao-xa-2021":
        for code, (num, den) in SEED_003_SMARTPHONES.items():
            if code in out:
                out[code]["8.2.numerator"] = Fraction(num)
                out[code]["8.2.denominator"] = Fraction(den)
    return out
