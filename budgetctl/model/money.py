"""Exact money: amounts are Decimal pounds built from the text as written.

Never construct money from a float ("never use floating-point in an accounting
system", beancount's core/number.py). Sums run under a context that traps any
rounding, as a tripwire: with at most 12 integer digits and 2 decimals no sum of
a real ledger can round, so a trap firing means a bug, not a user error.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import accumulate

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

# The ledger format's money: a bare number, no sign, no leading zeros, at most two decimals.
# Twelve integer digits (under a trillion pounds) keeps every sum exact.
MONEY_TEXT = re.compile(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?")

_EXACT = decimal.Context(prec=40, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])


class MoneyError(ValueError):
    """Text that is not an amount of money; str() says what was found and how to write it."""


def parse_money(text: str, *, quoted: bool = False) -> Decimal:
    """Parse an amount written in a ledger file, e.g. ``1234.5`` -> Decimal('1234.50')."""
    if quoted:
        plain = _plain_number(text)
        if plain == text:
            raise MoneyError(f"found the quoted text {_show(text)}; write {plain} without the quotes")
        if plain is not None:
            # One round of fixing: say exactly what to write, not a hint that leads to another error.
            raise MoneyError(f"found the quoted text {_show(text)}; write {plain} (no quotes, £ or commas)")
        raise MoneyError(f"found the quoted text {_show(text)}; write the amount as a number without quotes")
    if text.isdigit() and text.isascii() and len(text) <= 12 and (text[0] != "0" or text == "0"):
        return Decimal(text + ".00")  # whole pounds, as MONEY_TEXT takes them, without the search
    if MONEY_TEXT.fullmatch(text):
        # Written with its pence, a number is already what quantizing to the penny gives (the same
        # digits and exponent); else the missing zeros are written on: the same Decimal, exactly.
        point = text.find(".")
        return Decimal(text + ".00" if point < 0 else text if point == len(text) - 3 else text + "0")
    raise MoneyError(_explain(text))


# A currency written beside the number: "£5,000", "5000 GBP", "5,000 pounds".
_CURRENCY = re.compile(r"^£|^GBP|GBP$|pounds?$|£$", re.IGNORECASE)


def _plain_number(text: str) -> str | None:
    """The amount as it should be written, when leaving out £, GBP, quotes and commas gives one."""
    t = _CURRENCY.sub("", text.strip()).strip()
    t = _CURRENCY.sub("", t).strip()
    t = re.sub(r"(?<=[0-9])[,_ ](?=[0-9]{3}\b)", "", t)
    return t if MONEY_TEXT.fullmatch(t) and t != text else (text if MONEY_TEXT.fullmatch(text) else None)


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _explain(text: str) -> str:
    """Say what is wrong with a money text and how to write it instead."""
    t = text.strip()
    found = f"found {_show(text)}"
    digits = re.sub(r"[£,_\s]", "", t)
    if t == "":
        return "found an empty value; write an amount such as 250000 or 1234.50"
    if t.lower() in {"true", "false", "yes", "no", "on", "off"}:
        return f"{found}, a yes/no value; write an amount such as 250000"
    if t.lower().lstrip("+-") in {".inf", "inf", ".nan", "nan", "infinity"}:
        return f"{found}; an amount must be a finite number such as 250000"
    if t.startswith("-"):
        return f"{found}; amounts cannot be negative: reduce another allocation instead"
    plain = _plain_number(t)
    if plain is not None and re.search("gbp|pound", t, re.IGNORECASE):
        return f"{found}; the amounts are pounds already: write {plain}"
    if "£" in t:
        return f"{found}; leave out the £ sign and write {digits or 'the number'}"
    if "," in t or "_" in t or " " in t:
        return f"{found}; leave out thousands separators and write {digits}"
    if t.startswith("+"):
        return f"{found}; leave out the + sign and write {t[1:]}"
    if re.fullmatch(r"[0-9]*\.[0-9]{3,}", t):
        return f"{found}; amounts have at most two decimal places (pence)"
    if re.fullmatch(r"[0-9.]+[eE][-+]?[0-9]+", t):
        return f"{found}; write the amount in full digits, without an exponent"
    if re.fullmatch(r"\.[0-9]{1,2}", t):
        return f"{found}; write a 0 before the decimal point: 0{t}"
    if re.fullmatch(r"0[0-9]+(\.[0-9]{1,2})?", t):
        return f"{found}; leave out the leading zeros: {t.lstrip('0') or '0'}"
    if re.fullmatch(r"[0-9]{13,}(\.[0-9]{1,2})?", t):
        return f"{found}; amounts are limited to 12 digits before the decimal point"
    if re.fullmatch(r"[0-9]+\.", t):
        return f"{found}; write the pence after the point or leave the point out: {t[:-1]}"
    return f"{found}; write an amount in pounds such as 250000 or 1234.50"


def exact_decimal_text(value: object) -> Decimal | None:
    """The amount a stored value writes as its exact Decimal text (what ``str`` of a Decimal
    gives: the cache and the kept summary values hold money so); None for anything else."""
    if type(value) is not str:
        return None
    try:
        amount = Decimal(value)
    except ArithmeticError:
        return None
    return amount if amount.is_finite() and str(amount) == value else None


def total(amounts: Iterable[Decimal]) -> Decimal:
    """Sum exactly; raises decimal.Inexact rather than ever rounding."""
    result = ZERO
    for amount in amounts:
        result = _EXACT.add(result, amount)
    return result


def running_totals(amounts: Iterable[Decimal]) -> list[Decimal]:
    """``total`` of each prefix: zero, then the sum after each amount (exact, as ``total``)."""
    return list(accumulate(amounts, _EXACT.add, initial=ZERO))


def format_json(amount: Decimal) -> str:
    """Money as JSON text: exactly two decimals, no exponent, ``"400000.00"``."""
    if amount.same_quantum(PENNY) and amount.adjusted() < _EXACT.prec - 2:
        # Already in pence (as every amount read or summed is), within the quantize's precision:
        # the quantize would change nothing, and it costs as much as the rest.
        return "0.00" if amount.is_zero() else format(amount, "f")
    text = format(amount.quantize(PENNY, context=_EXACT), "f")
    return "0.00" if text == "-0.00" else text


def format_pounds(amount: Decimal, *, pence: bool = True) -> str:
    """Money for people: thousands separators, ``17,175,399.00`` or ``17,175,399``."""
    if pence and amount.same_quantum(PENNY) and amount.adjusted() < 38:
        # Already in pence (as every amount read or summed is): what the quantize would give,
        # without it (a report writes thousands). Past its precision, the quantize says so.
        text = f"{amount:,.2f}"
    elif pence:
        text = f"{amount.quantize(PENNY, context=_EXACT):,.2f}"
    else:
        text = f"{amount.quantize(Decimal(1), rounding=decimal.ROUND_HALF_UP):,.0f}"
    return text[1:] if text.startswith("-") and text.strip("-0.,") == "" else text


def needs_pence(amounts: Iterable[Decimal]) -> bool:
    """True when any amount has pence, so a table must show two decimals throughout."""
    return any(amount != amount.to_integral_value() for amount in amounts)


def split(amount: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """Split ``amount`` in proportion to ``weights`` so the parts sum back exactly.

    Largest remainder in integer pence: each part is its exact share rounded
    down, and the pennies left over go to the parts with the largest remainders
    (ties to the earlier part).
    """
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    pence = int(amount.quantize(PENNY, context=_EXACT) * 100)
    if pence < 0:
        raise ValueError("cannot split a negative amount")
    if len(weights) == 1:  # the whole, as below (no remainder): most projects serve one priority
        return [Decimal(pence).scaleb(-2)]
    from fractions import Fraction  # here: its import compiles a pattern, and most runs split nothing

    whole = sum(weights)
    exact = [Fraction(pence * w, whole) for w in weights]
    floors = [int(share) for share in exact]  # shares are non-negative, so int() is floor
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: pence - sum(floors)]:
        floors[i] += 1
    return [Decimal(p).scaleb(-2) for p in floors]
