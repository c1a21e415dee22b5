"""A changed project allocates in a stream and year that is over-allocated (A001).

A001 is reported once, at the stream's budget in streams.yaml. A pull request
that over-allocates a stream usually changes a project file, not streams.yaml,
so with `validate --changed-since BASE` (as the GitHub workflow runs it) the
problem is also reported at the allocation of each project file the change adds
or edits in that stream and year: the reviewer sees it on the lines they review.
A warning, so the count of errors stays one per stream and year.

    allocations:
      2023/24: 150000    # A006 when this file changed and its stream is over-allocated in 2023/24
"""

from __future__ import annotations

from collections.abc import Collection

from budgetctl.diagnostics import Diagnostic, Severity
from budgetctl.loading.codes import Code
from budgetctl.model import figures
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import format_pounds
from budgetctl.model.periods import year_sort_key

CODE = Code(
    "A006",
    "over-allocation-in-changed-project",
    Severity.WARNING,
    "A changed project allocates in a stream and year that is over-allocated.",
    "\n".join(line[4:] if line.startswith("    ") else line for line in __doc__.split("\n")[2:]).strip(),
    affects_totals=False,
)


def check(ledger: Ledger, changed: Collection[str]) -> list[Diagnostic]:
    """A006 at each allocation of a project file in ``changed`` (display paths) in an over-allocated year."""
    found: list[Diagnostic] = []
    for stream_id, stream in ledger.streams.items():
        for year in sorted(stream.budget, key=year_sort_key):
            budget = figures.approved_budget(ledger, stream_id, year)
            allocated = figures.allocated(ledger, stream_id, year)
            if allocated <= budget:
                continue
            at = ledger.stream_at(stream_id, "budget", year)
            for entry, amount in figures.allocations(ledger, stream_id, year):
                if entry.source.path not in changed:
                    continue
                place = entry.at("allocations", year)
                message = (
                    f"this change allocates £{format_pounds(amount)} in {year} to stream {stream_id!r}, which is "
                    f"over-allocated by £{format_pounds(allocated - budget)} (budget £{format_pounds(budget)}, "
                    f"allocated £{format_pounds(allocated)}; A001 at {at.file}:{at.line}); reduce an allocation "
                    "or raise the budget"
                )
                found.append(CODE.at(message, place.file, place.line, place.column))
    return found
