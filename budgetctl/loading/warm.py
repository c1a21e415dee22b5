"""The warm ``validate`` of a ledger that has not changed since its last whole check found no
problem: one walk that stats every file, compared in one operation with the walk kept then.

A *listing* is every folder and file under the ledger folder (but the folder's own hidden
entries, which discovery never looks at) in the order the system lists them, with every file's
stat entry. A listing holds everything discovery's result depends on: names, kinds and, for
the files it reads, their content as git's index vouches for it (size, mtime, ctime, inode,
device and mode all equal). Any symbolic link or other special file makes no listing (a link's
target is not part of it): such a ledger is checked as usual.

After a whole check that found no problem, ``keep`` writes the listing taken before the files
were read, with the file count, beside the cache (``<ledger>.warm``), when every file read was
read under the stat entry of that listing. The next run answers "no problems" when its listing
is equal byte for byte, under the same working folder, ``--data``, ledger folder and code (the
cache key), every file is older than that ``.warm`` file (git's racy-clean rule), and each file
the stat index could not vouch for by its stat entry alone (written too soon before it was
read: ``statindex.SETTLE_NS``) still hashes to the content key it had. A check that found
problems keeps a mark instead, so that the next run does not list the ledger for nothing; the
first run without problems removes it.

This module imports no model, rule or renderer: that is what makes the warm run fast.
"""

from __future__ import annotations

import gc
import marshal
import os
import time
from operator import attrgetter, itemgetter

from budgetctl.loading.cacheplace import beside, disabled_by_env, sha256, where
from budgetctl.loading.root import given_data, located, pure

TYPE_CHECKING = False  # neither typing nor pathlib is imported (each costs a tenth of a warm run)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path
    from typing import Any

    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.loading.statindex import StatIndex

    Row = tuple[int, ...]  # a file's stat entry as a listing holds it (``STAT_ROW``)

FORMAT = "budgetctl-warm 2"
# The fields of a file's stat entry that a listing compares (and ``loading.lookup`` before and after a read).
STAT_ROW = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev", "st_mode")


class Stat:
    """The fields of a file's stat entry that a listing, discovery and the stat index read: a
    listing is held through a whole check, and an ``os.stat_result`` costs about 600 bytes."""

    __slots__ = ("st_ctime_ns", "st_dev", "st_ino", "st_mode", "st_mtime_ns", "st_size")

    def __init__(self, row: tuple[int, ...]) -> None:
        self.st_size, self.st_mtime_ns, self.st_ctime_ns, self.st_ino, self.st_dev, self.st_mode = row


class Listing:
    """A ledger folder's listing (see the module's text), and each file's stat entry."""

    __slots__ = ("_infos", "_paths", "_root", "_signature", "cache", "context", "folders", "newest", "rows", "started")

    def __init__(
        self, context: tuple[str, ...], root: str, folders: list[tuple[str, list[str], list[str]]], rows: list[Row]
    ) -> None:
        self.context = context
        self.folders = folders  # (folder, its files, its folders) as the signature holds them
        # Each file's stat entry as the signature holds it (made from ``infos`` once they are made).
        self.rows = rows
        self._signature: bytes | None = None
        self.newest = max(map(_ROW_MTIME, rows), default=0)
        self._root = root
        # Made only when asked for: a run the stamp answers needs neither.
        self._paths: list[str] | None = None
        self._infos: list[Stat] | None = None
        # When the stamp did not vouch (``unchanged``): the cache, and when the run started.
        self.cache: FileCache | None = None
        self.started = 0

    @property
    def signature(self) -> bytes:
        """The listing as bytes (``marshal`` of its folders and stat entries), made when first
        compared or kept: a run with no stamp to compare it with keeps it only at its end, and
        does not hold it through the check (some 3.5 MB at 50,000 files)."""
        if self._signature is None:
            rows = self.rows if type(self.rows) is list else list(self.rows)
            self._signature = marshal.dumps((self.folders, rows), 2)
        return self._signature

    @property
    def paths(self) -> list[str]:
        """Each file's path (the ledger folder's, then the file's inside it), in the listing's order."""
        if self._paths is None:
            self._paths = self._made_paths()
        return self._paths

    def _made_paths(self) -> list[str]:
        """``paths``, made anew: the folder's path as ``os.path.join`` ends it, then the file's
        inside it (what join makes of the two, as a name holds no separator: a fifth of its cost)."""
        inside = os.path.join(self._root, "")
        return [f"{inside}{relative}{name}" for relative, names, _ in self.folders for name in names]

    @property
    def infos(self) -> list[Stat]:
        """Each file's stat entry, in the listing's order: the same objects each time (the table of
        changes knows discovery's by identity)."""
        if self._infos is None:
            self._infos = list(map(Stat, self.rows))
            # The same values, not held twice (some 4 MB at 50,000 files); read as the list was.
            self.rows = _Rows(self._infos)  # type: ignore[assignment]
        return self._infos

    def rows_of(self, paths: set[str]) -> dict[str, Row]:
        """The stat entries of the files at ``paths`` (as ``paths`` gives them) that the listing
        holds, found without making every file's path."""
        found: dict[str, Row] = {}
        at = 0
        for relative, names, _ in self.folders:
            folder = os.path.join(self._root, relative)
            if any(path.startswith(folder) for path in paths):
                for number, name in enumerate(names, at):
                    if folder + name in paths:
                        found[folder + name] = self.rows[number]
            at += len(names)
        return found

    def path_at(self, number: int) -> str:
        """``paths[number]``, without making every path (a check of a few changed files needs few)."""
        if self._paths is not None:
            return self._paths[number]
        join = os.path.join  # as ``paths`` makes them
        for relative, names, _ in self.folders:
            if number < len(names):
                return join(self._root, relative + names[number])
            number -= len(names)
        raise IndexError(number)

    def info_at(self, number: int) -> Stat:
        """``infos[number]``, without making every entry (the same object once they are made)."""
        return self._infos[number] if self._infos is not None else Stat(self.rows[number])

    def taken_where(
        self, wanted: Callable[[str, str], bool], in_folder: Callable[[str], bool] | None = None
    ) -> dict[str, os.stat_result]:
        """``taken``'s entries of the files ``wanted(folder, name)`` accepts (the folder inside the
        ledger folder, ending in "/", or ""), without making every file's path and entry; a folder
        ``in_folder`` refuses is passed over whole (not one call a file: a paper's few files are
        picked from 10,000 in a tenth of the time)."""
        found: dict[str, os.stat_result] = {}
        at, join = 0, os.path.join  # as ``paths`` makes them
        for relative, names, _ in self.folders:
            if in_folder is None or in_folder(relative):
                for number, name in enumerate(names, at):
                    if wanted(relative, name):
                        found[join(self._root, relative + name)] = self.info_at(number)  # type: ignore[assignment]
            at += len(names)
        return found

    @property
    def taken(self) -> dict[str, os.stat_result]:
        """Each file's stat entry by path, for discovery to use instead of taking another (the
        stat before the read): the fields it reads (``Stat``). Its paths are not kept by the
        listing (a whole check would hold them for nothing: some 6 MB at 50,000 files)."""
        paths = self._paths if self._paths is not None else self._made_paths()
        return dict(zip(paths, self.infos, strict=True))  # type: ignore[arg-type]


class _Rows:
    """A listing's stat entries as rows (``STAT_ROW``), each made when read from its ``Stat``."""

    __slots__ = ("_infos",)

    def __init__(self, infos: list[Stat]) -> None:
        self._infos = infos

    def __len__(self) -> int:
        return len(self._infos)

    def __iter__(self) -> Iterator[Row]:
        return map(STAT_ROW, self._infos)

    def __getitem__(self, at: Any) -> Any:  # a row, or a list of them for a slice
        if isinstance(at, slice):
            return list(map(STAT_ROW, self._infos[at]))
        return STAT_ROW(self._infos[at])


# A listing's kinds, from the system's listing where it gives them (else one lstat, kept by the
# entry). A folder's entries are all known to be no link before any of these is asked: DirEntry's
# own is_file, is_dir and stat then answer for the entry itself (stat is its lstat, or none where
# the lstat was taken already), and called unbound, without the keyword, each costs a quarter.
_IS_LINK = os.DirEntry.is_symlink
_IS_FILE = os.DirEntry.is_file
_IS_DIR = os.DirEntry.is_dir
_LSTAT = os.DirEntry.stat
_NAME = attrgetter("name")
_ROW_MTIME = itemgetter(1)  # of a row (``STAT_ROW``)
# Where the system can, each folder is listed through a descriptor opened from the ledger
# folder's own: a file's stat then looks up one name, not its whole path (a third of the time).
_BY_FD = os.scandir in os.supports_fd
_OPEN_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def listing(root: str, context: tuple[str, ...]) -> Listing | None:
    """The listing of the folder ``root``; None when it holds a link or a special file, or a
    folder or file cannot be looked at."""
    try:
        top = os.open(root, _OPEN_FOLDER) if _BY_FD else -1  # the ledger folder may be a link
    except OSError:
        return None
    # A listing makes a tuple per file and no cycle: the collector would walk them over and
    # over as they are made (a tenth of a warm run), for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _walk(root, top, context)
    finally:
        if collecting:
            gc.enable()
        if top >= 0:
            os.close(top)


def _walk(root: str, top: int, context: tuple[str, ...]) -> Listing | None:
    folders: list[tuple[str, list[str], list[str]]] = []
    rows: list[Row] = []
    pending = [""]  # each folder to list, relative to the ledger folder, with a final "/"
    while pending:
        relative = pending.pop()
        fd = -1
        try:
            if not _BY_FD:
                where: int | str = root + os.sep + relative
            elif relative:  # a folder inside the ledger folder may not be a link
                where = fd = os.open(relative[:-1], _OPEN_FOLDER | _NOFOLLOW, dir_fd=top)
            else:
                where = top
            with os.scandir(where) as found:
                # The ledger folder's hidden entries: discovery never looks at them.
                entries = list(found) if relative else [entry for entry in found if entry.name[:1] != "."]
            if any(map(_IS_LINK, entries)):
                return None
            files = list(filter(_IS_FILE, entries))
            subfolders = list(map(_NAME, filter(_IS_DIR, entries))) if len(files) < len(entries) else []
            if len(files) + len(subfolders) < len(entries):
                return None  # a pipe, a socket ...
            # While the folder's descriptor is open; no DirEntry or stat_result outlives its folder.
            rows += map(STAT_ROW, map(_LSTAT, files))
        except OSError:
            return None
        finally:
            if fd >= 0:
                os.close(fd)
        folders.append((relative, list(map(_NAME, files)), subfolders))
        pending += [f"{relative}{name}/" for name in subfolders]
    return Listing(context, root, folders, rows)


def attempt(data: str | os.PathLike[str] | None, cwd: str | os.PathLike[str]) -> int | Listing | None:
    """The file count of the ledger when it is exactly as it was at a whole check that found no
    problem (``keep``); else its listing, to keep after this run's check (or None: there is
    nothing to keep, or the cache is off). Prints nothing."""
    found = _unchanged(data, cwd)
    return found[1].files if isinstance(found, tuple) else found


class Kept:
    """What a stamp keeps of the whole check it was written after (which found no problem)."""

    __slots__ = ("files", "in_year", "key")

    def __init__(self, files: int, key: str, in_year: bool) -> None:
        self.files = files  # how many files it checked
        self.key = key  # the ledger key (``cache.ledger_key``) of what it checked
        self.in_year = in_year  # whether the ledger has actuals or forecasts (``LedgerFiles.has_in_year``)


def current(data: str | os.PathLike[str] | None) -> tuple[LedgerFiles | None, FileCache, str, bool] | None:
    """The ledger's files, the cache, the ledger key and whether the ledger has actuals or
    forecasts, for a command that needs only what the cache keeps under that key. The files
    are None when the stamp vouched for the ledger (``unchanged``): none was discovered. None
    without a cache (or with the cache turned off). Raises NoLedger."""
    found = current_listed(data)
    return None if found is None else found[:4]


def current_listed(
    data: str | os.PathLike[str] | None,
) -> tuple[LedgerFiles | None, FileCache, str, bool, Listing | None] | None:
    """``current``, and the listing the stamp vouched for when it did (else None)."""
    return _resolved(data, _unchanged(data, os.getcwd()))


def first_look(data: str | os.PathLike[str] | None) -> tuple[tuple[str, str], Kept, Listing] | Listing | None:
    """``unchanged`` for this working folder, with the cache's place as strings (pathlib is not
    imported): for a command that can answer from a file kept beside the cache when the stamp
    vouches for the ledger, and otherwise goes on with ``current_of(data, found)``. None with
    the cache turned off. Raises NoLedger."""
    return _unchanged(data, os.getcwd())


def current_of(
    data: str | os.PathLike[str] | None, found: tuple[tuple[str, str], Kept, Listing] | Listing | None
) -> tuple[LedgerFiles | None, FileCache, str, bool] | None:
    """``current`` from ``found``, this run's ``first_look(data)``."""
    resolved = _resolved(data, found)
    return None if resolved is None else resolved[:4]


def _resolved(
    data: str | os.PathLike[str] | None, found: tuple[tuple[str, str], Kept, Listing] | Listing | None
) -> tuple[LedgerFiles | None, FileCache, str, bool, Listing | None] | None:
    """``current_listed`` from this run's ``_unchanged``."""
    if found is None and disabled_by_env():
        return None  # the cache turned off: nothing to answer from, and no discovery for it
    from pathlib import Path

    from budgetctl.loading import cache as file_cache

    if isinstance(found, tuple):
        (entries, code), kept, listed = found
        return None, file_cache.FileCache(Path(entries), code), kept.key, kept.in_year, listed
    taken = None if found is None else found.taken  # the listing's stat entries
    files, opened, index = file_cache.read_through_index(data, taken=taken)
    if opened is None or index is None:
        return None
    index.save()
    return files, opened, file_cache.ledger_key(files), files.has_in_year(), None


def unchanged(
    data: str | os.PathLike[str] | None, cwd: str | os.PathLike[str], *, settle: bool = True
) -> tuple[tuple[Path, str], Kept, Listing] | Listing | None:
    """Where the cache is (its entries file and code key: ``cache.FileCache(*where)``), what the
    stamp keeps and this run's listing (equal to the one kept), when the ledger is exactly as it
    was at a whole check that found no problem (as for ``attempt``): its ledger key is then the
    one kept, and no file need be discovered, read or hashed to know it. Otherwise the ledger's
    listing, whose stat entries discovery can take (``Listing.taken``), or None. Neither json,
    hashlib nor pathlib is imported unless a file must be hashed again (``_same``) or the
    ledger checked. ``settle``: write the stamp again once the files it hashes again have settled
    (``_settle``); a command that reads a few files leaves that, and its wait for the disk, to the
    next run that does it."""
    found = _unchanged(data, cwd, settle=settle)
    if found is None or isinstance(found, Listing):
        return found
    from pathlib import Path

    (entries, code), kept, listed = found
    return (Path(entries), code), kept, listed


def _unchanged(
    data: str | os.PathLike[str] | None, cwd: str | os.PathLike[str], *, settle: bool = True
) -> tuple[tuple[str, str], Kept, Listing] | Listing | None:
    """``unchanged`` with the cache's place as strings."""
    if disabled_by_env():
        return None
    try:
        root = located(data, os.fspath(cwd))
    except OSError:
        return None
    cached = where(root) if root is not None else None
    if root is None or cached is None:
        return None
    given = given_data(data)
    context = (FORMAT, pure(os.fspath(cwd)), "" if given is None else pure(os.fspath(given)), root, cached[1])
    kept = _read(_stamp_path(cached[0]))
    if kept is not None and kept[1] == context and not kept[2]:
        return None  # problems last time: the check prints them
    started = time.time_ns()  # before the listing, as the stat index's run start
    found = listing(root, context)
    if found is None or kept is None:
        return found
    written, kept_context, signature, rehash, facts = kept
    if kept_context == context and signature == found.signature and found.newest < written and _same(rehash):
        if rehash and settle:
            _settle(cached, found, started, rehash, facts)
        return cached, facts, found
    from pathlib import Path

    from budgetctl.loading.cache import FileCache  # the check that follows needs it anyway

    found.cache, found.started = FileCache(Path(cached[0]), cached[1]), started  # for a check of what changed
    return found


def _settle(
    cached: tuple[str, str], found: Listing, started: int, rehash: tuple[tuple[str, str], ...], kept: Kept
) -> None:
    """The stamp again without its files to hash again once all have settled (as the stat index
    rules): their bytes still have the keys kept (``_same``), and a later change to any of them
    changes its stat entry, so the listing vouches for them from now on."""
    from budgetctl.loading import statindex

    rows = found.rows_of({path for path, _ in rehash})
    for path, _ in rehash:
        row = rows.get(path)
        if row is None or max(row[1], row[2]) > started - statindex.SETTLE_NS:  # mtime, ctime (``STAT_ROW``)
            return
    from pathlib import Path

    from budgetctl.loading.ownfiles import write_own

    stamp = (FORMAT, found.context, found.signature, (), kept.files, kept.key, kept.in_year)
    write_own(Path(_stamp_path(cached[0])), marshal.dumps(stamp))  # a failure: the next run hashes them again


def _same(rehash: tuple[tuple[str, str], ...]) -> bool:
    """Whether each file read too soon after it was written to be vouched for by its stat entry
    still has the content it had (its content key, ``cache.digest``, is that of its bytes now).
    Hashed with the built-in SHA-256 (``cacheplace.sha256``): neither the cache module nor
    hashlib (which loads OpenSSL) is imported, as a run just after an edit would otherwise."""
    for path, key in rehash:  # each of a size discovery read (the listing says so)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read()
        except (OSError, TypeError, ValueError):
            return False
        if sha256(data).hexdigest() != key:
            return False
    return True


def keep(
    found: Listing | None,
    cache: FileCache | None,
    index: StatIndex | None,
    problems: int,
    checked: Kept,
    files: LedgerFiles | None = None,
) -> None:
    """After a whole check of the ledger listed by ``found`` (``problems`` found in the files it
    ``checked``): its stamp, when the stat index vouches for every file read under the listing's
    stat entries, and the table of changes beside it (``loading.delta``) from ``files``; a mark
    when the check found problems. With no listing and no problem, the mark (if any) is
    removed: the next run lists the ledger."""
    if cache is None or index is None or not cache.enabled:
        return
    try:
        _keep(found, cache, index, problems, checked, files)
    except OSError:  # a stamp that cannot be written or removed: the next run checks as usual
        return


def _keep(
    found: Listing | None, cache: FileCache, index: StatIndex, problems: int, checked: Kept, files: LedgerFiles | None
) -> None:
    from budgetctl.loading.ownfiles import write_own

    if found is None:
        if not problems:
            _path(cache.path).unlink(missing_ok=True)
    elif problems:
        write_own(_path(cache.path), marshal.dumps((FORMAT, found.context, b"", (), 0, "", False)))
    else:
        rehash = index.rechecks(found.infos)
        if rehash is not None:
            _stamp(cache, found, rehash, checked)
            if files is not None:
                from budgetctl.loading import delta

                delta.keep(cache, found, files, index, checked.key, rehash)


def _stamp(cache: FileCache, found: Listing, rehash: list[tuple[str, str]], checked: Kept) -> None:
    """The stamp of ``found`` after a check that found no problem; ``rehash``: the files read
    too soon after a write to be vouched for by their stat entries (path, content key)."""
    from budgetctl.loading.ownfiles import write_own

    kept = (checked.files, checked.key, checked.in_year)
    write_own(_path(cache.path), dumped((FORMAT, found.context, found.signature, tuple(rehash), *kept)))


def dumped(values: tuple[Any, ...]) -> list[bytes]:
    """``marshal.dumps(values, 2)`` in pieces, a large bytes value its own piece, not copied (the
    listing's signature is megabytes): version 2 has no references, so a tuple is its size and
    then its items, each as marshal writes it alone."""
    pieces = [b"(" + len(values).to_bytes(4, "little")]
    for value in values:
        if type(value) is bytes and len(value) > 65536:
            pieces += [b"s" + len(value).to_bytes(4, "little"), value]
        else:
            pieces.append(marshal.dumps(value, 2))
    return pieces


def keep_changes(found: Listing, cache: FileCache, problems: int, checked: Kept, rehash: list[tuple[str, str]]) -> None:
    """After a check of the files changed since the stamp's (``loading.delta``) that read the
    files of ``rehash`` too soon after a write: the stamp of ``found`` (a mark with problems)."""
    from budgetctl.loading.ownfiles import write_own

    try:
        if problems:
            write_own(_path(cache.path), marshal.dumps((FORMAT, found.context, b"", (), 0, "", False)))
        else:
            _stamp(cache, found, rehash, checked)
    except OSError:
        return


def _path(entries: Path) -> Path:
    """The stamp beside the cache's entries file."""
    return entries.with_suffix(".warm")


def _stamp_path(entries: str) -> str:
    """``_path`` of the entries file's path as a string (``ledger-<name>.jsonl``)."""
    return beside(entries, ".warm")


def _read(path: str) -> tuple[int, tuple[str, ...], bytes, tuple[tuple[str, str], ...], Kept] | None:
    """A kept stamp: the file's mtime, and its context, listing, files to hash again and what it
    keeps of the check; None unless exactly ours."""
    from budgetctl.loading.ownfiles import read_steady

    steady = read_steady(path)
    if steady is None:
        return None
    data, after = steady
    try:
        loaded = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if type(loaded) is not tuple or len(loaded) != 7 or loaded[0] != FORMAT:
        return None
    _, context, signature, rehash, files, key, in_year = loaded
    if type(context) is not tuple or type(signature) is not bytes or type(files) is not int:
        return None
    if type(rehash) is not tuple or not all(type(pair) is tuple and len(pair) == 2 for pair in rehash):
        return None
    if type(key) is not str or type(in_year) is not bool:
        return None
    return after.st_mtime_ns, context, signature, rehash, Kept(files, key, in_year)
