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


SCORING_METHODS: tuple[str, ...] = (
    "points_by_bands", "ratio_capped", "all_or_nothing", "relative_to_average", "relative_to_reference",
)
RATIO_INPUTS: tuple[str, ...] = ("numerator", "denominator")
# A ratio indicator's optional third element, ``<code>.rate``: the rate as the unit stated it
# ("98,7%"), for results given only as a percentage (seed 002) and to check stated rates
# against their counts (seed 004 states 11/19 as 60%).
STATED_RATE = "rate"
# A stated rate further than this from the rate of its counts is flagged: 0,5 percentage points.
RATE_TOLERANCE = Fraction(1, 200)


@dataclass(frozen=True)
class PointBand:
    """A band of a ``points_by_bands`` scoring: a value at or above ``minimum`` earns ``points``."""

    minimum: Fraction
    points: Fraction


@dataclass(frozen=True)
class Scoring:
    """How a score indicator's points are computed from a measured value, instead of being entered.

    The value measured is the indicator's ``value`` input (``input="value"``) or its
    numerator ÷ denominator (``input="ratio"``, counts checked as a ratio's are). The
    points never exceed the indicator's ``max_points`` for the unit's level.

    * ``points_by_bands``: the points of the first band (highest ``minimum`` first) the
      value reaches; below every band, 0.
    * ``ratio_capped``: min(value ÷ ``threshold``, 1) × maximum (Decision 766's rule).
    * ``all_or_nothing``: the maximum when the value meets ``target``, else 0.
    * ``relative_to_average``: ``base`` points at or below the average of the unit's group
      (units of the same level, and of the same ``group_by`` attributes, in the same
      evaluation), plus ``step_points`` per ``step`` above it, capped at the maximum
      (Decree 307). ``average`` is ``mean`` (plain mean of the units' values) or
      ``pooled`` (sum of numerators ÷ sum of denominators, ratio input only).
    * ``relative_to_reference``: the same with a fixed ``reference`` instead of the average.

    ``increments`` is ``pro_rata`` (the gap ÷ step, as Decree 307 says) or ``whole_steps``
    (only completed steps count). ``percent`` says the value is a share shown as a percentage.
    """

    method: str
    input: str = "value"
    percent: bool = False
    bands: tuple[PointBand, ...] = ()
    threshold: Fraction | None = None
    target: Target | None = None
    base: Fraction | None = None
    step: Fraction | None = None
    step_points: Fraction | None = None
    reference: Fraction | None = None
    increments: str = "pro_rata"
    group_by: tuple[str, ...] = ()
    average: str = "mean"


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
    scoring: Scoring | None = None  # score indicators whose points are computed (see ``Scoring``)

    @property
    def inputs(self) -> tuple[str, ...]:
        if self.scoring is not None and self.scoring.input == "ratio":
            return RATIO_INPUTS
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

    def stated_rate_ids(self) -> list[str]:
        """The ``<code>.rate`` element of every ratio indicator (composite items too), in document order.

        Kept apart from ``element_ids`` (the inputs a form asks for): a stated rate is
        optional, read only when the counts are missing or to check them.
        """
        out: list[str] = []

        def walk(ind: Indicator, code: str) -> None:
            if ind.kind == "composite":
                for item in ind.items:
                    walk(item, f"{code}.{item.code}")
            elif ind.kind == "ratio":
                out.append(f"{code}.{STATED_RATE}")

        for ind in self.indicators:
            walk(ind, ind.code)
        return out

    @property
    def compares_units(self) -> bool:
        """Whether one unit's result depends on other units' values (a ``relative_to_average`` scoring).

        Such a framework must be evaluated over the whole group at once: a result
        computed for a subset of the units, or kept after another unit's figures
        changed, would be scored against the wrong average.
        """
        return any(ind.scoring is not None and ind.scoring.method == "relative_to_average" for ind in self.indicators)


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
class StatedRate:
    """A ratio's rate as the unit stated it ("98,7%"), carried by the indicator's result.

    ``computed`` is the rate of the counts when both are there and valid: the verdict
    then rests on the counts, and ``differs`` is True when the stated rate is more than
    ``RATE_TOLERANCE`` (0,5 percentage points) away from it. ``computed`` is ``None``
    when the counts are missing: the verdict rests on the stated rate (``used``).
    ``note`` is the engine's one line of Vietnamese about it, printed as it is by the
    review page and the reports (never worked out again there).
    """

    rate: Fraction
    computed: Fraction | None = None
    differs: bool = False
    note: str = ""

    @property
    def used(self) -> bool:
        """Whether the verdict rests on the stated rate (no valid counts)."""
        return self.computed is None

    @property
    def difference(self) -> Fraction | None:
        """Stated − computed (a fraction: 0,0211 is 2,11 percentage points); ``None`` without counts."""
        return None if self.computed is None else self.rate - self.computed


_RESULT_FIELDS = (
    "code", "name", "kind", "status", "value", "target", "target_text", "explanation",
    "inputs", "items", "points", "max_points", "category", "required", "stated",
)
# The fields that are the same for every unit at one level: one shared tuple per indicator
# and level in the engine's fast path instead of ten attributes per result.
_HEAD = ("code", "name", "kind", "target", "target_text", "items", "points", "max_points", "category", "required")


def _head_field(name: str) -> property:
    index = _HEAD.index(name)
    return property(lambda self: self._head[index], doc=f"The result's {name} (read-only).")


class IndicatorResult:
    """One indicator's verdict for one unit: status, value, target and one line of Vietnamese saying why.

    Immutable, built like the dataclass it used to be (same fields, same order,
    same defaults; equal when all fields are equal). A national re-evaluation
    makes millions of these, so the engine may leave ``value``, ``inputs`` and
    ``explanation`` to be worked out on first read (from the two or three raw
    inputs kept with the result): what they return is the same either way.
    ``dataclasses.replace`` does not apply to it: use ``_replace``.
    """

    __slots__ = ("_head", "_status", "_value", "_inputs", "_explanation", "_lazy", "_raw", "_stated")

    code: str = _head_field("code")
    name: str = _head_field("name")
    kind: str = _head_field("kind")
    target: Target | None = _head_field("target")
    target_text: str = _head_field("target_text")  # "≥ 50%", "Có", "từ 30% đến 50%"
    items: tuple[IndicatorResult, ...] = _head_field("items")
    points: Fraction | None = _head_field("points")
    max_points: Fraction | None = _head_field("max_points")
    category: str | None = _head_field("category")
    required: bool = _head_field("required")

    def __init__(
        self,
        code: str,
        name: str,
        kind: str,
        status: str,
        value: Fraction | bool | str | None,
        target: Target | None,
        target_text: str,
        explanation: str,
        inputs: Mapping[str, Value] | None = None,
        items: tuple[IndicatorResult, ...] = (),
        points: Fraction | None = None,
        max_points: Fraction | None = None,
        category: str | None = None,
        required: bool = True,
        stated: StatedRate | None = None,
    ) -> None:
        self._head = (code, name, kind, target, target_text, items, points, max_points, category, required)
        self._stated = stated
        self._status = status
        self._value = value
        self._inputs = {} if inputs is None else inputs
        self._explanation = explanation
        self._lazy = None  # an object whose render(raw) gives (value, inputs, explanation)
        self._raw = None

    def _fill(self) -> None:
        # Safe when two threads read at once: both work out the same fields, and ``_lazy``
        # is cleared only after they are set (``_raw`` is kept for the same reason).
        lazy = self._lazy
        if lazy is None:
            return
        value, inputs, explanation = lazy.render(self._raw)
        self._value, self._inputs = value, inputs
        if self._explanation is None:  # a failed rule gives its message up front
            self._explanation = explanation
        self._lazy = None

    @property
    def status(self) -> str:
        """met | not_met | missing | not_applicable | invalid."""
        return self._status

    @property
    def stated(self) -> StatedRate | None:
        """A ratio's stated rate (``<code>.rate``) with its check against the counts; ``None`` when none was given."""
        return self._stated

    @property
    def value(self) -> Fraction | bool | str | None:
        """The measured value: the ratio (a Fraction), the number, yes/no, the text; ``None`` when there is none."""
        if self._lazy is not None:
            self._fill()
        return self._value

    @property
    def inputs(self) -> Mapping[str, Value]:
        """The inputs as read (numerator, denominator or value), present ones only."""
        if self._lazy is not None:
            self._fill()
        return self._inputs

    @property
    def explanation(self) -> str:
        """One line of Vietnamese: "54.919/58.669 = 93,61% ≥ 50% → Đạt", "Chưa có số liệu: mẫu số"."""
        if self._lazy is not None:
            self._fill()
        return self._explanation

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in _RESULT_FIELDS)

    def _replace(self, **changes: object) -> IndicatorResult:
        """A copy with some fields changed (what ``dataclasses.replace`` did)."""
        fields = dict(zip(_RESULT_FIELDS, self._fields(), strict=True))
        fields.update(changes)
        return IndicatorResult(**fields)

    __replace__ = _replace

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # like the frozen dataclass whose ``inputs`` dict made it unhashable

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(_RESULT_FIELDS, self._fields(), strict=True))
        return f"IndicatorResult({shown})"

    def __reduce__(self) -> tuple:
        return (IndicatorResult, self._fields())

    def __setstate__(self, state: object) -> None:
        """Load a result pickled when this class was a dataclass (its state: a dict of the fields)."""
        if isinstance(state, tuple):  # (dict, slots) form
            state = state[0] or {}
        self.__init__(**{name: state[name] for name in _RESULT_FIELDS if name in state})


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
