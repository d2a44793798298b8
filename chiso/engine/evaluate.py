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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from .aggregate import summarize
from .expressions import ExpressionError, MissingInput, compile_expression
from .model import (
    CategoryResult,
    Framework,
    Indicator,
    IndicatorResult,
    Rule,
    ScoreResult,
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
from .targets import attributes_match, compare, describe_target, select_target

__all__ = ["Evaluation", "evaluate", "evaluate_unit", "LEVEL_LABELS", "STATUS_LABELS", "UNIT_STATUS_LABELS"]

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


@dataclass
class _Context:
    framework: Framework
    unit: UnitInfo
    values: Mapping[str, Value]
    year: int
    decimals: int
    activation: dict[str, object]
    framework_failures: dict[str, str]


def _own_values(ind: Indicator, prefix: str, values: Mapping[str, Value]) -> dict[str, Value]:
    return {name: values[f"{prefix}.{name}"] for name in ind.inputs if _present(values.get(f"{prefix}.{name}"))}


def _alias_value(ind: Indicator, own: Mapping[str, Value]) -> object:
    """What an aliased indicator looks like to a rule (``None`` when it has nothing)."""
    if ind.kind == "ratio":
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


def _base_activation(framework: Framework, values: Mapping[str, Value]) -> dict[str, object]:
    """Names every rule sees: ``inputs`` (element id → value present) and each alias."""
    inputs: dict[str, object] = {}
    for element in framework.element_ids():
        value = values.get(element)
        if not _present(value):
            continue
        if isinstance(value, bool | str):
            inputs[element] = value
        else:
            try:
                inputs[element] = _as_number(value)
            except _Bad:
                continue
    activation: dict[str, object] = {"inputs": inputs}
    for ind, code in _walk(framework.indicators):
        if ind.alias:
            alias = _alias_value(ind, _own_values(ind, code, values))
            if alias is not None:
                activation[ind.alias] = alias
    return activation


def _check_rule(rule: Rule, activation: Mapping[str, object]) -> str | None:
    """The message of a failing rule; ``None`` when it holds or cannot be checked (inputs absent)."""
    try:
        expression = compile_expression(rule.expr)
        outcome = expression.evaluate(activation)
    except MissingInput:
        return None
    except ExpressionError as err:
        return f"{rule.message} (không kiểm tra được: {err})"
    if outcome is True:
        return None
    if outcome is False:
        return rule.message
    return f'{rule.message} (quy tắc "{rule.expr}" không cho kết quả Đúng/Sai)'


def _framework_failures(framework: Framework, activation: Mapping[str, object]) -> dict[str, str]:
    """Indicator code → message of the first framework-level rule that fails for it."""
    failures: dict[str, str] = {}
    for rule in framework.rules:
        message = _check_rule(rule, activation)
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
        wanted = ", ".join(f"{k} = {v}" for k, v in ind.applies_if.items())
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


def _evaluate_ratio(ind: Indicator, code: str, ctx: _Context, target: Target, target_text: str) -> IndicatorResult:
    own = _own_values(ind, code, ctx.values)
    absent = [name for name in ("numerator", "denominator") if name not in own]
    common = {"target": target, "target_text": target_text, "inputs": dict(own)}
    if absent:
        names = ", ".join(_input_name(ind, n) for n in absent)
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
        own = _own_values(ind, code, ctx.values)
        activation = dict(ctx.activation)
        alias = _alias_value(ind, own)
        if ind.kind == "ratio":
            activation.update(alias)  # numerator, denominator, value
        elif alias is not None:
            activation["value"] = alias
        for rule in ind.rules:
            message = _check_rule(rule, activation)
            if message is not None:
                break
    if message is None:
        return result
    return replace(result, status="invalid", explanation=message)


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
        result = _evaluate_score(ind, code, ctx)
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
        result = replace(result, required=False)
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


@dataclass(frozen=True)
class _Prepared:
    """What is the same for every unit of one framework: computed once per ``evaluate`` call."""

    element_ids: tuple[str, ...]
    has_rules: bool


def _prepare(framework: Framework) -> _Prepared:
    has_rules = bool(framework.rules) or any(ind.rules for ind, _ in _walk(framework.indicators))
    return _Prepared(element_ids=tuple(framework.element_ids()), has_rules=has_rules)


def _evaluate_unit(
    framework: Framework, unit: UnitInfo, values: Mapping[str, Value], period: Period, prepared: _Prepared
) -> UnitResult:
    activation = _base_activation(framework, values) if prepared.has_rules else {}
    ctx = _Context(
        framework=framework, unit=unit, values=values, year=period.year, decimals=framework.decimals,
        activation=activation,
        framework_failures=_framework_failures(framework, activation) if framework.rules else {},
    )
    results = tuple(_evaluate(ind, ind.code, ctx, framework.levels) for ind in framework.indicators)
    applicable = [r for r in results if r.status != "not_applicable"]
    met = sum(1 for r in applicable if r.status == "met")
    reported = any(_present(values.get(e)) for e in prepared.element_ids)
    if not reported:
        status = "not_reported"
    elif applicable and met == len(applicable):
        status = "complete"  # never vacuously: a unit nothing applies to has completed nothing
    else:
        status = "incomplete"
    score = _score(framework, results) if framework.kind == "score" else None
    return UnitResult(unit=unit, status=status, met=met, applicable=len(applicable), indicators=results, score=score)


def evaluate_unit(
    framework: Framework, unit: UnitInfo, values: Mapping[str, Value], period: Period | str
) -> UnitResult:
    """Evaluate every indicator of ``framework`` for one unit in ``period``.

    ``values`` maps element ids ("2.numerator") to values; ``None`` or blank
    text counts as absent. The unit is ``not_reported`` when none of the
    framework's elements has a value, ``complete`` when every applicable
    indicator is met (and at least one applies), else ``incomplete``. Not-applicable indicators (wrong
    level or attributes, no target for the level and year, narrative text)
    count neither in ``met`` nor in ``applicable``.
    """
    return _evaluate_unit(framework, unit, values, parse_period(period), _prepare(framework))


def evaluate(
    framework: Framework,
    units: Sequence[UnitInfo],
    values_by_unit: Mapping[str, Mapping[str, Value]],
    period: Period | str,
) -> Evaluation:
    """Evaluate ``framework`` for each of ``units`` (in that order) and summarise.

    A unit absent from ``values_by_unit`` has reported nothing: it is
    ``not_reported`` and still counts in the completion rate's denominator.
    Scope is the caller's business (see ``aggregate.in_scope``).
    """
    period = parse_period(period)
    prepared = _prepare(framework)
    results = tuple(
        _evaluate_unit(framework, u, values_by_unit.get(u.code, {}), period, prepared) for u in units
    )
    return Evaluation(framework=framework, period=period, results=results, summary=summarize(results))
