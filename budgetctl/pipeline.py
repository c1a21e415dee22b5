"""The one place the stages run: a ledger on disk or at a git revision -> loader -> models -> rules.

``check_ledger`` is what every command calls: find the ledger, read it, check it
(through the cache of checked files unless told not to, with an optional
progress display), keep the cache. ``check_files`` runs the stages over files
already read; ``check_revision`` and ``check_working_tree`` give the two sides
of a comparison.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic

if TYPE_CHECKING:  # the models are imported only when a file must be checked
    from pathlib import Path

    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.model.ledger import Ledger
    from budgetctl.model.records import Project

Advance = Callable[[int], None]
# Given how many files a run may check, a context that shows progress and yields
# ``advance(done_files)``, or None when no progress is shown.
Progress = Callable[[int], AbstractContextManager[Advance | None]]


@dataclass
class Checked:
    """The ledger (None when streams.yaml is unusable, or when it was not needed and
    the problems came from the cache's last whole check) and every problem."""

    ledger: Ledger | None
    problems: list[Diagnostic]
    file_count: int
    incomplete: bool
    files: LedgerFiles | None = field(default=None, repr=False)
    _lines: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def errors(self) -> list[Diagnostic]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [p for p in self.problems if not p.is_error]

    def totals_broken(self) -> list[Diagnostic]:
        """Errors that make totals wrong: a file or project that could not be counted."""
        from budgetctl.loading.codes import CODES
        from budgetctl.rules import RULES

        # From the registries directly: building the catalogue's help texts is not needed here.
        breaking = {c.code for c in CODES.values() if c.affects_totals} | {r.code for r in RULES if r.affects_totals}
        return [p for p in self.errors if p.code in breaking]

    def source_line(self, path: str, line: int) -> str | None:
        """Line ``line`` (from 1) of the checked file ``path`` as read, for showing under a problem."""
        text = self._lines.get(path)
        if text is None:
            raw = {f.path: f.data for f in self.files.every_file()} if self.files is not None else {}
            text = self._lines[path] = raw[path].decode("utf-8", "replace").splitlines() if path in raw else []
        return text[line - 1] if 0 < line <= len(text) else None


def check_ledger(
    data: str | os.PathLike[str] | None,
    *,
    cache: bool = True,
    progress: Progress | None = None,
    ledger_needed: bool = True,
    in_year: bool = True,
) -> Checked:
    """Find the ledger (``--data``, $BUDGETCTL_DATA, ./data or a parent's data/), read and check it.

    Raises ``NoLedger`` when there is none. ``cache=False`` (or BUDGETCTL_NO_CACHE)
    neither reads nor writes the cache of checked files; ``progress`` is asked
    for a display given the number of project files; ``ledger_needed=False``
    (only the problems are wanted) lets an unchanged ledger's problems come from
    the cache's last whole check; ``in_year=False`` leaves actuals and forecasts
    unread (commands about the plan only).
    """
    from budgetctl.loading import cache as file_cache
    from budgetctl.loading.discover import find_root, read_ledger

    root = find_root(data)
    files = read_ledger(root)
    cached = file_cache.FileCache.open(root) if cache and not file_cache.disabled_by_env() else None
    with progress(len(files.projects)) if progress is not None else nullcontext() as advance:
        checked = check_files(files, cache=cached, progress=advance, ledger_needed=ledger_needed, in_year=in_year)
    if cached is not None:
        cached.save()
    return checked


def check_files(
    files: LedgerFiles,
    *,
    cache: FileCache | None = None,
    progress: Advance | None = None,
    ledger_needed: bool = True,
    in_year: bool = True,
) -> Checked:
    """Run every stage over the files and return the ledger and all problems.

    ``cache`` (see ``budgetctl.loading.cache``) skips loading files checked before, and
    with ``ledger_needed=False`` returns the problems of the last whole check
    when no file has changed since (then ``ledger`` is None). ``progress`` is
    told how many files each step finished. ``in_year=False`` leaves the actuals and
    forecasts unread (a report of the plan needs neither): the check is then partial,
    so it is not saved as the ledger's last whole check.
    """
    from budgetctl.loading.cache import ledger_key

    key = ledger_key(files) if cache is not None else ""
    if cache is not None and not ledger_needed:
        last = cache.last_check(key)
        if last is not None:
            return Checked(None, *last, files=files)

    from budgetctl.loading.build import build
    from budgetctl.loading.inyear_monitoring import attach_in_year
    from budgetctl.rules import run_rules

    loaded = build(files.streams, files.projects, files.problems, cache=cache, progress=progress)
    problems = list(loaded.problems)
    in_year_problems, in_year_count = attach_in_year(loaded.ledger, files.in_year) if in_year else ([], 0)
    problems += in_year_problems
    if loaded.ledger is not None:
        problems.extend(run_rules(loaded.ledger))
    problems.sort(key=Diagnostic.sort_key)
    file_count = loaded.file_count + in_year_count
    whole = in_year or not (files.in_year.get("actuals") or files.in_year.get("forecast"))
    if cache is not None and whole:
        cache.save_check(key, problems, file_count, loaded.incomplete)
    return Checked(loaded.ledger, problems, file_count, loaded.incomplete, files=files)


# --- the two sides of a comparison ----------------------------------------------------


@dataclass
class Side:
    """One side of a comparison: what it is called, and the checked ledger (None: no ledger there)."""

    label: str  # "HEAD~1 (1a2b3c4)" or "the working tree"
    revision: str | None  # what the user typed; None for the working tree
    commit: str | None  # the full commit id; None for the working tree
    checked: Checked | None
    files: LedgerFiles | None

    @property
    def empty(self) -> bool:
        return self.checked is None

    def project_paths(self) -> dict[str, str]:
        """Every project file's id and display path, including files too broken to load."""
        if self.files is None:
            return {}
        from budgetctl.model.kinds import project_id

        return {project_id(f.path): f.path for f in self.files.projects}

    def projects(self) -> dict[str, Project]:
        """The projects that validate, by id, whether or not streams.yaml loads."""
        if self.checked is None or self.files is None:
            return {}
        if self.checked.ledger is not None:
            return {entry.id: entry.project for entry in self.checked.ledger.projects}
        from budgetctl.loading.checks import check_project
        from budgetctl.model.kinds import project_id

        # streams.yaml is broken on this side: still compare the project files themselves.
        found: dict[str, Project] = {}
        for raw in self.files.projects:
            project = check_project(raw).project
            if project is not None:
                found[project_id(raw.path)] = project
        return found


def check_working_tree(root: Path) -> Side:
    """The ledger as it is on disk now (an empty side when it has no streams.yaml)."""
    from budgetctl.model.kinds import STREAMS_FILE

    if not (root / STREAMS_FILE).is_file():
        return Side("the working tree", None, None, None, None)
    checked = check_ledger(root, cache=False)
    return Side("the working tree", None, None, checked, checked.files)


def check_revision(repo: Path, revision: str, folder: str) -> Side:
    """The ledger in ``folder`` at ``revision``; raises GitError for a bad revision."""
    from budgetctl.diagnostics import printable
    from budgetctl.infra import git
    from budgetctl.loading.revision import files_at

    sha = git.resolve_revision(repo, revision)
    label = f"{printable(revision)} ({sha[:7]})"
    files = files_at(repo, sha, folder)
    if files is None:
        return Side(label, revision, sha, None, None)
    return Side(label, revision, sha, check_files(files), files)
