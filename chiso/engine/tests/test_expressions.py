"""The CEL wrapper: exact inputs in, Python out, Vietnamese errors, missing inputs told apart."""

from fractions import Fraction as F

import pytest

from chiso.engine.expressions import ExpressionError, MissingInput, compile_expression


def test_it_evaluates_seed_001_identity_with_whole_numbers():
    expr = compile_expression("carried + received - ineligible == to_resolve")
    values = {"carried": F(4985), "received": F(81339), "ineligible": F(538), "to_resolve": F(85786)}
    assert expr.evaluate(values) is True
    assert expr.evaluate({**values, "to_resolve": F(85787)}) is False


def test_whole_fractions_become_ints_and_others_doubles():
    assert compile_expression("a + 1").evaluate({"a": F(4)}) == 5
    assert isinstance(compile_expression("a + 1").evaluate({"a": F(4)}), int)
    assert compile_expression("a * 2.0").evaluate({"a": F(1, 4)}) == 0.5


def test_int_and_double_compare_by_value():
    rule = compile_expression("value >= 0.5")
    assert rule.evaluate({"value": F(1)}) is True  # 100% arrives as a whole number
    assert rule.evaluate({"value": F(1, 3)}) is False
    assert compile_expression("x == 1.0").evaluate({"x": F(1)}) is True
    assert compile_expression("x != 2.5").evaluate({"x": F(2)}) is True
    assert compile_expression("x < 0.5").evaluate({"x": F(0)}) is True


def test_maps_lists_strings_and_bools_go_both_ways():
    act = {"ind": {"numerator": F(3), "denominator": F(4)}, "inputs": {"5.value": "Có"}, "flag": True, "xs": [F(1), F(2)]}
    assert compile_expression("ind.numerator <= ind.denominator").evaluate(act) is True
    assert compile_expression('inputs["5.value"]').evaluate(act) == "Có"
    assert compile_expression("flag && size(xs) == 2").evaluate(act) is True
    assert compile_expression("{'a': 1, 'b': [true]}").evaluate({}) == {"a": 1, "b": [True]}
    assert compile_expression("null").evaluate({}) is None


@pytest.mark.parametrize(
    ("text", "activation", "missing"),
    [
        ("a + 1", {}, "a"),
        ("m.x > 0", {"m": {}}, "x"),
        ('inputs["2.numerator"] > 0', {"inputs": {}}, "một khóa trong bảng giá trị"),
    ],
)
def test_absent_variables_and_keys_are_missing_input(text, activation, missing):
    with pytest.raises(MissingInput) as exc:
        compile_expression(text).evaluate(activation)
    assert isinstance(exc.value, ExpressionError)
    assert str(exc.value) == f'Biểu thức "{text}" cần giá trị chưa có: {missing}'


def test_has_lets_a_rule_test_for_presence():
    assert compile_expression("has(m.x) ? m.x > 0 : true").evaluate({"m": {}}) is True


def test_syntax_errors_say_where():
    with pytest.raises(ExpressionError) as exc:
        compile_expression("numerator <= ")
    assert exc.value.line == 1
    assert exc.value.column == 11
    assert str(exc.value).startswith('Biểu thức "numerator <= " sai cú pháp tại dòng 1, cột 11')
    assert not isinstance(exc.value, MissingInput)


def test_empty_expression_is_refused():
    with pytest.raises(ExpressionError, match="Biểu thức trống"):
        compile_expression("  ")


def test_runtime_errors_are_expression_errors_not_missing():
    with pytest.raises(ExpressionError, match="chia cho 0") as exc:
        compile_expression("a / b").evaluate({"a": F(1), "b": F(0)})
    assert not isinstance(exc.value, MissingInput)
    with pytest.raises(ExpressionError, match="double"):
        compile_expression("a + 0.5").evaluate({"a": F(1)})


def test_it_never_runs_python():
    with pytest.raises(ExpressionError):
        compile_expression("__import__('os').system('true')").evaluate({})


def test_compiled_expressions_are_cached():
    assert compile_expression("a > 1") is compile_expression("a > 1")
