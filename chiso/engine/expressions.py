"""Formulas and validation rules written by methodologists, in CEL (never ``eval``).

A thin wrapper over ``cel-python`` that speaks the engine's types: exact
``Fraction``s go in as CEL ``int`` when whole and ``double`` otherwise, and
results come back as plain Python values. Comparisons between ``int`` and
``double`` are allowed (as in the current CEL specification), so a rule such as
``value >= 0.5`` works whether the value happens to be whole or not.

Errors are Vietnamese: ``ExpressionError`` for a formula that cannot be read
(with line and column) or fails while running, and its subclass
``MissingInput`` when a variable or map key is absent, so callers can treat
the rule as "not checked" instead of failed.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import celpy
from celpy import celtypes
from celpy.evaluation import CELEvalError

__all__ = ["ABSENT", "Expression", "ExpressionError", "MissingInput", "compile_expression", "to_cel", "from_cel"]


class ExpressionError(ValueError):
    """A CEL formula that cannot be read or evaluated; the message is Vietnamese."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class MissingInput(ExpressionError):
    """The formula refers to a variable or key that has no value: the rule is not checked."""


_NUMERIC = (celtypes.IntType, celtypes.UintType, celtypes.DoubleType)


def _exact(x: object) -> Fraction:
    return Fraction(str(x)) if isinstance(x, float) else Fraction(int(x))


def _numeric_relation(key: str, op):
    """CEL's relation ``key``, extended to compare an int with a double by exact value."""
    base = celpy.evaluation.base_functions[key]

    def relation(a, b):
        if (
            isinstance(a, _NUMERIC)
            and isinstance(b, _NUMERIC)
            and not isinstance(a, celtypes.BoolType)
            and not isinstance(b, celtypes.BoolType)
            and type(a) is not type(b)
        ):
            return celtypes.BoolType(op(_exact(a), _exact(b)))
        return base(a, b)

    return relation


_OPS = {
    "_<_": operator.lt,
    "_<=_": operator.le,
    "_>_": operator.gt,
    "_>=_": operator.ge,
    "_==_": operator.eq,
    "_!=_": operator.ne,
}
_FUNCTIONS = {key: _numeric_relation(key, op) for key, op in _OPS.items()}

_ENV = celpy.Environment()
_LOCK = threading.Lock()


def to_cel(value: object) -> object:
    """A Python value as CEL: whole Fractions → int, other numbers → double, maps and lists recursively."""
    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    if isinstance(value, Fraction | Decimal):
        frac = Fraction(value)
        if frac.denominator == 1:
            return celtypes.IntType(frac.numerator)
        return celtypes.DoubleType(float(frac))
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, Mapping):
        return celtypes.MapType({celtypes.StringType(str(k)): to_cel(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return celtypes.ListType([to_cel(v) for v in value])
    raise ExpressionError(f"Không chuyển được giá trị {value!r} sang biểu thức CEL")


def from_cel(value: object) -> object:
    """A CEL result as plain Python: bool, int, float, str, dict, list or None."""
    if value is None:
        return None
    if isinstance(value, celtypes.BoolType | bool):
        return bool(value)
    if isinstance(value, celtypes.IntType | celtypes.UintType):
        return int(value)
    if isinstance(value, celtypes.DoubleType):
        return float(value)
    if isinstance(value, celtypes.StringType):
        return str(value)
    if isinstance(value, celtypes.MapType):
        return {from_cel(k): from_cel(v) for k, v in value.items()}
    if isinstance(value, celtypes.ListType):
        return [from_cel(v) for v in value]
    return value


def _is_missing(err: CELEvalError) -> bool:
    return len(err.args) > 1 and err.args[1] is KeyError


def _describe(err: CELEvalError) -> str:
    text = str(err.args[0]) if err.args else str(err)
    if len(err.args) > 1 and err.args[1] is ZeroDivisionError:
        return "chia cho 0"
    if "no matching overload" in text:
        return "phép tính không áp dụng được cho các kiểu giá trị này (ví dụ cộng số nguyên với số thập phân: dùng double(x))"
    return text[:200]


@dataclass(frozen=True)
class Expression:
    """A compiled CEL formula; evaluate it as many times as needed.

    ``names`` are the identifiers it mentions: only those are converted to CEL
    on each call, whatever else the activation holds.
    """

    text: str
    _runner: object
    names: frozenset[str] = frozenset()
    _fast: object = None  # closures for the fast path (see below), or None

    def evaluate(self, activation: Mapping[str, object]) -> object:
        """Run the formula with ``activation`` (name → Python value) and return a Python value.

        A variable or map key that is not in ``activation`` raises ``MissingInput``;
        any other failure (division by zero, wrong types) raises ``ExpressionError``.
        """
        if self._fast is not None:
            try:
                result = self._fast(lambda name: activation.get(name, ABSENT))
            except _Fallback:
                pass
            else:
                if type(result) in (bool, int, str):
                    return result
                # a missing input: cel-python words the message
        names = self.names
        context = {
            name: to_cel(value) for name, value in activation.items() if name.partition(".")[0] in names
        }
        try:
            result = self._runner.evaluate(context)
        except CELEvalError as err:
            if _is_missing(err):
                raise MissingInput(f'Biểu thức "{self.text}" cần giá trị chưa có: {_missing_name(err)}') from err
            raise ExpressionError(f'Không tính được biểu thức "{self.text}": {_describe(err)}') from err
        except (TypeError, ValueError, ArithmeticError) as err:
            raise ExpressionError(f'Không tính được biểu thức "{self.text}": {err}') from err
        if isinstance(result, CELEvalError):
            raise ExpressionError(f'Không tính được biểu thức "{self.text}": {_describe(result)}')
        return from_cel(result)

    def evaluate_lookup(self, lookup: Callable[[str], object]) -> object:
        """Like ``evaluate``, fetching each name on demand: ``lookup(name)`` returns ``ABSENT`` when it has none.

        For the engine, which would otherwise build every unit's whole activation
        (all inputs, every alias) for a rule that reads two of them. A missing
        input raises ``MissingInput`` (its message may name a different one of
        several missing inputs than ``evaluate`` would).
        """
        if self._fast is not None:
            try:
                result = self._fast(lookup)
            except _Fallback:
                pass
            else:
                if type(result) in (bool, int, str):
                    return result
                if result.__class__ is _Missing:
                    raise MissingInput(f'Biểu thức "{self.text}" cần giá trị chưa có: {result.name}')
        activation = {}
        for name in self.names:
            value = lookup(name)
            if value is not ABSENT:
                activation[name] = value
        return self.evaluate(activation)


def _missing_name(err: CELEvalError) -> str:
    text = str(err.args[0]) if err.args else ""
    if text.startswith("undeclared reference to '"):
        return text.split("'")[1]
    if "member in mapping: '" in text:
        return text.split("'")[1]
    return "một khóa trong bảng giá trị" if text == "no such key" else text[:80]


@lru_cache(maxsize=2048)
def compile_expression(text: str) -> Expression:
    """Parse a CEL formula once (cached by its text).

    A syntax error raises ``ExpressionError`` whose message says where
    (line, column) the formula could not be read.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("Biểu thức trống: cần một biểu thức CEL, ví dụ numerator <= denominator")
    try:
        with _LOCK:
            ast = _ENV.compile(text)
            runner = _ENV.program(ast, functions=_FUNCTIONS)
    except celpy.CELParseError as err:
        pointer = str(err.args[0]).rstrip() if err.args else ""
        where = f"dòng {err.line}, cột {err.column}" if err.line is not None else "không rõ vị trí"
        raise ExpressionError(
            f'Biểu thức "{text}" sai cú pháp tại {where}:\n{pointer}', line=err.line, column=err.column
        ) from err
    return Expression(text, runner, names=_identifiers(ast), _fast=_native(ast))


# --------------------------------------------------------------------------- the fast path
#
# cel-python walks its parse tree in pure Python and converts every value of the activation
# to CEL types on each call: about 40 µs for ``numerator <= denominator``, which is most of
# a national re-evaluation's time (see docs/engine.md, "Tốc độ đánh giá"). The rules
# methodologists write are almost all comparisons and sums of whole counts, so such a tree
# is also compiled once into Python closures over exact ints and bools. They give an answer
# only where that answer is certain to be cel-python's (ints within 64 bits, bools, plain
# strings; a name or key missing where cel-python reports it as missing); anything else — doubles, nulls, overflow, mixed types,
# functions, macros — raises ``_Fallback`` and the same formula runs through cel-python,
# so the results are cel-python's in every case.

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


class _Fallback(Exception):
    """The fast path cannot vouch for this evaluation: let cel-python do it."""


class _Missing:
    """A name or key that has no value (what cel-python reports as a missing input)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


ABSENT = object()  # what a lookup returns for a name that has no value


def _native_value(value: object, name: str) -> object:
    """An activation value as the fast path handles it: int, bool, str, a mapping, or a miss."""
    if value is ABSENT:
        return _Missing(name)
    kind = type(value)
    if kind is bool or kind is str:
        return value
    if kind is Fraction:
        if value.denominator != 1:
            raise _Fallback
        value = value.numerator
        kind = int
    if kind is int:
        if _INT_MIN <= value <= _INT_MAX:
            return value
        raise _Fallback
    if isinstance(value, Mapping):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return _native_value(int(value), name)
    raise _Fallback


def _checked(result: int) -> int:
    if _INT_MIN <= result <= _INT_MAX:
        return result
    raise _Fallback  # cel-python reports the overflow


def _arith(op):
    # cel-python: a missing left operand is a missing input, a missing right one a type error
    def run(left, right):
        if type(left) is int and type(right) is int:
            return _checked(op(left, right))
        if left.__class__ is _Missing and (type(right) is int or right.__class__ is _Missing):
            return left
        raise _Fallback

    return run


def _order(op):
    # cel-python: a comparison with a missing operand is a missing input (the left one first)
    def run(left, right):
        if type(left) is int and type(right) is int:
            return op(left, right)
        if left.__class__ is _Missing and (type(right) is int or right.__class__ is _Missing):
            return left
        if right.__class__ is _Missing and type(left) is int:
            return right
        raise _Fallback

    return run


def _equality(op):
    def run(left, right):
        kind = type(left)
        if kind is type(right) and kind in (int, bool, str):
            return op(left, right)
        if left.__class__ is _Missing and (type(right) in (int, bool, str) or right.__class__ is _Missing):
            return left
        if right.__class__ is _Missing and kind in (int, bool, str):
            return right
        raise _Fallback

    return run


def _and(left, right):
    if left is False and (right is False or right is True or right.__class__ is _Missing):
        return False
    if right is False and (left is True or left.__class__ is _Missing):
        return False
    if left is True and right is True:
        return True
    raise _Fallback


def _or(left, right):
    if left is True and (right is False or right is True or right.__class__ is _Missing):
        return True
    if right is True and (left is False or left.__class__ is _Missing):
        return True
    if left is False and right is False:
        return False
    raise _Fallback


_BINARY = {
    "addition_add": _arith(operator.add),
    "addition_sub": _arith(operator.sub),
    "multiplication_mul": _arith(operator.mul),
    "relation_lt": _order(operator.lt),
    "relation_le": _order(operator.le),
    "relation_gt": _order(operator.gt),
    "relation_ge": _order(operator.ge),
    "relation_eq": _equality(operator.eq),
    "relation_ne": _equality(operator.ne),
}


def _literal(token) -> object:
    text = str(token)
    if token.type == "INT_LIT":
        value = int(text, 0)
        if value > _INT_MAX:
            return None
        return value
    if token.type == "BOOL_LIT":
        return text == "true"
    if token.type == "STRING_LIT" and len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        body = text[1:-1]
        if "\\" not in body and text[0] not in body:
            return body
    return None


def _native(node):
    """Closures ``f(lookup) -> value`` for a parse tree inside the fast path's subset; ``None`` otherwise."""
    from lark import Token, Tree

    if isinstance(node, Token) or not isinstance(node, Tree):
        return None
    kids = node.children
    rule = node.data
    if rule in ("expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication",
                "unary", "member", "primary", "paren_expr") and len(kids) == 1:
        return _native(kids[0])
    if rule == "expr" and len(kids) == 3:
        cond, yes, no = (_native(k) for k in kids)
        if cond is None or yes is None or no is None:
            return None

        def ternary(lookup):
            test = cond(lookup)
            if test is True:
                return yes(lookup)
            if test is False:
                return no(lookup)
            raise _Fallback

        return ternary
    if rule in ("conditionalor", "conditionaland") and len(kids) == 2:
        left, right = _native(kids[0]), _native(kids[1])
        if left is None or right is None:
            return None
        combine = _or if rule == "conditionalor" else _and
        return lambda lookup: combine(left(lookup), right(lookup))
    if rule in ("relation", "addition", "multiplication") and len(kids) == 2:
        head = kids[0]
        if not isinstance(head, Tree) or head.data not in _BINARY or len(head.children) != 1:
            return None
        left, right, op = _native(head.children[0]), _native(kids[1]), _BINARY[head.data]
        if left is None or right is None:
            return None
        return lambda lookup: op(left(lookup), right(lookup))
    if rule == "unary" and len(kids) == 2 and isinstance(kids[0], Tree) and not kids[0].children:
        inner = _native(kids[1])
        if inner is None or kids[0].data not in ("unary_not", "unary_neg"):
            return None
        if kids[0].data == "unary_not":

            def negation(lookup):
                value = inner(lookup)
                if type(value) is bool:
                    return not value
                if value.__class__ is _Missing:
                    return value
                raise _Fallback

            return negation

        def minus(lookup):
            value = inner(lookup)
            if type(value) is int:
                return _checked(-value)
            if value.__class__ is _Missing:
                return value
            raise _Fallback

        return minus
    if rule == "ident" and len(kids) == 1:
        name = str(kids[0])
        return lambda lookup: _native_value(lookup(name), name)
    if rule == "literal" and len(kids) == 1:
        value = _literal(kids[0])
        if value is None:
            return None
        return lambda lookup: value
    if rule == "member_dot" and len(kids) == 2 and isinstance(kids[1], Token):
        base, key = _native(kids[0]), str(kids[1])
        if base is None:
            return None
        return lambda lookup: _member(base(lookup), key, key)
    if rule == "member_index" and len(kids) == 2:
        base, index = _native(kids[0]), _native(kids[1])
        if base is None or index is None:
            return None

        def item(lookup):
            key = index(lookup)
            if type(key) is not str:
                raise _Fallback
            return _member(base(lookup), key, "một khóa trong bảng giá trị")

        return item
    return None


def _member(base: object, key: str, name: str) -> object:
    if not isinstance(base, Mapping):  # a missing map included: cel-python has its own ways there
        raise _Fallback
    return _native_value(base.get(key, ABSENT), name)


def _identifiers(tree) -> frozenset[str]:
    """Every identifier the formula mentions (variables, fields, functions, macro variables)."""
    return frozenset(str(tok) for tok in tree.scan_values(lambda v: getattr(v, "type", None) == "IDENT"))
