"""The compiled fast path for CEL rules answers exactly as cel-python does, or leaves the answer to it."""

import itertools
from dataclasses import replace
from fractions import Fraction as F

import pytest

from chiso.engine.expressions import ABSENT, ExpressionError, MissingInput, compile_expression

FORMULAS = [
    "numerator <= denominator",
    "a + b - 1 == m.x",
    "a * b > 100 || !b_flag",
    "a && b",
    "a || b",
    "a && false",
    "true || a",
    "-a < b",
    "a == b",
    "a != b",
    "a ? b : 1",
    'inputs["2.numerator"] >= inputs["2.denominator"]',
    "m.x + a >= 0 && b <= 3",
    "a - b == 0 || (a > 1 && b < 1)",
    "9223372036854775807 + a > 0",
    "a * 4611686018427387904 > b",
    "a >= 0.5",
]
VALUES = [ABSENT, 0, F(1), F(-1), F(3, 2), 2**63 - 1, True, False, "x", None, {"x": F(2)}]
MAPS = [ABSENT, {"x": F(4)}, {"x": True}]
INPUTS = [{"2.numerator": F(3), "2.denominator": F(4)}, {"2.numerator": F(5)}]


def outcome(run):
    try:
        return ("value", run())
    except MissingInput:
        return ("missing",)
    except ExpressionError:
        return ("error",)


def activations():
    for a, b, m, inputs in itertools.product(VALUES, VALUES, MAPS, INPUTS):
        act = {"a": a, "b": b, "m": m, "inputs": inputs, "numerator": a, "denominator": b, "b_flag": b}
        yield {k: v for k, v in act.items() if v is not ABSENT}


@pytest.mark.parametrize("text", FORMULAS)
def test_fast_path_agrees_with_cel_python(text):
    fast = compile_expression(text)
    slow = replace(fast, _fast=None)
    for act in activations():
        expected = outcome(lambda: slow.evaluate(act))  # noqa: B023
        got = outcome(lambda: fast.evaluate(act))  # noqa: B023
        lazily = outcome(lambda: fast.evaluate_lookup(lambda name: act.get(name, ABSENT)))  # noqa: B023
        assert got == expected, (text, act)
        assert lazily == expected, (text, act)
        if expected[0] == "value":
            assert type(got[1]) is type(expected[1])


def test_common_rules_take_the_fast_path():
    for text in ("numerator <= denominator", "carried + received - ineligible == to_resolve", "value <= 50000",
                 'inputs["8.4.a.value"] >= inputs["8.4.b.value"]'):
        assert compile_expression(text)._fast is not None
    for text in ("has(m.x)", "size(xs) == 2", "a / b > 1", "value >= 0.5"):
        assert compile_expression(text)._fast is None


def test_only_the_names_a_formula_mentions_are_converted():
    expr = compile_expression("a >= 1")
    assert expr.names == frozenset({"a"})
    # an unconvertible value under another name is not even looked at
    assert expr.evaluate({"a": F(2), "other": object()}) is True
