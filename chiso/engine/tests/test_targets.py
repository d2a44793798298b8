"""Choosing the target that applies, comparing exactly, saying it in words."""

from fractions import Fraction as F

import pytest

from chiso.engine.model import Target, TargetRule
from chiso.engine.targets import compare, describe_target, select_target

from .fixtures import (
    COMMUNE,
    DISTRICT,
    LOUDSPEAKERS,
    LOWLAND,
    MILESTONES,
    MOUNTAIN,
    PROVINCE,
    WORK_DOSSIERS,
    unit,
)


def test_it_selects_the_target_of_the_unit_level():
    ind = WORK_DOSSIERS.indicator("8")
    assert select_target(ind, PROVINCE, 2025).value == F("0.9")
    assert select_target(ind, DISTRICT, 2025).value == F("0.8")
    assert select_target(ind, COMMUNE, 2025).value == F("0.65")


def test_attribute_comparison_ignores_case():
    ind = LOUDSPEAKERS.indicator("8.3")
    assert select_target(ind, LOWLAND, 2024) == Target("=", F(1))
    # The unit says "Mountain", the rule says "mountain".
    assert select_target(ind, MOUNTAIN, 2024) == Target(">=", F("0.9"))
    assert select_target(ind, unit("X", "commune", attributes={"terrain": " MOUNTAIN "}), 2024).value == F("0.9")


def test_no_target_when_no_rule_applies():
    ind = LOUDSPEAKERS.indicator("8.3")
    assert select_target(ind, unit("X", "commune"), 2024) is None
    assert select_target(ind, unit("X", "commune", attributes={"terrain": "island"}), 2024) is None


def test_year_milestones():
    ind = MILESTONES.indicator("14")
    assert select_target(ind, PROVINCE, 2022).value == F("0.6")
    assert select_target(ind, PROVINCE, 2023).value == F("0.6")
    assert select_target(ind, PROVINCE, 2024).value == F("0.9")
    assert select_target(ind, PROVINCE, 2025).value == F("0.9")


def test_first_matching_rule_wins():
    from chiso.engine.model import Indicator

    ind = Indicator(
        code="x", name="x", kind="ratio",
        targets=(TargetRule(Target(">=", F(1)), attributes={"terrain": ["lowland", "delta"]}), TargetRule(Target(">=", F("0.5")))),
    )
    assert select_target(ind, unit("A", attributes={"terrain": "Delta"}), 2025).value == F(1)
    assert select_target(ind, unit("B", attributes={"terrain": "mountain"}), 2025).value == F("0.5")


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (F(1, 2), Target(">=", F(1, 2)), True),
        (F(1, 2) - F(1, 10**12), Target(">=", F(1, 2)), False),
        (F(1, 2), Target(">", F(1, 2)), False),
        (F(1, 10), Target("<=", F(1, 10)), True),
        (F(11, 100), Target("<=", F(1, 10)), False),
        (F(1, 20), Target("<", F(1, 10)), True),
        (F(1), Target("=", F(1)), True),
        (F(32177, 32656), Target("=", F(1)), False),
        (F(3, 10), Target("range", minimum=F(3, 10), maximum=F(1, 2)), True),
        (F(1, 2), Target("range", minimum=F(3, 10), maximum=F(1, 2)), True),
        (F(29, 100), Target("range", minimum=F(3, 10), maximum=F(1, 2)), False),
        (F(51, 100), Target("range", minimum=F(3, 10), maximum=F(1, 2)), False),
        (True, Target("=", True), True),
        (False, Target("=", True), False),
    ],
)
def test_compare_is_exact(value, target, expected):
    assert compare(value, target) is expected


@pytest.mark.parametrize(
    ("target", "kind", "text"),
    [
        (Target(">=", F(1, 2)), "ratio", "≥ 50%"),
        (Target("<=", F(1, 10)), "ratio", "≤ 10%"),
        (Target("=", F(1)), "ratio", "= 100%"),
        (Target(">", F("0.655")), "ratio", "> 65,5%"),
        (Target("range", minimum=F(3, 10), maximum=F(1, 2)), "ratio", "từ 30% đến 50%"),
        (Target(">=", F(4)), "number", "≥ 4"),
        (Target(">=", F(1234)), "number", "≥ 1.234"),
        (Target("=", True), "boolean", "Có"),
        (None, "ratio", ""),
    ],
)
def test_describe_target(target, kind, text):
    assert describe_target(target, kind) == text
