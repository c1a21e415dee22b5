"""Every organisation identifier the ledger holds, with its field and place: the
publisher's in streams.yaml and each project's recipient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from budgetctl.model.ledger import Ledger, Place


def org_ids(ledger: Ledger) -> Iterator[tuple[str, str, Callable[[], Place]]]:
    """(field, identifier, where) for each identifier written in the ledger. ``where()`` gives
    its place: called only for a finding, because locating a value reads its file's positions,
    which a run served from the cache has not parsed (the YAML of every file, for nothing)."""
    publisher = ledger.streams_file.publisher
    if publisher is not None and publisher.org_id is not None:
        source = ledger.streams_source
        yield "publisher.org_id", publisher.org_id, lambda: Place(source.path, *source.locate(("publisher", "org_id")))
    for entry in ledger.projects:
        org_id = entry.project.recipient_org_id
        if org_id is not None:
            yield "recipient_org_id", org_id, partial(entry.at, "recipient_org_id")
