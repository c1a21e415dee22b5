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
from budgetctl.model.ledger import Ledger, Place
from budgetctl.model.orgid import org_id_problem
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    publisher = ledger.streams_file.publisher
    if publisher is not None and publisher.org_id is not None:
        reason = org_id_problem(publisher.org_id)
        if reason:
            located = ledger.streams_source.locate(("publisher", "org_id"))
            yield f"publisher.org_id: {reason}", Place(ledger.streams_source.path, *located)
    for entry in ledger.projects:
        org_id = entry.project.recipient_org_id
        if org_id is not None:
            reason = org_id_problem(org_id)
            if reason:
                yield f"recipient_org_id: {reason}", entry.at("recipient_org_id")


RULE = Rule("G002", "bad-org-id", Severity.ERROR, check, __doc__, scope="file")
