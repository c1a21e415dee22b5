"""Two actuals rows have the same reference and kind.

The pair (reference, kind) identifies a row of the finance system across every
actuals file of the ledger, so that importing the same export twice cannot
count a payment twice. The message names both lines; delete the copy (or, when
they really are two transactions, correct the reference). Reported at the
later row's reference cell.

    data/actuals/2023-24/2023-04.csv:2  ...,payment,20833.33,AP-104233,...
    data/actuals/2023-24/2023-05.csv:7  ...,payment,20833.33,AP-104233,...   # M002
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._actuals import cell
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    # Every row's (reference, kind) from the columns, counted in C: the rows are read only
    # when there is a copy to report. References all different: no pair is twice (the usual
    # ledger, whose pairs are then not made).
    references = list(chain.from_iterable(file.columns.references for file in ledger.actuals))
    if len(set(references)) == len(references):
        return
    keys = list(chain.from_iterable(file.columns.keys() for file in ledger.actuals))
    if len(set(keys)) == len(keys):
        return
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for file in ledger.actuals:  # in path order, rows in line order: the first is the earlier line
        path = file.path
        for row in file.rows:
            key = (row.reference, row.kind)
            seen = first.get(key)
            if seen is None:
                first[key] = (path, row.line)
                continue
            yield (
                f"reference {row.reference!r} with kind {row.kind} is also at {seen[0]}:{seen[1]}; "
                "the pair is counted once: delete the copy, or correct the reference",
                cell(file.path, row, "reference"),
            )


RULE = Rule("M002", "duplicate-actual", Severity.ERROR, check, __doc__, affects_totals=True, scope="in-year")
