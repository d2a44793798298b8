"""Reading figures typed either way and showing them the Vietnamese way."""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction as F

import pytest

from chiso.engine.numbers import (
    NumberError,
    format_date,
    format_int,
    format_number,
    format_percent,
    parse_bool,
    parse_count,
    parse_number,
    round_half_up,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("54.919", F(54919)),
        ("54919", F(54919)),
        ("1.234.567", F(1234567)),
        ("0.936", F(936, 1000)),
        ("1.234,5", F(12345, 10)),
        ("1,234,567", F(1234567)),
        ("1,234.5", F(12345, 10)),
        ("93,6", F(936, 10)),
        ("93,6%", F(936, 1000)),
        ("50%", F(1, 2)),
        ("98,53 %", F(9853, 10000)),
        ("3.5", F(7, 2)),
        ("3.50", F(7, 2)),
        ("1234.567", F(1234567, 1000)),
        (" 54\u00a0919 ", F(54919)),
        ("54 919", F(54919)),
        ("-3", F(-3)),
        ("\u22123,5", F(-7, 2)),
        ("+12", F(12)),
        ("0", F(0)),
        ("0,5", F(1, 2)),
        (".5", F(1, 2)),
        (7, F(7)),
        (0.1, F(1, 10)),
        (93.6, F(936, 10)),
        (Decimal("1.25"), F(5, 4)),
        (F(2, 3), F(2, 3)),
    ],
)
def test_it_reads_numbers_in_both_styles(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["12a", "abc", "²", "\u0663", "1e5", "1.2.3", "1,23,456", "12.34.567", "1.234,5,6", "%", "-", "1..2", True, None, float("nan"), "5,", ","])
def test_it_refuses_what_is_not_a_number(text):
    with pytest.raises(NumberError):
        parse_number(text)


def test_its_error_quotes_the_text_in_vietnamese():
    with pytest.raises(NumberError) as exc:
        parse_number("12a")
    assert str(exc.value) == 'Không đọc được "12a" thành số'
    assert isinstance(exc.value, ValueError)


def test_blank_is_an_error_not_zero():
    with pytest.raises(NumberError, match="Ô trống"):
        parse_number("  ")


@pytest.mark.parametrize(("text", "expected"), [("54.919", 54919), ("0", 0), ("1,234,567", 1234567), (12, 12), ("12,0", 12)])
def test_it_reads_counts(text, expected):
    # "12,0" is twelve (a decimal comma); "1,000" is refused (see below); "1,234,567" is unambiguous.
    assert parse_count(text) == expected
    assert isinstance(parse_count(text), int)


@pytest.mark.parametrize(
    ("text", "message"),
    [("-3", "số âm"), ("1,5", "không phải số nguyên"), ("1,000", "không rõ là số lẻ hay hàng nghìn"), ("12,000", "hàng nghìn"), ("93,6%", "tỷ lệ phần trăm"), ("nhiều", "Không đọc được")],
)
def test_it_refuses_negative_fractional_and_text_counts(text, message):
    with pytest.raises(NumberError, match=message):
        parse_count(text)


@pytest.mark.parametrize(
    "text", ["Có", "có", "CÓ", "co", "Đạt", "đạt", "DAT", "Đ", "x", "X", "yes", "1", "true", "True", 1, True]
)
def test_it_reads_yes(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize(
    "text", ["Không", "không", "KHONG", "Không đạt", "khong dat", "Chưa đạt", "no", "0", "false", 0, False]
)
def test_it_reads_no(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["", "có lẽ", "2", "maybe", None])
def test_it_refuses_unclear_answers(text):
    with pytest.raises(NumberError):
        parse_bool(text)


def test_decomposed_diacritics_are_read_too():
    import unicodedata

    assert parse_bool(unicodedata.normalize("NFD", "Không đạt")) is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [(54919, "54.919"), (0, "0"), (999, "999"), (1000, "1.000"), (1234567, "1.234.567"), (-4985, "-4.985")],
)
def test_it_formats_integers(value, expected):
    assert format_int(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (F(12345, 10), 2, "1.234,5"),
        (F(1234), 2, "1.234"),
        (F(1, 8), 2, "0,13"),  # half-up, not banker's rounding
        (F(1, 8), 1, "0,1"),
        (F(5, 2), 0, "3"),
        (F(-5, 2), 0, "-3"),
        (F(-1, 1000), 2, "0"),
        (Decimal("96.05"), 2, "96,05"),
        (F(2, 3), 3, "0,667"),
    ],
)
def test_it_formats_numbers(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (F(54919, 58669), 2, "93,61%"),
        (F(54919, 58669), 1, "93,6%"),
        (F(936, 1000), 1, "93,6%"),
        (F(54935, 62922), 2, "87,31%"),
        (F(32177, 32656), 2, "98,53%"),
        (F(373, 416), 2, "89,66%"),
        (F(24, 35), 2, "68,57%"),
        (F(13, 20), 2, "65%"),
        (F(1), 2, "100%"),
        (F(1, 2), 0, "50%"),
        (F(0), 2, "0%"),
        (None, 2, "—"),
    ],
)
def test_it_formats_percentages_from_fractions(value, decimals, expected):
    assert format_percent(value, decimals) == expected


def test_rounding_happens_only_at_display():
    # 0.0125 is 1,25%: half-up at one decimal shows 1,3% while the value stays exact.
    assert round_half_up(F(125, 10000) * 100, 1) == Decimal("1.3")
    assert format_percent(F(125, 10000), 1) == "1,3%"


def test_it_formats_dates_dd_mm_yyyy():
    assert format_date(date(2026, 1, 5)) == "05/01/2026"
    assert format_date(datetime(2019, 3, 7, 15, 30)) == "07/03/2019"
