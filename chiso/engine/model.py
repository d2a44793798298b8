"""Plain data the evaluation engine works on: frameworks in, results out.

Nothing here imports Django. Frameworks arrive already parsed (see
``chiso.frameworks.loader``); values arrive as a mapping of element id
(``"2.numerator"``, ``"8.4.c.denominator"``, ``"5.value"``) to a value.

Numbers are ``fractions.Fraction`` so that a comparison such as
54.919 / 58.669 ≥ 50% is exact: rounding happens only when a number is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal

Level = Literal["province", "district", "commune"]
LEVELS: tuple[str, ...] = ("province", "district", "commune")

IndicatorKind = Literal["ratio", "boolean", "number", "score", "composite", "text"]
INDICATOR_KINDS: tuple[str, ...] = ("ratio", "boolean", "number", "score", "composite", "text")

Status = Literal["met", "not_met", "missing", "not_applicable", "invalid"]
STATUSES: tuple[str, ...] = ("met", "not_met", "missing", "not_applicable", "invalid")

UnitStatus = Literal["complete", "incomplete", "not_reported"]

# A value as the engine sees it: a count or number (Fraction), yes/no (bool),
# a narrative (str), or absent (None).
Value = Fraction | bool | str | None

# The inputs each kind of indicator takes, in display order.
KIND_INPUTS: dict[str, tuple[str, ...]] = {
    "ratio": ("numerator", "denominator"),
    "boolean": ("value",),
    "number": ("value",),
    "score": ("value",),
    "text": ("value",),
    "composite": (),
}


@dataclass(frozen=True)
class Target:
    """A comparison a value must satisfy.

    ``op`` is one of ``>=``, ``>``, ``<=``, ``<``, ``=``, ``range`` (min ≤ v ≤ max).
    For ratio indicators ``value``/``minimum``/``maximum`` are fractions (0.5 = 50%).
    For boolean indicators ``op`` is ``=`` and ``value`` is ``True``.
    """

    op: str
    value: Fraction | bool | None = None
    minimum: Fraction | None = None
    maximum: Fraction | None = None


@dataclass(frozen=True)
class TargetRule:
    """A target together with the conditions under which it applies.

    A rule applies when every condition given matches: the unit's level,
    the unit's attributes (all listed keys equal), and the period's year within
    ``[year_from, year_to]``. The first applying rule of an indicator wins, so
    specific rules are listed before the general one.
    """

    target: Target
    level: str | None = None
    attributes: Mapping[str, object] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class Rule:
    """A validation rule: a CEL expression that must be true, with its message.

    In an indicator's rules the names ``numerator``, ``denominator`` and ``value``
    are that indicator's own inputs; every rule also sees ``inputs`` (all element
    ids → values) and each aliased indicator by its alias. A rule whose inputs are
    not all present is not checked. ``applies_to`` (framework-level rules only)
    lists the indicator codes a failure marks invalid.
    """

    expr: str
    message: str
    applies_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    kind: str
    levels: tuple[str, ...] | None = None  # None: every level of the framework
    targets: tuple[TargetRule, ...] = ()
    items: tuple[Indicator, ...] = ()  # composite sub-items, codes "a", "b", …
    required_items: tuple[str, ...] | None = None  # None: every item is required
    rules: tuple[Rule, ...] = ()
    applies_if: Mapping[str, object] = field(default_factory=dict)  # unit attributes
    alias: str | None = None
    description: str = ""
    unit_label: str = ""  # what is counted, e.g. "hồ sơ", used in explanations
    lead: str = ""
    evidence_required: bool = False
    input_labels: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)  # input → "dossiers.online"
    # score frameworks
    category: str | None = None
    max_points: Mapping[str, Fraction] = field(default_factory=dict)  # level or "default"
    minimum_points: Mapping[str, Fraction] = field(default_factory=dict)

    @property
    def inputs(self) -> tuple[str, ...]:
        return KIND_INPUTS[self.kind]


@dataclass(frozen=True)
class Band:
    label: str  # "Mức 4"
    min_share: Fraction  # share of the category maximum for the unit's level


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    bands: tuple[Band, ...]  # highest first


@dataclass(frozen=True)
class Scope:
    """Which units a framework assesses.

    ``assesses`` is ``agencies`` (every unit at the listed levels except the
    province as a whole: a province-level unit without a parent that has
    children) or ``province`` (only the province as a whole: province-level
    units without a parent). ``kinds``, when given, further restricts units to
    those whose kind is one of them (case-insensitive).
    """

    levels: tuple[str, ...]
    assesses: str = "agencies"
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalBasis:
    number: str
    date: date | None
    issuer: str
    title: str = ""


@dataclass(frozen=True)
class Framework:
    code: str
    version: str
    title: str
    kind: str  # "criteria" | "score"
    legal_basis: LegalBasis
    levels: tuple[str, ...]
    scope: Scope
    indicators: tuple[Indicator, ...]
    effective_from: date | None = None
    effective_to: date | None = None
    description: str = ""
    categories: tuple[Category, ...] = ()
    rules: tuple[Rule, ...] = ()
    decimals: int = 2
    completion_target: tuple[TargetRule, ...] = ()  # province goal for the rate

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def element_ids(self) -> list[str]:
        """Every input element id the framework accepts, in document order."""
        out: list[str] = []
        for ind in self.indicators:
            out.extend(_element_ids(ind, ind.code))
        return out


def _element_ids(ind: Indicator, prefix: str) -> list[str]:
    if ind.kind == "composite":
        out: list[str] = []
        for item in ind.items:
            out.extend(_element_ids(item, f"{prefix}.{item.code}"))
        return out
    return [f"{prefix}.{name}" for name in ind.inputs]


@dataclass(frozen=True)
class UnitInfo:
    """What the engine needs to know about a unit."""

    code: str
    name: str
    level: str
    kind: str = ""
    attributes: Mapping[str, object] = field(default_factory=dict)
    parent_code: str | None = None
    has_children: bool = False


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    kind: str
    status: str
    value: Fraction | bool | str | None
    target: Target | None
    target_text: str  # "≥ 50%", "Có", "từ 30% đến 50%"
    explanation: str  # one line of Vietnamese
    inputs: Mapping[str, Value] = field(default_factory=dict)
    items: tuple[IndicatorResult, ...] = ()
    points: Fraction | None = None
    max_points: Fraction | None = None
    category: str | None = None
    required: bool = True


@dataclass(frozen=True)
class CategoryResult:
    code: str
    name: str
    points: Fraction
    max_points: Fraction
    level: str | None  # "Mức 3", or None when not ranked
    ranked: bool
    reason: str  # why not ranked, naming the criterion; "" when ranked
    blocking: tuple[str, ...] = ()  # codes of criteria below their minimum


@dataclass(frozen=True)
class ScoreResult:
    points: Fraction
    max_points: Fraction
    categories: tuple[CategoryResult, ...]

    @property
    def share(self) -> Fraction | None:
        return self.points / self.max_points if self.max_points else None


@dataclass(frozen=True)
class UnitResult:
    unit: UnitInfo
    status: str  # complete | incomplete | not_reported
    met: int
    applicable: int
    indicators: tuple[IndicatorResult, ...]
    score: ScoreResult | None = None

    def indicator(self, code: str) -> IndicatorResult:
        for r in self.indicators:
            if r.code == code:
                return r
        raise KeyError(code)


@dataclass(frozen=True)
class Tally:
    """Counts over a set of units; the rate is complete / units in scope."""

    units: int
    assessed: int
    not_reported: int
    complete: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.complete, self.units) if self.units else None


@dataclass(frozen=True)
class Summary:
    overall: Tally
    by_level: Mapping[str, Tally]
