"""Which target applies to a unit in a year, whether a value meets it, and how to say it.

Targets differ by level (90% / 80% / 65% for the same measure), by unit
attribute (lowland 100% vs mountain 90%) and by year (60% by 2023, 90% by
2025). Comparisons are exact (``Fraction``); rounding is for display only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from fractions import Fraction
from functools import lru_cache

from .model import Indicator, Target, TargetRule, UnitInfo
from .numbers import format_number, format_percent

__all__ = ["select_target", "select_rule", "compare", "describe_target", "attributes_match", "same_text"]

_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "==": "="}


def same_text(a: object, b: object) -> bool:
    """Equal as text, ignoring case, surrounding spaces and Unicode composition ("Mountain" == "mountain")."""

    def norm(x: object) -> str:
        if isinstance(x, bool):
            x = "true" if x else "false"
        return unicodedata.normalize("NFC", str(x)).strip().casefold()

    return norm(a) == norm(b)


def attributes_match(wanted: Mapping[str, object], attributes: Mapping[str, object]) -> bool:
    """Whether every ``wanted`` key is in ``attributes`` with the same value (as text, any case).

    A wanted value that is a list or tuple matches any of its members. A unit
    without the attribute does not match.
    """
    for key, expected in wanted.items():
        if key not in attributes or attributes[key] is None:
            return False
        actual = attributes[key]
        options = expected if isinstance(expected, list | tuple | set | frozenset) else (expected,)
        if not any(same_text(actual, option) for option in options):
            return False
    return True


def _rule_applies(rule: TargetRule, unit: UnitInfo, year: int | None) -> bool:
    if rule.level is not None and rule.level != unit.level:
        return False
    if rule.attributes and not attributes_match(rule.attributes, unit.attributes):
        return False
    if year is not None:
        if rule.year_from is not None and year < rule.year_from:
            return False
        if rule.year_to is not None and year > rule.year_to:
            return False
    return True


def select_rule(rules: tuple[TargetRule, ...], unit: UnitInfo, year: int | None) -> TargetRule | None:
    """The first rule whose level, attributes and year range all match ``unit`` in ``year``."""
    for rule in rules:
        if _rule_applies(rule, unit, year):
            return rule
    return None


def select_target(indicator: Indicator, unit: UnitInfo, year: int | None) -> Target | None:
    """The target of ``indicator`` for ``unit`` in ``year``: the first matching ``TargetRule`` wins.

    ``None`` when no rule applies (the caller then treats the indicator as not
    applicable). ``year=None`` ignores year ranges.
    """
    rule = select_rule(indicator.targets, unit, year)
    return rule.target if rule is not None else None


def compare(value: Fraction | bool, target: Target) -> bool:
    """Whether ``value`` satisfies ``target``, exactly (no rounding).

    A boolean target compares for equality; ``range`` includes both ends and
    either end may be open.
    """
    op = target.op
    if isinstance(target.value, bool) or isinstance(value, bool):
        if op not in ("=", "=="):
            raise ValueError(f"Mục tiêu Có/Không chỉ so sánh bằng, không dùng {op}")
        return bool(value) == bool(target.value)
    if op == "range":
        if target.minimum is not None and value < target.minimum:
            return False
        if target.maximum is not None and value > target.maximum:
            return False
        return True
    goal = target.value
    if goal is None:
        raise ValueError(f"Mục tiêu {op} thiếu giá trị")
    if op == ">=":
        return value >= goal
    if op == ">":
        return value > goal
    if op == "<=":
        return value <= goal
    if op == "<":
        return value < goal
    if op in ("=", "=="):
        return value == goal
    raise ValueError(f"Phép so sánh mục tiêu không hợp lệ: {op}")


def show_amount(value: Fraction, kind: str, decimals: int = 2) -> str:
    """A target amount as printed: percent for ratios, a plain number otherwise."""
    return format_percent(value, decimals) if kind == "ratio" else format_number(value, decimals)


@lru_cache(maxsize=4096)
def describe_target(target: Target | None, kind: str, decimals: int = 2) -> str:
    """A target in words: "≥ 50%", "≤ 10%", "= 100%", "từ 30% đến 50%", "≥ 4", "Có".

    ``None`` (no target applies) gives "".
    """
    if target is None:
        return ""
    if kind == "boolean" or isinstance(target.value, bool):
        return "Không" if target.value is False else "Có"
    if target.op == "range":
        low, high = target.minimum, target.maximum
        if low is not None and high is not None:
            return f"từ {show_amount(low, kind, decimals)} đến {show_amount(high, kind, decimals)}"
        if low is not None:
            return f"≥ {show_amount(low, kind, decimals)}"
        if high is not None:
            return f"≤ {show_amount(high, kind, decimals)}"
        return ""
    if target.value is None:
        return ""
    return f"{_SYMBOLS.get(target.op, target.op)} {show_amount(Fraction(target.value), kind, decimals)}"
