"""Financial years, written ``YYYY/YY`` (April to March)."""

from __future__ import annotations

import datetime
import re

_YEAR = re.compile(r"([0-9]{4})/([0-9]{2})")


class YearError(ValueError):
    """Text that is not a financial year; str() says how to write it."""


def parse_year(text: str) -> str:
    """Check a financial year such as ``2023/24`` (``2099/00`` too) and return it."""
    match = _YEAR.fullmatch(text)
    if match:
        first, second = int(match[1]), match[2]
        if f"{(first + 1) % 100:02d}" == second:
            return text
        raise YearError(
            f"found {text!r}: the year after {first} is {first + 1}, so write {first}/{(first + 1) % 100:02d}"
        )
    hint = _suggest(text)
    return _raise(f"found {text!r}; write a financial year as YYYY/YY{hint}")


def _suggest(text: str) -> str:
    match = re.fullmatch(r"\s*([0-9]{4})\s*[-_/ ]\s*([0-9]{2}|[0-9]{4})\s*", text)
    if match:
        first = int(match[1])
        return f", e.g. {first}/{(first + 1) % 100:02d}"
    match = re.fullmatch(r"([0-9]{2})/([0-9]{2})", text)
    if match:
        return f", e.g. 20{match[1]}/{match[2]}"
    return ", e.g. 2023/24"


def _raise(message: str) -> str:
    raise YearError(message)


def year_sort_key(year: str) -> int:
    """Years sort by their first calendar year."""
    return int(year[:4])


def year_of_date(day: datetime.date) -> str:
    """The financial year (April to March) holding ``day``: 2023-04-01 -> 2023/24, 2024-03-31 -> 2023/24."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"
