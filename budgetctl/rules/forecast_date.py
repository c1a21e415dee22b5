"""A forecast's `as_at` is not the last day of its quarter.

`forecasts/2023-24/q2.yaml` is the forecast at the end of q2 of 2023/24, so
its `as_at` is 2023-09-30 (q1 ends 30 June, q2 30 September, q3 31 December,
q4 31 March). Which forecast a monitoring report uses depends on that date.

    # forecasts/2023-24/q2.yaml
    as_at: 2023-09-29     # M006: write 2023-09-30
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.periods import quarter_end
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for file in ledger.forecasts:
        expected = quarter_end(file.year, file.quarter)
        if file.forecast.as_at != expected:
            yield (
                f"as_at {file.forecast.as_at.isoformat()} is not the end of q{file.quarter} of {file.year}: "
                f"write {expected.isoformat()} (or move the file to the quarter it forecasts)",
                file.at("as_at"),
            )


RULE = Rule(
    "M006", "forecast-date-not-quarter-end", Severity.ERROR, check, __doc__, affects_totals=True, scope="in-year"
)
