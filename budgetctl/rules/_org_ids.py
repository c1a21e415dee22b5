"""Every organisation identifier the ledger holds, with its field and place: the
publisher's in streams.yaml and each project's recipient."""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.model.ledger import Ledger, Place


def org_ids(ledger: Ledger) -> Iterator[tuple[str, str, Place]]:
    """(field, identifier, place) for each identifier written in the ledger."""
    publisher = ledger.streams_file.publisher
    if publisher is not None and publisher.org_id is not None:
        located = ledger.streams_source.locate(("publisher", "org_id"))
        yield "publisher.org_id", publisher.org_id, Place(ledger.streams_source.path, *located)
    for entry in ledger.projects:
        org_id = entry.project.recipient_org_id
        if org_id is not None:
            yield "recipient_org_id", org_id, entry.at("recipient_org_id")
