"""A year in `years:` closed before it was approved.

`years:` in streams.yaml records when the board approved a year's budget
(`approved`) and when its outturn became final (`closed`); a year cannot close
before its budget was approved. Correct one of the two dates.

    years:
      2023/24:
        approved: 2023-03-28
        closed: 2023-01-31      # D018
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for year, state in ledger.streams_file.years.items():
        if state.closed is not None and state.closed < state.approved:
            yield (
                f"{year} is closed on {state.closed.isoformat()}, before its budget was approved on "
                f"{state.approved.isoformat()}; correct `closed` or `approved`",
                ledger.streams_at("years", year, "closed"),
            )


RULE = Rule("D018", "closed-before-approved", Severity.ERROR, check, __doc__, scope="streams")
