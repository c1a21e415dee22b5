"""What the adjustment rules share: the streams a record names, and where."""

from __future__ import annotations

from collections.abc import Iterator

from budgetctl.model.ledger import AdjustmentEntry, Place
from budgetctl.plainclass import dataclass


@dataclass(frozen=True)
class Named:
    """A stream an adjustment names, with the source it names (if any) and where both are written."""

    stream: str
    source: str | None
    loc: tuple[str, ...]  # the mapping holding ``stream`` (and ``source``): () or ("from",) / ("to",)

    def stream_at(self, entry: AdjustmentEntry) -> Place:
        return entry.at(*self.loc, "stream")

    def source_at(self, entry: AdjustmentEntry) -> Place:
        return entry.at(*self.loc, "source")

    def mapping_at(self, entry: AdjustmentEntry) -> Place:
        return entry.at(*self.loc)


def named(entry: AdjustmentEntry) -> Iterator[Named]:
    """Each stream the record names: a virement's ``from`` and ``to``, else its ``stream``."""
    record = entry.record
    if record.type == "virement":
        if record.from_ is not None:
            yield Named(record.from_.stream, record.from_.source, ("from",))
        if record.to is not None:
            yield Named(record.to.stream, record.to.source, ("to",))
    elif record.stream is not None:
        yield Named(record.stream, record.source, ())
