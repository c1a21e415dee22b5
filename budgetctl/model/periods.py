"""Financial years, written ``YYYY/YY`` (April to March)."""

from __future__ import annotations

import re

TYPE_CHECKING = False  # datetime is imported where a date is made: a warm summary parses a year without it
if TYPE_CHECKING:
    import datetime

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


def previous_year(year: str) -> str:
    """``2024/25`` -> ``2023/24``."""
    first = int(year[:4]) - 1
    return f"{first:04d}/{(first + 1) % 100:02d}"


def next_year(year: str) -> str:
    """``2023/24`` -> ``2024/25``."""
    first = int(year[:4]) + 1
    return f"{first:04d}/{(first + 1) % 100:02d}"


def year_bounds(year: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a financial year (1 April to 31 March)."""
    import datetime  # only where a date is made: parsing a year needs none

    first = int(year[:4])
    return datetime.date(first, 4, 1), datetime.date(first + 1, 3, 31)


def year_of_date(day: datetime.date) -> str:
    """The financial year holding ``day``: 2023-11-02 -> ``2023/24``."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first:04d}/{(first + 1) % 100:02d}"


def chosen_year(years: list[str], year: str | None, today: datetime.date) -> str | None:
    """``year`` when it is one of ``years`` (the years with a budget, oldest first); with no
    ``year``, the financial year of ``today`` when it is one of them, else the latest; None
    when there is no such year."""
    current = year_of_date(today)
    chosen = year or (current if current in years else years[-1] if years else None)
    return chosen if chosen in years else None


def years_between(first: str, last: str) -> list[str] | None:
    """``2023/24``, ``2025/26`` as every year from the first to the last; None when backwards or
    longer than 10 years."""
    start, end = int(first[:4]), int(last[:4])
    if end < start or end - start > 9:
        return None
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(start, end + 1)]


def quarter_end(year: str, quarter: int) -> datetime.date:
    """The last day of quarter 1-4 of a financial year: q1 ends 30 June, q4 31 March."""
    import datetime

    first = int(year[:4])
    return {
        1: datetime.date(first, 6, 30),
        2: datetime.date(first, 9, 30),
        3: datetime.date(first, 12, 31),
        4: datetime.date(first + 1, 3, 31),
    }[quarter]


def quarter_of(year: str, day: datetime.date) -> int | None:
    """The quarter (1-4) of ``year`` holding ``day``; None when the day is outside the year."""
    first, last = year_bounds(year)
    if not first <= day <= last:
        return None
    return next(q for q in (1, 2, 3, 4) if day <= quarter_end(year, q))


def folder_year(path: str) -> str:
    """The financial year of an in-year file from its folder: ``.../2023-24/q2.yaml`` -> ``2023/24``."""
    folder = path.rsplit("/", 2)[-2]
    return f"{folder[:4]}/{folder[5:]}"
