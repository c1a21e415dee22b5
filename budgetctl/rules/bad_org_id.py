"""An organisation identifier that is not on the org-id register.

`recipient_org_id:` (and the publisher's `org_id:` in streams.yaml) identify
organisations in 360Giving data: a list code of the org-id.guide register, a
hyphen, and the organisation's number in that list (GB-CHC-1070468 for a
charity, GB-COH-09668396 for a company, GB-CASC-..., IE-CHY-...). The register's
list codes ship with budgetctl; a code not on it, or a number of the wrong form
for a well-known register, is refused before the export is run.

    recipient_org_id: GB-CHC-1070468    # a registered charity
    recipient_org_id: GB-CHARITY-123    # G002: not a list code
"""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.diagnostics import Severity
from budgetctl.model.ledger import Ledger
from budgetctl.rules._org_ids import org_ids
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    for field, org_id, where in org_ids(ledger):
        from budgetctl.model.orgid import org_id_problem  # the register: only for a ledger with an org id

        reason = org_id_problem(org_id)
        if reason:
            yield f"{field}: {reason}", where()


RULE = Rule("G002", "bad-org-id", Severity.ERROR, check, __doc__, scope="file")
