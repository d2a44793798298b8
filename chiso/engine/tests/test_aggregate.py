"""Scope, summary rate, histogram of met criteria and the criteria that block most units."""

from fractions import Fraction as F

from chiso.engine.aggregate import Blocking, blocking_criteria, in_scope, met_histogram, summarize
from chiso.engine.evaluate import evaluate
from chiso.engine.model import Indicator, Scope
from chiso.engine.numbers import format_percent

from .fixtures import framework, ge, ratio, unit

# Seed 000: nine criteria for provincial agencies; three of them most units fail.
NINE = framework(
    ratio("1", "Tỷ lệ hồ sơ giải quyết trực tuyến", ge("0.5")),
    Indicator(code="2", name="Tích hợp DVCTT với Cổng DVC quốc gia", kind="boolean"),
    ratio("3", "Hồ sơ TTHC qua Hệ thống một cửa điện tử", ge(1)),
    Indicator(code="4", name="DVCTT mức độ 4", kind="boolean"),
    Indicator(code="5", name="Cổng TTĐT công khai đầy đủ", kind="boolean"),
    ratio("6", "DVCTT xử lý bằng hồ sơ điện tử", ge(1)),
    Indicator(code="7", name="Văn bản điện tử", kind="boolean"),
    ratio("8", "Hồ sơ công việc trên môi trường mạng", ge("0.9", level="province")),
    Indicator(code="11", name="Báo cáo qua LRIS", kind="boolean"),
    levels=("province", "district"),
)
BLOCKERS = ("1", "3", "6")


def agency_values(failing: tuple[str, ...] = ()) -> dict:
    values = {}
    for ind in NINE.indicators:
        if ind.kind == "ratio":
            values[f"{ind.code}.numerator"] = F(0 if ind.code in failing else 10)
            values[f"{ind.code}.denominator"] = F(10)
        else:
            values[f"{ind.code}.value"] = ind.code not in failing
    return values


def seed_000_world():
    """20 provincial agencies: 13 complete, 5 failing the three blockers (6/9), 2 not reporting."""
    units = [unit(f"S{i:02d}", "province") for i in range(1, 21)]
    values = {}
    for i, u in enumerate(units):
        if i < 13:
            values[u.code] = agency_values()
        elif i < 18:
            values[u.code] = agency_values(BLOCKERS)
    return units, values


def test_summary_rate_13_of_20_is_65_percent():
    units, values = seed_000_world()
    ev = evaluate(NINE, units, values, "2023")
    tally = ev.summary.overall
    assert (tally.units, tally.assessed, tally.not_reported, tally.complete) == (20, 18, 2, 13)
    assert tally.rate == F(13, 20)
    assert format_percent(tally.rate) == "65%"
    assert list(ev.summary.by_level) == ["province"]
    assert ev.summary.by_level["province"].rate == F(13, 20)


def test_summary_per_level_in_level_order():
    results = evaluate(NINE, [unit("H1", "district"), unit("S1", "province")], {"S1": agency_values()}, "2023").results
    summary = summarize(results)
    assert list(summary.by_level) == ["province", "district"]
    assert summary.by_level["district"].complete == 0
    assert summary.by_level["district"].not_reported == 1
    assert summary.by_level["district"].rate == F(0)


def test_empty_summary_has_no_rate():
    assert summarize([]).overall.rate is None


def test_histogram_most_units_at_6_of_9_style():
    units, values = seed_000_world()
    ev = evaluate(NINE, units, values, "2023")
    assert met_histogram(ev.results) == {(9, 9): 13, (6, 9): 5}
    assert met_histogram(ev.results, level="district") == {}


def test_blocking_criteria_sorted_by_most_failing():
    units, values = seed_000_world()
    values["S14"]["1.numerator"] = F(9)  # S14 now passes criterion 1
    values["S15"]["5.value"] = False  # and S15 also fails criterion 5
    ev = evaluate(NINE, units, values, "2023")
    rows = blocking_criteria(ev.results)
    assert [r.code for r in rows] == ["3", "6", "1", "5"]
    assert rows[0] == Blocking("3", "Hồ sơ TTHC qua Hệ thống một cửa điện tử", 5, 18, ("S14", "S15", "S16", "S17", "S18"))
    assert rows[2].failing == 4 and rows[2].assessed == 18
    assert rows[3].units == ("S15",)
    assert blocking_criteria(ev.results, level="district") == []


def test_in_scope_agencies_excludes_the_province_as_a_whole():
    fw = framework(ratio("1", "", ge("0.5")), scope=Scope(levels=("province", "district")))
    assert not in_scope(fw, unit("AG", "province", parent_code=None, has_children=True))
    assert in_scope(fw, unit("STTTT", "province", parent_code="AG"))
    # A province-level unit with no parent and no children is an agency recorded on its own.
    assert in_scope(fw, unit("LONE", "province", parent_code=None, has_children=False))
    assert in_scope(fw, unit("PHUTAN", "district"))
    assert not in_scope(fw, unit("PHULAM", "commune"))


def test_in_scope_province_only():
    fw = framework(ratio("2", "", ge("0.5")), scope=Scope(levels=("province",), assesses="province"))
    assert in_scope(fw, unit("AG", "province", parent_code=None, has_children=True))
    assert not in_scope(fw, unit("STTTT", "province", parent_code="AG"))
    assert not in_scope(fw, unit("PHUTAN", "district", parent_code=None))


def test_in_scope_kinds_case_insensitive():
    fw = framework(ratio("1", "", ge("0.5")), scope=Scope(levels=("commune",), kinds=("xã", "Thị trấn")))
    assert in_scope(fw, unit("A", "commune", kind="Xã"))
    assert in_scope(fw, unit("B", "commune", kind="thị trấn"))
    assert not in_scope(fw, unit("C", "commune", kind="phường"))
    assert not in_scope(fw, unit("D", "commune", kind=""))
