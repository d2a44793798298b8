"""The verdicts: for each unit, each indicator is met, not met, missing, not applicable or invalid.

Every status comes with one line of Vietnamese saying why, because reporters
are not specialists and every red mark must explain itself
("54.935/62.922 = 87,31%, chưa đạt mục tiêu = 100%"). Comparisons use exact
fractions; rounding happens only in the explanation text.

Rules of thumb that hold throughout:

* a value that is absent (``None``, empty text, or no key) is *missing*, never zero;
* an indicator that does not concern the unit (level, attributes, no target
  for that level and year, or a narrative text) is *not applicable* and does
  not count either way;
* figures that contradict themselves (negative counts, a zero denominator,
  numerator above denominator, a failing validation rule) are *invalid*.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction

from .aggregate import summarize
from .expressions import ABSENT, Expression, ExpressionError, MissingInput, compile_expression
from .model import (
    RATE_TOLERANCE,
    RATIO_INPUTS,
    STATED_RATE,
    CategoryResult,
    Framework,
    Indicator,
    IndicatorResult,
    Rule,
    ScoreResult,
    StatedRate,
    Summary,
    Target,
    UnitInfo,
    UnitResult,
    Value,
)
from .numbers import (
    NumberError,
    format_number,
    format_percent,
    parse_bool,
    parse_number,
    scaled_half_up,
)
from .periods import Period, parse_period
from .rates import format_rate
from .scoring import GroupAverage, describe_scoring, group_key, score_points, show_value
from .targets import attributes_match, compare, describe_target, select_target

__all__ = [
    "Evaluation", "evaluate", "evaluate_unit", "group_averages", "GroupAverages",
    "LEVEL_LABELS", "STATUS_LABELS", "UNIT_STATUS_LABELS",
]

LEVEL_LABELS = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}
STATUS_LABELS = {
    "met": "Đạt",
    "not_met": "Chưa đạt",
    "missing": "Chưa có số liệu",
    "not_applicable": "Không áp dụng",
    "invalid": "Số liệu không hợp lệ",
}
UNIT_STATUS_LABELS = {
    "complete": "Hoàn thành",
    "incomplete": "Chưa hoàn thành",
    "not_reported": "Chưa báo cáo",
}
INPUT_NAMES = {"numerator": "tử số", "denominator": "mẫu số", "value": "giá trị"}
TEXT_EXPLANATION = "Chỉ tiêu mô tả, không tính đạt/không đạt"

_CMP_OPS = (">=", ">", "<=", "<", "=", "==")

# indicator code → group key (``scoring.group_key``) → the group's average
GroupAverages = Mapping[str, Mapping[tuple, GroupAverage]]


@dataclass(frozen=True)
class Evaluation:
    """A framework evaluated over units for one period: per-unit results and their summary."""

    framework: Framework
    period: Period
    results: tuple[UnitResult, ...]
    summary: Summary
    _index: Mapping[str, UnitResult] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {r.unit.code: r for r in self.results})

    def result(self, unit_code: str) -> UnitResult:
        """The result of one unit; ``KeyError`` if it was not evaluated."""
        return self._index[unit_code]

    def with_status(self, status: str) -> list[UnitResult]:
        """Results of units whose status is ``status`` (complete, incomplete, not_reported)."""
        return [r for r in self.results if r.status == status]


# --------------------------------------------------------------------------- values


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    return True


class _Bad(Exception):
    """An input that cannot be read as the kind requires; carries the Vietnamese reason."""


def _as_number(value: object) -> Fraction:
    if isinstance(value, bool):
        raise _Bad(f'"{"Có" if value else "Không"}" không phải là số')
    try:
        return parse_number(value)
    except NumberError as err:
        raise _Bad(str(err)) from err


def _as_bool(value: object) -> bool:
    try:
        return parse_bool(value)
    except NumberError as err:
        raise _Bad(str(err)) from err


def _show(value: Fraction, decimals: int) -> str:
    return format_number(value, decimals)


def _input_name(ind: Indicator, name: str) -> str:
    base = INPUT_NAMES.get(name, name)
    label = ind.input_labels.get(name)
    return f"{base} ({label})" if label else base


# --------------------------------------------------------------------------- context


class _Context:
    """One unit's evaluation: its values, and the names rules see, worked out only when a rule asks.

    Rules see ``inputs`` (element id → value present, read as a number unless
    it is yes/no or text) and each aliased indicator by its alias; an
    indicator's own rules also see its ``numerator``, ``denominator`` and
    ``value`` (see ``_own_lookup``).
    """

    __slots__ = ("framework", "unit", "values", "year", "decimals", "prepared", "framework_failures", "averages",
                 "_inputs", "_aliases")

    def __init__(
        self, framework: Framework, unit: UnitInfo, values: Mapping[str, Value], year: int, prepared: _Prepared
    ) -> None:
        self.framework = framework
        self.unit = unit
        self.values = values
        self.year = year
        self.decimals = framework.decimals
        self.prepared = prepared
        self.framework_failures: dict[str, str] = {}
        self.averages: GroupAverages | None = None  # relative_to_average scorings: see ``group_averages``
        self._inputs: _Inputs | None = None
        self._aliases: dict[str, object] | None = None

    def base(self, name: str) -> object:
        """What every rule sees under ``name``: an alias, ``inputs``, or ``ABSENT``."""
        alias = self.prepared.aliases.get(name)
        if alias is not None:
            if self._aliases is None:
                self._aliases = {}
            if name not in self._aliases:
                ind, code = alias
                value = _alias_value(ind, _own_values(ind, code, self.values))
                self._aliases[name] = ABSENT if value is None else value
            return self._aliases[name]
        if name == "inputs":
            if self._inputs is None:
                self._inputs = _Inputs(self.values, self.prepared)
            return self._inputs
        return ABSENT


class _Inputs(Mapping):
    """``inputs`` as rules see it: element id → value present, read one key at a time."""

    def __init__(self, values: Mapping[str, Value], prepared: _Prepared) -> None:
        self._values = values
        self._prepared = prepared
        self._all: dict[str, object] | None = None

    def __getitem__(self, element: str) -> object:
        if element not in self._prepared.element_set:
            raise KeyError(element)
        value = _input_value(self._values.get(element))
        if value is ABSENT:
            raise KeyError(element)
        return value

    def _materialise(self) -> dict[str, object]:
        if self._all is None:
            pairs = ((e, _input_value(self._values.get(e))) for e in self._prepared.element_ids)
            self._all = {e: v for e, v in pairs if v is not ABSENT}
        return self._all

    def __iter__(self):
        return iter(self._materialise())

    def __len__(self) -> int:
        return len(self._materialise())


def _input_value(value: object) -> object:
    if not _present(value):
        return ABSENT
    if isinstance(value, bool | str):
        return value
    try:
        return _as_number(value)
    except _Bad:
        return ABSENT


def _own_values(ind: Indicator, prefix: str, values: Mapping[str, Value]) -> dict[str, Value]:
    return {name: values[f"{prefix}.{name}"] for name in ind.inputs if _present(values.get(f"{prefix}.{name}"))}


def _alias_value(ind: Indicator, own: Mapping[str, Value]) -> object:
    """What an aliased indicator looks like to a rule (``None`` when it has nothing)."""
    if ind.kind == "ratio" or ind.inputs == RATIO_INPUTS:
        out: dict[str, object] = {}
        for name in ("numerator", "denominator"):
            if name in own:
                try:
                    out[name] = _as_number(own[name])
                except _Bad:
                    continue
        if "numerator" in out and "denominator" in out and out["denominator"]:
            out["value"] = Fraction(out["numerator"]) / Fraction(out["denominator"])
        return out
    value = own.get("value")
    if value is None:
        return None
    if ind.kind == "text":
        return str(value)
    try:
        return _as_bool(value) if ind.kind == "boolean" else _as_number(value)
    except _Bad:
        return None


def _walk(indicators: Sequence[Indicator], prefix: str | None = None):
    for ind in indicators:
        code = f"{prefix}.{ind.code}" if prefix else ind.code
        yield ind, code
        if ind.kind == "composite":
            yield from _walk(ind.items, code)


def _own_lookup(ind: Indicator, own: Mapping[str, Value], ctx: _Context):
    """Names an indicator's own rules see: its inputs (as ``_alias_value`` reads them), then the common ones."""
    alias = _alias_value(ind, own)
    if ind.kind == "ratio" or ind.inputs == RATIO_INPUTS:
        mine = alias  # numerator, denominator, value (those that are there)
    else:
        mine = {"value": alias} if alias is not None else {}

    def lookup(name: str) -> object:
        return mine[name] if name in mine else ctx.base(name)

    return lookup


def _check_rule(rule: Rule, lookup, expression: Expression | None = None) -> str | None:
    """The message of a failing rule; ``None`` when it holds or cannot be checked (inputs absent).

    ``lookup(name)`` gives what the rule sees under ``name`` (``ABSENT`` for nothing);
    ``expression`` is the rule already compiled, if it is at hand.
    """
    try:
        if expression is None:
            expression = compile_expression(rule.expr)
        outcome = expression.evaluate_lookup(lookup)
    except MissingInput:
        return None
    except ExpressionError as err:
        return f"{rule.message} (không kiểm tra được: {err})"
    if outcome is True:
        return None
    if outcome is False:
        return rule.message
    return f'{rule.message} (quy tắc "{rule.expr}" không cho kết quả Đúng/Sai)'


def _framework_failures(framework: Framework, ctx: _Context) -> dict[str, str]:
    """Indicator code → message of the first framework-level rule that fails for it."""
    failures: dict[str, str] = {}
    for rule in framework.rules:
        message = _check_rule(rule, ctx.base)
        if message is None:
            continue
        for code in rule.applies_to:
            failures.setdefault(code, message)
    return failures


# --------------------------------------------------------------------------- indicators


def _result(ind: Indicator, code: str, status: str, explanation: str, **kw) -> IndicatorResult:
    kw.setdefault("value", None)
    kw.setdefault("target", None)
    kw.setdefault("target_text", "")
    return IndicatorResult(code=code, name=ind.name, kind=ind.kind, status=status, explanation=explanation, **kw)


def _not_applicable_reason(ind: Indicator, levels: tuple[str, ...], unit: UnitInfo) -> str | None:
    if unit.level not in levels:
        return f"Không áp dụng cho {LEVEL_LABELS.get(unit.level, unit.level)}"
    if ind.applies_if and not attributes_match(ind.applies_if, unit.attributes):
        wanted = ", ".join(
            f"{k} = {' hoặc '.join(str(x) for x in v) if isinstance(v, list | tuple) else v}"
            for k, v in ind.applies_if.items()
        )
        return f"Không áp dụng cho đơn vị này (chỉ áp dụng khi {wanted})"
    return None


def _no_target(unit: UnitInfo, year: int) -> str:
    return f"Không áp dụng: chưa có mục tiêu cho {LEVEL_LABELS.get(unit.level, unit.level)} năm {year}"


def _percent_pair(value: Fraction, target: Target, decimals: int) -> tuple[str, str]:
    """The value and target as percentages, with enough decimals that a miss never reads as equal."""
    goals = [Fraction(g) for g in (target.value, target.minimum, target.maximum) if isinstance(g, Fraction | int)]
    places = decimals
    while places < decimals + 6 and any(
        g != value
        and scaled_half_up(g.numerator * 100, g.denominator, places)
        == scaled_half_up(value.numerator * 100, value.denominator, places)
        for g in goals
    ):
        places += 1
    return format_percent(value, places), describe_target(target, "ratio", decimals)


def _verdict_text(measured: str, target: Target, target_text: str, met: bool) -> str:
    if met:
        if target.op == "range":
            return f"{measured}, trong khoảng {target_text} → Đạt"
        return f"{measured} {target_text} → Đạt"
    return f"{measured}, chưa đạt mục tiêu {target_text}"


def _stated_rate(code: str, ctx: _Context) -> Fraction | str | None:
    """The rate stated for ratio ``code`` (``<code>.rate``): a fraction, the reason it cannot be read, or None."""
    raw = ctx.values.get(f"{code}.{STATED_RATE}")
    if not _present(raw):
        return None
    try:
        rate = _as_number(raw)
    except _Bad as err:
        return f"Tỷ lệ nêu trong báo cáo: {err}"
    if rate < 0 or rate > 1:
        return (f"Tỷ lệ nêu trong báo cáo phải từ 0% đến 100% (gặp {format_percent(rate, 6)}; "
                "viết 98,7% hoặc 0,987)")
    return rate


def _stated_text(rate: Fraction, decimals: int) -> str:
    """A stated rate as the unit wrote it: 60%, 98,7% (trailing zeros dropped)."""
    return format_percent(rate, max(decimals, 2))


def _checked_against(stated: Fraction, computed: Fraction, decimals: int) -> StatedRate:
    """The stated rate beside the rate of the counts, flagged beyond ``RATE_TOLERANCE``."""
    differs = abs(stated - computed) > RATE_TOLERANCE
    said, got = _stated_text(stated, decimals), format_rate(computed, decimals)
    if differs:
        gap = format_number(abs(stated - computed) * 100, decimals)
        note = (f"Tỷ lệ nêu trong báo cáo {said} khác tỷ lệ tính từ số liệu: {got} ≠ {said} "
                f"(lệch {gap} điểm phần trăm, quá 0,5 điểm)")
    else:
        note = f"Tỷ lệ nêu trong báo cáo {said} khớp tỷ lệ tính từ số liệu {got}"
    return StatedRate(rate=stated, computed=computed, differs=differs, note=note)


def _evaluate_stated(ind: Indicator, code: str, ctx: _Context, target: Target, target_text: str,
                     rate: Fraction, absent: str) -> IndicatorResult:
    """A ratio judged on its stated rate, its counts being missing (``absent`` names them)."""
    met = compare(rate, target)
    said = _stated_text(rate, ctx.decimals)
    text = _verdict_text(f"Tỷ lệ nêu trong báo cáo {said}", target, target_text, met)
    text += f" (tỷ lệ đơn vị nêu, chưa có {absent} để đối chiếu)"
    note = f"Tỷ lệ nêu trong báo cáo {said}, chưa có số liệu để đối chiếu"
    return _result(ind, code, "met" if met else "not_met", text, value=rate, target=target,
                   target_text=target_text, inputs={STATED_RATE: rate},
                   stated=StatedRate(rate=rate, note=note))


def _evaluate_ratio(ind: Indicator, code: str, ctx: _Context, target: Target, target_text: str) -> IndicatorResult:
    """A ratio from its counts; from its stated rate (``<code>.rate``) when the counts are missing.

    Counts win when they are there: a stated rate beside them is only checked
    against them (``StatedRate.differs`` beyond 0,5 percentage points), never
    used for the verdict. Invalid counts stay invalid whatever rate is stated;
    an unreadable or impossible stated rate (above 100%) is invalid.
    """
    own = _own_values(ind, code, ctx.values)
    absent = [name for name in ("numerator", "denominator") if name not in own]
    common = {"target": target, "target_text": target_text, "inputs": dict(own)}
    stated = _stated_rate(code, ctx)
    if isinstance(stated, str):
        return _result(ind, code, "invalid", stated, **common)
    if absent:
        names = ", ".join(_input_name(ind, n) for n in absent)
        if stated is not None:
            return _evaluate_stated(ind, code, ctx, target, target_text, stated,
                                    " và ".join(INPUT_NAMES[n] for n in absent))
        return _result(ind, code, "missing", f"Chưa có số liệu: {names}", **common)
    try:
        num, den = _as_number(own["numerator"]), _as_number(own["denominator"])
    except _Bad as err:
        return _result(ind, code, "invalid", str(err), **common)
    common["inputs"] = {"numerator": num, "denominator": den}
    for name, x in (("numerator", num), ("denominator", den)):
        if x < 0:
            return _result(ind, code, "invalid", f"{_input_name(ind, name).capitalize()} là số âm ({_show(x, 2)})", **common)
        if x.denominator != 1:
            return _result(
                ind, code, "invalid", f"{_input_name(ind, name).capitalize()} phải là số nguyên ({_show(x, 2)})", **common
            )
    if den == 0:
        return _result(ind, code, "invalid", "Mẫu số bằng 0", **common)
    if num > den:
        return _result(
            ind, code, "invalid",
            f"Tử số ({format_number(num, 0)}) lớn hơn mẫu số ({format_number(den, 0)})", **common,
        )
    value = num / den
    met = compare(value, target)
    shown, target_shown = _percent_pair(value, target, ctx.decimals)
    measured = f"{format_number(num, 0)}/{format_number(den, 0)} = {shown}"
    text = _verdict_text(measured, target, target_shown, met)
    if stated is not None:
        check = _checked_against(stated, value, ctx.decimals)
        if check.differs:
            text += f"; {check.note[0].lower()}{check.note[1:]}"
        return _result(ind, code, "met" if met else "not_met", text, value=value, stated=check, **common)
    return _result(ind, code, "met" if met else "not_met", text, value=value, **common)


def _evaluate_number(ind: Indicator, code: str, ctx: _Context, target: Target, target_text: str) -> IndicatorResult:
    own = _own_values(ind, code, ctx.values)
    common = {"target": target, "target_text": target_text, "inputs": dict(own)}
    if "value" not in own:
        return _result(ind, code, "missing", f"Chưa có số liệu: {_input_name(ind, 'value')}", **common)
    try:
        value = _as_number(own["value"])
    except _Bad as err:
        return _result(ind, code, "invalid", str(err), **common)
    common["inputs"] = {"value": value}
    if value < 0:
        return _result(ind, code, "invalid", f"Giá trị âm ({_show(value, ctx.decimals)})", **common)
    met = compare(value, target)
    measured = _show(value, ctx.decimals) + (f" {ind.unit_label}" if ind.unit_label else "")
    text = _verdict_text(measured, target, target_text, met)
    return _result(ind, code, "met" if met else "not_met", text, value=value, **common)


def _evaluate_boolean(ind: Indicator, code: str, ctx: _Context, target: Target, target_text: str) -> IndicatorResult:
    own = _own_values(ind, code, ctx.values)
    common = {"target": target, "target_text": target_text, "inputs": dict(own)}
    if "value" not in own:
        return _result(ind, code, "missing", "Chưa trả lời Có/Không", **common)
    try:
        value = _as_bool(own["value"])
    except _Bad as err:
        return _result(ind, code, "invalid", str(err), **common)
    common["inputs"] = {"value": value}
    met = compare(value, target)
    said = "Có" if value else "Không"
    text = f"{said} → Đạt" if met else f"{said}, chưa đạt mục tiêu {target_text}"
    return _result(ind, code, "met" if met else "not_met", text, value=value, **common)


def _points_for(mapping: Mapping[str, Fraction], level: str) -> Fraction | None:
    if level in mapping:
        return Fraction(mapping[level])
    if "default" in mapping:
        return Fraction(mapping["default"])
    return None


def _evaluate_score(ind: Indicator, code: str, ctx: _Context) -> IndicatorResult:
    own = _own_values(ind, code, ctx.values)
    maximum = _points_for(ind.max_points, ctx.unit.level)
    minimum = _points_for(ind.minimum_points, ctx.unit.level)
    target = Target(">=", minimum) if minimum is not None else None
    target_text = f"≥ {_show(minimum, ctx.decimals)} điểm" if minimum is not None else ""
    common = {
        "target": target, "target_text": target_text, "inputs": dict(own),
        "max_points": maximum, "category": ind.category,
    }
    if "value" not in own:
        return _result(ind, code, "missing", "Chưa có điểm", **common)
    try:
        points = _as_number(own["value"])
    except _Bad as err:
        return _result(ind, code, "invalid", str(err), **common)
    common["inputs"] = {"value": points}
    of = f"/{_show(maximum, ctx.decimals)}" if maximum is not None else ""
    shown = f"{_show(points, ctx.decimals)}{of} điểm"
    if points < 0:
        return _result(ind, code, "invalid", f"Điểm âm ({shown})", points=points, **common)
    if maximum is not None and points > maximum:
        return _result(
            ind, code, "invalid", f"{shown}: vượt điểm tối đa {_show(maximum, ctx.decimals)}", points=points, **common
        )
    if minimum is not None and points < minimum:
        text = f"{shown}, dưới mức tối thiểu {_show(minimum, ctx.decimals)} điểm"
        return _result(ind, code, "not_met", text, value=points, points=points, **common)
    suffix = f" (tối thiểu {_show(minimum, ctx.decimals)})" if minimum is not None else ""
    return _result(ind, code, "met", f"{shown}{suffix} → Đạt", value=points, points=points, **common)


def _measure(ind: Indicator, code: str, ctx: _Context, common: dict) -> tuple[Fraction | bool, str] | IndicatorResult:
    """The value a computed score is scored on and how it reads ("741/1.000 = 74,1%"), or why there is none.

    A ratio input is checked as a ratio indicator's counts are; a value scored as a
    share must be written as one ("74,1%" or 0.741, not 74,1). ``common["inputs"]``
    becomes the inputs as read.
    """
    scoring = ind.scoring
    own = _own_values(ind, code, ctx.values)
    if scoring.input == "ratio":
        absent = [name for name in RATIO_INPUTS if name not in own]
        if absent:
            return _result(ind, code, "missing", f"Chưa có số liệu: {', '.join(_input_name(ind, n) for n in absent)}",
                           **common)
        try:
            num, den = _as_number(own["numerator"]), _as_number(own["denominator"])
        except _Bad as err:
            return _result(ind, code, "invalid", str(err), **common)
        common["inputs"] = {"numerator": num, "denominator": den}
        for name, x in (("numerator", num), ("denominator", den)):
            if x < 0:
                return _result(ind, code, "invalid", f"{_input_name(ind, name).capitalize()} là số âm ({_show(x, 2)})",
                               **common)
            if x.denominator != 1:
                return _result(ind, code, "invalid",
                               f"{_input_name(ind, name).capitalize()} phải là số nguyên ({_show(x, 2)})", **common)
        if den == 0:
            return _result(ind, code, "invalid", "Mẫu số bằng 0", **common)
        if num > den:
            return _result(ind, code, "invalid",
                           f"Tử số ({format_number(num, 0)}) lớn hơn mẫu số ({format_number(den, 0)})", **common)
        value = num / den
        return value, f"{format_number(num, 0)}/{format_number(den, 0)} = {format_percent(value, ctx.decimals)}"
    if "value" not in own:
        return _result(ind, code, "missing", f"Chưa có số liệu: {_input_name(ind, 'value')}", **common)
    try:
        if scoring.target is not None and isinstance(scoring.target.value, bool):
            value: Fraction | bool = _as_bool(own["value"])
        else:
            value = _as_number(own["value"])
    except _Bad as err:
        return _result(ind, code, "invalid", str(err), **common)
    common["inputs"] = {"value": value}
    if isinstance(value, bool):
        return value, show_value(scoring, value, ctx.decimals)
    if value < 0:
        return _result(ind, code, "invalid", f"Giá trị âm ({_show(value, ctx.decimals)})", **common)
    if scoring.percent and value > 1:
        return _result(ind, code, "invalid",
                       f"Tỷ lệ phải từ 0% đến 100% (gặp {_show(value, ctx.decimals)}; viết 74,1% hoặc 0,741)", **common)
    measured = show_value(scoring, value, ctx.decimals)
    if ind.unit_label and not scoring.percent:
        measured += f" {ind.unit_label}"
    return value, measured


def _evaluate_scored(ind: Indicator, code: str, ctx: _Context) -> IndicatorResult:
    """A score indicator whose points are computed from a measured value (``Indicator.scoring``).

    Status as for entered points: ``met`` when scored (and not below ``minimum``),
    ``not_met`` below it, ``missing``/``invalid`` by the inputs. A
    ``relative_to_average`` indicator evaluated without its group's average
    (``evaluate_unit`` alone) is ``met`` with no points, and says so.
    """
    scoring = ind.scoring
    maximum = _points_for(ind.max_points, ctx.unit.level)
    minimum = _points_for(ind.minimum_points, ctx.unit.level)
    target = Target(">=", minimum) if minimum is not None else None
    target_text = describe_scoring(scoring, ctx.decimals)
    if minimum is not None:
        target_text += f"; tối thiểu {_show(minimum, ctx.decimals)} điểm"
    common = {
        "target": target, "target_text": target_text, "inputs": dict(_own_values(ind, code, ctx.values)),
        "max_points": maximum, "category": ind.category,
    }
    if maximum is None:
        level = LEVEL_LABELS.get(ctx.unit.level, ctx.unit.level)
        return _result(ind, code, "not_applicable", f"Không áp dụng: chưa có điểm tối đa cho {level}",
                       category=ind.category)
    measured = _measure(ind, code, ctx, common)
    if isinstance(measured, IndicatorResult):
        return measured
    value, shown = measured
    average = None
    if scoring.method == "relative_to_average" and ctx.averages is not None:
        average = ctx.averages.get(code, {}).get(group_key(scoring, ctx.unit))
    points, text = score_points(scoring, value, maximum, shown, ctx.decimals, average)
    if points is None:
        return _result(ind, code, "met", text, **common)
    if minimum is not None and points < minimum:
        text += f", dưới mức tối thiểu {_show(minimum, ctx.decimals)} điểm"
        return _result(ind, code, "not_met", text, value=points, points=points, **common)
    if minimum is not None:
        text += f" (tối thiểu {_show(minimum, ctx.decimals)})"
    return _result(ind, code, "met", text, value=points, points=points, **common)


def _evaluate_composite(ind: Indicator, code: str, ctx: _Context, levels: tuple[str, ...]) -> IndicatorResult:
    required = set(ind.required_items) if ind.required_items is not None else {i.code for i in ind.items}
    items = tuple(
        _evaluate(item, f"{code}.{item.code}", ctx, levels, required=item.code in required) for item in ind.items
    )
    counted = [r for r in items if r.required and r.status != "not_applicable"]
    short = ", ".join(i.code for i in ind.items if i.code in required)
    target_text = f"Đạt các nội dung bắt buộc: {short}" if short else ""
    if not counted:
        return _result(
            ind, code, "not_applicable", "Không áp dụng: không có nội dung bắt buộc nào áp dụng cho đơn vị",
            items=items, target_text=target_text,
        )
    by_status = {s: [r.code for r in counted if r.status == s] for s in ("invalid", "not_met", "missing")}
    if by_status["invalid"]:
        status, text = "invalid", f"Số liệu không hợp lệ: {', '.join(by_status['invalid'])}"
    elif by_status["not_met"]:
        status, text = "not_met", f"Chưa đạt: {', '.join(by_status['not_met'])}"
    elif by_status["missing"]:
        status, text = "missing", f"Chưa có số liệu: {', '.join(by_status['missing'])}"
    else:
        status, text = "met", f"Đạt {len(counted)}/{len(counted)} nội dung bắt buộc → Đạt"
    if status != "met":
        others = [
            (s, by_status[s]) for s in ("not_met", "missing") if by_status[s] and s != status
        ]
        for s, codes in others:
            text += f"; {STATUS_LABELS[s].lower()}: {', '.join(codes)}"
    met_count = sum(1 for r in counted if r.status == "met")
    return _result(
        ind, code, status, text, items=items, target_text=target_text,
        value=Fraction(met_count, len(counted)),
    )


def _apply_rules(result: IndicatorResult, ind: Indicator, code: str, ctx: _Context) -> IndicatorResult:
    """Mark ``result`` invalid when one of its own rules or a framework rule naming it fails."""
    if result.status in ("not_applicable", "invalid"):
        return result
    message = ctx.framework_failures.get(code)
    if message is None and ind.rules:
        lookup = _own_lookup(ind, _own_values(ind, code, ctx.values), ctx)
        for rule in ind.rules:
            message = _check_rule(rule, lookup)
            if message is not None:
                break
    if message is None:
        return result
    return result._replace(status="invalid", explanation=message)


def _evaluate(
    ind: Indicator, code: str, ctx: _Context, parent_levels: tuple[str, ...], required: bool = True
) -> IndicatorResult:
    levels = ind.levels if ind.levels is not None else parent_levels
    if ind.kind == "text":
        own = _own_values(ind, code, ctx.values)
        text = own.get("value")
        return _result(
            ind, code, "not_applicable", TEXT_EXPLANATION,
            value=str(text) if text is not None else None, inputs=dict(own), required=required,
        )
    reason = _not_applicable_reason(ind, levels, ctx.unit)
    if reason is not None:
        return _result(ind, code, "not_applicable", reason, required=required, category=ind.category)
    if ind.kind == "composite":
        result = _evaluate_composite(ind, code, ctx, levels)
    elif ind.kind == "score":
        result = _evaluate_scored(ind, code, ctx) if ind.scoring is not None else _evaluate_score(ind, code, ctx)
    else:
        target = select_target(ind, ctx.unit, ctx.year)
        if target is None and ind.kind == "boolean" and not ind.targets:
            target = Target("=", True)
        if target is None:
            return _result(ind, code, "not_applicable", _no_target(ctx.unit, ctx.year), required=required)
        target_text = describe_target(target, ind.kind, ctx.decimals)
        if ind.kind == "ratio":
            result = _evaluate_ratio(ind, code, ctx, target, target_text)
        elif ind.kind == "number":
            result = _evaluate_number(ind, code, ctx, target, target_text)
        elif ind.kind == "boolean":
            result = _evaluate_boolean(ind, code, ctx, target, target_text)
        else:
            raise ValueError(f"Loại chỉ tiêu không hợp lệ: {ind.kind}")
    result = _apply_rules(result, ind, code, ctx)
    if not required:
        result = result._replace(required=False)
    return result


# --------------------------------------------------------------------------- scores


def _category_result(category, criteria: list[IndicatorResult], decimals: int) -> CategoryResult:
    applicable = [c for c in criteria if c.status != "not_applicable"]
    points = sum((c.points or Fraction(0) for c in applicable if c.status in ("met", "not_met")), Fraction(0))
    maximum = sum((c.max_points or Fraction(0) for c in applicable), Fraction(0))
    reasons: list[str] = []
    blocking: list[str] = []
    for c in applicable:
        if c.status == "not_met":
            minimum = c.target.value if c.target is not None else None
            reasons.append(
                f"Tiêu chí {c.code} đạt {_show(c.points or Fraction(0), decimals)} điểm, "
                f"dưới mức tối thiểu {_show(Fraction(minimum or 0), decimals)} điểm"
            )
            blocking.append(c.code)
        elif c.status == "missing":
            reasons.append(f"Tiêu chí {c.code} chưa có điểm")
            blocking.append(c.code)
        elif c.status == "invalid":
            reasons.append(f"Tiêu chí {c.code} có điểm không hợp lệ ({c.explanation})")
            blocking.append(c.code)
    if reasons:
        return CategoryResult(category.code, category.name, points, maximum, None, False, "; ".join(reasons), tuple(blocking))
    if not maximum:
        return CategoryResult(
            category.code, category.name, points, maximum, None, False, "Không có tiêu chí nào áp dụng cho đơn vị"
        )
    if not category.bands:  # a category that only adds up points (DTI's main indicators): nothing to rank it at
        return CategoryResult(category.code, category.name, points, maximum, None, True, "")
    share = points / maximum
    for band in category.bands:
        if share >= band.min_share:
            return CategoryResult(category.code, category.name, points, maximum, band.label, True, "")
    lowest = category.bands[-1] if category.bands else None
    reason = f"Đạt {format_percent(share, decimals)} tổng điểm"
    if lowest is not None:
        reason += f", dưới mức thấp nhất ({lowest.label}: {format_percent(lowest.min_share, decimals)})"
    return CategoryResult(category.code, category.name, points, maximum, None, False, reason)


def _score(framework: Framework, indicators: Sequence[IndicatorResult]) -> ScoreResult:
    scored = [r for r in indicators if r.kind == "score"]
    categories = tuple(
        _category_result(cat, [r for r in scored if r.category == cat.code], framework.decimals)
        for cat in framework.categories
    )
    applicable = [r for r in scored if r.status != "not_applicable"]
    points = sum((r.points or Fraction(0) for r in applicable if r.status in ("met", "not_met")), Fraction(0))
    maximum = sum((r.max_points or Fraction(0) for r in applicable), Fraction(0))
    return ScoreResult(points=points, max_points=maximum, categories=categories)


# --------------------------------------------------------------------------- public


# --------------------------------------------------------------------------- the fast path
#
# A national re-evaluation is millions of indicator results (10.000 units × 60 indicators ×
# 12 periods), so the common cases — a ratio, number or yes/no whose target depends only on
# the level and the year, with values that are Fractions, bools or absent — are decided by a
# step prepared once per framework, level and year: two dictionary reads and an integer
# comparison (n × q ≥ p × d for a target p/q). Texts, the value as a Fraction and the inputs
# are left to the result to work out on first read, by running the reference code above on
# the two raw inputs it keeps. Anything else (text typed in, composites, scores, attribute
# conditions) goes through the reference code directly, so verdicts and texts are the same
# either way (tests/test_fast_path.py checks this over random values).

_new = object.__new__
# Fraction's own fields, read directly: its ``numerator`` property is a Python call, and a
# ratio reads four of them. Should a Python version rename them, the fast path stands aside.
_FRACTION_FIELDS = hasattr(Fraction(1), "_numerator") and hasattr(Fraction(1), "_denominator")


class _Mini:
    """The part of a context the reference evaluators of one indicator read."""

    __slots__ = ("values", "decimals")

    def __init__(self, values: Mapping[str, Value], decimals: int) -> None:
        self.values = values
        self.decimals = decimals


class _Render:
    """Works out a fast result's value, inputs and explanation from its raw inputs, on first read."""

    __slots__ = ("evaluator", "ind", "code", "target", "target_text", "decimals", "keys")

    def __init__(self, evaluator, ind: Indicator, code: str, target: Target, target_text: str, decimals: int,
                 keys: tuple[str, ...]) -> None:
        self.evaluator, self.ind, self.code = evaluator, ind, code
        self.target, self.target_text, self.decimals, self.keys = target, target_text, decimals, keys

    def render(self, raw: tuple) -> tuple[object, Mapping[str, Value], str]:
        values = {key: value for key, value in zip(self.keys, raw, strict=True) if value is not None}
        result = self.evaluator(self.ind, self.code, _Mini(values, self.decimals), self.target, self.target_text)
        return result.value, result.inputs, result.explanation


def _comparison(target: Target):
    """``f(n, d)`` = whether n/d meets ``target`` (d > 0), in integers; ``None`` for yes/no or odd targets."""

    def parts(x: object) -> tuple[int, int]:
        x = Fraction(x)
        return x.numerator, x.denominator

    if isinstance(target.value, bool):
        return None
    op = target.op
    if op == "range":
        if target.minimum is None and target.maximum is None:
            return lambda n, d: True
        if target.maximum is None:
            lp, lq = parts(target.minimum)
            return lambda n, d: n * lq >= lp * d
        hp, hq = parts(target.maximum)
        if target.minimum is None:
            return lambda n, d: n * hq <= hp * d
        lp, lq = parts(target.minimum)
        return lambda n, d: n * lq >= lp * d and n * hq <= hp * d
    if target.value is None or isinstance(target.value, str):
        return None
    p, q = parts(target.value)
    return {
        ">=": lambda n, d: n * q >= p * d,
        ">": lambda n, d: n * q > p * d,
        "<=": lambda n, d: n * q <= p * d,
        "<": lambda n, d: n * q < p * d,
        "=": lambda n, d: n * q == p * d,
        "==": lambda n, d: n * q == p * d,
    }.get(op)


def _compiled_rules(ind: Indicator) -> tuple[tuple[Rule, Expression | None], ...]:
    """The indicator's rules compiled once (``None`` for one that does not compile: it says so when checked)."""
    out = []
    for rule in ind.rules:
        try:
            out.append((rule, compile_expression(rule.expr)))
        except ExpressionError:
            out.append((rule, None))
    return tuple(out)


# What the fast ratio step has already established for a met or not-met ratio (whole
# numerator ≤ denominator, both ≥ 0): the rule the bundled frameworks write most holds.
_IMPLIED_BY_RATIO = frozenset({"numerator<=denominator", "denominator>=numerator"})


def _implied_by_ratio(rule: Rule) -> bool:
    return "".join(rule.expr.split()) in _IMPLIED_BY_RATIO


def _fast_rules(checks, code: str, ctx: _Context, lookup, result: IndicatorResult) -> None:
    """``_apply_rules`` for a fast result (status met, not met or missing): mark it invalid in place."""
    message = ctx.framework_failures.get(code)
    if message is None:
        for rule, expression in checks:
            message = _check_rule(rule, lookup, expression)
            if message is not None:
                break
    if message is not None:
        result._status = "invalid"
        result._explanation = message


def _ratio_step(ind: Indicator, code: str, target: Target, target_text: str, decimals: int, rules: bool, slow,
                rule_targets: frozenset[str] = frozenset()):
    meets = _comparison(target)
    if meets is None or not _FRACTION_FIELDS:
        return None
    num_key, den_key = f"{code}.numerator", f"{code}.denominator"
    rate_key = f"{code}.{STATED_RATE}"
    head = (code, ind.name, ind.kind, target, target_text, (), None, None, None, True)
    render = _Render(_evaluate_ratio, ind, code, target, target_text, decimals, (num_key, den_key))
    checks = _compiled_rules(ind)
    # for a met or not-met ratio, only the rules its own checks do not already settle
    open_checks = tuple((rule, expr) for rule, expr in checks if not _implied_by_ratio(rule))
    decided_rules = bool(open_checks) or code in rule_targets

    def step(values: Mapping[str, Value], ctx: _Context) -> IndicatorResult:
        a = values.get(num_key)
        b = values.get(den_key)
        if rate_key in values:
            return slow(ctx)  # a stated rate: used without counts, checked against them
        if a.__class__ is Fraction:
            if b.__class__ is Fraction:
                n, d = a._numerator, b._numerator
                if a._denominator != 1 or b._denominator != 1 or n < 0 or d <= 0 or n > d:
                    status = "invalid"
                else:
                    status = "met" if meets(n, d) else "not_met"
            elif b is None:
                status = "missing"
            else:
                return slow(ctx)
        elif a is None and (b is None or b.__class__ is Fraction):
            status = "missing"
        else:
            return slow(ctx)
        result = _new(IndicatorResult)
        result._head, result._status, result._explanation = head, status, None
        result._lazy, result._raw, result._stated = render, (a, b), None
        if rules and (status == "missing" or (status != "invalid" and decided_rules)):

            def lookup(name: str) -> object:
                if name == "numerator" and a is not None:
                    return a
                if name == "denominator" and b is not None:
                    return b
                if name == "value" and a is not None and b:
                    return a / b
                return ctx.base(name)

            _fast_rules(checks if status == "missing" else open_checks, code, ctx, lookup, result)
        return result

    return step


def _value_step(ind: Indicator, code: str, target: Target, target_text: str, decimals: int, rules: bool, slow):
    """A number or a yes/no question; ``slow(ctx)`` evaluates what the step does not handle."""
    key = f"{code}.value"
    head = (code, ind.name, ind.kind, target, target_text, (), None, None, None, True)
    if ind.kind == "number":
        meets = _comparison(target)
        if meets is None or not _FRACTION_FIELDS:
            return None
        render = _Render(_evaluate_number, ind, code, target, target_text, decimals, (key,))
    else:
        if target.op not in ("=", "=="):
            return None
        wanted = bool(target.value)
        render = _Render(_evaluate_boolean, ind, code, target, target_text, decimals, (key,))
    number = ind.kind == "number"
    checks = _compiled_rules(ind)

    def step(values: Mapping[str, Value], ctx: _Context) -> IndicatorResult:
        v = values.get(key)
        if v is None:
            status = "missing"
        elif number and v.__class__ is Fraction:
            if v._numerator < 0:
                status = "invalid"
            elif v._denominator == 1:
                status = "met" if meets(v._numerator, 1) else "not_met"
            else:
                status = "met" if compare(v, target) else "not_met"
        elif not number and (v is True or v is False):
            status = "met" if v is wanted else "not_met"
        else:
            return slow(ctx)
        result = _new(IndicatorResult)
        result._head, result._status, result._explanation = head, status, None
        result._lazy, result._raw, result._stated = render, (v,), None
        if rules and status != "invalid":
            _fast_rules(checks, code, ctx, lambda name: v if name == "value" and v is not None else ctx.base(name), result)
        return result

    return step


class _Prepared:
    """What is the same for every unit of one framework: worked out once, steps once per level and year."""

    def __init__(self, framework: Framework) -> None:
        # the parts it needs, not the framework itself, so that the cache below does not keep it alive
        self.indicators = framework.indicators
        self.levels = framework.levels
        self.decimals = framework.decimals
        self.element_ids = tuple(framework.element_ids())
        self.element_set = frozenset(self.element_ids)
        # a unit that stated only a rate has reported (its stated rate is judged)
        self.reported_ids = self.element_ids + tuple(framework.stated_rate_ids())
        self.aliases = {ind.alias: (ind, code) for ind, code in _walk(framework.indicators) if ind.alias}
        self.rule_targets = frozenset(code for rule in framework.rules for code in rule.applies_to)
        self._steps: dict[tuple[str, int], tuple] = {}

    def steps(self, level: str, year: int) -> tuple:
        """Per top-level indicator, ``step(values, ctx) -> IndicatorResult`` for a unit at ``level`` in ``year``."""
        key = (level, year)
        found = self._steps.get(key)
        if found is None:
            found = self._steps[key] = tuple(self._step(ind, level, year) for ind in self.indicators)
        return found

    def _step(self, ind: Indicator, level: str, year: int):
        levels, decimals = self.levels, self.decimals

        def slow(ctx: _Context) -> IndicatorResult:
            return _evaluate(ind, ind.code, ctx, levels)

        def reference(values: Mapping[str, Value], ctx: _Context) -> IndicatorResult:
            return _evaluate(ind, ind.code, ctx, levels)

        if ind.kind not in ("ratio", "number", "boolean") or ind.applies_if or any(t.attributes for t in ind.targets):
            return reference  # depends on more than the level: the reference code, unit by unit
        stub = UnitInfo(code="", name="", level=level)
        reason = _not_applicable_reason(ind, ind.levels if ind.levels is not None else levels, stub)
        if reason is not None:
            return _shared(_result(ind, ind.code, "not_applicable", reason, category=ind.category))
        target = select_target(ind, stub, year)
        if target is None and ind.kind == "boolean" and not ind.targets:
            target = Target("=", True)
        if target is None:
            return _shared(_result(ind, ind.code, "not_applicable", _no_target(stub, year)))
        target_text = describe_target(target, ind.kind, decimals)
        rules = bool(ind.rules) or ind.code in self.rule_targets
        if ind.kind == "ratio":
            step = _ratio_step(ind, ind.code, target, target_text, decimals, rules, slow, self.rule_targets)
        else:
            step = _value_step(ind, ind.code, target, target_text, decimals, rules, slow)
        return step or reference


def _shared(result: IndicatorResult):
    """A step giving every unit the same (immutable) result: not applicable at that level or year."""
    return lambda values, ctx: result


_PREPARED: dict[int, tuple[weakref.ref, _Prepared]] = {}
_PREPARED_KEPT = 32


def _prepare(framework: Framework) -> _Prepared:
    """The framework's preparation, kept while the framework object lives (a few at a time).

    Frameworks are immutable, so one prepared for an object stays right for it;
    the entry goes when the object is collected.
    """
    key = id(framework)
    found = _PREPARED.get(key)
    if found is not None and found[0]() is framework:
        return found[1]
    prepared = _Prepared(framework)
    while len(_PREPARED) >= _PREPARED_KEPT:
        try:
            _PREPARED.pop(next(iter(_PREPARED)), None)
        except (StopIteration, RuntimeError):  # emptied or changed by another thread meanwhile
            break
    _PREPARED[key] = (weakref.ref(framework, lambda _ref, key=key: _PREPARED.pop(key, None)), prepared)
    return prepared


def _reported(values: Mapping[str, Value], element_ids: tuple[str, ...]) -> bool:
    for element in element_ids:
        value = values.get(element)
        if value is not None and (value.__class__ is not str or value.strip() != ""):
            return True
    return False


def _evaluate_unit(
    framework: Framework, unit: UnitInfo, values: Mapping[str, Value], period: Period, prepared: _Prepared,
    averages: GroupAverages | None = None,
) -> UnitResult:
    ctx = _Context(framework, unit, values, period.year, prepared)
    ctx.averages = averages
    if framework.rules:
        ctx.framework_failures = _framework_failures(framework, ctx)
    indicators = tuple([step(values, ctx) for step in prepared.steps(unit.level, period.year)])
    statuses = [r._status for r in indicators]
    met = statuses.count("met")
    applicable = len(statuses) - statuses.count("not_applicable")
    if not _reported(values, prepared.reported_ids):
        status = "not_reported"
    elif applicable and met == applicable:
        status = "complete"  # never vacuously: a unit nothing applies to has completed nothing
    else:
        status = "incomplete"
    score = _score(framework, indicators) if framework.kind == "score" else None
    return UnitResult(unit=unit, status=status, met=met, applicable=applicable, indicators=indicators, score=score)


@contextmanager
def _collector_paused():
    """Hold the cyclic garbage collector while results are made.

    Evaluating makes no reference cycles (results point at shared, immutable
    parts), so reference counting frees everything; but the collector's passes,
    triggered every few hundred new objects, would walk the hundreds of
    thousands of results already made: 40% of a national re-evaluation.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def evaluate_unit(
    framework: Framework, unit: UnitInfo, values: Mapping[str, Value], period: Period | str,
    averages: GroupAverages | None = None,
) -> UnitResult:
    """Evaluate every indicator of ``framework`` for one unit in ``period``.

    ``values`` maps element ids ("2.numerator") to values; ``None`` or blank
    text counts as absent. The unit is ``not_reported`` when none of the
    framework's elements has a value, ``complete`` when every applicable
    indicator is met (and at least one applies), else ``incomplete``. Not-applicable indicators (wrong
    level or attributes, no target for the level and year, narrative text)
    count neither in ``met`` nor in ``applicable``.

    A ``relative_to_average`` score needs the average of the unit's group: pass
    ``averages`` (from ``group_averages`` over the whole group); without it such an
    indicator is scored with no points and says why.
    """
    return _evaluate_unit(framework, unit, values, parse_period(period), _prepare(framework), averages)


def group_averages(
    framework: Framework,
    units: Sequence[UnitInfo],
    values_by_unit: Mapping[str, Mapping[str, Value]],
    period: Period | str,
) -> dict[str, dict[tuple, GroupAverage]]:
    """For each ``relative_to_average`` indicator, the average of each group of ``units`` (Decree 307's rule).

    The one rule that looks across units: a commune's points depend on the
    average of its group (same level, and same ``group_by`` attributes) over the
    units given, for the same period. A unit counts in the average only if the
    indicator applies to it (level, ``applies_if``) and its value is present and
    valid (checks and rules passed): a unit with no value, or an invalid one, is
    left out of the average (never counted as 0) and is itself scored as missing
    or invalid. ``mean`` averages the units' values; ``pooled`` divides the sum of
    numerators by the sum of denominators.
    """
    relative = [ind for ind in framework.indicators
                if ind.kind == "score" and ind.scoring is not None and ind.scoring.method == "relative_to_average"]
    if not relative:
        return {}
    period = parse_period(period)
    prepared = _prepare(framework)
    sums: dict[str, dict[tuple, list]] = {ind.code: {} for ind in relative}
    for unit in units:
        ctx = _Context(framework, unit, values_by_unit.get(unit.code) or {}, period.year, prepared)
        if framework.rules:
            ctx.framework_failures = _framework_failures(framework, ctx)
        for ind in relative:
            result = _evaluate(ind, ind.code, ctx, framework.levels)  # no averages yet: valid values are "met"
            if result.status not in ("met", "not_met"):
                continue
            got = result.inputs
            if "value" in got:
                num, den = Fraction(got["value"]), Fraction(1)
            else:
                num, den = got["numerator"], got["denominator"]
            acc = sums[ind.code].setdefault(group_key(ind.scoring, unit), [Fraction(0), Fraction(0), 0])
            if ind.scoring.average == "pooled":
                acc[0] += num
                acc[1] += den
            else:
                acc[0] += num / den
                acc[1] += 1
            acc[2] += 1
    return {
        code: {key: GroupAverage(total / count, units) for key, (total, count, units) in groups.items()}
        for code, groups in sums.items()
    }


def evaluate(
    framework: Framework,
    units: Sequence[UnitInfo],
    values_by_unit: Mapping[str, Mapping[str, Value]],
    period: Period | str,
    averages: GroupAverages | None = None,
) -> Evaluation:
    """Evaluate ``framework`` for each of ``units`` (in that order) and summarise.

    A unit absent from ``values_by_unit`` has reported nothing: it is
    ``not_reported`` and still counts in the completion rate's denominator.
    Scope is the caller's business (see ``aggregate.in_scope``).

    ``relative_to_average`` scores are computed against the averages of
    ``units`` themselves (``group_averages``) before any unit is scored, unless
    ``averages`` is given (e.g. worked out over the whole province when only a
    few of its units are re-evaluated).
    """
    period = parse_period(period)
    prepared = _prepare(framework)
    if averages is None and framework.compares_units:
        averages = group_averages(framework, units, values_by_unit, period)
    with _collector_paused():
        results = tuple(
            [_evaluate_unit(framework, u, values_by_unit.get(u.code, {}), period, prepared, averages) for u in units]
        )
    return Evaluation(framework=framework, period=period, results=results, summary=summarize(results))
