"""A cached amount decodes to exactly what the money converter held to the rules gives (the same
digits and exponent), or is refused as that refuses it: the quick way for the text the cache
writes (digits, a point, two decimals) changes nothing but the cost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetctl.loading import codec
from budgetctl.model.records import Project, _money

allocations = codec.field_decoders(Project, ("allocations",))["allocations"]
whole_way = codec._held_to_the_rules(codec.decode_amount, _money, False)


def outcome(decode, value):  # type: ignore[no-untyped-def]
    try:
        found = decode(value)
    except codec.Malformed:
        return "refused"
    assert type(found) is Decimal
    return repr(found)


def quick(value):  # type: ignore[no-untyped-def]
    return allocations({"2023/24": value})["2023/24"]


EXAMPLES = [
    "0.00", "0.05", "1.00", "1234.50", "999999999999.99", "1000000000000.00", "01.00", "-1.00", "+1.00",
    "1.0", "1", "1.000", "1e3", "1E+2", ".50", "1.", " 1.00", "1.00 ", "1.00\n", "١.٠٠", "1_000.00", "NaN",
    "Infinity", "0.001", "", ".", "..00", "1.00.00", 100, 1.5, None, True, ["1.00"],
]  # fmt: skip


@pytest.mark.parametrize("value", EXAMPLES)
def test_examples_decode_as_the_whole_way_decodes(value) -> None:  # type: ignore[no-untyped-def]
    assert outcome(quick, value) == outcome(whole_way, value)


@given(st.text(alphabet="0123456789.-+eE_ ", max_size=18))
def test_any_text_decodes_as_the_whole_way_decodes(text: str) -> None:
    assert outcome(quick, text) == outcome(whole_way, text)


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_every_amount_in_pence_decodes_to_itself(pence: int) -> None:
    text = f"{pence // 100}.{pence % 100:02d}"  # at most twelve digits of pounds: every one is an amount
    assert outcome(quick, text) == outcome(whole_way, text) == repr(Decimal(text))
