"""How a measured rate is printed, the same on every surface: 13/20 → "65,00%".

A completion rate, a share of the maximum score or a measured ratio is
always printed with a fixed number of decimals (the framework's, two by
default), rounded half-up on the exact fraction, with the Vietnamese decimal
comma: the page, the CLI table, the XLSX appendix, the DOCX report and the
API's text all print "65,00%", never "65%" in one place and "65,00%" in
another. Targets quoted from a legal text ("≥ 90%") keep their own wording
through ``chiso.engine.targets.describe_target``.

Pure Python: no Django.
"""

from __future__ import annotations

from fractions import Fraction

from .numbers import format_int, parse_number, scaled_half_up

__all__ = ["format_rate", "NO_RATE"]

NO_RATE = "—"  # no rate: no units in scope, nothing assessed


def format_rate(value: Fraction | float | int | str | None, decimals: int = 2) -> str:
    """A rate as a percentage with exactly ``decimals`` decimals: 0.65 → "65,00%", 1 → "100,00%".

    ``None`` prints "—". Thousands are grouped with dots (a rate above 100%
    such as 12,5 → "1.250,00%"); a negative rate keeps its sign.
    """
    if value is None:
        return NO_RATE
    frac = value if isinstance(value, Fraction) else parse_number(value)
    decimals = max(0, int(decimals))
    scaled = scaled_half_up(frac.numerator * 100, frac.denominator, decimals)
    sign = "-" if scaled < 0 else ""
    whole, rest = divmod(abs(scaled), 10**decimals)
    text = format_int(whole)
    if decimals:
        text += "," + str(rest).zfill(decimals)
    return f"{sign}{text}%"
