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
from budgetctl.model.ledger import Ledger, Place
from budgetctl.model.orgid import org_id_deprecation
from budgetctl.rules._rule import Finding, Rule


def check(ledger: Ledger) -> Iterator[Finding]:
    publisher = ledger.streams_file.publisher
    if publisher is not None and publisher.org_id is not None:
        advice = org_id_deprecation(publisher.org_id)
        if advice:
            located = ledger.streams_source.locate(("publisher", "org_id"))
            yield f"publisher.org_id: {advice}", Place(ledger.streams_source.path, *located)
    for entry in ledger.projects:
        org_id = entry.project.recipient_org_id
        if org_id is not None:
            advice = org_id_deprecation(org_id)
            if advice:
                yield f"recipient_org_id: {advice}", entry.at("recipient_org_id")


RULE = Rule("G005", "deprecated-org-id", Severity.WARNING, check, __doc__, scope="file")
