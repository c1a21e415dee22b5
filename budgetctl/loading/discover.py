"""Find the ledger and read its files from disk, refusing what must not be read."""

from __future__ import annotations

import os
import stat
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from budgetctl.diagnostics import Diagnostic, UserError, printable
from budgetctl.loading.codes import CODES
from budgetctl.loading.root import given_data, locate
from budgetctl.model.kinds import (
    IN_YEAR,
    KNOWN_FOLDERS,
    PROJECT_SUFFIXES,
    PROJECTS_DIR,
    STREAMS_FILE,
    FileKind,
    misplaced,
    unread_files,
)
from budgetctl.model.source import MAX_FILE_BYTES, FileChanged, RawFile, digest
from budgetctl.plainclass import dataclass, field

__all__ = [
    "FileChanged",
    "LedgerFiles",
    "NoLedger",
    "RawFile",
    "digest",
    "disk_path",
    "display_base",
    "display_path",
    "find_root",
    "read_ledger",
]

if TYPE_CHECKING:
    from budgetctl.loading.statindex import StatIndex


class NoLedger(UserError):
    """No ledger where one was looked for; str() says where (exit 2)."""


@dataclass
class LedgerFiles:
    """The files of a ledger as discovery found them, and the problems of finding them."""

    root: Path | None
    streams: RawFile | None
    projects: list[RawFile] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    # The in-year files, by kind name (actuals, adjustment, forecast), sorted by path.
    in_year: dict[str, list[RawFile]] = field(default_factory=dict)

    def every_file(self) -> list[RawFile]:
        """streams.yaml, the project files, then the in-year files by kind: the order of the content key."""
        found = [self.streams] if self.streams is not None else []
        found += self.projects
        for kind in IN_YEAR:
            found += self.in_year.get(kind.name, [])
        return found

    def has_in_year(self) -> bool:
        """Whether the ledger has actuals or forecasts (a check without them is not a whole check)."""
        return bool(self.in_year.get("actuals") or self.in_year.get("forecast"))


def find_root(data: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """The ledger folder: ``--data``, else $BUDGETCTL_DATA, else ./data, else the
    nearest parent folder holding ``data/streams.yaml`` (``root.locate``)."""
    cwd = cwd or Path.cwd()
    given = given_data(data)
    try:
        root = locate(data, cwd)
    except OSError as exc:  # a name too long for the system, a loop in the path ...
        raise NoLedger(f"no ledger found: {printable(str(given))}: {exc.strerror or exc}") from None
    if root is not None:
        return root
    if given is not None:
        raise NoLedger(f"no ledger found: {printable(str(given))} has no {STREAMS_FILE}")
    raise NoLedger(
        f"no ledger found: no data/{STREAMS_FILE} in {cwd} or any parent folder (use --data DIR or set BUDGETCTL_DATA)"
    )


def display_base(root: Path, cwd: Path | None = None) -> str:
    """The ledger folder as paths show it: from the working directory when it lies under it,
    as compilers print paths (``finance/data``; ``.`` inside it), else its own name (``data``)."""
    here = (cwd or Path.cwd()).resolve()
    real = root.resolve()
    if real == here or here in real.parents:
        return Path(os.path.relpath(real, here)).as_posix()
    return real.name


def join_shown(base: str, relative: str) -> str:
    """A path inside the ledger (``projects/x.yaml``) as shown under ``base``."""
    if relative in ("", "."):
        return base
    return relative if base == "." else f"{base}/{relative}"


def display_path(root: Path, path: Path) -> str:
    """``path`` inside the ledger as problems show it: ``finance/data/projects/x.yaml`` run at a repository's top."""
    return join_shown(display_base(root), Path(os.path.relpath(path, root)).as_posix())


def disk_path(root: Path, shown: str, base: str | None = None) -> Path:
    """The file a display path of the ledger at ``root`` names (the inverse of ``display_path``);
    ``base``: ``display_base(root)`` when already known (it resolves two paths)."""
    return root / shown_relative(shown, display_base(root) if base is None else base)


def shown_relative(shown: str, base: str) -> str:
    """The path inside the ledger folder of the display path ``shown`` under ``base`` (the inverse
    of ``join_shown``)."""
    return shown if base == "." else shown[len(base) + 1 :]


def read_ledger(
    root: Path,
    index: StatIndex | None = None,
    taken: dict[str, os.stat_result] | None = None,
    *,
    lean: bool = False,
) -> LedgerFiles:
    """Read streams.yaml and every project file under projects/, sorted by path.

    With ``index``, a file whose stat entry the index vouches for is not read
    (its bytes are read if and when they are needed); every other file is read,
    hashed and recorded in the index. Every file is found first and stat'ed in one
    pass, so that the index can vouch for the whole table at once (``vouch_all``);
    ``taken``: stat entries already taken, by path (``warm.listing``), used instead.
    ``lean``: for a check that reads the project files again a frame at a time (a ledger
    without actuals or forecasts, whose problems alone are wanted): the project files'
    bytes are hashed and not kept (``Unkept``), so no process holds them all at once.
    """
    files = LedgerFiles(root, None)
    base = display_base(root)
    # (files found, problems found finding them) for streams.yaml, projects/ and each in-year
    # kind; each group's reading problems follow its finding ones, as the groups follow each other.
    groups: list[tuple[list[tuple[str, str]], list[Diagnostic]]] = [
        ([(os.fspath(root / STREAMS_FILE), join_shown(base, STREAMS_FILE))], [])
    ]
    projects = root / PROJECTS_DIR
    left: list[tuple[str, ...]] = []  # files under projects/ that are not read (for Y020)
    walked: list[Diagnostic] = []
    found: list[tuple[str, str]] = []
    if projects.is_symlink():
        walked.append(refused_link(join_shown(base, PROJECTS_DIR)))
    elif projects.is_dir():
        # Display paths are built as strings while walking: relpath per file costs
        # more than reading the file.
        shown = join_shown(base, PROJECTS_DIR)
        found = sorted(_walk(os.fspath(projects), shown, walked, left=left, relative=(PROJECTS_DIR,)), key=_shown)
    groups.append((found, walked))
    for kind in IN_YEAR:
        walked = []
        groups.append((_in_year_found(root, kind, walked, base), walked))
    keys, infos = _vouched_keys([pair for found, _ in groups for pair in found], index, taken or {})
    # The compact check serves a ledger without actuals or forecasts (the whole check keeps the bytes).
    place = (os.fspath(root), 0 if base == "." else len(base) + 1)  # an Unkept file's path, from its display path
    in_year = zip(groups[2:], IN_YEAR, strict=True)
    lean = lean and not any(found for (found, _), kind in in_year if kind.name != "adjustment")
    read: list[RawFile | None] = []
    for number, (found, walked) in enumerate(groups):
        files.problems += walked
        unkept = place if lean and number == 1 else None
        for path, display in found:
            at = len(read)
            key = None if keys is None else keys[at]
            if key is not None:
                read.append(_vouched(path, display, key))
            else:  # with the stat entry taken (the stat comes before the read)
                info = infos[at] if infos else None
                read.append(_read(path, display, files.problems, index, info, unkept))
    start = 0
    for number, (found, _) in enumerate(groups):
        raws = [raw for raw in read[start : start + len(found)] if raw is not None]
        start += len(found)
        if number == 0:
            files.streams = raws[0] if raws else None
        elif number == 1:
            files.projects = raws
        else:
            files.in_year[IN_YEAR[number - 2].name] = raws
    for relative, why in unread_files(_left_out(root) + left):
        files.problems.append(CODES["Y020"].at(printable(why), join_shown(base, relative)))
    return files


def _shown(pair: tuple[str, str]) -> str:
    return pair[1]


def _vouched_keys(
    found: list[tuple[str, str]], index: StatIndex | None, taken: dict[str, os.stat_result]
) -> tuple[list[str | None] | None, list[os.stat_result] | None]:
    """The stat entries of the files of ``found`` (path, display path), taken in one pass (or
    given in ``taken``), and the content key of each that ``index`` vouches for by its whole
    table (``vouch_all``: None where it does not, or for all without a kept table); (None, None)
    when a stat entry could not be taken (each file is then stat'ed and read on its own)."""
    if index is None:
        return None, None
    paths = [path for path, _ in found]
    try:
        infos = [taken.get(path) or os.lstat(path) for path in paths] if taken else list(map(os.lstat, paths))
    except OSError:  # gone since the walk, or unreadable: _read reports it
        return None, None
    return index.vouch_all(tuple([display for _, display in found]), infos), infos


def _vouched(path: str, shown: str, key: str) -> RawFile:
    return RawFile(shown, key=key, load=partial(_reread, path, shown))


def _left_out(root: Path) -> list[tuple[str, ...]]:
    """Files discovery does not read, as parts relative to the ledger folder (hidden ones and imports/ aside),
    but for those under projects/, which its walk (``_walk``) finds."""
    left: list[tuple[str, ...]] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return left
    for entry in entries:
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if not entry.is_dir(follow_symlinks=False):
            left.append((entry.name,))
        elif entry.name not in KNOWN_FOLDERS:
            for folder, _, names in os.walk(entry.path):
                relative = tuple(Path(os.path.relpath(folder, root)).parts)
                if any(part.startswith(".") for part in relative):
                    continue
                left += [(*relative, name) for name in names]
    return left


def has_year_files(root: Path) -> bool:
    """Whether the ledger has an actuals or forecast file where discovery would take it, by
    folder and file names alone (nothing is read)."""
    for kind in IN_YEAR:
        if kind.name not in ("actuals", "forecast"):
            continue
        folder = root / kind.folder
        if folder.is_symlink() or not folder.is_dir():
            continue
        shown = display_path(root, folder)
        for _, display in _walk(os.fspath(folder), shown, [], every_file=True):
            if misplaced(kind, tuple(display[len(shown) + 1 :].split("/"))) is None:
                return True
    return False


def read_streams(root: Path) -> LedgerFiles:
    """streams.yaml alone (no project or in-year file is read): for commands that need only the streams."""
    files = LedgerFiles(root, None)
    streams_path = root / STREAMS_FILE
    files.streams = _read(streams_path, display_path(root, streams_path), files.problems)
    return files


def read_in_year(
    root: Path, kind: FileKind, problems: list[Diagnostic], index: StatIndex | None = None, base: str | None = None
) -> list[RawFile]:
    """The files of one in-year kind: ``<kind folder>/YYYY-YY/<file>``; anything else there is an error."""
    found = _in_year_found(root, kind, problems, display_base(root) if base is None else base)
    return [raw for path, display in found if (raw := _read(path, display, problems, index)) is not None]


def _in_year_found(root: Path, kind: FileKind, problems: list[Diagnostic], base: str) -> list[tuple[str, str]]:
    """The files of one in-year kind where they belong, as (path, display path) sorted by the
    latter; the folder's other files (Y018) and links (Y010) are in ``problems``."""
    folder = root / kind.folder
    shown = join_shown(base, kind.folder)
    if folder.is_symlink():
        problems.append(refused_link(shown))
        return []
    if not folder.is_dir():
        return []
    found: list[tuple[str, str]] = []
    for path, display in sorted(_walk(os.fspath(folder), shown, problems, every_file=True), key=_shown):
        why = misplaced(kind, tuple(display[len(shown) + 1 :].split("/")))
        if why is not None:
            problems.append(CODES["Y018"].at(printable(why), display))
        else:
            found.append((path, display))
    return found


def _walk(
    folder: str,
    shown: str,
    problems: list[Diagnostic],
    *,
    every_file: bool = False,
    left: list[tuple[str, ...]] | None = None,
    relative: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """Project files (``every_file``: all files) under ``folder`` as (path, display path); symbolic
    links are reported, never followed. ``left`` gets the other files (as ``os.walk`` lists them:
    a link to anything but a folder is a file), as parts from ``relative``, outside hidden folders."""
    found: list[tuple[str, str]] = []
    pending = [(folder, shown, relative, False)]
    while pending:
        current, current_shown, parts, hidden = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            problems.append(CODES["Y001"].at(f"cannot read folder: {exc.strerror}", current_shown))
            continue
        for entry in entries:
            name = entry.name
            display = f"{current_shown}/{name}"
            if entry.is_symlink():
                # Never followed, not even to see where it leads (a link to itself loops).
                if every_file or link_may_be_ledger(name):
                    problems.append(refused_link(display))
                listed = left is not None and not hidden and not is_project_name(name)
                if listed and left is not None and not _leads_to_folder(entry):
                    left.append((*parts, name))
            elif entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, display, (*parts, name), hidden or name.startswith(".")))
            elif every_file or is_project_name(name):
                found.append((entry.path, display))
            elif left is not None and not hidden:
                left.append((*parts, name))
    return found


def is_project_name(name: str) -> bool:
    """Whether a regular file named ``name`` anywhere under projects/ (in a hidden folder too) is
    a project file, which discovery reads; the others there are Y020 (``unread_files``)."""
    return name.endswith(PROJECT_SUFFIXES)


def _leads_to_folder(entry: os.DirEntry[str]) -> bool:
    """Whether a link leads to a folder, as ``os.walk`` decides it (an error: it does not)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def link_may_be_ledger(name: str) -> bool:
    """Whether a link named ``name`` among the project files is, or may be, a project file or a
    folder: such a link is reported; a link named like another kind of file is ignored. The
    same rule on disk and in a git tree, from the name alone."""
    return is_project_name(name) or "." not in name


def refused_link(shown: str, what: str = "a symbolic link") -> Diagnostic:
    """Y010 at a link (or a git submodule): the same message from disk and from a revision, so
    an unchanged link is never a new problem in ``diff``."""
    return CODES["Y010"].at(
        f"{what} is not followed in a ledger; replace it with a real file or folder", printable(shown)
    )


def _read(
    path: str | Path,
    shown: str,
    problems: list[Diagnostic],
    index: StatIndex | None = None,
    info: os.stat_result | None = None,
    unkept: tuple[str, int] | None = None,
) -> RawFile | None:
    """One file, read and hashed unless ``index`` vouches for it by its stat entry (``info``: the
    one already taken, before any read); ``unkept``: its bytes are not kept (``Unkept``: this is where
    the ledger folder is, and where its path starts in the display path)."""
    try:
        info = os.lstat(path) if info is None else info
        if index is not None and stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES:
            known = index.lookup(shown, info)
            if known is not None:
                return RawFile(shown, key=known, load=lambda: _reread(os.fspath(path), shown))
        if stat.S_ISLNK(info.st_mode):
            problems.append(refused_link(shown))
            return None
        if not stat.S_ISREG(info.st_mode):
            problems.append(CODES["Y001"].at("not a regular file; remove it or rename it", shown))
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.append(
                CODES["Y015"].at(f"the file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}", shown)
            )
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags)
        try:
            # A read allocates what it asks for first: ask for the size seen, then for any growth.
            data = _read_upto(fd, info.st_size + 1)
            if len(data) > info.st_size:
                data += _read_upto(fd, MAX_FILE_BYTES + 1 - len(data))
        finally:
            os.close(fd)
    except OSError as exc:
        problems.append(CODES["Y001"].at(f"cannot read the file: {exc.strerror or exc}", shown))
        return None
    if len(data) > MAX_FILE_BYTES:  # it grew after the size check
        problems.append(CODES["Y015"].at(f"the file is larger than {MAX_FILE_BYTES:,} bytes", shown))
        return None
    raw = RawFile(shown, data) if unkept is None else Unkept(shown, digest(data), unkept)
    if index is not None:
        # The stat taken before reading: a change after it gives the file another stat
        # entry, or falls within the index's racy window (it is then hashed again).
        index.record(shown, info, raw.digest, os.fspath(path))
    return raw


def _read_upto(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes from ``fd``: all of them, or all there are before the end of the file.
    Plain ``os.read`` calls (a buffered file object per file costs more than the read); a read
    that returns less than asked for is followed by another until one returns nothing."""
    data = os.read(fd, size)
    if len(data) == size or not data:
        return data
    parts = [data]
    left = size - len(data)
    while left > 0:
        more = os.read(fd, left)
        if not more:
            break
        parts.append(more)
        left -= len(more)
    return b"".join(parts)


def _reread(path: str, shown: str) -> bytes | None:
    """The bytes of a file the stat index vouched for, read when first needed (None: unreadable now)."""
    again = _read(path, shown, [])
    return None if again is None else again.data


class Unkept(RawFile):
    """A file read and hashed by discovery whose bytes are not kept: read again when needed (and
    dropped again by ``release``), refused (FileChanged) unless they hash to the key taken then.
    It holds no more than a RawFile but the ledger's folder, which it shares with the others (a
    ``load`` closure or a path per file would cost about a fifth of the bytes it saves): its path
    is the folder's, joined to its display path from ``cut`` on."""

    __slots__ = ("_place",)

    def __init__(self, shown: str, key: str, place: tuple[str, int]) -> None:
        super().__init__(shown, key=key, load=_unused)
        self._place = place  # (the ledger folder, where the path inside it starts in the display path)

    @property
    def data(self) -> bytes:
        if self._data is None:
            folder, cut = self._place
            again = _read_again(os.path.join(folder, self.path[cut:]))  # noqa: PTH118  # a Path per file costs more
            if again is None or digest(again) != self._digest:
                raise FileChanged(f"{self.path} changed while budgetctl was reading the ledger; run it again")
            self._data = again
        return self._data


def _unused() -> bytes | None:
    return None


def _read_again(path: str) -> bytes | None:
    """The bytes of a regular file within the size limit, read with one open, fstat and read (a
    short read is followed by more); None when it is no longer such a file, or unreadable."""
    try:
        # Never blocks: a pipe put in the file's place opens at once, and is refused.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            # One byte more than its size: a file grown since its stat reads longer, and is refused.
            data = os.read(fd, info.st_size + 1)
            if 0 < len(data) < info.st_size:
                data += _read_upto(fd, info.st_size + 1 - len(data))
        finally:
            os.close(fd)
    except OSError:
        return None
    return data
