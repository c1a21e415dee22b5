"""Where the ledger is: the rule ``discover.find_root`` applies (and says why there is none),
apart so that the warm validate (``loading.warm``) finds it without importing discovery."""

from __future__ import annotations

import os
from pathlib import Path

STREAMS_FILE = "streams.yaml"  # model.kinds.STREAMS_FILE (that module is not imported here)


def given_data(data: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    """Where the ledger is said to be: ``--data``, else $BUDGETCTL_DATA, else nowhere."""
    return data if data is not None else os.environ.get("BUDGETCTL_DATA") or None


def locate(data: str | os.PathLike[str] | None, cwd: Path) -> Path | None:
    """The ledger folder (``discover.find_root``, which says why there is none): ``--data``,
    else $BUDGETCTL_DATA, else ./data, else the nearest parent folder holding
    ``data/streams.yaml``. Raises OSError for a given folder that cannot be looked at."""
    given = given_data(data)
    if given is not None:
        root = cwd / Path(given)
        if ".." in root.parts:
            # Display paths are taken from the folder above the ledger: for "x/.." that
            # is x, not the parent the system means.
            root = root.resolve()
        return root if (root / STREAMS_FILE).is_file() else None
    for folder in (cwd, *cwd.parents):
        if (folder / "data" / STREAMS_FILE).is_file():
            return folder / "data"
    return None
