"""Money: parsing as written, exact sums, formatting, and the largest-remainder split.

Examples pin the messages a user reads; hypothesis checks the invariants that
make money exact: parse/format round trip, sums independent of order,
a split that sums back exactly and gives the extra pennies to the largest
remainders, compared with a tiny reference implementation.
"""

from __future__ import annotations

import decimal
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetctl.model.money import (
    PENNY,
    ZERO,
    MoneyError,
    format_json,
    format_pounds,
    needs_pence,
    parse_money,
    split,
    total,
)
from budgetctl.model.periods import YearError, parse_year, year_sort_key
from tests.conftest import examples

FAST = examples(300, nightly=20_000, derandomize=True)

MAX_PENCE = 10**14 - 1  # 999,999,999,999.99: twelve integer digits
pence = st.integers(min_value=0, max_value=MAX_PENCE)


def from_pence(p: int) -> Decimal:
    return Decimal(p).scaleb(-2)


# --- parsing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("400000", "400000.00"),
        ("1234.5", "1234.50"),
        ("1234.50", "1234.50"),
        ("0", "0.00"),
        ("0.01", "0.01"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_money_is_taken_exactly_as_written(text: str, expected: str) -> None:
    value = parse_money(text)
    assert value == Decimal(expected)
    assert str(value) == expected  # always two decimals, never a float's digits


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "found an empty value; write an amount such as 250000 or 1234.50"),
        ("  ", "found an empty value"),
        ("true", "found 'true', a yes/no value; write an amount such as 250000"),
        ("false", "found 'false', a yes/no value"),
        ("Yes", "found 'Yes', a yes/no value"),
        ("No", "a yes/no value"),
        ("on", "found 'on', a yes/no value"),
        ("off", "a yes/no value"),
        (".inf", "found '.inf'; an amount must be a finite number such as 250000"),
        ("-.inf", "must be a finite number"),
        ("inf", "found 'inf'; an amount must be a finite number"),
        (".NaN", "found '.NaN'; an amount must be a finite number"),
        ("nan", "found 'nan'; an amount must be a finite number"),
        ("NaN", "must be a finite number"),
        ("+Infinity", "must be a finite number"),
        ("-5", "found '-5'; amounts cannot be negative: reduce another allocation instead"),
        ("£400,000", "found '£400,000'; leave out the £ sign and write 400000"),
        ("£", "leave out the £ sign and write the number"),
        ("1,234", "found '1,234'; leave out thousands separators and write 1234"),
        ("1_000.50", "leave out thousands separators and write 1000.50"),
        ("1 000", "leave out thousands separators and write 1000"),
        ("+12.5", "found '+12.5'; leave out the + sign and write 12.5"),
        ("1234.567", "found '1234.567'; amounts have at most two decimal places (pence)"),
        (".123", "at most two decimal places"),
        ("1e3", "found '1e3'; write the amount in full digits, without an exponent"),
        ("1.5E+3", "without an exponent"),
        (".50", "found '.50'; write a 0 before the decimal point: 0.50"),
        ("0123", "found '0123'; leave out the leading zeros: 123"),
        ("00.5", "leave out the leading zeros: .5"),
        ("00", "leave out the leading zeros: 0"),
        ("1234567890123", "amounts are limited to 12 digits before the decimal point"),
        ("12345678901234.00", "limited to 12 digits"),
        ("12.", "found '12.'; write the pence after the point or leave the point out: 12"),
        ("twelve", "found 'twelve'; write an amount in pounds such as 250000 or 1234.50"),
        ("1.2.3", "write an amount in pounds"),
    ],
)
def test_bad_money_says_what_was_found_and_how_to_write_it(text: str, hint: str) -> None:
    with pytest.raises(MoneyError) as raised:
        parse_money(text)
    assert hint in str(raised.value)


def test_messages_are_exact() -> None:
    cases = {
        "": "found an empty value; write an amount such as 250000 or 1234.50",
        "yes": "found 'yes', a yes/no value; write an amount such as 250000",
        "-5": "found '-5'; amounts cannot be negative: reduce another allocation instead",
        "0012.50": "found '0012.50'; leave out the leading zeros: 12.50",
    }
    for text, message in cases.items():
        with pytest.raises(MoneyError) as raised:
            parse_money(text)
        assert str(raised.value) == message


def test_quoted_money_is_refused_even_when_it_looks_right() -> None:
    with pytest.raises(MoneyError, match=r"found the quoted text '12\.50'; write 12\.50 without the quotes"):
        parse_money("12.50", quoted=True)


def test_long_found_text_is_cut_to_forty_characters() -> None:
    with pytest.raises(MoneyError) as raised:
        parse_money("x" * 100)
    assert f"found '{'x' * 37}...'" in str(raised.value)
    with pytest.raises(MoneyError) as raised:
        parse_money("z" * 41)
    assert f"found '{'z' * 37}...'" in str(raised.value)
    with pytest.raises(MoneyError) as raised:
        parse_money("y" * 40)
    assert f"found '{'y' * 40}'" in str(raised.value)


@pytest.mark.parametrize("text", ["1 ", " 1", "1\n", "٣", "１２"])
def test_only_ascii_digits_with_nothing_around_them_are_money(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_money(text)


@FAST
@given(pence)
def test_format_then_parse_round_trips(p: int) -> None:
    amount = from_pence(p)
    assert parse_money(format_json(amount)) == amount
    assert format_json(parse_money(format_json(amount))) == format_json(amount)


@FAST
@given(st.integers(min_value=0, max_value=10**12 - 1), st.sampled_from(["", ".0", ".5", ".05", ".50", ".99"]))
def test_parse_then_format_keeps_the_value(pounds: int, decimals: str) -> None:
    text = f"{pounds}{decimals}"
    assert format_json(parse_money(text)) == f"{pounds}.{(decimals[1:] + '00')[:2]}"


# --- sums --------------------------------------------------------------------


@FAST
@given(st.lists(pence, max_size=60), st.randoms(use_true_random=False))
def test_sums_are_exact_and_independent_of_order(amounts: list[int], rnd: random.Random) -> None:
    values = [from_pence(p) for p in amounts]
    shuffled = values[:]
    rnd.shuffle(shuffled)
    assert total(values) == total(shuffled) == from_pence(sum(amounts))


def test_total_of_nothing_is_zero_with_pence() -> None:
    assert str(total([])) == "0.00"


def test_total_traps_rounding_rather_than_drift() -> None:
    with pytest.raises((decimal.Inexact, decimal.Rounded)):
        total([Decimal("1" * 39), Decimal("0.01")])


# --- formatting --------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "json_text", "people", "people_whole"),
    [
        ("17175399", "17175399.00", "17,175,399.00", "17,175,399"),
        ("1234.5", "1234.50", "1,234.50", "1,235"),
        ("0.5", "0.50", "0.50", "1"),
        ("2.5", "2.50", "2.50", "3"),  # half up, not banker's rounding
        ("-1234.5", "-1234.50", "-1,234.50", "-1,235"),
        ("-0.00", "0.00", "0.00", "0"),
        ("-0.4", "-0.40", "-0.40", "0"),
        ("1E+3", "1000.00", "1,000.00", "1,000"),
        ("0", "0.00", "0.00", "0"),
    ],
)
def test_formats(amount: str, json_text: str, people: str, people_whole: str) -> None:
    value = Decimal(amount)
    assert format_json(value) == json_text
    assert format_pounds(value) == people
    assert format_pounds(value, pence=False) == people_whole


def test_formatting_never_rounds_pence_silently() -> None:
    with pytest.raises(decimal.Inexact):
        format_json(Decimal("0.001"))
    with pytest.raises(decimal.Inexact):
        format_pounds(Decimal("0.001"))


@FAST
@given(pence)
def test_formatted_pounds_read_back_as_the_same_amount(p: int) -> None:
    amount = from_pence(p)
    assert Decimal(format_pounds(amount).replace(",", "")) == amount


def test_needs_pence() -> None:
    assert needs_pence([Decimal("1.00"), Decimal("2.50")])
    assert not needs_pence([Decimal("1.00"), Decimal("400000")])
    assert not needs_pence([])
    assert (str(ZERO), str(PENNY)) == ("0.00", "0.01")


# --- the largest-remainder split ---------------------------------------------


def reference_split(amount_pence: int, weights: list[int]) -> list[int]:
    """Largest remainder in plain integers, written independently of money.split."""
    whole = sum(weights)
    floors = [amount_pence * w // whole for w in weights]
    remainders = [amount_pence * w % whole for w in weights]
    ranked = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in ranked[: amount_pence - sum(floors)]:
        floors[i] += 1
    return floors


weights = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(lambda w: sum(w) > 0)


@pytest.mark.parametrize(
    ("amount", "ws", "expected"),
    [
        ("100.00", [1, 1, 1], ["33.34", "33.33", "33.33"]),
        ("0.05", [1] * 6, ["0.01"] * 5 + ["0.00"]),
        ("1000.00", [333, 333, 334], ["333.00", "333.00", "334.00"]),
        ("0.02", [1, 0, 1], ["0.01", "0.00", "0.01"]),
        ("0.01", [1, 2], ["0.00", "0.01"]),
        ("0.01", [2, 1], ["0.01", "0.00"]),
        ("10", [3, 7], ["3.00", "7.00"]),
        ("0", [1, 1], ["0.00", "0.00"]),
        ("100", [1], ["100.00"]),  # one part: the whole, with its pence written
        ("0.5", [3], ["0.50"]),
    ],
)
def test_split_examples(amount: str, ws: list[int], expected: list[str]) -> None:
    parts = split(Decimal(amount), ws)
    assert [str(p) for p in parts] == expected


@FAST
@given(pence, weights)
def test_split_sums_back_exactly_and_matches_the_reference(p: int, ws: list[int]) -> None:
    parts = split(from_pence(p), ws)
    assert total(parts) == from_pence(p)
    assert [int(part * 100) for part in parts] == reference_split(p, ws)
    assert all(part.as_tuple().exponent == -2 for part in parts)


@FAST
@given(pence, weights)
def test_split_parts_are_within_a_penny_of_their_share_and_rounded_up_by_remainder(p: int, ws: list[int]) -> None:
    parts = [int(part * 100) for part in split(from_pence(p), ws)]
    exact = [Fraction(p * w, sum(ws)) for w in ws]
    assert all(abs(part - share) < 1 for part, share in zip(parts, exact, strict=True))
    assert all(part == 0 for part, w in zip(parts, ws, strict=True) if w == 0)
    up = [share - int(share) for part, share in zip(parts, exact, strict=True) if part > int(share)]
    down = [share - int(share) for part, share in zip(parts, exact, strict=True) if part == int(share)]
    assert len(up) + len(down) == len(parts)
    if up and down:
        # Every part rounded up had a remainder at least as large as every part left down.
        assert min(up) >= max(down)


@pytest.mark.parametrize(
    ("amount", "ws", "error"),
    [
        ("1.00", [], ValueError),
        ("1.00", [1, -1], ValueError),
        ("1.00", [2, -1], ValueError),
        ("1.00", [0, 0], ValueError),
        ("-1.00", [1], ValueError),
        ("1.234", [1], decimal.Inexact),
    ],
)
def test_split_refuses_bad_inputs(amount: str, ws: list[int], error: type[Exception]) -> None:
    with pytest.raises(error):
        split(Decimal(amount), ws)


def test_split_says_why_it_refuses() -> None:
    with pytest.raises(ValueError, match=r"^weights must be non-negative and not all zero$"):
        split(Decimal(1), [2, -1])
    with pytest.raises(ValueError, match=r"^cannot split a negative amount$"):
        split(Decimal(-1), [1])


# --- financial years (written YYYY/YY, parsed beside money) -------------------


@pytest.mark.parametrize("text", ["2023/24", "2099/00", "1999/00", "2000/01"])
def test_good_years(text: str) -> None:
    assert parse_year(text) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023/25", "found '2023/25': the year after 2023 is 2024, so write 2023/24"),
        ("2099/01", "found '2099/01': the year after 2099 is 2100, so write 2099/00"),
        ("2019-20", "found '2019-20'; write a financial year as YYYY/YY, e.g. 2019/20"),
        ("2019-2020", "found '2019-2020'; write a financial year as YYYY/YY, e.g. 2019/20"),
        (" 2018 _ 19 ", "found ' 2018 _ 19 '; write a financial year as YYYY/YY, e.g. 2018/19"),
        ("2017 18", "e.g. 2017/18"),
        ("2016/2017", "e.g. 2016/17"),
        ("19/20", "found '19/20'; write a financial year as YYYY/YY, e.g. 2019/20"),
        ("2019", "found '2019'; write a financial year as YYYY/YY, e.g. 2023/24"),
        ("201x/20", "e.g. 2023/24"),
        ("2019/2", "e.g. 2023/24"),
        ("2019/20 ", "e.g. 2019/20"),
        ("2019/20x", "e.g. 2023/24"),
        ("x2019/20", "e.g. 2023/24"),
        ("2019--20", "e.g. 2023/24"),
        ("2019/201", "e.g. 2023/24"),
        ("1/20", "e.g. 2023/24"),
        ("119/20", "e.g. 2023/24"),
        ("19/2", "e.g. 2023/24"),
        ("19/200", "e.g. 2023/24"),
        ("", "found ''; write a financial year as YYYY/YY, e.g. 2023/24"),
    ],
)
def test_bad_years_say_how_to_write_them(text: str, message: str) -> None:
    with pytest.raises(YearError) as raised:
        parse_year(text)
    assert str(raised.value).endswith(message) and str(raised.value).startswith("found ")


def test_years_sort_by_their_first_calendar_year() -> None:
    years = ["2099/00", "2023/24", "1999/00", "2100/01"]
    assert sorted(years, key=year_sort_key) == ["1999/00", "2023/24", "2099/00", "2100/01"]
