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
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import celpy
from celpy import celtypes
from celpy.evaluation import CELEvalError

__all__ = ["Expression", "ExpressionError", "MissingInput", "compile_expression", "to_cel", "from_cel"]


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
    """A compiled CEL formula; evaluate it as many times as needed."""

    text: str
    _runner: object

    def evaluate(self, activation: Mapping[str, object]) -> object:
        """Run the formula with ``activation`` (name → Python value) and return a Python value.

        A variable or map key that is not in ``activation`` raises ``MissingInput``;
        any other failure (division by zero, wrong types) raises ``ExpressionError``.
        """
        context = {name: to_cel(value) for name, value in activation.items()}
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
    return Expression(text, runner)
