"""What a summary of the streams needs from a checked ledger: each stream's money per year.

``facts_of`` reads them from a ``Ledger`` through ``model.figures``; the whole check keeps
them (``encode``) with its problems, under the same key (every file's content), so a warm
``summary`` reads these few values (``decode``) instead of every project.
"""

from __future__ import annotations

from decimal import Decimal

from budgetctl.model.money import exact_decimal_text  # every reader of kept values imports money anyway

TYPE_CHECKING = False  # typing itself is not imported: a warm summary does without it
if TYPE_CHECKING:
    from collections.abc import Collection
    from typing import Any, NamedTuple

    from budgetctl.model.ledger import Ledger
else:
    from budgetctl.model.plaintuple import NamedTuple


class StreamYear(NamedTuple):  # a tuple: thousands are decoded on a warm run
    """A stream's money in one year it has a budget or an allocation in."""

    budget: Decimal  # approved
    adjustments: Decimal
    allocations: int  # how many
    allocated: Decimal
    indicative: bool


class StreamFacts(NamedTuple):  # not a dataclass: a warm summary does without importing dataclasses
    streams: dict[str, tuple[str, str]]  # id -> (programme, funding), in streams.yaml's order
    years: dict[str, dict[str, StreamYear]]  # id -> year -> figures, for the years budgeted or allocated
    budget_years: list[str]  # oldest first
    adjusted: list[str]  # the budget years whose budgets adjustments or opening balances change


def facts_of(ledger: Ledger, allocated: dict[str, dict[str, tuple[int, Decimal]]] | None = None) -> StreamFacts:
    """The facts of ``ledger``; ``allocated`` (each stream's allocations and money per year, over
    every valid project) stands in for the projects when the ledger holds only some of them."""
    from budgetctl.model import figures
    from budgetctl.model.money import ZERO

    if allocated is None:
        allocated = figures.allocated_by_stream(ledger)
    # figures.adjustments is the year's adjustment records plus a balance stream's opening balance:
    # zero for the streams with neither (most), and asked only of the others (it sorts the year's
    # records each time; a check of a few changed files keeps these facts too).
    dated = {entry.year for entry in ledger.adjustments}
    balance = {s for s, stream in ledger.streams.items() if stream.year_end == "balance"}
    years: dict[str, dict[str, StreamYear]] = {}
    for stream_id, stream in ledger.streams.items():
        found = years[stream_id] = {}
        counts = allocated.get(stream_id, {})
        wanted = dict.fromkeys(stream.budget)
        wanted.update((y, None) for y, (count, _) in counts.items() if count)
        for year in wanted:
            count, money = counts.get(year, (0, ZERO))
            changed = year in dated or stream_id in balance
            found[year] = StreamYear(
                stream.budget.get(year, ZERO),  # figures.approved_budget, without looking the stream up again
                figures.adjustments(ledger, stream_id, year) if changed else ZERO,
                count,
                money,
                stream.budget_status.get(year) == "indicative",  # figures.is_indicative, likewise
            )
    budget_years = ledger.budget_years()
    return StreamFacts(
        {s: (stream.programme, stream.funding) for s, stream in ledger.streams.items()},
        years,
        budget_years,
        # figures.has_adjustments, asked of the balance streams only (the others have no opening balance)
        [y for y in budget_years if y in dated or any(figures.opening_balance(ledger, s, y) for s in balance)],
    )


def encode(facts: StreamFacts) -> dict[str, Any]:
    """JSON-safe values: money as its exact text."""
    return {
        "streams": [[s, programme, funding] for s, (programme, funding) in facts.streams.items()],
        "years": {
            s: {
                y: [str(f.budget), str(f.adjustments), f.allocations, str(f.allocated), f.indicative]
                for y, f in by.items()
            }
            for s, by in facts.years.items()
        },
        "budget_years": facts.budget_years,
        "adjusted": facts.adjusted,
    }


class Malformed(ValueError):
    """Stored facts that ``encode`` did not write (here, or in ``monitorfacts``)."""


def decode(value: Any, only: Collection[str] | None = None) -> StreamFacts:
    """``encode``'s values back, each held to its type (money to its exact text); Malformed otherwise.
    ``only``: the streams' figures in these years alone, in that order (the others are left out,
    unread: a summary of one year needs a sixth of them)."""
    if type(value) is not dict:
        raise Malformed("facts")
    streams: dict[str, tuple[str, str]] = {}
    for item in read_list(value.get("streams")):
        if type(item) is not list or len(item) != 3 or not (type(item[0]) is type(item[1]) is type(item[2]) is str):
            raise Malformed("stream")
        streams[item[0]] = (item[1], item[2])
    stored = value.get("years")
    if type(stored) is not dict or stored.keys() != streams.keys():
        raise Malformed("years")
    years: dict[str, dict[str, StreamYear]] = {}
    for stream, by in stored.items():
        if type(by) is not dict:
            raise Malformed("years")
        years[stream] = {}
        for year, item in by.items() if only is None else [(y, by[y]) for y in only if y in by]:
            if type(item) is not list or len(item) != 5 or type(item[2]) is not int or type(item[4]) is not bool:
                raise Malformed("year")
            years[stream][year] = StreamYear(
                read_amount(item[0]), read_amount(item[1]), item[2], read_amount(item[3]), item[4]
            )
    return StreamFacts(streams, years, read_strings(value.get("budget_years")), read_strings(value.get("adjusted")))


def kept_years(value: Any) -> list[str]:
    """The budget years of ``encode``'s values, read before the rest (to choose the years to
    decode); Malformed otherwise."""
    if type(value) is not dict:
        raise Malformed("facts")
    return read_strings(value.get("budget_years"))


# The readers of kept values (here and in ``monitorfacts``): each value held to its type.


def read_list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise Malformed("list")
    return value


def read_strings(value: Any) -> list[str]:
    if not all(type(item) is str for item in read_list(value)):
        raise Malformed("strings")
    return value


def read_amount(value: Any) -> Decimal:
    amount = exact_decimal_text(value)
    if amount is None:
        raise Malformed("amount")
    return amount
