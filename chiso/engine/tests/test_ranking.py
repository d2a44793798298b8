"""The one ranking rule (chiso.engine.ranking): per level, most points first, ties share a place."""

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.model import CategoryResult, ScoreResult, UnitResult
from chiso.engine.ranking import is_ranked, rank_by_level, rank_units

from .fixtures import unit


def scored(code: str, points: int, level: str = "province", maximum: int = 108,
           not_ranked: str = "", name: str | None = None) -> UnitResult:
    categories = (
        CategoryResult("A", "Điều kiện sẵn sàng", F(points), F(maximum), None if not_ranked else "Mức 4",
                       ranked=not not_ranked, reason=not_ranked),
    )
    return UnitResult(unit(code, level, name=name or f"Đơn vị {code}"), "incomplete", 0, 1, (),
                      ScoreResult(F(points), F(maximum), categories))


def silent(code: str, level: str = "province") -> UnitResult:
    return UnitResult(unit(code, level), "not_reported", 0, 1, (), None)


def test_most_points_first_and_ties_share_a_position():
    ranked, missing = rank_units([scored("C", 80), scored("A", 99), scored("B", 80), scored("D", 70)])
    assert [(r.unit.code, r.position, r.tied) for r in ranked] == [
        ("A", 1, False), ("B", 2, True), ("C", 2, True), ("D", 4, False)]
    assert missing == []


def test_tied_units_are_listed_by_name_then_code():
    ranked, _ = rank_units([scored("X2", 50, name="Sở B"), scored("X1", 50, name="Sở B"),
                            scored("X0", 50, name="Sở A")])
    assert [r.unit.code for r in ranked] == ["X0", "X1", "X2"]
    assert {r.position for r in ranked} == {1}


def test_a_category_below_its_minimum_keeps_the_place_but_names_the_criterion():
    reason = "Tiêu chí 2 đạt 3 điểm, dưới mức tối thiểu 5 điểm"
    ranked, _ = rank_units([scored("A", 91, not_ranked=reason), scored("B", 90)])
    assert [r.unit.code for r in ranked] == ["A", "B"]  # total points decide the place
    assert [c.reason for c in ranked[0].not_ranked] == [reason]
    assert ranked[1].not_ranked == ()


def test_units_not_reported_are_listed_apart_never_ranked_as_zero():
    results = [silent("S1"), scored("A", 0), silent("S2")]
    ranked, missing = rank_units(results)
    assert [r.unit.code for r in ranked] == ["A"]  # a reported 0 is ranked
    assert [r.unit.code for r in missing] == ["S1", "S2"]  # in the order given
    # a unit that reported but has no score (criteria framework) is not ranked either
    no_score = UnitResult(unit("N"), "complete", 1, 1, (), None)
    assert not is_ranked(no_score)


def test_each_level_is_ranked_on_its_own_in_the_order_province_district_commune():
    results = [scored("X1", 40, "commune", 60), scored("H1", 70, "district", 90), scored("T1", 50),
               scored("X2", 55, "commune", 60), silent("X3", "commune")]
    levels = rank_by_level(results)
    assert [lv.level for lv in levels] == ["province", "district", "commune"]
    commune = levels[2]
    assert [(r.unit.code, r.position) for r in commune.ranked] == [("X2", 1), ("X1", 2)]
    assert [r.unit.code for r in commune.not_reported] == ["X3"]
    assert commune.maximum == 60 and levels[1].maximum == 90
    assert rank_by_level([silent("X9", "commune")])[0].maximum is None


points = st.lists(st.one_of(st.none(), st.integers(0, 20)), max_size=25)


@settings(deadline=None)
@given(points=points)
def test_position_is_one_plus_the_units_with_more_points(points):
    results = [silent(f"U{i}") if p is None else scored(f"U{i}", p) for i, p in enumerate(points)]
    ranked, missing = rank_units(results)
    assert len(ranked) + len(missing) == len(results)
    assert {r.unit.code for r in missing} == {f"U{i}" for i, p in enumerate(points) if p is None}
    totals = [p for p in points if p is not None]
    for r in ranked:
        assert r.position == 1 + sum(1 for p in totals if p > r.score.points)
        assert r.tied == (totals.count(r.score.points) > 1)
    assert [r.score.points for r in ranked] == sorted((F(p) for p in totals), reverse=True)
