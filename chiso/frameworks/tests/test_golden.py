"""Golden cases: the bundled frameworks evaluated by the engine on the seeds' own figures."""

from __future__ import annotations

from fractions import Fraction

from chiso.engine.evaluate import evaluate, evaluate_unit
from chiso.engine.model import Framework, UnitInfo
from chiso.engine.numbers import format_percent
from chiso.frameworks.loader import LIBRARY_DIR, load_framework_file

PROVINCE = UnitInfo(code="AG", name="Tỉnh An Giang", level="province", has_children=True)
SO = UnitInfo(code="STTTT", name="Sở Thông tin và Truyền thông", level="province", parent_code="AG")
HUYEN = UnitInfo(code="PT", name="UBND huyện Phú Tân", level="district", parent_code="AG", has_children=True)
TAN_TRUNG = UnitInfo(code="TT", name="UBND xã Tân Trung", level="commune", parent_code="PT")
PHU_BINH = UnitInfo(code="PB", name="UBND xã Phú Bình", level="commune", parent_code="PT")


def library(code: str) -> Framework:
    return load_framework_file(LIBRARY_DIR / f"{code}.yaml")


def counts(**pairs: tuple[int, int]) -> dict[str, Fraction]:
    out: dict[str, Fraction] = {}
    for element, (num, den) in pairs.items():
        prefix = element.replace("_", ".")
        out[f"{prefix}.numerator"] = Fraction(num)
        out[f"{prefix}.denominator"] = Fraction(den)
    return out


def test_nq17_january_2025_figures_of_seed_002() -> None:
    values = counts(**{"2": (54919, 58669), "11": (54935, 62922), "15": (32177, 32656)})
    evaluation = evaluate(library("nq17-2019"), [PROVINCE], {"AG": values}, "2025-01")
    result = evaluation.result("AG")

    online = result.indicator("2")
    assert (online.status, format_percent(online.value), online.target_text) == ("met", "93,61%", "≥ 50%")
    e_dossiers = result.indicator("11")
    assert (e_dossiers.status, format_percent(e_dossiers.value)) == ("not_met", "87,31%")
    assert e_dossiers.target_text == "= 100%"
    documents = result.indicator("15")
    assert (documents.status, format_percent(documents.value)) == ("not_met", "98,53%")
    assert "32.177/32.656 = 98,53%" in documents.explanation
    assert result.status == "incomplete"
    assert result.applicable == 22


def test_nq17_range_and_level_rules_for_the_province() -> None:
    values = counts(**{"20": (50, 100), "20_1": (9, 10)})
    result = evaluate_unit(library("nq17-2019"), PROVINCE, values, "2025")
    assert (result.indicator("20").status, result.indicator("20").target_text) == ("met", "từ 30% đến 50%")
    sub = result.indicator("20.1")
    assert (sub.status, sub.target_text) == ("not_met", "= 100%")  # the province rule, not 80%
    above = evaluate_unit(library("nq17-2019"), PROVINCE, counts(**{"20": (60, 100)}), "2025")
    assert above.indicator("20").status == "not_met"


def test_ag_cqdt_counts_nine_nine_and_six_criteria() -> None:
    fw = library("ag-cqdt-2021")
    evaluation = evaluate(fw, [SO, HUYEN, TAN_TRUNG], {"STTTT": counts(**{"1": (6, 10)})}, "2023")
    assert [evaluation.result(c).applicable for c in ("STTTT", "PT", "TT")] == [9, 9, 6]
    so = evaluation.result("STTTT")
    assert so.indicator("9").status == "not_applicable"
    assert so.indicator("1").status == "met"
    assert evaluation.result("PT").status == "not_reported"


def test_ag_cqdt_unit_with_every_criterion_met_is_complete() -> None:
    fw = library("ag-cqdt-2021")
    values = counts(**{"1": (60, 100), "3": (5, 5), "4": (7, 7), "6": (9, 9), "7": (40, 40), "10": (70, 100)})
    result = evaluate_unit(fw, TAN_TRUNG, values, "2024")
    assert (result.status, result.met, result.applicable) == ("complete", 6, 6)
    failing = evaluate_unit(fw, TAN_TRUNG, {**values, **counts(**{"10": (60, 100)})}, "2024")
    assert (failing.status, failing.met) == ("incomplete", 5)
    assert failing.indicator("10").target_text == "≥ 65%"


def test_ntm_xa_8_4_c_of_tan_trung() -> None:
    values = {
        **counts(**{"8.4.a": (20, 20), "8.4.c": (373, 416)}),
        "8.4.b.value": Fraction(4),
    }
    result = evaluate_unit(library("ntm-xa-2021"), TAN_TRUNG, values, "2023")
    criterion = result.indicator("8.4")
    c = next(item for item in criterion.items if item.code.endswith("c"))
    assert (c.status, format_percent(c.value), c.target_text) == ("met", "89,66%", "≥ 30%")
    assert criterion.status == "met"


def test_ntm_xa_8_3_two_thirds_of_hamlets() -> None:
    fw = library("ntm-xa-2021")
    good = evaluate_unit(fw, TAN_TRUNG, {"8.3.a.value": True, **counts(**{"8.3.b": (4, 6)})}, "2023")
    assert good.indicator("8.3").status == "met"
    short = evaluate_unit(fw, TAN_TRUNG, {"8.3.a.value": True, **counts(**{"8.3.b": (3, 6)})}, "2023")
    assert short.indicator("8.3").status == "not_met"


def test_ntm_nang_cao_phu_binh_2023() -> None:
    values = counts(**{"8.2": (4676, 5366), "8.4.a": (2134, 2818), "8.4.b": (20, 20)})
    result = evaluate_unit(library("ntm-nang-cao-xa-2021"), PHU_BINH, values, "2023")
    phones = result.indicator("8.2")
    assert (phones.status, format_percent(phones.value), phones.target_text) == ("met", "87,14%", "≥ 55%")
    items = {item.code.rsplit(".", 1)[-1]: item for item in result.indicator("8.4").items}
    assert (items["a"].status, format_percent(items["a"].value)) == ("met", "75,73%")
    assert (items["b"].status, format_percent(items["b"].value)) == ("met", "100%")


def test_ntm_nang_cao_loudspeakers_depend_on_terrain() -> None:
    fw = library("ntm-nang-cao-xa-2021")
    values = {**counts(**{"8.3.a": (9, 10), "8.3.b": (10, 10)}), "8.3.c.value": Fraction(1)}
    mountain = UnitInfo(code="MN", name="Xã miền núi", level="commune", attributes={"terrain": "mountain"})
    assert evaluate_unit(fw, mountain, values, "2023").indicator("8.3").status == "met"
    assert evaluate_unit(fw, PHU_BINH, values, "2023").indicator("8.3").status == "not_met"


def test_xep_hang_mau_ranks_or_refuses_to_rank_a_category() -> None:
    fw = library("xep-hang-mau")
    strong = {"1.value": 14, "2.value": 11, "3.value": 7, "4.value": 11,
              "5.value": 18, "6.value": 12, "7.value": 13, "8.value": 10}
    result = evaluate_unit(fw, SO, {k: Fraction(v) for k, v in strong.items()}, "2018")
    assert result.score is not None
    assert (result.score.points, result.score.max_points) == (96, 108)
    ready = next(c for c in result.score.categories if c.code == "san-sang")
    assert (ready.name, ready.ranked, ready.level) == ("Điều kiện sẵn sàng", True, "Mức 4")  # 43/47
    weak = dict(strong, **{"7.value": 4})  # below the provincial minimum of 5
    result = evaluate_unit(fw, SO, {k: Fraction(v) for k, v in weak.items()}, "2018")
    services = next(c for c in result.score.categories if c.code == "ung-dung")
    assert (services.ranked, services.blocking) == (False, ("7",))
    maxima = [evaluate_unit(fw, u, {"1.value": Fraction(3)}, "2018").score.max_points for u in (SO, HUYEN, TAN_TRUNG)]
    assert maxima == [108, 100, 90]
    assert evaluate_unit(fw, TAN_TRUNG, {}, "2018").status == "not_reported"
