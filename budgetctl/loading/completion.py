"""What shell completion offers: stream ids, years and project ids of the ledger in reach.

Completion runs on every Tab: nothing here reports a problem or fails. No ledger, or a
streams.yaml that does not load, offers nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from budgetctl.loading.discover import NoLedger, find_root
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.kinds import PROJECT_SUFFIXES, PROJECTS_DIR, STREAMS_FILE
from budgetctl.model.source import Mapping


def _root(data: str | os.PathLike[str] | None) -> Path | None:
    try:
        return find_root(data)
    except NoLedger:
        return None


def _streams(data: str | os.PathLike[str] | None) -> Any:
    """streams.yaml's ``streams:`` mapping as loaded values (None when there is none)."""
    root = _root(data)
    if root is None:
        return None
    try:
        source, _ = strict_load((root / STREAMS_FILE).read_bytes(), STREAMS_FILE)
    except OSError:
        return None
    streams = source.root.get("streams") if source is not None else None
    return streams if isinstance(streams, Mapping) else None


def stream_ids(data: str | os.PathLike[str] | None) -> list[str]:
    return list(_streams(data) or ())


def budget_years(data: str | os.PathLike[str] | None) -> list[str]:
    """The years with a budget in streams.yaml."""
    years: set[str] = set()
    for stream in (_streams(data) or {}).values():
        budget = stream.get("budget") if isinstance(stream, Mapping) else None
        if isinstance(budget, Mapping):
            years.update(budget)
    return sorted(years)


def project_ids(data: str | os.PathLike[str] | None) -> list[str]:
    """The file names under projects/ (cheap: no file is read)."""
    root = _root(data)
    if root is None:
        return []
    found: set[str] = set()
    for _, _, names in os.walk(root / PROJECTS_DIR):
        found.update(name.rsplit(".", 1)[0] for name in names if name.endswith(PROJECT_SUFFIXES))
    return sorted(found)
