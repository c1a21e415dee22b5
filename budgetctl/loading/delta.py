"""What a ledger's listing says changed since its last clean whole check, without discovery.

Beside the stamp (``loading.warm``), the check that keeps it keeps a *table* of the same listing
(``<ledger>.warmt``): the listing's folders (names and kinds) and its files' stat entries in
chunks, and for each listed file what discovery made of it (not read; streams.yaml or an
adjustment; the project file at a position of the snapshot, ``loading.snapshot``), kept only
when discovery showed each file's path as its listed path gives it. When the stamp does not
vouch for a ledger whose folders are those of the table, the files are those discovery found
then, and each is known to have the content it had then when its stat entry is the table's,
was settled when read (the stat index's rule) and is older than the table (git's racy-clean
rule): only the others are read and hashed (``candidates``).
Their content keys, set against the snapshot's, are the changes a check of the changed files
needs, and every file's key is the snapshot's or one just read: the ledger key is made from
the kept parts (``cache.key_of``).

The snapshot is of the table's ledger only while its ledger key is the table's, or the one a
check of changes since recorded in the journal beside it (``.warmj``, naming the table);
anything else (another command's check since, a damaged file) and the ledger is discovered.
"""

from __future__ import annotations

import marshal
import os
from array import array
from itertools import compress, count
from operator import ge
from typing import TYPE_CHECKING, Any, Protocol

from budgetctl.loading.discover import join_shown
from budgetctl.loading.ownfiles import read_own, read_steady, write_own

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.loading.statindex import StatIndex

FORMAT = "budgetctl-warm-table 2"
JOURNAL = "budgetctl-warm-journal 1"
CHUNK = 128  # stat entries compared as one marshalled piece
# Files read again each run (changed since the table was kept) above which it is kept anew.
REREAD_MAX = 64
UNREAD, STREAMS, OTHER = -1, -2, -3  # a listed file discovery left alone; streams.yaml; an adjustment


class Listing(Protocol):
    """What this module reads of a listing (``warm.Listing``, which imports this module)."""

    context: tuple[str, ...]
    folders: list[tuple[str, list[str], list[str]]]
    rows: list[tuple[int, ...]]

    @property
    def signature(self) -> bytes: ...

    @property
    def paths(self) -> list[str]: ...

    @property
    def infos(self) -> Sequence[Any]: ...


class Table:
    """A kept table (see the module's text)."""

    __slots__ = (
        "base",
        "context",
        "duplicated",
        "folders",
        "ident",
        "key",
        "newest",
        "others",
        "paths_hash",
        "places",
        "prefix",
        "projects",
        "rehash",
        "rows",
        "written",
    )

    def __init__(self, loaded: tuple[Any, ...], written: int) -> None:
        (
            _,
            self.ident,
            self.context,
            self.folders,
            self.rows,
            self.newest,
            places,
            self.base,
            self.prefix,
            self.others,
            self.rehash,
            self.key,
            self.paths_hash,
            self.projects,
            duplicated,
        ) = loaded
        self.duplicated = frozenset(duplicated)  # the ids that name more than one project file
        self.places = array("i")
        self.places.frombytes(places)
        self.written = written

    @property
    def count(self) -> int:
        """How many files the ledger has (streams.yaml, the project files, the adjustments)."""
        return self.projects + len(self.others)

    def shown(self, path: str) -> str | None:
        """The display path of the listed file at ``path`` (None: not under the ledger's folder as listed)."""
        return _shown(self.base, self.prefix, path)


def _shown(base: str, prefix: str, path: str) -> str | None:
    """As discovery shows a file found at ``path`` (``discover.join_shown`` of its path from the ledger folder)."""
    return join_shown(base, path[len(prefix) :]) if path.startswith(prefix) else None


def chunks(rows: list[tuple[int, ...]]) -> list[bytes]:
    return [marshal.dumps(rows[at : at + CHUNK], 2) for at in range(0, len(rows), CHUNK)]


def _newest(rows: list[tuple[int, ...]]) -> list[int]:
    return [max([row[1] for row in rows[at : at + CHUNK]]) for at in range(0, len(rows), CHUNK)]


def _path(cache: FileCache) -> Path:
    return cache.path.with_suffix(".warmt")


def _journal_path(cache: FileCache) -> Path:
    return cache.path.with_suffix(".warmj")


def keep(
    cache: FileCache, found: Listing, files: LedgerFiles, index: StatIndex, key: str, rehash: list[tuple[str, str]]
) -> None:
    """Keep the table of ``found`` after a whole check that found no problem in ``files`` (ledger
    key ``key``), read under the listing's stat entries through ``index``; ``rehash``: the files
    read too soon after a write (path, key). Nothing for a ledger with in-year files or
    discovery problems (the check of changes takes none), or without a snapshot of its projects."""
    from pathlib import Path

    from budgetctl.loading.cache import paths_hash
    from budgetctl.loading.discover import display_base

    table = index.table
    if table is None or files.streams is None or files.problems or files.has_in_year():
        _path(cache).unlink(missing_ok=True)
        return
    shown, infos = table
    projects = len(files.projects)
    at = {id(info): number for number, info in enumerate(infos)}
    places = array("i")
    others = [-1] * (len(shown) - projects)
    base, prefix = display_base(Path(found.context[3])), found.context[3] + os.sep
    for number, (path, info) in enumerate(zip(found.paths, found.infos, strict=True)):
        where = at.get(id(info))
        if where is None:
            places.append(UNREAD)
            continue
        if _shown(base, prefix, path) != shown[where]:  # the table could not show it as discovery did
            _path(cache).unlink(missing_ok=True)
            return
        if where == 0:
            places.append(STREAMS)
            others[0] = number
        elif where <= projects:
            places.append(where - 1)
        else:
            places.append(OTHER)
            others[where - projects] = number
    hashed = paths_hash(list(shown))
    if -1 in others or len(hashed) != 32 or len(at) != len(shown):
        _path(cache).unlink(missing_ok=True)
        return
    by_path = {path: number for number, path in enumerate(found.paths)}
    again = tuple(sorted(by_path.get(path, -1) for path, _ in rehash))
    if -1 in again:
        _path(cache).unlink(missing_ok=True)
        return
    duplicated = _duplicated(shown[1 : 1 + projects])
    _write(cache, found, places.tobytes(), base, prefix, tuple(others), again, key, hashed, projects, duplicated)


def _duplicated(paths: tuple[str, ...]) -> tuple[str, ...]:
    from budgetctl.model.kinds import project_id

    seen: set[str] = set()
    twice = set()
    for ident in map(project_id, paths):
        if ident in seen:
            twice.add(ident)
        seen.add(ident)
    return tuple(sorted(twice))


def _write(cache: FileCache, found: Listing, *kept: Any) -> None:
    places, base, prefix, others, again, key, hashed, projects, duplicated = kept
    head = (FORMAT, os.urandom(8).hex(), found.context, marshal.dumps(found.folders, 2), chunks(found.rows))
    table = (*head, _newest(found.rows), places, base, prefix, others, again, key, hashed, projects, duplicated)
    write_own(_path(cache), marshal.dumps(table))
    _journal_path(cache).unlink(missing_ok=True)


def keep_again(cache: FileCache, table: Table, found: Listing, key: str, rehash: list[int], reread: int) -> None:
    """After a check of changes (ledger key ``key``) that read ``reread`` files: its key in the
    journal, or, when the table makes each run read many files, the table of ``found`` (whose
    folders are the table's) with ``rehash`` (the listed files read too soon after a write)."""
    if reread <= REREAD_MAX:
        write_own(_journal_path(cache), marshal.dumps((JOURNAL, table.ident, key)))
        return
    kept = (table.places.tobytes(), table.base, table.prefix, table.others, tuple(rehash), key)
    _write(cache, found, *kept, table.paths_hash, table.projects, tuple(sorted(table.duplicated)))


def read(cache: FileCache) -> tuple[Table, str] | None:
    """The kept table, if it is exactly ours, and the ledger key of the last check that it
    vouched for (the journal's, else its own)."""
    steady = read_steady(_path(cache))
    if steady is None:
        return None
    data, after = steady
    try:
        loaded = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if not _ours(loaded):
        return None
    table = Table(loaded, after.st_mtime_ns)
    key = table.key
    journal = read_own(_journal_path(cache), binary=True)
    if journal is not None:
        try:
            kept = marshal.loads(journal)
        except (ValueError, EOFError, TypeError):
            return None
        if type(kept) is tuple and len(kept) == 3 and kept[:2] == (JOURNAL, table.ident) and type(kept[2]) is str:
            key = kept[2]
    return table, key


_SHAPE = (str, str, tuple, bytes, list, list, bytes, str, str, tuple, tuple, str, bytes, int, tuple)


def _ours(loaded: object) -> bool:
    if type(loaded) is not tuple or len(loaded) != len(_SHAPE) or loaded[0] != FORMAT:
        return False
    if any(type(value) is not kind for value, kind in zip(loaded, _SHAPE, strict=True)):
        return False
    rows, newest, places, others, rehash = loaded[4], loaded[5], loaded[6], loaded[9], loaded[10]
    if len(rows) != len(newest) or any(type(piece) is not bytes for piece in rows):
        return False
    if any(type(value) is not int for value in (*newest, *others, *rehash)):
        return False
    if any(type(ident) is not str for ident in loaded[14]):
        return False
    listed = len(places) // 4
    if len(places) % 4 or not others:
        return False
    return all(0 <= number < listed for number in (*others, *rehash))


def candidates(found: Listing, table: Table) -> list[int] | None:
    """The listed files whose content the table does not vouch for (their stat entries differ
    from its, or they were read too soon after a write), in listing order; None when the
    folders are not the table's, or a file the table would vouch for is as new as the table.

    The listing's signature (``warm.listing``) holds its folders, then its stat entries one after
    the other, as the table holds them in chunks: each chunk is compared where it lies in the
    signature, as bytes, and only a chunk that differs is marshalled again to find where the
    next one starts and unmarshalled to compare its entries one by one."""
    signature, rows, count_now = found.signature, found.rows, len(table.places)
    if found.context != table.context or len(rows) != count_now:
        return None
    folders = table.folders
    at = 5 + len(folders)
    if signature[:5] != _TUPLE_OF_TWO or signature[5:at] != folders:
        return None
    if signature[at : at + 5] != b"[" + count_now.to_bytes(4, "little"):
        return None
    at += 5
    differ = []
    for piece, kept in enumerate(table.rows):
        end = at + len(kept) - 5
        if signature[at:end] == kept[5:]:
            at = end
            continue
        differ.append(piece)
        at += len(marshal.dumps(rows[piece * CHUNK : (piece + 1) * CHUNK], 2)) - 5
    if at != len(signature):
        return None
    # git's racy-clean rule for the chunks that are the same: each row older than the table.
    racy = set(compress(count(), map(ge, table.newest, [table.written] * len(table.newest))))
    if racy - set(differ):
        return None
    found_again = set(table.rehash)
    for piece in differ:
        try:
            kept_rows = marshal.loads(table.rows[piece])
        except (ValueError, EOFError, TypeError):
            return None
        start = piece * CHUNK
        now = rows[start : start + CHUNK]
        if type(kept_rows) is not list or len(kept_rows) != len(now):
            return None
        for number, (old, new) in enumerate(zip(kept_rows, now, strict=True)):
            if old != new or new[1] >= table.written:
                found_again.add(start + number)
    return sorted(found_again)


_TUPLE_OF_TWO = b"(" + (2).to_bytes(4, "little")  # marshal version 2 of a pair, as the signature starts
