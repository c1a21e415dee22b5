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

Anything else is read and hashed again. Like git, this assumes that the clock
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
from pathlib import Path

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


def _entry(key: str, info: os.stat_result) -> Entry:
    return (key, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


class StatIndex:
    """``lookup`` on discovery, ``record`` for every file read, ``save`` once at the end."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.started = time.time_ns()  # before any file of this run is looked at
        self._old: dict[str, Entry] = {}
        self._written_ns = 0  # the index file's own mtime
        self._new: dict[str, Entry] = {}
        self._changed = False
        self.hits = 0
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        from budgetctl.loading.ownfiles import read_own  # the cache's checks: ours, regular

        try:
            before = os.lstat(path)
            data = read_own(path, binary=True)
            after = os.lstat(path)
        except OSError:
            return
        # Read between two equal stats: the bytes are those of the file whose mtime is taken.
        if data is None or _entry("", before) != _entry("", after):
            return
        found = _entries(data)
        if found is not None:
            self._old = found
            self._written_ns = after.st_mtime_ns

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
        self.hits += 1
        return recorded[0]

    def record(self, shown: str, info: os.stat_result, key: str) -> None:
        """A file read and hashed this run; kept for the next run only if it had settled."""
        entry = _entry(key, info)
        settled = max(info.st_mtime_ns, info.st_ctime_ns) <= self.started - SETTLE_NS
        old = self._old.get(shown)
        if settled:
            self._new[shown] = entry
            self._changed = self._changed or old != entry
        elif old is not None:
            # Kept, so a file edited just now does not rewrite the whole index: the entry can
            # never vouch for it again, as its ctime has moved on (no user can set a ctime back).
            # The next run that finds the file settled replaces it.
            self._new[shown] = old

    def save(self) -> None:
        """Write the entries of this run's files, if anything differs from what was read."""
        if self.path is None or not (self._changed or self._new.keys() != self._old.keys()):
            return
        from budgetctl.loading.ownfiles import write_own

        write_own(self.path, marshal.dumps((FORMAT, self._new)))


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
        # Every key 64 lower-case hex digits (a key that is not text fails the join, one that is
        # not ASCII the encoding).
        keys = "".join([entry[0] for entry in found.values()]).encode("ascii")
        if keys.translate(None, _HEX):
            return None
    except (ValueError, EOFError, TypeError):  # damaged
        return None
    return found
