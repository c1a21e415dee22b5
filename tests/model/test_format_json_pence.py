"""``format_json`` writes an amount already in pence without its quantize: the text is the one the
quantize gives, and an amount too long for the exact context is still refused."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetctl.model.money import PENNY, format_json

EXACT = decimal.Context(prec=40, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])


def quantized(amount: Decimal) -> str:
    text = format(amount.quantize(PENNY, context=EXACT), "f")
    return "0.00" if text == "-0.00" else text


amounts = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(digits), exponent)),
    st.integers(0, 1),
    st.lists(st.integers(0, 9), min_size=1, max_size=45),
    st.sampled_from([-2, -2, -2, -3, -1, 0, 2]),
)


@given(amounts)
def test_the_text_is_the_quantized_text(amount: Decimal) -> None:
    try:
        expected = quantized(amount)
    except decimal.DecimalException:
        with pytest.raises(decimal.DecimalException):
            format_json(amount)
        return
    assert format_json(amount) == expected


@pytest.mark.parametrize(
    ("text", "written"),
    [("-0.00", "0.00"), ("0.00", "0.00"), ("1234.50", "1234.50"), ("9" * 38 + ".00", "9" * 38 + ".00")],
)
def test_pence_as_written(text: str, written: str) -> None:
    assert format_json(Decimal(text)) == written


def test_an_amount_beyond_the_exact_context_is_refused() -> None:
    with pytest.raises(decimal.DecimalException):
        format_json(Decimal("9" * 39 + ".00"))
