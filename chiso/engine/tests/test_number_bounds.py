"""Figures are bounded: too many digits or a magnitude the database cannot hold is a NumberError."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.engine.numbers import NumberError, parse_count, parse_number


@pytest.mark.parametrize("typed", ["1" * 4301, "1" + "0" * 30, "-1" + "0" * 18, 10**30, 1e30,
                                   Decimal("1e100000000"), Decimal("1e-100000000"),
                                   "1.000.000.000.000.000.000", "0," + "0" * 50 + "1"])
def test_a_figure_too_large_or_too_long_is_refused_in_vietnamese(typed):
    with pytest.raises(NumberError, match="quá lớn"):
        parse_number(typed)


def test_the_largest_storable_figures_still_read():
    assert parse_number("999.999.999.999.999.999") == 10**18 - 1
    assert parse_count("123456789012345678") == 123456789012345678
    assert parse_number("0,000001") * 10**6 == 1


def test_a_count_of_five_thousand_digits_is_refused_not_crashed():
    with pytest.raises(NumberError):
        parse_count("9" * 5000)
