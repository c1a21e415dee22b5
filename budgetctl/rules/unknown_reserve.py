"""A reserve drawdown names a reserve that streams.yaml does not list under `reserves:`.

Reserves are declared once, in streams.yaml: `reserves: {commissioning-reserve:
Commissioning reserve}`. Name one of them, or declare the reserve.

    type: reserve-drawdown
    reserve: comissioning-reserve   # D007: did you mean 'commissioning-reserve'?
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.model.records import did_you_mean
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    reserves = list(ledger.streams_file.reserves)
    for entry in ledger.adjustments:
        reserve = entry.record.reserve
        if entry.record.type == "reserve-drawdown" and reserve is not None and reserve not in reserves:
            hint = did_you_mean(reserve, reserves) if reserves else "; streams.yaml declares no `reserves:`"
            yield (
                f"reserve {reserve!r} is not in streams.yaml `reserves:`{hint}; name a declared reserve or add it",
                entry.at("reserve"),
            )


RULE = Rule("D007", "unknown-reserve", Severity.ERROR, check, __doc__, scope="streams")
