"""An organisation identifier on a list the org-id register has deprecated.

The identifier is still well formed, so the 360Giving export accepts it, but the
register no longer recommends its list (GB-GOVUK gave way to GB-GOR, the
Government Organisation Register, and XI-GRID to XI-ROR). Data users match
organisations across funders by these identifiers: the warning names the list the
register points to, where it names one, so the identifier can be renewed before
the next return.

    recipient_org_id: GB-GOR-D1234          # the Government Organisation Register
    recipient_org_id: GB-GOVUK-home_office  # G005: GB-GOVUK is deprecated; use GB-GOR
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._org_ids import org_ids
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for field, org_id, where in org_ids(ledger):
        from budgetctl.model.orgid import org_id_deprecation  # the register: only for a ledger with an org id

        advice = org_id_deprecation(org_id)
        if advice:
            yield f"{field}: {advice}", where()


RULE = Rule("G005", "deprecated-org-id", Severity.WARNING, check, __doc__, scope="file")
