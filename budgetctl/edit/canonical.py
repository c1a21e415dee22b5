"""Which files ``fmt`` already found canonical: a set of content keys beside the cache.

An entry is ``<kind> <SHA-256 of the bytes> <display path>``: formatting those exact
bytes at that path (which decides the kind, and for the year's files the year) gave
back the same bytes, with no problem. The set is keyed by the cache's code key
(budgetctl's modules and the installed YAML parser), so no other budgetctl reads it;
formatting is a function of the bytes and the path alone, so an entry is exactly
what running the formatter again would find. Lost, damaged or
foreign sets are ignored, as the cache's files are.
"""

from __future__ import annotations

import re
from pathlib import Path

FORMAT = "budgetctl-fmt-canonical 1"
_ENTRY = re.compile(r"[a-z-]+ [0-9a-f]{64} [ -~]+")


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

    def known(self, kind: str, key: str, path: str) -> bool:
        entry = f"{kind} {key} {path}"
        if entry in self._known:
            self._found.add(entry)
            return True
        return False

    def add(self, kind: str, key: str, path: str) -> None:
        if _ENTRY.fullmatch(entry := f"{kind} {key} {path}"):  # a path that fits on one ASCII line
            self._found.add(entry)

    def save(self) -> None:
        """Keep the canonical files of this run (others are forgotten), if that changes the set."""
        from budgetctl.loading.ownfiles import write_own

        if self._found != self._known:
            write_own(self.path, "\n".join([self.header, *sorted(self._found), ""]).encode("ascii"))
