"""What ``fmt`` found of files before: a set of content keys and verdicts beside the cache.

An entry is ``<verdict> <kind> <SHA-256 of the bytes> <display path>``: formatting those
exact bytes at that path (which decides the kind, and for the year's files the year) gave
back the same bytes (``same``), or other bytes that passed the guard (``changes``), with
no problem. ``fmt --check`` needs only the verdict, so a file it would reformat is not
formatted and guarded again on every run while it stays as it is; ``fmt`` and
``fmt --diff`` need the new bytes and format such a file. The set is keyed by the cache's code key
(budgetctl's modules and the installed YAML parser), so no other budgetctl reads it;
formatting is a function of the bytes and the path alone, so an entry is exactly
what running the formatter again would find. Lost, damaged or
foreign sets are ignored, as the cache's files are.
"""

from __future__ import annotations

import re
from pathlib import Path

FORMAT = "budgetctl-fmt-canonical 2"
SAME, CHANGES = "same", "changes"
_ENTRY = re.compile(r"(?:same|changes) [a-z-]+ [0-9a-f]{64} [ -~]+")


class CanonicalSet:
    def __init__(self, path: Path, code_key: str) -> None:
        from budgetctl.loading.ownfiles import read_own

        self.path = path
        self.header = f"{FORMAT} {code_key}"
        self._known: set[str] = set()
        self._found: set[str] = set()
        data = read_own(path)
        if data is not None:
            header, _, body = data.decode("ascii").partition("\n")
            lines = body.split("\n")[:-1]
            if header == self.header and all(_ENTRY.fullmatch(line) for line in lines):
                self._known = set(lines)

    @classmethod
    def beside(cls, cache: object) -> CanonicalSet:
        """The set kept beside a ``loading.cache.FileCache``."""
        path: Path = cache.path  # type: ignore[attr-defined]
        return cls(path.with_suffix(".fmt"), cache.key)  # type: ignore[attr-defined]

    def known(self, kind: str, key: str, path: str, verdict: str = SAME) -> bool:
        """Whether formatting these bytes at this path gave ``verdict`` before (kept if so)."""
        entry = f"{verdict} {kind} {key} {path}"
        if entry in self._known:
            self._found.add(entry)
            return True
        return False

    def add(self, kind: str, key: str, path: str, verdict: str = SAME) -> None:
        if _ENTRY.fullmatch(entry := f"{verdict} {kind} {key} {path}"):  # a path that fits on one ASCII line
            self._found.add(entry)

    def save(self) -> None:
        """Keep the verdicts of this run's files (others are forgotten), if that changes the set."""
        from budgetctl.loading.ownfiles import write_own

        if self._found != self._known:
            write_own(self.path, "\n".join([self.header, *sorted(self._found), ""]).encode("ascii"))
