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

import os
import re
import time
from pathlib import Path

FORMAT = "budgetctl-stat-index 1"
# One line per file: content key, size, mtime_ns, ctime_ns, inode, device, a tab, the display path.
# A line is checked when it is used: a damaged one vouches for nothing.
_LINE = re.compile(r"[0-9a-f]{64} [0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+")
# A file written less than this long before a run is not vouched for by that run's entry:
# it covers coarse file-system clocks (FAT keeps mtimes to 2 s) and a clock's tick lag.
SETTLE_NS = 3_000_000_000


def _stat_of(info: os.stat_result) -> str:
    """size, mtime_ns, ctime_ns, inode and device, as the index writes them."""
    return f"{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino} {info.st_dev}"


class StatIndex:
    """``lookup`` on discovery, ``record`` for every file read, ``save`` once at the end."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.started = time.time_ns()  # before any file of this run is looked at
        # display path -> "<content key> <size> <mtime_ns> <ctime_ns> <inode> <device>"
        self._old: dict[str, str] = {}
        self._written_ns = 0  # the index file's own mtime
        self._new: dict[str, str] = {}
        self._changed = False
        self.hits = 0
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        from budgetctl.loading.ownfiles import read_own  # the cache's checks: ours, regular, ASCII

        try:
            before = os.lstat(path)
            data = read_own(path)
            after = os.lstat(path)
        except OSError:
            return
        # Read between two equal stats: the bytes are those of the file whose mtime is taken.
        if data is None or _stat_of(before) != _stat_of(after):
            return
        written = after.st_mtime_ns
        header, _, body = data.partition(b"\n")
        if header != FORMAT.encode():
            return  # not ours: nothing is vouched for
        found: dict[str, str] = {}
        try:
            for line in body.decode("ascii").split("\n")[:-1]:
                head, tab, shown = line.partition("\t")
                if not tab:
                    return
                found[_unescape(shown)] = head
        except ValueError:  # a path escaped wrongly
            return
        if len(found) != body.count(b"\n"):
            return  # a path twice: damaged
        self._old = found
        self._written_ns = written

    def lookup(self, shown: str, info: os.stat_result) -> str | None:
        """The content key of the file at display path ``shown`` if its stat entry vouches for it."""
        recorded = self._old.get(shown)
        if recorded is None or recorded[65:] != _stat_of(info) or info.st_mtime_ns >= self._written_ns:
            return None
        if not _LINE.fullmatch(recorded):
            return None  # damaged
        self._new[shown] = recorded
        self.hits += 1
        return recorded[:64]

    def record(self, shown: str, info: os.stat_result, key: str) -> None:
        """A file read and hashed this run; kept for the next run only if it had settled."""
        line = f"{key} {_stat_of(info)}"
        settled = max(info.st_mtime_ns, info.st_ctime_ns) <= self.started - SETTLE_NS
        old = self._old.get(shown)
        if settled:
            self._new[shown] = line
            self._changed = self._changed or old != line
        elif old is not None:
            self._changed = True  # forget the stale entry

    def save(self) -> None:
        """Write the entries of this run's files, if anything differs from what was read."""
        if self.path is None or not (self._changed or self._new.keys() != self._old.keys()):
            return
        from budgetctl.loading.ownfiles import write_own

        lines = [FORMAT]
        lines += [f"{line}\t{_escape(shown)}" for shown, line in self._new.items()]
        write_own(self.path, ("\n".join(lines) + "\n").encode("ascii"))


def _escape(shown: str) -> str:
    """A display path as one ASCII line: backslash escapes for anything else."""
    if shown.isascii() and shown.isprintable() and "\\" not in shown:
        return shown
    return "\\" + shown.encode("utf-8", "surrogateescape").hex()


def _unescape(text: str) -> str:
    if text.startswith("\\"):
        return bytes.fromhex(text[1:]).decode("utf-8", "surrogateescape")
    return text
