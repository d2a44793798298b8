"""Score frameworks (seed 004): points per criterion, categories ranked or "Không xếp hạng"."""

from fractions import Fraction as F

import pytest

from chiso.engine.evaluate import evaluate_unit
from chiso.engine.numbers import format_percent

from .fixtures import COMMUNE, PROVINCE, RANKING


def score(values, who=PROVINCE):
    return evaluate_unit(RANKING, who, values, "2018")


def test_category_not_ranked_when_a_criterion_is_below_its_minimum_whatever_the_total():
    result = score({"1.1.value": F(10), "1.2.value": F(2), "2.1.value": F(15)})
    readiness, use = result.score.categories
    assert readiness.ranked is False
    assert readiness.level is None
    assert readiness.reason == "Tiêu chí 1.2 đạt 2 điểm, dưới mức tối thiểu 3 điểm"
    assert readiness.blocking == ("1.2",)
    assert (readiness.points, readiness.max_points) == (F(12), F(20))
    assert (use.ranked, use.level, use.reason) == (True, "Mức 2", "")
    c12 = result.indicator("1.2")
    assert (c12.status, c12.points, c12.max_points, c12.category) == ("not_met", F(2), F(10), "1")
    assert c12.explanation == "2/10 điểm, dưới mức tối thiểu 3 điểm"
    assert result.status == "incomplete"


def test_bands_highest_first_by_share_of_the_level_maximum():
    result = score({"1.1.value": F(9), "1.2.value": F(8), "2.1.value": F(6)})
    readiness, use = result.score.categories
    assert readiness.level == "Mức 4"  # 17/20 = 85%
    assert use.level == "Mức 1"  # 6/20 = 30%
    assert result.score.points == F(23)
    assert result.score.max_points == F(40)
    assert format_percent(result.score.share) == "57,5%"
    assert result.status == "complete"
    assert result.indicator("1.1").explanation == "9/10 điểm (tối thiểu 5) → Đạt"


def test_maximum_differs_by_level():
    result = score({"1.1.value": F(5), "1.2.value": F(10), "2.1.value": F(20)}, COMMUNE)
    readiness = result.score.categories[0]
    assert readiness.max_points == F(15)  # 5 for a commune + 10
    assert readiness.level == "Mức 4"  # 15/15
    assert result.score.share == F(1)


def test_below_every_band_is_not_ranked_with_the_share():
    result = score({"1.1.value": F(5), "1.2.value": F(3), "2.1.value": F(4)})
    use = result.score.categories[1]
    assert use.ranked is False
    assert use.reason == "Đạt 20% tổng điểm, dưới mức thấp nhất (Mức 1: 25%)"


def test_missing_criterion_blocks_ranking_and_is_named():
    result = score({"1.1.value": F(9), "2.1.value": F(15)})
    readiness = result.score.categories[0]
    assert (readiness.ranked, readiness.reason, readiness.blocking) == (False, "Tiêu chí 1.2 chưa có điểm", ("1.2",))


@pytest.mark.parametrize(
    ("points", "explanation"),
    [(F(11), "11/10 điểm: vượt điểm tối đa 10"), (F(-1), "Điểm âm (-1/10 điểm)")],
)
def test_points_outside_zero_to_maximum_are_invalid(points, explanation):
    result = score({"1.1.value": F(9), "1.2.value": points, "2.1.value": F(15)})
    c12 = result.indicator("1.2")
    assert (c12.status, c12.explanation) == ("invalid", explanation)
    assert result.score.categories[0].ranked is False
    assert result.score.categories[0].reason.startswith("Tiêu chí 1.2 có điểm không hợp lệ")


def test_criterion_without_minimum_is_met_when_reported():
    result = score({"1.1.value": F(9), "1.2.value": F(8), "2.1.value": F(0)})
    assert result.indicator("2.1").status == "met"
    assert result.indicator("2.1").explanation == "0/20 điểm → Đạt"


def test_unit_that_did_not_report_has_no_ranking():
    result = score({})
    assert result.status == "not_reported"
    assert all(not c.ranked for c in result.score.categories)
    assert result.score.points == F(0)
