"""Small frameworks built directly as dataclasses, each exercising one edge, plus the seeds' figures.

No YAML here on purpose: the engine is tested on its own contract.
"""

from __future__ import annotations

from fractions import Fraction as F

from chiso.engine.model import (
    Band,
    Category,
    Framework,
    Indicator,
    LegalBasis,
    Rule,
    Scope,
    Target,
    TargetRule,
    UnitInfo,
)

LEGAL = LegalBasis(number="17/NQ-CP", date=None, issuer="Chính phủ")
ALL_LEVELS = ("province", "district", "commune")


def ge(value, **conditions) -> TargetRule:
    return TargetRule(Target(">=", F(value)), **conditions)


def le(value, **conditions) -> TargetRule:
    return TargetRule(Target("<=", F(value)), **conditions)


def eq(value, **conditions) -> TargetRule:
    return TargetRule(Target("=", F(value)), **conditions)


def ratio(code: str, name: str = "", *targets: TargetRule, **kw) -> Indicator:
    return Indicator(code=code, name=name or f"Chỉ tiêu {code}", kind="ratio", targets=tuple(targets), **kw)


def framework(*indicators: Indicator, kind: str = "criteria", levels=ALL_LEVELS, **kw) -> Framework:
    kw.setdefault("scope", Scope(levels=levels))
    return Framework(
        code=kw.pop("code", "test"),
        version="1",
        title="Bộ chỉ tiêu thử",
        kind=kind,
        legal_basis=LEGAL,
        levels=levels,
        indicators=tuple(indicators),
        **kw,
    )


def unit(code: str = "U1", level: str = "province", **kw) -> UnitInfo:
    kw.setdefault("parent_code", "AG")
    return UnitInfo(code=code, name=kw.pop("name", f"Đơn vị {code}"), level=level, **kw)


PROVINCE = unit("STTTT", "province", name="Sở Thông tin và Truyền thông")
DISTRICT = unit("PHUTAN", "district", name="UBND huyện Phú Tân")
COMMUNE = unit("PHULAM", "commune", name="UBND xã Phú Lâm", parent_code="PHUTAN")
LOWLAND = unit("PHUTHO", "commune", attributes={"terrain": "lowland"}, parent_code="PHUTAN")
MOUNTAIN = unit("NUICAM", "commune", attributes={"terrain": "Mountain"}, parent_code="TINHBIEN")


# Seed 002: three of Resolution 17's 21 indicators, January 2025, province as a whole.
NQ17 = framework(
    ratio("2", "Tỷ lệ hồ sơ giải quyết trực tuyến", ge("0.5")),
    ratio("11", "Dịch vụ công trực tuyến xử lý bằng hồ sơ điện tử", eq(1)),
    ratio("15", "Văn bản trao đổi giữa các cơ quan dưới dạng điện tử", eq(1)),
    Indicator(code="1", name="Nội dung thực hiện", kind="text"),
    code="nq17",
)
SEED_002_VALUES = {
    "2.numerator": F(54919),
    "2.denominator": F(58669),
    "11.numerator": F(54935),
    "11.denominator": F(62922),
    "15.numerator": F(32177),
    "15.denominator": F(32656),
    "1.value": "Tích hợp 100% dịch vụ công trực tuyến",
}

# Seed 000: one measure with level-specific targets 90% / 80% / 65%.
WORK_DOSSIERS = framework(
    ratio(
        "8",
        "Hồ sơ công việc được xử lý trên môi trường mạng",
        ge("0.9", level="province"),
        ge("0.8", level="district"),
        ge("0.65", level="commune"),
    )
)

# Seed 003: loudspeakers in hamlets, lowland 100%, mountain 90%.
LOUDSPEAKERS = framework(
    ratio(
        "8.3",
        "Ấp có hệ thống loa truyền thanh",
        eq(1, attributes={"terrain": "lowland"}),
        ge("0.9", attributes={"terrain": "mountain"}),
    ),
    levels=("commune",),
)

# Province milestones: 60% by 2023, 90% by 2025.
MILESTONES = framework(
    ratio("14", "Tỷ lệ cơ quan hoàn thành CQĐT", ge("0.6", year_to=2023), ge("0.9", year_from=2024))
)

# Seed 002 indicator 20: a range target "từ 30% – 50%".
RANGE = framework(ratio("20", "Tỷ lệ dịch vụ công trực tuyến toàn trình", TargetRule(Target("range", minimum=F("0.3"), maximum=F("0.5")))))

# Seed 003: criterion 8.4, IT in management, sub-items a, b, c.
IT_84 = framework(
    Indicator(
        code="8.4",
        name="Ứng dụng CNTT trong công tác quản lý, điều hành",
        kind="composite",
        items=(
            Indicator(code="a", name="Tỷ lệ cán bộ có máy tính", kind="ratio", targets=(ge("0.5"),)),
            Indicator(
                code="b",
                name="Phần mềm dùng trong quản lý",
                kind="number",
                targets=(ge(4),),
                unit_label="phần mềm",
            ),
            Indicator(code="c", name="Tỷ lệ hồ sơ trực tuyến của xã", kind="ratio", targets=(ge("0.3"),)),
        ),
    ),
    levels=("commune",),
)
IT_84_MET = {
    "8.4.a.numerator": F(20),
    "8.4.a.denominator": F(22),
    "8.4.b.value": F(5),
    "8.4.c.numerator": F(373),
    "8.4.c.denominator": F(416),
}

# Seed 001: dossier identities as framework rules.
DOSSIERS = framework(
    Indicator(code="hs.1", name="Hồ sơ kỳ trước chuyển sang", kind="number", targets=(ge(0),), alias="carried"),
    Indicator(code="hs.2", name="Hồ sơ tiếp nhận trong kỳ", kind="number", targets=(ge(0),), alias="received"),
    Indicator(code="hs.3", name="Hồ sơ không đủ điều kiện", kind="number", targets=(ge(0),), alias="ineligible"),
    Indicator(code="hs.4", name="Tổng hồ sơ cần giải quyết", kind="number", targets=(ge(0),), alias="to_resolve"),
    Indicator(code="hs.5", name="Hồ sơ đã giải quyết", kind="number", targets=(ge(0),), alias="resolved"),
    Indicator(code="hs.6", name="Hồ sơ đang xử lý", kind="number", targets=(ge(0),), alias="pending"),
    rules=(
        Rule(
            "carried + received - ineligible == to_resolve",
            "Kỳ trước chuyển sang + tiếp nhận − không đủ điều kiện phải bằng tổng cần giải quyết",
            applies_to=("hs.4",),
        ),
        Rule(
            "to_resolve - resolved == pending",
            "Tổng cần giải quyết − đã giải quyết phải bằng số đang xử lý",
            applies_to=("hs.6",),
        ),
    ),
)
SEED_001_VALUES = {
    "hs.1.value": F(4985),
    "hs.2.value": F(81339),
    "hs.3.value": F(538),
    "hs.4.value": F(85786),
    "hs.5.value": F(79569),
    "hs.6.value": F(6217),
}

# Seed 004: score ranking with a category minimum per criterion; maximum differs by level.
RANKING = framework(
    Indicator(
        code="1.1",
        name="Hạ tầng kỹ thuật",
        kind="score",
        category="1",
        max_points={"province": F(10), "commune": F(5)},
        minimum_points={"province": F(5), "commune": F(2)},
    ),
    Indicator(
        code="1.2",
        name="Nhân lực CNTT",
        kind="score",
        category="1",
        max_points={"default": F(10)},
        minimum_points={"default": F(3)},
    ),
    Indicator(code="2.1", name="Dịch vụ công trực tuyến", kind="score", category="2", max_points={"default": F(20)}),
    kind="score",
    categories=(
        Category(
            code="1",
            name="Điều kiện sẵn sàng",
            bands=(Band("Mức 4", F("0.85")), Band("Mức 3", F("0.7")), Band("Mức 2", F("0.55")), Band("Mức 1", F("0.4"))),
        ),
        Category(code="2", name="Ứng dụng CNTT", bands=(Band("Mức 2", F("0.5")), Band("Mức 1", F("0.25")))),
    ),
)
