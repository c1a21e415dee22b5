"""What ``owners`` reads: streams.yaml and the adjustment files (each needs the owners of the
streams it touches), never a project, actuals or forecast file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from budgetctl.loading.discover import LedgerFiles, read_in_year, read_streams
from budgetctl.model.kinds import ADJUSTMENT

if TYPE_CHECKING:
    from budgetctl.model.ledger import Ledger


def owned_files(root: Path) -> LedgerFiles:
    """streams.yaml and the adjustment files of the ledger at ``root``, with discovery's problems."""
    files = read_streams(root)
    files.in_year[ADJUSTMENT.name] = read_in_year(root, ADJUSTMENT, files.problems)
    return files


def owned_ledger(root: Path, files: LedgerFiles) -> Ledger | None:
    """The ledger ``owners`` writes from (``files``: streams.yaml and the adjustments), when it loads
    and no owner is invalid; None otherwise, and then the whole check of those files decides (as it
    always gives the same ledger, this shortcut only skips the rules: R005, the one that could refuse,
    finds exactly the owners ``owner_problem`` refuses). streams.yaml comes from the cache of checked
    files when its bytes were checked before; nothing is saved (that would forget the other files)."""
    from budgetctl.loading import cache as file_cache
    from budgetctl.loading.build import build
    from budgetctl.model.owners import owner_problem

    cache = None if file_cache.disabled_by_env() else file_cache.FileCache.open(root)
    raws = files.in_year.get(ADJUSTMENT.name, [])
    if cache is not None:
        cache.sparingly(1 + len(raws))
    ledger = build(files.streams, [], files.problems, cache=cache).ledger
    if ledger is None or any(owner_problem(o) for s in ledger.streams.values() for o in s.owners):
        return None
    if raws:  # what check_files attaches: each adjustment names the streams whose owners review it
        from budgetctl.loading.adjustments import load_adjustments

        ledger.adjustments = load_adjustments(raws, cache).entries
    return ledger
