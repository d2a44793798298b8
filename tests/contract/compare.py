"""Compare `chiso evaluate --format json` with the oracle of ``world``, key by key.

Returns a list of human-readable differences (empty when everything agrees),
so a failing test names every disagreement at once.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

CONTRACT_UNIT_KEYS = {"unit", "level", "status", "met", "applicable", "indicators"}
CONTRACT_INDICATOR_KEYS = {"code", "status", "value", "target"}
CONTRACT_TALLY_KEYS = {"units", "assessed", "not_reported", "complete", "rate"}


def _close(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    return math.isclose(float(actual), float(Fraction(expected)), rel_tol=1e-12, abs_tol=1e-12)


def compare_evaluation(doc: dict, framework: str, period: str, expected_units: dict[str, dict],
                       expected_summary: dict | None) -> list[str]:
    """Differences between the JSON ``doc`` and the expectation."""
    diffs: list[str] = []
    if set(doc) < {"framework", "period", "units", "summary"}:
        diffs.append(f"top-level keys missing: {sorted({'framework', 'period', 'units', 'summary'} - set(doc))}")
        return diffs
    if doc["framework"] != framework:
        diffs.append(f"framework {doc['framework']!r} != {framework!r}")
    if doc["period"] != period:
        diffs.append(f"period {doc['period']!r} != {period!r}")
    got_units = {u["unit"]: u for u in doc["units"]}
    if len(got_units) != len(doc["units"]):
        diffs.append("a unit appears twice in units[]")
    if set(got_units) != set(expected_units):
        diffs.append(f"units {sorted(got_units)} != expected {sorted(expected_units)}")
    for code, exp in expected_units.items():
        got = got_units.get(code)
        if got is None:
            continue
        missing_keys = CONTRACT_UNIT_KEYS - set(got)
        if missing_keys:
            diffs.append(f"{code}: keys missing {sorted(missing_keys)}")
            continue
        for key in ("level", "status", "met", "applicable"):
            if got[key] != exp[key]:
                diffs.append(f"{code}.{key}: {got[key]!r} != expected {exp[key]!r}")
        got_ind = {i["code"]: i for i in got["indicators"]}
        for icode, (status, value) in exp["indicators"].items():
            gi = got_ind.get(icode)
            if gi is None:
                diffs.append(f"{code} indicator {icode}: absent")
                continue
            if CONTRACT_INDICATOR_KEYS - set(gi):
                diffs.append(f"{code} indicator {icode}: keys missing {sorted(CONTRACT_INDICATOR_KEYS - set(gi))}")
                continue
            if gi["status"] != status:
                diffs.append(f"{code} indicator {icode}: status {gi['status']!r} != expected {status!r}")
            if value is not None and not _close(gi["value"], value):
                diffs.append(f"{code} indicator {icode}: value {gi['value']!r} != expected {float(value) if not isinstance(value, bool) else value!r}")
            if status == "missing" and gi["value"] is not None:
                diffs.append(f"{code} indicator {icode}: missing but value {gi['value']!r}")
        extra = set(got_ind) - set(exp["indicators"])
        if extra:
            diffs.append(f"{code}: unexpected indicators {sorted(extra)}")
    if expected_summary is not None:
        summary = doc["summary"]
        for key in ("overall",):
            diffs += _compare_tally(f"summary.{key}", summary.get(key), expected_summary[key])
        by_level = summary.get("by_level", {})
        if set(by_level) != set(expected_summary["by_level"]):
            diffs.append(f"summary.by_level levels {sorted(by_level)} != {sorted(expected_summary['by_level'])}")
        for level, tally in expected_summary["by_level"].items():
            diffs += _compare_tally(f"summary.by_level.{level}", by_level.get(level), tally)
    return diffs


def _compare_tally(where: str, got: dict | None, exp: dict) -> list[str]:
    if got is None:
        return [f"{where}: absent"]
    diffs = []
    if CONTRACT_TALLY_KEYS - set(got):
        return [f"{where}: keys missing {sorted(CONTRACT_TALLY_KEYS - set(got))}"]
    for key in ("units", "assessed", "not_reported", "complete"):
        if got[key] != exp[key]:
            diffs.append(f"{where}.{key}: {got[key]!r} != expected {exp[key]!r}")
    if not _close(got["rate"], exp["rate"]):
        diffs.append(f"{where}.rate: {got['rate']!r} != expected {exp['rate']!r}")
    return diffs
