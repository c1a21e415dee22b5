"""The files of one project or of one stream's projects found through the stamp
(``warm.unchanged``), for ``show`` and ``trace``: when the stamp vouches that the ledger is exactly
as it was at a whole check that found no problem, its listing names every file and the stamp
keeps the ledger key, so nothing is discovered, stat'ed again or hashed; only streams.yaml, the
project files wanted and the adjustments are read.

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
from budgetctl.loading.discover import display_base, is_project_name, join_shown, shown_relative
from budgetctl.model.kinds import (
    ADJUSTMENT,
    IN_YEAR,
    PROJECT_SUFFIXES,
    PROJECTS_DIR,
    STREAMS_FILE,
    misplaced,
    project_id,
)
from budgetctl.model.source import RawFile

if TYPE_CHECKING:
    from collections.abc import Callable

    from budgetctl.loading.cache import FileCache

# The project files wanted: the one whose id is this text, or the files at these display paths.
Wanted = str | frozenset[str]


class Picked:
    """The files ``show`` or ``trace`` reads of a ledger (through the stamp, or as discovery read
    them), with the cache and the ledger key."""

    __slots__ = ("adjustments", "cache", "in_year", "key", "projects", "streams", "year_files")

    def __init__(
        self,
        cache: FileCache,
        key: str,
        streams: RawFile,
        projects: list[RawFile],
        adjustments: list[RawFile],
        in_year: bool,
        year_files: dict[str, list[RawFile]] | None = None,
    ) -> None:
        self.cache = cache
        self.key = key  # the ledger key (``cache.ledger_key``) of the whole ledger
        self.streams = streams
        self.projects = projects  # the project files wanted, sorted by display path
        self.adjustments = adjustments  # sorted by display path, as discovery gives them
        self.in_year = in_year  # whether the ledger has actuals or forecasts
        # Its actuals and forecast files by kind (``LedgerFiles.in_year``), when they were asked for.
        self.year_files = year_files


def stamped_files(
    data: str | os.PathLike[str] | None,
    root: Path,
    choose: Callable[[FileCache, str], Wanted | None],
    year_files: bool = False,
) -> Picked | warm.Listing | None:
    """streams.yaml, the project files ``choose(cache, ledger key)`` wants and the adjustments of
    the ledger at ``root`` (with ``year_files``, its actuals and forecast files too), when the stamp
    vouches for the ledger: the one file with an id, or every file of a set of display paths (a
    stream's, from the snapshot of the check the stamp vouches for). Else the listing taken (whose
    stat entries discovery can use) or None, as ``warm.unchanged`` gives them; None too when
    ``choose`` gives None, no single project file has that id, a display path names no file, or a
    file changed since the listing."""
    # The stamp is not written again here (``settle``): these commands read a few files and write nothing.
    found = warm.unchanged(data, Path.cwd(), settle=False)
    if not isinstance(found, tuple):
        return found
    from budgetctl.loading.cache import FileCache

    where, kept, listed = found
    cache = FileCache(*where)
    wanted = choose(cache, kept.key)
    if wanted is None:
        return None
    return listed_files(root, listed, wanted, cache, kept.key, kept.in_year, year_files)


def listed_files(
    root: Path,
    listed: warm.Listing,
    wanted: Wanted,
    cache: FileCache,
    key: str,
    in_year: bool,
    year_files: bool = False,
) -> Picked | None:
    """``stamped_files`` of the listing ``listed`` that the stamp vouched for (the ledger key
    ``key``; ``in_year``: whether the ledger has actuals or forecasts): streams.yaml, the project
    files ``wanted``, the adjustments and, with ``year_files`` and ``in_year``, the actuals and
    forecast files, each read under its stat entry in the listing."""
    top = os.fspath(root) + os.sep
    base = display_base(root)

    def shown(path: str) -> str:
        return join_shown(base, path[len(top) :].replace(os.sep, "/"))

    projects_in = PROJECTS_DIR + "/"
    year_files = year_files and in_year
    kinds = IN_YEAR if year_files else (ADJUSTMENT,)  # the in-year kinds read, by folder
    year_folders = tuple(kind.folder + "/" for kind in kinds)
    if isinstance(wanted, str):
        # Only the files this can take (not every path of the ledger: a fifth of a run at 10,000 projects).
        names = {wanted + suffix for suffix in PROJECT_SUFFIXES}
        is_wanted: Callable[[str, str], bool] = lambda folder, name: name in names and folder.startswith(projects_in)  # noqa: E731
        holds: Callable[[str], bool] = lambda folder: folder.startswith(projects_in)  # noqa: E731
    else:
        inside = {shown_relative(path, base) for path in wanted}  # shown(path) is checked below
        is_wanted = lambda folder, name: folder + name in inside  # noqa: E731
        folders = {path[: path.rfind("/") + 1] for path in inside}  # "" for a file at the top
        holds = folders.__contains__
    taken = listed.taken_where(
        lambda folder, name: (
            is_wanted(folder, name) or folder.startswith(year_folders) or (folder == "" and name == STREAMS_FILE)
        ),
        # Only the folders that can hold one: the top (streams.yaml), the in-year kinds', the wanted files'.
        lambda folder: folder == "" or folder.startswith(year_folders) or holds(folder),
    )
    projects = f"{top}{PROJECTS_DIR}{os.sep}"
    if isinstance(wanted, str):
        # Any project file with this id ends so (a sieve in C); discovery's rules decide, on display paths.
        ends = tuple(f"{os.sep}{wanted}{suffix}" for suffix in PROJECT_SUFFIXES)
        matches = [
            path
            for path in taken
            if path.endswith(ends) and path.startswith(projects) and _is_project(shown(path), wanted)
        ]
        if len(matches) != 1:
            return None
    else:
        matches = sorted((path for path in taken if path.startswith(projects)), key=shown)
        if len(matches) != len(wanted) or any(shown(path) not in wanted for path in matches):
            return None  # the snapshot names a file this listing does not hold as it does
    wanted_files = [(shown(path), path) for path in (top + STREAMS_FILE, *matches)]
    counts = []
    for kind in kinds:
        folder, shown_folder = f"{top}{kind.folder}{os.sep}", join_shown(base, kind.folder)
        found = sorted((shown(path), path) for path in taken if path.startswith(folder))
        if any(misplaced(kind, tuple(display[len(shown_folder) + 1 :].split("/"))) for display, _ in found):
            return None  # not such a file to discovery (a whole check without problems found none)
        wanted_files += found
        counts.append(len(found))
    read = [read_listed(path, display, taken.get(path)) for display, path in wanted_files]
    if None in read:
        return None
    raws = [raw for raw in read if raw is not None]
    at = 1 + len(matches)
    by_kind: dict[str, list[RawFile]] = {}
    for kind, count in zip(kinds, counts, strict=True):
        by_kind[kind.name], at = raws[at : at + count], at + count
    adjustments, projects_read = by_kind.pop(ADJUSTMENT.name), raws[1 : 1 + len(matches)]
    return Picked(cache, key, raws[0], projects_read, adjustments, in_year, by_kind if year_files else None)


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
