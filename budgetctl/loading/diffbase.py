"""What `diff` keeps between runs, beside the cache of checked files (``loading.cache``), so that
a comparison costs in proportion to the change, not to the ledger:

- the **base summary** of a committed ledger, keyed by the git tree id of its folder (a hash of
  every file's path, mode and bytes below it) and where its paths are shown from: its files'
  display paths and blob ids, its valid projects' allocations per stream (the rows
  over-allocation needs, in path order), each stream's count and total per year, and the
  project files that gave no valid project. A comparison then lists no tree and reads no file it
  does not need: the other side is this summary plus the changed files.
- the **checks by content** of the files a comparison reads on each side (the changed files,
  and the files that share their ids), keyed by their bytes' SHA-256 alone: the cache of checked
  files holds one version per path, and a comparison reads two.

Both are kept with the cache's care (ours, never a link, never inside the ledger's
repository, budgetctl's code in the key) and a damaged file is ignored.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from budgetctl.loading.cache import FileCache
from budgetctl.loading.codec import Malformed, decode_amount
from budgetctl.loading.ownfiles import read_own, write_own
from budgetctl.plainclass import dataclass

if TYPE_CHECKING:
    from pathlib import Path

FORMAT = "budgetctl-diff-base 3"
KEEP = 4  # base summaries kept per ledger (the most recent ones)

Rows = list[tuple[str, dict[str, Decimal]]]  # (display path, allocations by year) in path order


File = tuple[str, str]  # (display path, git blob id)
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def tree_key(code: str, shown_base: str, tree: str) -> str:
    """The content key of a committed ledger: budgetctl's code, where its paths are shown from,
    and the git tree id of its folder (a hash of every file's path, mode and content below it)."""
    return hashlib.sha256(
        b"\0".join([code.encode(), shown_base.encode("utf-8", "surrogateescape"), tree.encode()])
    ).hexdigest()


class _ByPath:
    """Looked up as a mapping of display path -> blob id, through its ``get``."""

    def get(self, path: str) -> str | None:
        raise NotImplementedError

    def __contains__(self, path: str) -> bool:
        return self.get(path) is not None

    def __getitem__(self, path: str) -> str:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found


class Listed(_ByPath):
    """Every project file of a base summary, display path -> blob id, kept as the JSON object it
    was written as (``json.dumps``: ``{"<path>": "<id>", ...}``) and read one path at a time: a
    comparison of two commits needs the few files a change touches, not a dictionary of all of
    them. ``whole`` decodes it (a comparison with the working tree reads every file anyway).

    A key is found by its exact encoding: inside a JSON string every quote is escaped, so an
    unescaped quote after ``{`` or ``, `` starts a key, and ``", "`` and ``{"`` occur only
    between entries."""

    def __init__(self, text: str, count: int, shared: dict[str, list[str]] | None = None) -> None:
        self.text = text
        self.count = count
        self.shared = shared or {}  # project id -> its paths, for the ids more than one file has
        self._whole: dict[str, str] | None = None

    def whole(self) -> dict[str, str]:
        if self._whole is None:
            found = json.loads(self.text)
            if type(found) is not dict or len(found) != self.count:
                raise Malformed("files")
            self._whole = found
        return self._whole

    def get(self, path: str) -> str | None:
        if self._whole is not None:
            return self._whole.get(path)
        needle = json.dumps(path) + ': "'
        at = self.text.find(needle)
        while at > 0 and self.text[at - 1] not in "{ ":
            at = self.text.find(needle, at + 1)
        if at < 0:
            return None
        start = at + len(needle)
        return self.text[start : self.text.find('"', start)]

    def __len__(self) -> int:
        return self.count

    def named(self, names: set[str]) -> list[str]:
        """The paths whose file name (after the last ``/``, or the whole path) is one of ``names``,
        in the order they were written."""
        text = self.text
        found: dict[int, str] = {}
        for name in names:
            encoded = json.dumps(name)[1:-1] + '": "'
            for before in ("/", '"'):
                needle = before + encoded
                at = text.find(needle)
                while at >= 0:
                    if before == "/":  # the key's start: after the entry before it, or the first
                        after = text.rfind('", "', 0, at)
                        start = after + 3 if after >= 0 else 1 if text.startswith('{"') else 0
                    else:
                        start = at if at > 0 and text[at - 1] in "{ " else 0
                    if start > 0:
                        path = json.loads(text[start : at + len(needle) - 3])
                        if type(path) is not str or path.rsplit("/", 1)[-1] != name:
                            raise Malformed("files")
                        found[start] = path
                    at = text.find(needle, at + 1)
        return [found[at] for at in sorted(found)]


@dataclass
class BaseSummary:
    """A committed ledger's files and projects, summed: see the module's docstring."""

    streams: File
    adjustments: list[File]  # in path order
    files: Listed  # every project file: display path -> blob id
    totals: dict[str, dict[str, tuple[int, Decimal]]]  # stream -> year -> (allocations, allocated)
    invalid: list[str]  # display paths of the project files that gave no valid project
    # Each stream's rows, a line each (``<stream as JSON>\t<rows as JSON>``, after a line end): a
    # line is found and decoded only for a stream whose rows a comparison needs.
    rows: bytes

    def stream_rows(self, stream: str) -> Rows:
        start = self.rows.find(b"\n" + json.dumps(stream).encode("ascii") + b"\t")
        if start < 0:
            return []
        start = self.rows.index(b"\t", start) + 1
        end = self.rows.find(b"\n", start)
        found = json.loads(self.rows[start : end if end >= 0 else len(self.rows)])
        if type(found) is not list:
            raise Malformed("rows")
        rows: Rows = []
        for item in found:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str or type(item[1]) is not dict:
                raise Malformed("row")
            rows.append((item[0], {str(y): decode_amount(a) for y, a in item[1].items()}))
        return rows


def _path(cache: FileCache, key: str) -> Path:
    return cache.path.with_suffix(f".base-{key[:32]}")


def is_object_id(value: object) -> bool:
    return type(value) is str and _OBJECT_ID.fullmatch(value) is not None


def _file(value: Any) -> File:
    if type(value) is not list or len(value) != 2 or type(value[0]) is not str or type(value[1]) is not str:
        raise Malformed("file")
    if not _OBJECT_ID.fullmatch(value[1]):
        raise Malformed("blob id")
    return value[0], value[1]


def read_summary(cache: FileCache, key: str) -> BaseSummary | None:
    """The base summary of the ledger with content key ``key``, or None (missing or damaged)."""
    data = read_own(_path(cache, key))
    if data is None:
        return None
    try:
        first = data.index(b"\n")
        second = data.index(b"\n", first + 1)
        header, listed = data[:first].decode("ascii"), data[first + 1 : second].decode("ascii")
        head = json.loads(header)
        if type(head) is not dict or head.get("format") != FORMAT or head.get("key") != cache.key:
            return None
        if head.get("tree") != key or type(head.get("invalid")) is not list or type(head.get("totals")) is not dict:
            return None
        # Read one path at a time (Listed); its blob ids are held to the format when used (is_object_id).
        # One '": "' an entry (a quote inside a path is escaped, and a path ends in .yaml or .yml).
        if type(head.get("files")) is not int or not listed.startswith("{") or not listed.endswith("}"):
            return None
        if listed.count('": "') != head["files"]:
            return None
        shared = head.get("shared")
        if type(shared) is not dict or not all(
            type(paths) is list and len(paths) > 1 and all(type(p) is str for p in paths) for paths in shared.values()
        ):
            return None
        files = Listed(listed, head["files"], shared)
        totals = {
            str(s): {str(y): (int(n), decode_amount(a)) for y, (n, a) in years.items()}
            for s, years in head["totals"].items()
        }
        adjustments = [_file(item) for item in head["adjustments"]]
        invalid = [str(p) for p in head["invalid"]]
        return BaseSummary(_file(head["streams"]), adjustments, files, totals, invalid, data[second:])
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, Malformed):
        return None


def write_summary(
    cache: FileCache,
    key: str,
    listed: tuple[File, list[File], dict[str, str]],
    invalid: list[str],
    rows: dict[str, Rows],
) -> None:
    """Keep the base summary of a ledger (``listed``: streams.yaml, the adjustments and the project
    files; ``rows``: each stream's valid projects in path order), and forget all but the most
    recent few of this ledger's."""
    from budgetctl.model.money import total

    streams, adjustments, files = listed
    totals: dict[str, dict[str, list[Any]]] = {}
    for stream, found in rows.items():
        years: dict[str, list[Decimal]] = {}
        for _, allocations in found:
            for year, amount in allocations.items():
                years.setdefault(year, []).append(amount)
        totals[stream] = {y: [len(amounts), str(total(amounts))] for y, amounts in years.items()}
    head = {
        "format": FORMAT,
        "key": cache.key,
        "tree": key,
        "streams": streams,
        "adjustments": adjustments,
        "invalid": invalid,
        "totals": totals,
        "files": len(files),
        "shared": _shared_ids(files),
    }
    lines = [json.dumps(head), json.dumps(files)]
    for stream, found in rows.items():
        text = json.dumps([[p, {y: str(a) for y, a in allocations.items()}] for p, allocations in found])
        lines.append(json.dumps(stream) + "\t" + text)
    path = _path(cache, key)
    write_own(path, ("\n".join(lines) + "\n").encode("ascii"))
    try:
        kept = sorted(path.parent.glob(cache.path.stem + ".base-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            if old != path:
                old.unlink()
    except OSError:  # a cache problem must never fail a run
        pass


KEEP_CHECKS = 1000  # checks by content kept from earlier comparisons, beside this one's


def _shared_ids(files: dict[str, str]) -> dict[str, list[str]]:
    """The project ids more than one file has, each with its files' paths (in the files' order)."""
    from budgetctl.model.kinds import project_id

    paths: dict[str, list[str]] = {}
    for path in files:
        paths.setdefault(project_id(path), []).append(path)
    return {ident: found for ident, found in paths.items() if len(found) > 1}


class ContentChecks(FileCache):
    """Checks of files by their content alone, whatever their path (the cache of checked files
    keys an entry by path and content, and keeps one per path): the lines are those of the
    cache, with an empty path. ``save`` keeps this run's files and, after them, up to
    KEEP_CHECKS of the files kept before: comparisons that take turns (a branch against main, then
    another) each find their changed files checked. A key is the bytes' hash: an entry kept
    longer is never another file's."""

    def __init__(self, cache: FileCache) -> None:
        super().__init__(cache.path.with_suffix(".diffchecks"), cache.key)

    def _read(self) -> dict[str, bytes]:
        lines: dict[str, bytes] = {}
        for line in self._body():
            if line[:2] != b'["' or line[66:71] != b'","",':
                return {}
            lines[line[2:66].decode("ascii")] = line
        return lines

    def get(self, path: str, key: str) -> list[Any] | None:
        if not self.enabled:
            return None
        line = self._entries().get(key)
        if line is None:
            return None
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            raise Malformed("line") from None
        if type(entry) is not list or len(entry) != 5 or entry[0] != key or entry[1] != "":
            raise Malformed("line")
        self._new[key] = line
        return entry[2:]

    def put(self, path: str, key: str, entry: list[Any]) -> None:
        self._new[key] = json.dumps([key, "", *entry], separators=(",", ":")).encode()
        self._changed = True

    def save(self) -> None:
        if not self.enabled or not self._changed:  # every file this run read was kept already
            return
        earlier = [line for key, line in self._entries().items() if key not in self._new][:KEEP_CHECKS]
        write_own(self.path, b"\n".join([self._header(), *self._new.values(), *earlier, b""]))


class Patched(_ByPath):
    """A base summary's files (``Listed``) with the files a change between two commits removes and
    adds (a changed file is both): the other commit's files, looked up the same way."""

    def __init__(self, base: Listed, removed: set[str], added: dict[str, str]) -> None:
        self.base, self.removed, self.added = base, removed, added

    def get(self, path: str) -> str | None:
        if path in self.added:
            return self.added[path]
        return None if path in self.removed else self.base.get(path)

    def __len__(self) -> int:
        return len(self.base) - len(self.removed) + len(self.added)
