"""What one Chỉ Số instance sends another (``chiso push``): a province's results, read, never recomputed.

The payload carries, for every unit in scope of the framework (under ``--unit``
when given), its verdict as ``chiso evaluate --format json`` prints it
(status, met, applicable) and the figures that verdict was computed from —
the ``inputs`` of each indicator result in the stored evaluation on the
chosen basis (``chiso.results.reader``), written as exact machine values
(whole numbers as JSON integers, other numbers as decimal strings "12.5", yes/no
as booleans, text as strings). A unit whose figures the official basis leaves
out (report not approved) or that reported nothing is sent with no figures: the
receiver then holds none for it either. The province summary travels along so
the receiver can check its own evaluation against it.

``content_hash`` is the digest both sides agree on: the canonical JSON of
everything but the send time and the sender's name, so the same data always
hashes the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.utils import timezone

from chiso.assessments.evaluation import figures_for
from chiso.assessments.importer import to_decimal
from chiso.assessments.serialize import tally_to_dict
from chiso.engine.model import IndicatorResult, UnitResult
from chiso.frameworks.models import Framework
from chiso.results.models import BASIS_OFFICIAL
from chiso.units.models import Unit

FORMAT = "chiso-push/1"


def machine_value(value: Any) -> Any:
    """An engine value as exact JSON: 54919, "0.936", true, "text" (None for a missing one)."""
    if value is None or isinstance(value, bool | str):
        return value
    frac = Fraction(value)
    if frac.denominator == 1:
        return frac.numerator
    return format(to_decimal(frac).normalize(), "f")


def _walk(result: IndicatorResult, prefix: str, out: dict[str, Any]) -> None:
    for item in result.items or ():
        # Items carry their full code ("4.a") in results; the element is "4.a.numerator".
        _walk(item, item.code if item.code.startswith(f"{prefix}.") else f"{prefix}.{item.code}", out)
    for name, value in (result.inputs or {}).items():
        if value is not None:
            out[f"{prefix}.{name}"] = machine_value(value)


def unit_figures(result: UnitResult) -> dict[str, Any]:
    """Element id → value of the figures a unit's stored result was computed from."""
    out: dict[str, Any] = {}
    for ind in result.indicators:
        _walk(ind, ind.code, out)
    return dict(sorted(out.items()))


def _units(root: Unit | None) -> Iterable[Unit]:
    units = Unit.objects.filter(active=True)
    return units if root is None else units.subtree_of(root)


def build_payload(framework: Framework, period: str, basis: str = BASIS_OFFICIAL, root: Unit | None = None,
                  instance: str | None = None) -> dict[str, Any]:
    """The push of ``framework`` × ``period`` on ``basis`` for the units under ``root`` (all when None)."""
    figures = figures_for(framework, period, units=_units(root), basis=basis)
    evaluation = figures.evaluation
    units = []
    for result in evaluation.results:
        units.append({
            "code": result.unit.code,
            "name": result.unit.name,
            "level": result.unit.level,
            "status": result.status,
            "met": result.met,
            "applicable": result.applicable,
            "left_out": figures.left_out.get(result.unit.code, ""),
            "values": unit_figures(result),
        })
    summary = evaluation.summary
    return {
        "format": FORMAT,
        "instance": instance or default_instance(),
        "framework": framework.code,
        "framework_version": framework.version,
        "period": evaluation.period.code,
        "basis": basis,
        "pushed_at": timezone.now().isoformat(),
        "units": units,
        "summary": {"overall": tally_to_dict(summary.overall),
                    "by_level": {level: tally_to_dict(t) for level, t in summary.by_level.items()}},
    }


def default_instance() -> str:
    """How this instance names itself to others: ``CHISO_INSTANCE_NAME``, else the province's name."""
    return getattr(settings, "CHISO_INSTANCE_NAME", "") or f"Chỉ Số {settings.CHISO_PROVINCE_NAME}"


def unit_hash(unit: dict[str, Any]) -> str:
    """The digest of one unit as sent: code, verdict and figures (the name is not data)."""
    keep = {k: unit.get(k) for k in ("code", "status", "met", "applicable", "values")}
    return _digest(keep)


def content_hash(payload: dict[str, Any]) -> str:
    """The digest of a push: framework, period, basis and every unit — not when or by whom it was sent."""
    keep = {"framework": payload.get("framework"), "period": payload.get("period"), "basis": payload.get("basis"),
            "units": sorted(unit_hash(u) for u in payload.get("units") or [] if isinstance(u, dict))}
    return _digest(keep)


def _digest(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decimal_of(value: Any) -> Decimal:
    """A machine number (int, decimal string; a float only when it is whole) as a Decimal; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("là Có/Không")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("số thập phân phải gửi dạng chuỗi (\"12.5\") để giữ đúng giá trị")
        return Decimal(int(value))
    if isinstance(value, str):
        try:
            dec = Decimal(value.strip())
        except ArithmeticError:
            raise ValueError("không phải số dạng máy (ví dụ 54919 hoặc \"12.5\")") from None
        if not dec.is_finite():
            raise ValueError("không phải số hữu hạn")
        return dec
    raise ValueError("không phải số")


__all__ = ["FORMAT", "build_payload", "content_hash", "decimal_of", "default_instance", "machine_value",
           "unit_figures", "unit_hash"]
