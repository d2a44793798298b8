"""``{% export_links framework period unit as links %}``: the report downloads that fit a page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from chiso.frameworks.models import Framework

from ..services import KIND_LABELS, formats_for
from ..views import export_url

register = template.Library()


@dataclass
class ExportLink:
    kind: str
    label: str
    formats: list[tuple[str, str]]  # (format label, url)


def _code(framework) -> str | None:
    if isinstance(framework, Framework):
        return f"{framework.code}@{framework.version}"
    return str(framework) if framework else None


def _spec(framework):
    if isinstance(framework, Framework):
        return framework.spec()
    if not framework:
        return None
    try:
        return Framework.objects.latest_of(str(framework)).spec()
    except Framework.DoesNotExist:
        return None


@register.simple_tag
def export_links(framework, period, unit=None) -> list[ExportLink]:
    """Which reports make sense here: the appendix needs a unit (or a province-scoped
    framework), the ranking a score framework, the matrix a criteria framework; the statistics
    tables by level a framework that assesses several units."""
    code, spec = _code(framework), _spec(framework)
    period = getattr(period, "code", period)
    if not code or not period or spec is None:
        return []
    unit_code = getattr(unit, "code", unit) or None
    kinds = []
    if unit_code or spec.scope.assesses == "province":
        kinds.append("appendix")
    kinds.append("report")
    kinds.append("ranking" if spec.kind == "score" else "matrix")
    if spec.scope.assesses != "province":  # tallies by level need several units
        kinds.append("statistics")
    return [
        ExportLink(kind, KIND_LABELS[kind],
                   [(fmt.upper(), export_url(code, str(period), kind, fmt, unit_code)) for fmt in formats_for(kind)])
        for kind in kinds
    ]


@register.simple_tag
def export_form_url(framework, period, unit=None) -> str:
    """The report form pre-filled with this page's framework, period and unit."""
    from django.urls import reverse
    from django.utils.http import urlencode

    params = {"framework": _code(framework) or "", "period": getattr(period, "code", period) or ""}
    unit_code = getattr(unit, "code", unit)
    if unit_code:
        params["unit"] = unit_code
    return f"{reverse('reports:index')}?{urlencode(params)}"
