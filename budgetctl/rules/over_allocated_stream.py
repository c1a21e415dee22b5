"""A stream's allocations exceed its budget in a year.

The sum of the allocations of a stream's projects in a financial year must
not exceed the stream's budget for that year. The message names the stream,
the year, the exact amount over, and the projects; reduce allocations or
raise the budget. Reported at the budget figure in streams.yaml.

    budget:
      2023/24: 400000    # A001 when its projects allocate 412,500.00 in 2023/24
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds, total
from budgetctl.model.periods import year_sort_key
from budgetctl.rules._rule import Finding, Rule

_NAMED = 8  # projects named in the message before "and N more"


def check(ledger: Ledger) -> Iterator[Finding]:
    for stream_id, stream in ledger.streams.items():
        for year in sorted(stream.budget, key=year_sort_key):
            budget = stream.budget[year]
            allocations = sorted(ledger.allocated(stream_id, year), key=lambda pair: (-pair[1], pair[0].id))
            allocated = total(amount for _, amount in allocations)
            if allocated > budget:
                names = ", ".join(f"{p.id} £{format_pounds(a)}" for p, a in allocations[:_NAMED])
                more = f" and {len(allocations) - _NAMED} more" if len(allocations) > _NAMED else ""
                yield (
                    f"stream {stream_id!r} is over-allocated in {year} by £{format_pounds(allocated - budget)}: "
                    f"budget £{format_pounds(budget)}, allocated £{format_pounds(allocated)} "
                    f"by {len(allocations)} projects ({names}{more}); reduce allocations or raise the budget",
                    ledger.stream_at(stream_id, "budget", year),
                )


RULE = Rule("A001", "over-allocated-stream", Severity.ERROR, check, __doc__)
