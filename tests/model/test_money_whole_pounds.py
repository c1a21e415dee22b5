"""``parse_money`` reads whole pounds (ASCII digits, no leading zero, at most twelve) without the
money pattern: for every text it gives what the pattern's path gives, the same Decimal (digits and
exponent) or the same refusal."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.model.money import MONEY_TEXT, MoneyError, _explain, parse_money


def by_pattern(text: str) -> Decimal | str:
    """The unquoted path as it was: the pattern, then the missing zeros written on."""
    if MONEY_TEXT.fullmatch(text):
        point = text.find(".")
        return Decimal(text + ".00" if point < 0 else text if point == len(text) - 3 else text + "0")
    return _explain(text)


def parsed(text: str) -> tuple[str, str] | str:
    try:
        value = parse_money(text)
    except MoneyError as exc:
        return str(exc)
    return (str(value), repr(value.as_tuple()))


def expected(text: str) -> tuple[str, str] | str:
    value = by_pattern(text)
    return value if isinstance(value, str) else (str(value), repr(value.as_tuple()))


def test_edges_agree() -> None:
    texts = ["0", "00", "01", "7", "10", "999999999999", "1000000000000", "123456789012", "0123", "",
             "\u0661\u0662", "\u00b2", "\uff11", "1\u0660", "12 ", " 12", "1.5", "1.50", "0.0", "1e3"]  # fmt: skip
    for text in texts:
        assert parsed(text) == expected(text), text


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789", max_size=14), st.text(max_size=6)))
def test_any_text_agrees(text: str) -> None:
    assert parsed(text) == expected(text)
