"""An adjustment changes a stream's budget in a year the stream has no approved budget for.

An adjustment changes an approved budget: the year is the one of the folder
the file sits in (`adjustments/2023-24/` changes 2023/24). Add the year's
`budget:` to the stream in streams.yaml, or move the file to the right folder.

    # data/adjustments/2025-26/uplift.yaml
    stream: victims-services   # D002 when its budget has no 2025/26
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.periods import year_sort_key
from budgetctl.rules._adjustments import named
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for entry in ledger.adjustments:
        for side in named(entry):
            stream = ledger.streams.get(side.stream)
            if stream is not None and entry.year not in stream.budget:
                years = ", ".join(sorted(stream.budget, key=year_sort_key)) or "none"
                folder = entry.source.path.rsplit("/", 2)[-2]
                yield (
                    f"stream {side.stream!r} has no approved budget for {entry.year} (the year of the folder "
                    f"{folder}/; its years: {years}); add that year's budget to streams.yaml or move the file "
                    "to the folder of the year it changes",
                    side.stream_at(entry),
                )


RULE = Rule("D002", "adjustment-without-budget", Severity.ERROR, check, __doc__, scope="streams")
