"""One project's files found through the stamp (``warm.unchanged``), for ``show``: when the stamp
vouches that the ledger is exactly as it was at a whole check that found no problem, its listing
names every file and the stamp keeps the ledger key, so nothing is discovered, stat'ed again or
hashed; only streams.yaml, the project's file and the adjustments are read.

The files are taken by discovery's rules (``discover.is_project_name``, ``kinds.project_id``,
``kinds.misplaced``), and each is read under the stat entry of the listing the stamp vouched
for: a file whose stat entry is not that one after it was read (changed since the listing) gives
no answer, and the caller discovers the ledger as usual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from budgetctl.loading import warm
from budgetctl.loading.discover import display_base, is_project_name, join_shown
from budgetctl.model.kinds import ADJUSTMENT, PROJECT_SUFFIXES, PROJECTS_DIR, STREAMS_FILE, misplaced, project_id
from budgetctl.model.source import RawFile

if TYPE_CHECKING:
    from budgetctl.loading.cache import FileCache


class Stamped:
    """What ``show`` reads of a ledger the stamp vouched for, with the cache and the ledger key."""

    __slots__ = ("adjustments", "cache", "key", "project", "streams")

    def __init__(
        self, cache: FileCache, key: str, streams: RawFile, project: RawFile, adjustments: list[RawFile]
    ) -> None:
        self.cache = cache
        self.key = key  # the ledger key (``cache.ledger_key``) of the whole ledger
        self.streams = streams
        self.project = project  # the one project file named ``wanted``
        self.adjustments = adjustments  # sorted by display path, as discovery gives them


def project_files(data: str | os.PathLike[str] | None, root: Path, wanted: str) -> Stamped | warm.Listing | None:
    """streams.yaml, the one project file whose id is ``wanted`` and the adjustments of the ledger
    at ``root``, when the stamp vouches for the ledger; else the listing taken (whose stat entries
    discovery can use) or None, as ``warm.unchanged`` gives them, and None too when no single
    project file has that id or a file changed since the listing."""
    # The stamp is not written again here (``settle``): show reads a few files and writes nothing.
    found = warm.unchanged(data, Path.cwd(), settle=False)
    if not isinstance(found, tuple):
        return found
    from budgetctl.loading.cache import FileCache

    where, kept, listed = found
    # Only the files this can take (not every path of the ledger: a fifth of a run at 10,000 projects).
    names = {wanted + suffix for suffix in PROJECT_SUFFIXES}
    projects_in, adjustments_in = PROJECTS_DIR + "/", ADJUSTMENT.folder + "/"
    taken = listed.taken_where(
        lambda folder, name: (
            (name in names and folder.startswith(projects_in))
            or folder.startswith(adjustments_in)
            or (folder == "" and name == STREAMS_FILE)
        )
    )
    top = os.fspath(root) + os.sep
    base = display_base(root)

    def shown(path: str) -> str:
        return join_shown(base, path[len(top) :].replace(os.sep, "/"))

    # Any project file with this id ends so (a sieve in C); discovery's rules decide, on display paths.
    ends = tuple(f"{os.sep}{wanted}{suffix}" for suffix in PROJECT_SUFFIXES)
    projects = f"{top}{PROJECTS_DIR}{os.sep}"
    matches = [
        path for path in taken if path.endswith(ends) and path.startswith(projects) and _is_project(shown(path), wanted)
    ]
    if len(matches) != 1:
        return None
    folder, in_year = f"{top}{ADJUSTMENT.folder}{os.sep}", join_shown(base, ADJUSTMENT.folder)
    adjustments = sorted((shown(path), path) for path in taken if path.startswith(folder))
    if any(misplaced(ADJUSTMENT, tuple(display[len(in_year) + 1 :].split("/"))) for display, _ in adjustments):
        return None  # not an adjustment to discovery (a whole check without problems found no such file)
    wanted_files = [(shown(path), path) for path in (top + STREAMS_FILE, matches[0])] + adjustments
    read = [read_listed(path, display, taken.get(path)) for display, path in wanted_files]
    if None in read:
        return None
    raws = [raw for raw in read if raw is not None]
    return Stamped(FileCache(*where), kept.key, raws[0], raws[1], raws[2:])


def _is_project(shown: str, wanted: str) -> bool:
    """Whether the file at display path ``shown`` under projects/ is a project file with the id ``wanted``."""
    return is_project_name(shown.rsplit("/", 1)[-1]) and project_id(shown) == wanted


def read_listed(path: str, shown: str, info: os.stat_result | None) -> RawFile | None:
    """The file at ``path`` with the content it had when the listing took ``info``: None when it
    has another stat entry before or after the read (it changed since), or cannot be read."""
    if info is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            if warm.STAT_ROW(os.fstat(fd)) != warm.STAT_ROW(info):
                return None
            data = os.read(fd, info.st_size + 1)
            if len(data) != info.st_size or warm.STAT_ROW(os.fstat(fd)) != warm.STAT_ROW(info):
                return None
        finally:
            os.close(fd)
    except OSError:
        return None
    return RawFile(shown, data)
