"""A stream's allocations exceed its revised budget in a year.

The sum of the allocations of a stream's projects in a financial year must
not exceed the stream's revised budget for that year: its approved `budget:`
plus the effects of the year's adjustments. The message names the stream,
the year, the exact amount over, the projects and the adjustments that
changed the budget; reduce allocations or record an adjustment. Reported at
the budget figure in streams.yaml.

    budget:
      2023/24: 400000    # A001 when its projects allocate 412,500.00 in 2023/24
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal

from budgetctl.diagnostics import Severity
from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_pounds, total
from budgetctl.model.periods import year_sort_key
from budgetctl.rules._rule import Finding, Rule

_NAMED = 8  # projects named in the message before "and N more"


def check(ledger: Ledger) -> Iterator[Finding]:
    for stream_id in ledger.streams:

        def allocations(year: str, stream_id: str = stream_id) -> list[tuple[str, Decimal]]:
            return [(entry.id, amount) for entry, amount in figures.allocations(ledger, stream_id, year)]

        yield from stream_findings(ledger, stream_id, allocations)


def stream_findings(
    ledger: Ledger, stream_id: str, allocations: Callable[[str], list[tuple[str, Decimal]]]
) -> Iterator[Finding]:
    """The findings of one stream, given each year's (project id, allocation) pairs in path order: a
    stream's findings depend on streams.yaml, the adjustments and its own projects only, so a
    check of a few changed files asks for the streams they touch (``pipeline``)."""
    stream = ledger.streams[stream_id]
    for year in sorted(stream.budget, key=year_sort_key):
        changes = figures.stream_adjustments(ledger, stream_id, year)
        approved = figures.approved_budget(ledger, stream_id, year)
        budget = figures.revised_budget(ledger, stream_id, year)
        pairs = sorted(allocations(year), key=lambda pair: (-pair[1], pair[0]))
        allocated = total(amount for _, amount in pairs)
        if allocated > budget:
            names = ", ".join(f"{ident} £{format_pounds(a)}" for ident, a in pairs[:_NAMED])
            more = f" and {len(pairs) - _NAMED} more" if len(pairs) > _NAMED else ""
            if changes:
                listed = ", ".join(f"{e.id} {_signed(a)}" for e, a in changes)
                shown = (
                    f"revised budget £{format_pounds(budget)} (approved £{format_pounds(approved)}, "
                    f"adjusted by {listed})"
                )
                fix = "reduce allocations or record an adjustment"
            else:
                shown = f"budget £{format_pounds(budget)}"
                fix = "reduce allocations or raise the budget"
            yield (
                f"stream {stream_id!r} is over-allocated in {year} by £{format_pounds(allocated - budget)}: "
                f"{shown}, allocated £{format_pounds(allocated)} "
                f"by {len(pairs)} projects ({names}{more}); {fix}",
                ledger.stream_at(stream_id, "budget", year),
            )


def over_budget(ledger: Ledger, stream_id: str, allocated: Mapping[str, Decimal]) -> bool:
    """Whether the stream has a finding (``stream_findings``), given each year's allocated sum
    (none: nothing allocated): a check that knows the sums alone (``pipeline``) reads the
    projects only when it has one."""
    budget = ledger.streams[stream_id].budget
    return any(allocated.get(year, ZERO) > figures.revised_budget(ledger, stream_id, year) for year in budget)


def _signed(amount: Decimal) -> str:
    return f"-£{format_pounds(-amount)}" if amount < 0 else f"+£{format_pounds(amount)}"


RULE = Rule("A001", "over-allocated-stream", Severity.ERROR, check, __doc__, scope="ledger")
