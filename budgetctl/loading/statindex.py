"""A stat-keyed index of ledger files' content keys, as git keeps its index: a warm run stats
every file and reads none whose stat entry is unchanged.

Each entry maps a display path and its stat entry (size, mtime_ns, ctime_ns,
inode, device) to the SHA-256 of the bytes read when that entry was taken
(the stat comes before the read). An entry vouches for a file only when

- every field of the file's stat entry now is equal to the recorded one (a
  change that keeps size and mtime still changes ctime, which no user can set),
- the entry was *settled* when recorded: the file's mtime and ctime were at
  least ``SETTLE_NS`` older than the start of the run that recorded it (a
  write within the same tick of a coarse file-system clock as the read could
  otherwise leave the stat entry equal and the bytes different), and
- git's racy-clean rule: the file's mtime is older than the index file's own
  modification time.

Anything else is read and hashed again. Beside the entries, the *table* of the
last whole read (every file's display path, stat entry and content key, in order,
and which files were read unsettled) is kept in one more file, naming the entries'
file as it was then (replaced, touched or damaged since: the table is not used). A
run whose table equals it, no file unsettled and every file older than both files,
is vouched for in one comparison, without loading the entries; otherwise the table
vouches for each file by the same three rules (its row equal, settled, older), and
the entries are not loaded either: they were written with the table or before it,
so they can vouch for nothing it does not. Like git, this assumes that the clock
stamping the ledger's files (a network file system's server) and this machine's
clock agree within ``SETTLE_NS``; ``--no-cache`` reads and hashes every file.
The index lives beside the cache of
checked files (``loading.cache``), with the same care: ours, never a link, never
inside the ledger's repository, and a damaged index is ignored and rewritten.
"""

from __future__ import annotations

import marshal
import os
import time
from operator import attrgetter, eq

TYPE_CHECKING = False  # neither is imported: a warm validate just after an edit reads SETTLE_NS
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from typing import Any

FORMAT = "budgetctl-stat-index 2"
# The file: marshal of (FORMAT, {display path: (content key, size, mtime_ns, ctime_ns, inode,
# device)}) -- flat values only, loaded in a few milliseconds for 10,000 files. Checked as a
# whole when loaded: anything but that shape, or a key that is not 64 hex digits, and the index
# vouches for nothing.
_HEX = b"0123456789abcdef"
# A file written less than this long before a run is not vouched for by that run's entry:
# it covers coarse file-system clocks (FAT keeps mtimes to 2 s) and a clock's tick lag.
SETTLE_NS = 3_000_000_000

Entry = tuple[str, int, int, int, int, int]  # content key, size, mtime_ns, ctime_ns, inode, device

TABLE_FORMAT = "budgetctl-stat-table 2"
# The table file: marshal of (TABLE_FORMAT, display paths, content keys, rows, the entries'
# file's identity, the display paths of the files read unsettled), rows being
# ``marshal.dumps(list of _ROW of each stat entry, 2)``: compared
# as bytes (version 2 writes no back-references, so equal rows give equal bytes).
_ROW = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev", "st_mode")
_MTIME = attrgetter("st_mtime_ns")
_IDENTITY = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev")


def _entry(key: str, info: os.stat_result) -> Entry:
    return (key, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


class StatIndex:
    """``lookup`` on discovery, ``record`` for every file read, ``save`` once at the end."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.started = time.time_ns()  # before any file of this run is looked at
        self._loaded: dict[str, Entry] | None = None  # the entries, read on first lookup
        self._written_ns = 0  # the index file's own mtime
        self._new: dict[str, Entry] = {}
        self._changed = False
        self._table: tuple[tuple[str, ...], list[os.stat_result]] | None = None  # this run's, in order
        self._all_vouched = False  # by the kept table: the entries are neither read nor written
        # The files the kept table vouched for (their keys, None for the others) and their rows,
        # when it did not vouch for all: the entries are then not read.
        self._partial: tuple[list[str | None], list[tuple[int, ...]]] | None = None
        # The content keys and paths of the files read too soon after a write to be recorded.
        self._unsettled: dict[str, tuple[str, str]] = {}
        self._settled: set[str] = set()  # the files vouched for, or recorded as settled, this run
        self.hits = 0

    @property
    def _old(self) -> dict[str, Entry]:
        if self._loaded is None:
            self._loaded = {}
            if self.path is not None:
                self._load(self.path)
        return self._loaded

    @property
    def table(self) -> tuple[tuple[str, ...], list[os.stat_result]] | None:
        """This run's table: every file's display path and stat entry, in discovery's order."""
        return self._table

    @property
    def table_path(self) -> Path | None:
        return None if self.path is None else self.path.with_suffix(".table")

    def _load(self, path: Path) -> None:
        from budgetctl.loading.ownfiles import read_steady  # the cache's checks: ours, regular

        # Read between two equal stats: the bytes are those of the file whose mtime is taken.
        steady = read_steady(path)
        if steady is None:
            return
        data, after = steady
        found = _entries(data)
        if found is not None:
            self._loaded = found
            self._written_ns = after.st_mtime_ns

    def vouch_all(self, shown: tuple[str, ...], infos: list[os.stat_result]) -> list[str | None] | None:
        """This run's whole table (every file's display path and stat entry, in order): each
        file's content key where the kept table vouches for it (its row there equal to its stat
        entry now, older than both files, and settled when kept), else None (the file is read);
        None for all when there is no kept table (each file is looked up in the entries). When
        the kept table vouches for every file, the entries are neither loaded nor written."""
        self._table = (shown, infos)
        kept = self._kept_table()
        if kept is None:
            return None
        kept_shown, keys, kept_rows, written, late = kept
        # git's racy-clean rule against both files (the table names the entries' file as written).
        newest = max(map(_MTIME, infos), default=0)
        if kept_shown == shown and not late and newest < written and kept_rows == _rows(infos):
            self._all_vouched = True
            self.hits += len(shown)
            return list(keys)
        try:
            rows = marshal.loads(kept_rows)
        except (ValueError, EOFError, TypeError):
            return None
        if type(rows) is not list or len(rows) != len(kept_shown):
            return None
        # The entries' file can vouch for nothing the table does not (it was written with it or
        # before): not loaded, and rewritten only for a file recorded anew.
        self._loaded = {}
        current = list(map(_ROW, infos))
        if kept_shown != shown:  # files added, removed or renamed: the others by name, and a new table
            self._changed = True
            at = {name: number for number, name in enumerate(kept_shown)}
            rows = [rows[at[name]] if name in at else None for name in shown]
            keys = tuple([keys[at[name]] if name in at else "" for name in shown])
        same = list(map(eq, rows, current))
        if newest >= written:
            same = [equal and row[1] < written for equal, row in zip(same, current, strict=True)]
        for name in late:
            if name in shown:
                same[shown.index(name)] = False
        found = [key if equal else None for key, equal in zip(keys, same, strict=True)]
        self._partial = (found, current)
        self.hits += len(found) - found.count(None)
        return found

    def _kept_table(
        self,
    ) -> tuple[tuple[str, ...], tuple[str, ...], bytes, int, frozenset[str]] | None:
        """The kept table's paths, keys, rows and files read unsettled, and the older of the two
        files' mtimes; None unless it is exactly ours and the entries' file is the one it names."""
        from budgetctl.loading.ownfiles import read_steady

        table = self.table_path
        if table is None or self.path is None:
            return None
        steady = read_steady(table)
        if steady is None:
            return None
        data, after = steady
        try:
            entries = os.lstat(self.path)
        except OSError:
            return None
        try:
            loaded = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None
        if type(loaded) is not tuple or len(loaded) != 6 or loaded[0] != TABLE_FORMAT:
            return None
        _, shown, keys, rows, named, late = loaded
        if type(shown) is not tuple or type(keys) is not tuple or len(keys) != len(shown) or type(rows) is not bytes:
            return None
        if type(late) is not tuple or named != _IDENTITY(entries) or not _all_keys(keys):
            return None
        return shown, keys, rows, min(after.st_mtime_ns, entries.st_mtime_ns), frozenset(late)

    def lookup(self, shown: str, info: os.stat_result) -> str | None:
        """The content key of the file at display path ``shown`` if its stat entry vouches for it."""
        recorded = self._old.get(shown)
        if (
            recorded is None
            or recorded[2] != info.st_mtime_ns
            or info.st_mtime_ns >= self._written_ns
            or recorded[1:] != (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
        ):
            return None
        self._new[shown] = recorded
        self._settled.add(shown)
        self.hits += 1
        return recorded[0]

    def record(self, shown: str, info: os.stat_result, key: str, path: str = "") -> None:
        """A file read and hashed this run (from ``path``); kept for the next run only if it had settled."""
        entry = _entry(key, info)
        settled = max(info.st_mtime_ns, info.st_ctime_ns) <= self.started - SETTLE_NS
        old = self._old.get(shown)
        if not settled:
            self._unsettled[shown] = (key, path)
        if settled:
            self._settled.add(shown)
            self._new[shown] = entry
            self._changed = self._changed or old != entry
        elif old is not None:
            # Kept, so a file edited just now does not rewrite the whole index: the entry can
            # never vouch for it again, as its ctime has moved on (no user can set a ctime back).
            # The next run that finds the file settled replaces it.
            self._new[shown] = old

    def save(self) -> None:
        """Write the entries of this run's files, if anything differs from what was read, and
        the table of this run's read when every file of it was vouched for or read (after a
        partial vouching, only when a file was recorded anew: a file read unsettled alone
        changes nothing the table could vouch for)."""
        if self.path is None or self._all_vouched:
            return
        from budgetctl.loading.ownfiles import write_own

        if self._partial is not None:
            if not self._changed:
                return
            shown = self._table[0] if self._table is not None else ()
            for name, key, row in zip(shown, *self._partial, strict=True):
                if key is not None:
                    self._new[name] = (key, row[0], row[1], row[2], row[3], row[4])
                    self._settled.add(name)
        if self._changed or (self._partial is None and self._new.keys() != self._old.keys()):
            # Version 2 (no back-references): the writer's table of every object written would
            # cost more than the file (some 14 MB at 50,000 files); the reader takes either.
            write_own(self.path, marshal.dumps((FORMAT, self._new), 2))
        keys = self._keys()
        if keys is None or self._table is None or self.table_path is None:
            return
        shown, infos = self._table
        try:
            named = _IDENTITY(os.lstat(self.path))
        except OSError:
            return
        late = tuple(name for name in shown if name not in self._settled)
        write_own(self.table_path, marshal.dumps((TABLE_FORMAT, shown, keys, _rows(infos), named, late), 2))

    def _keys(self) -> tuple[str, ...] | None:
        """Each file's content key in this run's table, when every file of it was vouched for
        or read (None: not known, or a file was neither)."""
        if self._table is None:
            return None
        vouched = self._partial[0] if self._partial is not None else [None] * len(self._table[0])
        keys = []
        for name, key in zip(self._table[0], vouched, strict=True):
            if key is not None:
                keys.append(key)
            elif name in self._settled:
                keys.append(self._new[name][0])
            elif name in self._unsettled:
                keys.append(self._unsettled[name][0])
            else:  # not read (refused, or unreadable)
                return None
        return tuple(keys)

    def rechecks(self, taken: Iterable[object]) -> list[tuple[str, str]] | None:
        """The files of this run's table that the index cannot vouch for by their stat entry
        alone (read too soon after they were written), as (path, content key read this run);
        None when a file of the table was not read under one of the stat entries ``taken``
        (the very objects: a listing's), or was neither vouched for nor read."""
        if self._table is None:
            return None
        given = set(map(id, taken))
        if not all(map(given.__contains__, map(id, self._table[1]))):
            return None
        if self._all_vouched:
            return []
        if self._keys() is None:
            return None
        late = [self._unsettled[name] for name in self._table[0] if name in self._unsettled]
        return [(path, key) for key, path in late]


def _entries(data: bytes) -> dict[str, Entry] | None:
    """The entries of an index file's bytes, or None when they are not exactly ours."""
    try:
        loaded = marshal.loads(data)
        if type(loaded) is not tuple or len(loaded) != 2 or loaded[0] != FORMAT or type(loaded[1]) is not dict:
            return None
        found: dict[str, Entry] = loaded[1]
        for shown, entry in found.items():
            if type(shown) is not str or type(entry) is not tuple or len(entry) != 6 or len(entry[0]) != 64:
                return None
        if not _all_keys([entry[0] for entry in found.values()]):
            return None
    except (ValueError, EOFError, TypeError):  # damaged
        return None
    return found


def _all_keys(keys: Any) -> bool:
    """Whether every key is 64 lower-case hex digits (a key that is not text fails the join,
    one that is not ASCII the encoding)."""
    try:
        joined = "".join(keys).encode("ascii")
    except (TypeError, UnicodeEncodeError):
        return False
    return len(joined) == 64 * len(keys) and not joined.translate(None, _HEX)


def _rows(infos: list[os.stat_result]) -> bytes:
    return marshal.dumps(list(map(_ROW, infos)), 2)
