"""``parse_money`` writes the missing zeros on instead of quantizing: the same Decimal, digits and
exponent, as quantizing the text to the penny, for every text the ledger format allows."""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.model.money import MONEY_TEXT, PENNY, parse_money

QUANTIZE = decimal.Context(prec=40, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])
TEXTS = st.builds(
    lambda whole, point, pence: whole + point + pence,
    st.one_of(st.just("0"), st.integers(1, 10**12 - 1).map(str)),
    st.sampled_from(["", "."]),
    st.sampled_from(["", "0", "5", "00", "07", "50", "99"]),
)


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_the_same_decimal_as_quantizing(text: str) -> None:
    if not MONEY_TEXT.fullmatch(text):
        return
    quantized = Decimal(text).quantize(PENNY, context=QUANTIZE)
    parsed = parse_money(text)
    assert parsed.as_tuple() == quantized.as_tuple() and str(parsed) == str(quantized)


def test_each_form_has_two_decimals() -> None:
    assert [str(parse_money(t)) for t in ("0", "40", "123", "1.5", "12.50", "999999999999.99")] == [
        "0.00",
        "40.00",
        "123.00",
        "1.50",
        "12.50",
        "999999999999.99",
    ]
