"""Reading and writing numbers the Vietnamese way: 54.919 hồ sơ, 93,6%.

Figures arrive typed by people in either style ("54.919", "54,919", "93,6%",
"1.234,5", "0.936") and leave in one style only (dots for thousands, a comma
for decimals). Values are kept as exact ``Fraction``s; rounding (half-up)
happens only when a number is shown.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "NumberError",
    "parse_number",
    "parse_count",
    "parse_bool",
    "format_int",
    "format_number",
    "format_percent",
    "format_date",
    "round_half_up",
    "scaled_half_up",
]


class NumberError(ValueError):
    """A figure that cannot be read; the message is Vietnamese and quotes the text."""


# Spaces people (and spreadsheets) put inside numbers: ordinary, no-break,
# narrow no-break, thin and figure spaces.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_AMBIGUOUS_COUNT = re.compile(r"[+-]?[0-9]{1,3},[0-9]{3}")

# Bounds of a figure a person can type: what the database stores (Value.number is
# DECIMAL(24, 6): under 10^18) and few enough digits that reading them is cheap (Python
# refuses to convert over 4.300 digits at all, with an error no caller expects).
MAX_MAGNITUDE = 10**18
MAX_DIGITS = 40


def _too_large(original: object) -> NumberError:
    return NumberError(
        f'"{_clip(original)}" quá lớn: chỉ nhận số có giá trị tuyệt đối dưới 10^18 '
        f"và không quá {MAX_DIGITS} chữ số"
    )


def _clip(original: object) -> str:
    text = str(original)
    return text if len(text) <= 40 else text[:37] + "…"


def _bounded(value: Fraction, original: object) -> Fraction:
    if abs(value) >= MAX_MAGNITUDE:
        raise _too_large(original)
    return value


def _fail(original: object, detail: str = "") -> NumberError:
    msg = f'Không đọc được "{original}" thành số'
    return NumberError(f"{msg}: {detail}" if detail else msg)


def _thousands(text: str, sep: str, original: object) -> str:
    """Digits of ``text`` whose groups, split on ``sep``, must be 1–3 then exactly 3 digits."""
    parts = text.split(sep)
    if not (1 <= len(parts[0]) <= 3) or any(len(p) != 3 for p in parts[1:]):
        raise _fail(original, f'dấu "{sep}" phân cách hàng nghìn phải chia nhóm 3 chữ số')
    if not all(p.isdigit() for p in parts):
        raise _fail(original)
    return "".join(parts)


def _unsigned(body: str, original: object) -> Fraction:
    """Read digits with dots/commas under the rules in the module docstring."""
    if not body or not re.fullmatch(r"[0-9.,]+", body) or not re.search(r"[0-9]", body):
        raise _fail(original)
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        # The separator that comes last is the decimal one: "1.234,5", "1,234.5".
        decimal_sep = "," if body.rfind(",") > body.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        if body.count(decimal_sep) != 1:
            raise _fail(original, "có nhiều dấu thập phân")
        whole, frac = body.split(decimal_sep)
        if not frac.isdigit():
            raise _fail(original)
        whole = _thousands(whole, group_sep, original)
        return Fraction(f"{whole}.{frac}")
    if dots or commas:
        sep = "." if dots else ","
        count = dots or commas
        if count > 1:
            return Fraction(_thousands(body, sep, original))
        whole, frac = body.split(sep)
        if not frac.isdigit() or (whole and not whole.isdigit()):
            raise _fail(original)
        # A single dot followed by exactly three digits is a thousands separator
        # ("54.919"), except after a leading zero ("0.936"). A single comma is
        # always the decimal separator ("93,6").
        if sep == "." and len(frac) == 3 and whole and whole.lstrip("0") != "" and len(whole) <= 3:
            return Fraction(whole + frac)
        return Fraction(f"{whole or '0'}.{frac}")
    return Fraction(body)


def parse_number(text: object) -> Fraction:
    """Read a number typed in either style into an exact ``Fraction``.

    A trailing "%" divides by 100 ("93,6%" → 0.936). Python ints, floats
    (exactly as printed), Decimals and Fractions are accepted. Blank text,
    booleans, NaN and infinities raise ``NumberError``: a missing value is the
    caller's to detect, never a silent zero.
    """
    if isinstance(text, bool):
        raise _fail(text, "đây là giá trị Có/Không, không phải số")
    if isinstance(text, Fraction):
        return text
    if isinstance(text, int):
        return _bounded(Fraction(text), text)
    if isinstance(text, float):
        if not math.isfinite(text):
            raise _fail(text)
        return _bounded(Fraction(str(text)), text)
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise _fail(text)
        if text and (text.adjusted() >= 18 or -text.as_tuple().exponent > MAX_DIGITS):
            raise _too_large(text)  # before Fraction builds a huge integer
        return Fraction(text)
    if not isinstance(text, str):
        raise _fail(text)
    cleaned = _SPACES.sub("", text).replace("\u2212", "-")
    if not cleaned:
        raise NumberError("Ô trống: chưa có số")
    if sum(ch.isdigit() for ch in cleaned) > MAX_DIGITS:
        raise _too_large(text)
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    sign = 1
    if cleaned[:1] in "+-" and cleaned:
        sign = -1 if cleaned[0] == "-" else 1
        cleaned = cleaned[1:]
    value = sign * _unsigned(cleaned, text)
    return _bounded(value / 100 if percent else value, text)


def parse_count(text: object) -> int:
    """Read a count: a whole number ≥ 0 ("54.919" → 54919).

    Percentages, fractions and negatives raise ``NumberError``: a count of
    dossiers or documents is never any of those. "1,000" (one comma, three
    digits) is refused as ambiguous: by the Vietnamese rule it is 1, but a
    count typed that way almost always means one thousand.
    """
    if isinstance(text, str) and "%" in text:
        raise NumberError(f'"{text}" là tỷ lệ phần trăm, ở đây cần một số lượng (số nguyên)')
    if isinstance(text, str) and _AMBIGUOUS_COUNT.fullmatch(_SPACES.sub("", text)):
        raise NumberError(
            f'"{text}" không rõ là số lẻ hay hàng nghìn: số lượng ghi 1000 hoặc 1.000 (dấu chấm phân cách hàng nghìn)'
        )
    value = parse_number(text)
    if value < 0:
        raise NumberError(f'"{text}" là số âm, số lượng phải từ 0 trở lên')
    if value.denominator != 1:
        raise NumberError(f'"{text}" không phải số nguyên, số lượng phải là số nguyên')
    return int(value)


def _fold(text: str) -> str:
    """Lower-case without diacritics ("Không đạt" → "khong dat")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


_TRUE = {"co", "dat", "d", "x", "v", "yes", "y", "true", "1", "\u2713", "\u2714", "da dat", "roi", "da co"}
_FALSE = {"khong", "khong dat", "chua dat", "chua", "chua co", "k", "no", "n", "false", "0"}


def parse_bool(text: object) -> bool:
    """Read yes/no: Có/Không, Đạt/Không đạt/Chưa đạt, Đ (the matrix mark), x, yes/no, 1/0, true/false.

    Case and diacritics do not matter ("CO", "khong dat"). Blank text raises
    ``NumberError``: an unanswered question is missing, not "Không".
    """
    if isinstance(text, bool):
        return text
    if isinstance(text, int | Fraction | Decimal) and text in (0, 1):
        return bool(text)
    if not isinstance(text, str):
        raise NumberError(f'Không đọc được "{text}" thành Có/Không')
    folded = _fold(text)
    if not folded:
        raise NumberError("Ô trống: chưa trả lời Có/Không")
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise NumberError(f'Không đọc được "{text}" thành Có/Không (ghi Có hoặc Không, Đạt hoặc Không đạt)')


def scaled_half_up(numerator: int, denominator: int, decimals: int) -> int:
    """numerator/denominator × 10^decimals rounded half away from zero, in integers (fast, exact)."""
    whole, rest = divmod(abs(numerator) * 10**decimals, denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if numerator < 0 else whole


def round_half_up(value: object, decimals: int = 0) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` (≥ 0) places, for display only.

    Done on the exact fraction so 0.125 → 0.13 whatever binary floats would say.
    """
    frac = value if isinstance(value, Fraction) else parse_number(value)
    return Decimal(scaled_half_up(frac.numerator, frac.denominator, decimals)).scaleb(-decimals)


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return ".".join(reversed(out))


def format_int(value: int) -> str:
    """54919 → "54.919"; a dot every three digits, a leading "-" for negatives."""
    value = int(value)
    sign = "-" if value < 0 else ""
    return sign + _group(str(abs(value)))


def format_number(value: object, decimals: int = 2) -> str:
    """1234.5 → "1.234,5": rounded half-up to ``decimals``, trailing zeros dropped."""
    if type(value) is int or (type(value) is Fraction and value.denominator == 1):
        return format_int(int(value))  # the common case (counts): no rounding needed
    rounded = round_half_up(value, decimals)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if sign and whole.strip("0") == "" and not frac:
        sign = ""  # -0,001 shown with 2 decimals is "0", not "-0"
    return f"{sign}{_group(whole)}" + (f",{frac}" if frac else "")


def format_percent(value: Fraction | None, decimals: int = 2) -> str:
    """A ratio as a percentage: 0.93607 → "93,61%" (0.936 with decimals=1 → "93,6%").

    Trailing zeros are dropped ("65%", "100%"). ``None`` (no ratio, e.g. no
    units in scope) shows as "—".
    """
    if value is None:
        return "—"
    frac = value if isinstance(value, Fraction) else parse_number(value)
    return format_number(frac * 100, decimals) + "%"


def format_date(value: date) -> str:
    """A date as dd/mm/yyyy with leading zeros: 05/01/2026."""
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
