"""One way to print a measured rate: two decimals, Vietnamese comma (65,00%)."""

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.numbers import parse_number
from chiso.engine.rates import format_rate


def test_fixed_decimals_half_up_on_the_exact_fraction():
    assert format_rate(F(13, 20)) == "65,00%"
    assert format_rate(F(1)) == "100,00%"
    assert format_rate(F(0)) == "0,00%"
    assert format_rate(F(2, 3)) == "66,67%"
    assert format_rate(F(54919, 58669)) == "93,61%"
    assert format_rate(F(1, 8000)) == "0,01%"  # 0,0125% rounds half up
    assert format_rate(F(13, 20), 1) == "65,0%" and format_rate(F(13, 20), 0) == "65%"
    assert format_rate(F(25, 2)) == "1.250,00%"
    assert format_rate(None) == "—"
    assert format_rate("0,65") == "65,00%" and format_rate(0.5) == "50,00%"


@settings(deadline=None)
@given(st.fractions(min_value=0, max_value=1, max_denominator=10**6))
def test_reading_the_text_back_is_within_half_a_unit_of_the_last_decimal(rate):
    text = format_rate(rate)
    assert text.endswith("%") and len(text.split(",")[1]) == 3  # two decimals and "%"
    assert abs(parse_number(text) - rate) <= F(1, 20000)
