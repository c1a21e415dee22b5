"""The board paper's date line and what it names (the day and the ledger's commit), apart from
``reports.board`` so that a paper kept as written (``render.board_view``) gets its date line
without importing the model of a ledger."""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["as_at_line", "paper_date", "revision_of"]


def as_at_line(day: datetime.date, revision: tuple[str, bool] | None) -> str:
    """``As at 28 March 2023 · ledger commit 1a2b3c4 (with changes not yet committed)``."""
    line = f"As at {day.day} {day:%B %Y}"
    if revision is None:
        return line + " · ledger not in a git repository"
    commit, dirty = revision
    return line + f" · ledger commit {commit}" + (" (with changes not yet committed)" if dirty else "")


def paper_date(text: str | None) -> datetime.date:
    """A paper's date: ``text`` (YYYY-MM-DD), else $SOURCE_DATE_EPOCH (reproducible output), else
    today; ValueError when either is not a date."""
    if text is not None:
        return datetime.date.fromisoformat(text)
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), datetime.UTC).date()
    return datetime.date.today()


def revision_of(folder: Path) -> Callable[[], tuple[str, bool] | None]:
    """The commit the paper names (``infra.git.worktree_revision`` of ``folder``), asked of git in a
    thread while the ledger loads (about 0.1 s on a large ledger); the function returned waits for
    it (or raises what it raised)."""
    import threading

    from budgetctl.infra.git import worktree_revision

    found: list[tuple[str, bool] | None] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(worktree_revision(folder))
        except BaseException as exc:  # handed to the caller, as if it had run there
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result() -> tuple[str, bool] | None:
        thread.join()
        if failed:
            raise failed[0]
        return found[0]

    return result
