"""Typed money to whole cents, and the refusals of what is not money."""

import pytest

from apps.money import MAX_CENTS, parse_cents
from operational.errors import InvalidValue


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("45.50", 4_550),
        ("45.5", 4_550),
        (" 45 ", 4_500),
        ("0.01", 1),
        # As `format_cents` shows it.
        ("1,234.50", 123_450),
        ("21,474,836.47", MAX_CENTS),
    ],
)
def test_money_is_read_to_the_cent(typed, cents):
    assert parse_cents(typed, "the payment") == cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "the payment has more than two decimals (12.345)"),
        ("-5", "the payment cannot be negative (-5)"),
        ("abc", "the payment must be an amount such as 45.50, not 'abc'"),
        ("45,50", "not '45,50'"),
        ("1e3", "not '1e3'"),
        ("12.", "not '12.'"),
        ("", "enter the payment, such as 45.50"),
        (None, "enter the payment, such as 45.50"),
        ("0", "the payment must be more than 0.00"),
        ("21,474,836.48", "the payment can be at most 21,474,836.47"),
    ],
)
def test_what_is_not_money_is_refused(typed, message):
    with pytest.raises(InvalidValue) as caught:
        parse_cents(typed, "the payment")
    assert message in caught.value.message
