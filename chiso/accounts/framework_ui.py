"""Helpers of the framework pages: storing an upload, showing errors and targets per level."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import Indicator, TargetRule
from chiso.engine.targets import describe_target
from chiso.frameworks.models import Framework

KIND_LABELS = {
    "ratio": "Tỷ lệ",
    "boolean": "Có/Không",
    "number": "Số",
    "score": "Điểm",
    "composite": "Gồm mục con",
    "text": "Nội dung",
}


def store_uploaded_framework(text: str, filename: str, dry_run: bool = False) -> tuple[Framework | None, str]:
    """Parse ``text`` (raising ``FrameworkError``) and store it; ``(None, "checked")`` for a dry run.

    Storing goes through ``chiso.frameworks.services.store_framework`` so the web
    upload and ``chiso load_frameworks`` version frameworks the same way. The
    status is ``loaded``, ``unchanged`` or ``replaced`` (same version, no values yet).
    """
    from chiso.frameworks.loader import parse_framework_text
    from chiso.frameworks.services import store_framework

    spec = parse_framework_text(text, filename)
    if dry_run:
        return None, "checked"
    fw, action = store_framework(spec, text, filename)
    return fw, str(action.value if hasattr(action, "value") else action)


def describe_framework_error(error: Exception, filename: str) -> list[str]:
    """One line per problem (file, path in the document, line, what was expected)."""
    problems = getattr(error, "problems", None)
    if problems:
        return [str(p) for p in problems]
    return [f"{filename}: {error}"]


@dataclass
class IndicatorRow:
    code: str
    name: str
    kind: str
    depth: int
    required: bool
    evidence: bool
    targets: list[str]  # one cell per framework level
    rules: list[str]  # every target rule, in order, with its conditions


def _conditions(rule: TargetRule) -> str:
    parts = []
    if rule.level:
        parts.append(_("cấp %(l)s") % {"l": rule.level})
    for key, value in rule.attributes.items():
        shown = " / ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{key} = {shown}")
    if rule.year_from and rule.year_to:
        parts.append(_("năm %(a)s–%(b)s") % {"a": rule.year_from, "b": rule.year_to})
    elif rule.year_from:
        parts.append(_("từ năm %(a)s") % {"a": rule.year_from})
    elif rule.year_to:
        parts.append(_("đến năm %(b)s") % {"b": rule.year_to})
    return ", ".join(parts)


def _level_cell(ind: Indicator, level: str, year: int, decimals: int) -> str:
    """Targets that can apply at ``level`` in ``year``; attribute-specific ones are labelled."""
    if ind.levels is not None and level not in ind.levels:
        return "—"
    if ind.kind == "composite":
        return _("khi đạt các mục con bắt buộc")
    if ind.kind == "text":
        return _("không tính")
    shown: list[str] = []
    for rule in ind.targets:
        if rule.level is not None and rule.level != level:
            continue
        if rule.year_from is not None and year < rule.year_from:
            continue
        if rule.year_to is not None and year > rule.year_to:
            continue
        text = describe_target(rule.target, ind.kind, decimals)
        if rule.attributes:
            cond = ", ".join(f"{k} = {v}" for k, v in rule.attributes.items())
            shown.append(f"{text} ({cond})")
        else:
            shown.append(text)
            break  # an unconditional rule ends the search for this level
    return "; ".join(shown) if shown else _("không có chỉ tiêu")


def indicator_rows(spec: FrameworkSpec, year: int) -> list[IndicatorRow]:
    """Every indicator and sub-item in document order, with the target per framework level."""
    rows: list[IndicatorRow] = []

    def walk(ind: Indicator, code: str, depth: int, required: bool) -> None:
        rows.append(IndicatorRow(
            code=code, name=ind.name, kind=KIND_LABELS.get(ind.kind, ind.kind), depth=depth,
            required=required, evidence=ind.evidence_required,
            targets=[_level_cell(ind, lv, year, spec.decimals) for lv in spec.levels],
            rules=[
                f"{describe_target(r.target, ind.kind, spec.decimals)}"
                + (f" — {_conditions(r)}" if _conditions(r) else "")
                for r in ind.targets
            ],
        ))
        for item in ind.items:
            req = ind.required_items is None or item.code in ind.required_items
            walk(item, f"{code}.{item.code}", depth + 1, req)

    for ind in spec.indicators:
        walk(ind, ind.code, 0, True)
    return rows
