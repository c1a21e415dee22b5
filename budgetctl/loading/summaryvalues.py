"""The summary values kept with a whole check (``model.streamfacts``'s, encoded): one file beside
the cache's entries, ``<ledger>.summary``, holding ``marshal.dumps((FORMAT, code key, ledger key,
values), 2)``. The values are lists, dicts, strings, ints and bools, which marshal writes and
reads in C: a warm ``summary`` imports neither json nor pathlib to read them (together about a
tenth of its time), and ``streamfacts.decode`` holds every value to its type as before.

A file that is missing, not ours, not exactly this shape, or of another code or ledger key gives
None: the caller checks the ledger instead."""

from __future__ import annotations

import marshal

from budgetctl.loading.cacheplace import beside
from budgetctl.loading.ownfiles import read_own

TYPE_CHECKING = False  # typing itself is not imported: a warm summary does without it
if TYPE_CHECKING:
    from typing import Any

FORMAT = "budgetctl-summary 1"


def path_of(entries: str) -> str:
    """The file beside the cache's entries file (``ledger-<name>.jsonl``), as a string."""
    return beside(entries, ".summary")


def dumped(code: str, ledger: str, values: dict[str, Any]) -> bytes:
    """The file's bytes for ``values`` kept under the code key ``code`` and ledger key ``ledger``."""
    return marshal.dumps((FORMAT, code, ledger, values), 2)


def load(entries: str, code: str, ledger: str) -> Any:
    """The values kept under ``code`` and ``ledger`` beside ``entries`` (not yet decoded), or None."""
    data = read_own(path_of(entries), binary=True)
    if data is None:
        return None
    try:
        kept = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if type(kept) is not tuple or len(kept) != 4 or kept[:3] != (FORMAT, code, ledger):
        return None
    return kept[3]
