"""The snapshot of the last whole check: what checking a few changed project files needs to know
about the files that did not change, without reading, decoding or validating them again.

Kept beside the cache of checked files (``loading.cache``), with the same care (ours, never a
link, never inside the ledger's repository; a damaged snapshot is ignored and rewritten) and
the same key (budgetctl's code), and written with every whole check of a ledger that has no
discovery problems. A ledger with actuals or forecasts is marked so (``in_year``): its
snapshot only names each stream's projects (for ``trace``); a check of changed files starts
only from the snapshot of a ledger without them. It holds:

- the ledger key of that check (the check file beside it holds its problems and figures),
- every project file's display path (one JSON list, with a hash of them all in the header) and
  content key (one line of 64 hex digits each, in the same order): the next run hashes its own
  paths and compares the keys position by position, in C, to find the files that changed, and
  reads the list only when files were added or removed,
- streams.yaml's content key and validated model (encoded as the cache encodes it, decoded
  held to the same rules; each stream's value as its own JSON text, parsed only when a check
  uses that stream), and the adjustment files' content keys,
- the project files that gave no valid project, how many valid projects allocate in each year,
- per stream id, its valid projects' allocations in path order (``S``): the aggregates that
  the cross-file rules (over-allocation per stream and year) need for the streams a change touches.

The file ends with an index of the S lines (where each stream's line lies) and the place of
that index: a check of a few changed files reads the header and the content keys, then only the
lines of the streams it touches, from the file it opened (a snapshot is replaced, never changed
in place), not the megabytes of paths and rows of a large ledger.

A check of a few changed files writes only what changed, to a journal beside it (``.snapj``:
the new header values, the changed content keys by position, the touched streams' rows),
named by the snapshot's random id; the snapshot is written whole again when files were added
or removed, or when the journal has grown. A journal that does not name the snapshot is ignored
(then the snapshot describes an older ledger than the check file, and is not used).

Every key is content: a file is "unchanged" only when its SHA-256 (or the stat index's entry,
re-hashed whenever it could be stale) is the one recorded.
"""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from budgetctl.loading.ownfiles import Spool, open_own, read_own, write_own
from budgetctl.plainclass import dataclass, field, replace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from budgetctl.model.records import StreamsFile
    from budgetctl.model.source import RawFile

FORMAT = "budgetctl-snapshot 4"
JOURNAL = "budgetctl-snapshot-journal 2"
# Above this many content keys in the journal, the snapshot is written whole again.
JOURNAL_MAX_KEYS = 500
# ... or above this many bytes of rows (each touched stream's rows are written again).
JOURNAL_MAX_BYTES = 4 * 1024 * 1024
KEY = 64  # hex digits of a content key (SHA-256)
SEARCHED_MAX = 8  # streams found by a search of the stored lines; past that, all are read once

Rows = list[tuple[str, "Mapping[str, Decimal]"]]  # (display path, allocations by year) in path order


class Malformed(ValueError):
    """A snapshot that its writer did not write (``codec.Malformed`` for a value in it)."""


def paths_key(paths: list[str]) -> str:
    """The hash of the display paths in order (NUL cannot be in a path), joined a thousand at a
    time: the whole joined text would be held twice (as text and as bytes) at the end of a check."""
    whole = hashlib.sha256()
    for start in range(0, len(paths), 1000):
        part = "\0".join(paths[start : start + 1000])
        whole.update(("\0" + part if start else part).encode("utf-8", "surrogatepass"))
    return whole.hexdigest()


class Parts:
    """The snapshot's file, held open, and where its parts lie: each is read when first asked for."""

    __slots__ = ("fd", "index", "paths", "section")

    def __init__(self, fd: int) -> None:
        self.fd = fd  # closed with this object (a snapshot is read once a run)
        self.paths = (0, 0)  # [start, end) of the paths line
        self.section = (0, 0)  # [start, end) of the S lines
        self.index: dict[str, Any] = {}  # stream -> [start, end) of its S line

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    def __del__(self) -> None:
        self.close()

    def span(self, start: int, end: int) -> bytes:
        """The file's bytes in [start, end), all of them (Malformed: fewer)."""
        data = os.pread(self.fd, end - start, start) if end > start else b""
        while 0 < len(data) < end - start:
            more = os.pread(self.fd, end - start - len(data), start + len(data))
            if not more:
                break
            data += more
        if len(data) != end - start:
            raise Malformed("cut short")
        return data


@dataclass
class Snapshot:
    """A kept snapshot of a ledger: its head, each project file's key, and each stream's rows."""

    head: dict[str, Any]
    keys: bytearray  # the project files' content keys, KEY hex digits each, in the order of their paths
    # The file: its paths line and its S lines are read when asked for (a change touches a few
    # streams of hundreds, and its files' paths are known without the list).
    parts: Parts
    streams: dict[str, str | None] = field(default_factory=dict)  # the journal's rows (None: none now)
    journal: dict[str, Any] = field(default_factory=dict)  # what the journal holds, as read
    # This run's files once compared (``changes``, or ``patched``).
    current: Current | None = None
    _asked: int = 0  # streams looked up one by one
    _stored: dict[str, str] | None = None  # every stored stream's rows, once more than a few were asked for
    _section: bytes | None = None  # the S lines, once read whole
    _paths_line: bytes | None = None

    @property
    def paths_line(self) -> bytes:
        """The JSON list of the project files' display paths, as stored (ASCII)."""
        if self._paths_line is None:
            line = self.parts.span(*self.parts.paths)
            if not line.isascii():
                raise Malformed("paths")
            self._paths_line = line
        return self._paths_line

    @property
    def section(self) -> bytes:
        """Every S line, from the newline before the first (ASCII)."""
        if self._section is None:
            data = b"\n" + self.parts.span(*self.parts.section)
            if not data.isascii():
                raise Malformed("rows")
            self._section = data
        return self._section

    @property
    def ledger(self) -> str:
        return str(self.head["ledger"])

    @property
    def in_year(self) -> bool:
        """Whether the ledger checked had actuals or forecasts: its check's problems and figures
        are theirs too, so a check of changed project files never starts from it."""
        return bool(self.head["in_year"])

    def same_context(self, streams: RawFile, others: list[RawFile]) -> bool:
        """Whether streams.yaml and the other files (adjustments) are exactly those of the snapshot."""
        return self.head["streams"] == [streams.path, streams.digest] and self.head["others"] == [
            [raw.path, raw.digest] for raw in others
        ]

    def changes(self, projects: list[RawFile]) -> tuple[list[RawFile], list[str]]:
        """The project files changed or added since the snapshot, and the paths removed."""
        paths = [raw.path for raw in projects]
        keys = "".join([raw.digest for raw in projects]).encode("ascii", "replace")
        stored = bytes(self.keys)
        count = len(self.keys) // KEY
        if len(paths) == count and len(keys) == len(stored) and paths_key(paths) == self.head["paths"]:
            differ = _differing(stored, keys, 0, count) if keys != stored else []
            self.current = Current(keys, differ, True, "\0".join(paths), count)
            return [projects[i] for i in differ], []
        old_paths = self._paths(count)
        old = {path: stored[i * KEY : (i + 1) * KEY].decode("ascii") for i, path in enumerate(old_paths)}
        changed = [raw for raw in projects if old.get(raw.path) != raw.digest]
        now = set(paths)
        self.current = Current(keys, [], False, "\0".join(paths), len(paths))
        return changed, [path for path in old if path not in now]

    def patched(
        self, changed: dict[int, str], named: Callable[[set[str]], list[str] | None] | None = None
    ) -> list[int]:
        """The positions of ``changed`` (position -> content key now; the files at the other
        positions are known to be those of the snapshot) whose keys differ from the snapshot's,
        in order, as ``changes`` finds them; the keys are patched in place. ``named``: the
        project files named by some ids (``Current.named``), when known without their paths."""
        count = len(self.keys) // KEY
        keys = self.keys
        differ = []
        for position in sorted(changed):
            key = changed[position].encode("ascii", "replace")
            if position >= count or len(key) != KEY:
                raise Malformed("position")
            if keys[position * KEY : (position + 1) * KEY] != key:
                keys[position * KEY : (position + 1) * KEY] = key
                differ.append(position)
        self.current = Current(keys, differ, True, lambda: "\0".join(self._paths(count)), count, named)
        return differ

    def _paths(self, count: int) -> list[str]:
        paths = json.loads(bytes(self.paths_line))
        if type(paths) is not list or len(paths) != count or not all(type(p) is str for p in paths):
            raise Malformed("paths")
        return paths

    def streams_file(self) -> StreamsFile:
        """streams.yaml's validated model, held to the rules a parsed value meets; each stream
        is decoded when first used (a change to a few projects reads their streams only)."""
        from budgetctl.loading.codec import lazy_field, model_decoder
        from budgetctl.model.records import StreamsFile

        model = dict(self.head["model"])
        streams = lazy_field(StreamsFile, "streams", model.pop("streams", None), _parsed)
        decoded = model_decoder(StreamsFile)({**model, "streams": {}})
        return replace(decoded, streams=streams)  # a read-only mapping where a dict was

    def _text(self, stream: str) -> str | None:
        """The rows of ``stream`` as JSON text (None: it has no valid project)."""
        if stream in self.streams:
            return self.streams[stream]
        self._asked += 1
        if self._asked > SEARCHED_MAX:  # each search reads the lines up to the stream's: past a few, read all once
            if self._stored is None:
                self._stored = self._every_line()
            return self._stored.get(stream)
        where = self.parts.index.get(stream)
        if where is None:
            return None
        found, rows = _line(self.parts.span(*where))
        if found != stream:
            raise Malformed("index")
        return rows

    def every_stream(self) -> dict[str, str]:
        """Each stream's rows as JSON text, the journal's over the stored ones."""
        found: dict[str, str | None] = dict(self._every_line())
        found.update(self.streams)
        return {stream: rows for stream, rows in found.items() if rows is not None}

    def _every_line(self) -> dict[str, str]:
        return dict(_line(line) for line in self.section.split(b"\n") if line)

    def rows(self, stream: str) -> Rows:
        """The valid projects of ``stream`` with their allocations, in path order."""
        from budgetctl.loading.codec import decode_amount

        return [(path, {_year(y): decode_amount(a) for y, a in years.items()}) for path, years in self._items(stream)]

    def amounts(self, stream: str, year: str) -> list[Decimal]:
        """The allocations in ``year`` of the valid projects of ``stream``, in path order: ``rows``
        with only that year's amounts decoded (held to the same rules)."""
        from budgetctl.loading.codec import decode_amount

        # a JSON object's keys are text: no year to hold to its type
        return [decode_amount(years[year]) for _, years in self._items(stream) if year in years]

    def _items(self, stream: str) -> list[Any]:
        """``stream``'s stored rows, each [path, amounts by year as stored], their shape checked."""
        text = self._text(stream)
        if text is None:
            return []
        items = json.loads(text)
        if type(items) is not list:
            raise Malformed("rows")
        for item in items:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str or type(item[1]) is not dict:
                raise Malformed("row")
        return items

    def stream_of(self, path: str, likely: str | None = None) -> str | None:
        """The stream of the valid project in ``path`` at the snapshot (None: it had none);
        ``likely``: the stream to look in first (the project's now: a file changed keeps its stream)."""
        needle = json.dumps(path)
        for stream, text in self.streams.items():
            if text is not None and needle in text and self._holds(stream, path):
                return stream
        if likely is not None and likely not in self.streams and self._holds(likely, path):
            return likely  # a file is in one stream's rows
        wanted = needle.encode("ascii")
        section = self.section
        at = section.find(wanted)
        while at >= 0:  # the text finds, the parse decides
            stream = _line(section[section.rfind(b"\n", 0, at) + 1 : at])[0]
            if stream not in self.streams and self._holds(stream, path):
                return stream
            at = section.find(wanted, at + 1)
        return None

    def _holds(self, stream: str, path: str) -> bool:
        return any(p == path for p, _ in self.rows(stream))


class Current:
    """This run's project files against the snapshot's: their content keys joined, the
    positions whose keys differ (when the paths are the snapshot's), and their display paths,
    NUL between them (or a function that makes them: most checks never ask)."""

    __slots__ = ("_joined", "_named", "count", "differ", "keys", "same_paths")

    def __init__(
        self,
        keys: bytes | bytearray,
        differ: list[int],
        same_paths: bool,
        joined: str | Callable[[], str],
        count: int,
        named: Callable[[set[str]], list[str] | None] | None = None,
    ) -> None:
        self.keys = keys
        self.differ = differ
        self.same_paths = same_paths
        self._joined = joined
        self.count = count
        self._named = named

    def joined(self) -> str:
        if not isinstance(self._joined, str):
            self._joined = self._joined()
        return self._joined

    def paths(self) -> list[str]:
        return self.joined().split("\0") if self.count else []

    def named(self, ids: set[str], search: Callable[[str, int, set[str]], list[str]]) -> list[str]:
        """The paths whose file is named by one of ``ids`` (``search``: of the joined paths), in order."""
        found = self._named(ids) if self._named is not None else None
        return found if found is not None else search(self.joined(), self.count, ids)


def _line(line: bytes) -> tuple[str, str]:
    """An S line's stream id and rows (the rows' text may be cut short: ``rows`` parses it)."""
    try:
        kind, name, rows = [*line.decode("ascii").split("\t", 2), "", ""][:3]
        stream = json.loads(name)
    except (ValueError, RecursionError):
        raise Malformed("stream line") from None
    if kind != "S" or type(stream) is not str:
        raise Malformed("stream line")
    return stream, rows


def _parsed(text: Any) -> Any:
    """A stream's model as the snapshot keeps it: its JSON text."""
    if type(text) is not str:
        raise Malformed("stream model")
    return json.loads(text)


def _differing(old: bytes, new: bytes, start: int, end: int) -> list[int]:
    """The positions in [start, end) whose keys differ, halving the range (each half compared in C)."""
    if old[start * KEY : end * KEY] == new[start * KEY : end * KEY]:
        return []
    if end - start == 1:
        return [start]
    middle = (start + end) // 2
    return _differing(old, new, start, middle) + _differing(old, new, middle, end)


def _year(value: Any) -> str:
    if type(value) is not str:
        raise Malformed("year")
    return value


def _path(cache_path: Path) -> Path:
    return cache_path.with_suffix(".snap")


def _journal_path(cache_path: Path) -> Path:
    return cache_path.with_suffix(".snapj")


_HEAD = {
    **{"ledger": str, "streams": list, "others": list, "invalid": list, "years": dict, "model": dict},
    **{"sizes": list, "in_year": bool},
}


def read(cache_path: Path, code_key: str) -> Snapshot | None:
    """The snapshot kept beside the cache at ``cache_path``, with its journal, if they are ours and
    whole: its header and content keys now, the rest when asked for (from the file opened now)."""
    opened = open_own(_path(cache_path))
    if opened is None:
        return None
    parts = Parts(opened[0])
    try:
        loaded = _load(parts, opened[1], code_key)
    except (ValueError, RecursionError, OSError):
        loaded = None
    if loaded is None:
        parts.close()
        return None
    snap = Snapshot(loaded[0], loaded[1], parts)
    return snap if _replay(snap, read_own(_journal_path(cache_path)), code_key) else None


_TRAILER = 23  # the last line: "E", a tab, where the index line starts (20 digits), a newline


def _load(parts: Parts, size: int, code_key: str) -> tuple[dict[str, Any], bytearray] | None:
    """The header and the content keys of the snapshot file open in ``parts`` (where the other
    parts lie is set there); None (or ValueError) when it is not ours or not whole."""
    fd = parts.fd
    first = f"{FORMAT} {code_key}\n".encode()
    if size < len(first) + _TRAILER:
        return None
    want = 1 << 18
    while True:  # the first line and the header (the streams' model: a few hundred kB)
        start = os.pread(fd, min(want, size), 0)
        end = start.find(b"\n", len(first))
        if end >= 0 or len(start) >= size or want >= size:
            break
        want *= 4
    if end < 0 or not start.startswith(first) or not start[:end].isascii():
        return None
    head = json.loads(start[len(first) : end])
    if type(head) is not dict or any(type(head.get(k)) is not t for k, t in _HEAD.items()):
        return None
    sizes = head["sizes"]
    if type(head.get("id")) is not str or type(head.get("paths")) is not str or len(sizes) != 2:
        return None
    if any(type(n) is not int or n < 0 for n in sizes) or sizes[1] % KEY:
        return None
    paths_end = end + 1 + sizes[0]
    keys_end = paths_end + 1 + sizes[1]
    trailer = os.pread(fd, _TRAILER, size - _TRAILER)
    if len(trailer) != _TRAILER or trailer[:2] != b"E\t" or trailer[-1:] != b"\n" or not trailer[2:-1].isdigit():
        return None
    index_at = int(trailer[2:-1])
    if not keys_end + 1 <= index_at <= size - _TRAILER:
        return None
    parts.paths, parts.section = (end + 1, paths_end), (keys_end + 1, max(keys_end + 1, index_at - 1))
    if parts.span(paths_end, paths_end + 1) != b"\n" or parts.span(keys_end, keys_end + 1) != b"\n":
        return None
    keys = bytearray(keys_end - paths_end - 1)  # read into it: the only copy of 64 bytes a file
    if os.preadv(fd, [keys], paths_end + 1) != len(keys):
        return None
    line = parts.span(index_at, size - _TRAILER)
    if not keys.isascii() or line[:2] != b"X\t" or line[-1:] != b"\n" or not line.isascii():
        return None
    index = json.loads(line[2:-1])
    if type(index) is not dict:
        return None
    low = keys_end + 1
    for where in index.values():
        if type(where) is not list or len(where) != 2:
            return None
        start_at, end_at = where
        if type(start_at) is not int or type(end_at) is not int or not low <= start_at <= end_at < index_at:
            return None
    parts.index = index
    return head, keys


def _replay(snap: Snapshot, data: bytes | None, code_key: str) -> bool:
    """Apply the journal that names ``snap`` (none, or another's: nothing to apply); False when
    it names it but is damaged."""
    if data is None or not data.startswith(f"{JOURNAL} {code_key} {snap.head['id']}\n".encode()):
        return True
    try:
        journal = json.loads(data[data.index(b"\n") + 1 :])
    except (ValueError, RecursionError):
        return False
    if type(journal) is not dict:
        return False
    head, keys, streams = journal.get("head"), journal.get("keys"), journal.get("streams")
    if type(head) is not dict or type(keys) is not dict or type(streams) is not dict:
        return False
    if set(head) != {"ledger", "invalid", "years"} or any(type(head[k]) is not _HEAD[k] for k in head):
        return False
    count = len(snap.keys) // KEY
    for position, key in keys.items():
        if not position.isdigit() or int(position) >= count or type(key) is not str or len(key) != KEY:
            return False
        if not key.isascii():
            return False
        snap.keys[int(position) * KEY : (int(position) + 1) * KEY] = key.encode("ascii")
    for stream, rows in streams.items():
        if rows is not None and type(rows) is not str:
            return False
        snap.streams[stream] = rows
    snap.head.update(head)
    snap.journal = journal
    return True


def encode_rows(rows: Rows) -> str:
    return json.dumps([[path, {y: str(a) for y, a in allocations.items()}] for path, allocations in rows])


def write_changes(
    cache_path: Path, code_key: str, snap: Snapshot, head: dict[str, Any], touched: dict[str, str | None]
) -> None:
    """Keep the snapshot of a check of the changes ``snap.changes`` found: ``head``'s ledger,
    invalid files and years, and ``touched``, each stream's new rows (None: it has none now).
    Only a journal is written when the paths are the snapshot's and the journal stays small."""
    assert snap.current is not None
    current = snap.current
    keys, differ, same_paths = current.keys, current.differ, current.same_paths
    if len(keys) != KEY * current.count:
        return  # not SHA-256 keys: the snapshot stays that of an older ledger, which no check file names
    head = {k: head[k] for k in ("ledger", "invalid", "years")}
    if same_paths:
        journal_keys = dict(snap.journal.get("keys", {}))
        journal_keys.update((str(i), keys[i * KEY : (i + 1) * KEY].decode("ascii")) for i in differ)
        journal_streams = dict(snap.journal.get("streams", {}))
        journal_streams.update(touched)
        size = sum(len(rows) for rows in journal_streams.values() if rows is not None)
        if len(journal_keys) <= JOURNAL_MAX_KEYS and size <= JOURNAL_MAX_BYTES:
            journal = {"head": head, "keys": journal_keys, "streams": journal_streams}
            text = f"{JOURNAL} {code_key} {snap.head['id']}\n{json.dumps(journal)}\n"
            write_own(_journal_path(cache_path), text.encode("ascii"))
            return
    snap.streams.update(touched)
    streams = snap.every_stream()
    paths = current.paths()
    paths_line = snap.paths_line if same_paths else json.dumps(paths).encode("ascii")
    snap.parts.close()  # all read: a system that keeps an open file from being replaced may replace it now
    _write(cache_path, code_key, dict(snap.head, **head), paths, paths_line, keys, streams.items())


def _write(
    cache_path: Path,
    code_key: str,
    head: dict[str, Any],
    paths: list[str],
    paths_line: bytes | memoryview,
    keys: bytes | bytearray,
    streams: Iterable[tuple[str, str]],
) -> None:
    """Write the snapshot a stream's line at a time (``streams``: each one's rows, encoded when
    asked for), so that a whole ledger's lines are never held at once; then the index of the S
    lines (where each lies, from the file's start) and where that index starts."""
    sizes = [len(paths_line), len(keys)]
    head = dict(head, paths=paths_key(paths), id=os.urandom(16).hex(), sizes=sizes)
    first = f"{FORMAT} {code_key}".encode()
    lines = [first, json.dumps(head).encode("ascii"), paths_line, keys]
    at = sum(len(line) + 1 for line in lines)
    index: dict[str, list[int]] = {}
    path = _path(cache_path)
    # A new id either way: any journal is the old one's.
    spool = Spool.open(path, first)
    if spool is None or not spool.write(lines[1:]):
        body = []
        for stream_rows in streams:
            body.append(_stream_line(stream_rows))
            index[stream_rows[0]] = [at, at + len(body[-1])]
            at += len(body[-1]) + 1
        write_own(path, b"\n".join([*lines, *body, *_index_lines(index, at)]) + b"\n")
        return
    del lines
    for stream_rows in streams:
        line = _stream_line(stream_rows)
        if not spool.write([line]):
            break
        index[stream_rows[0]] = [at, at + len(line)]
        at += len(line) + 1
    spool.finish(path, _index_lines(index, at))


def _index_lines(index: dict[str, list[int]], at: int) -> list[bytes]:
    """The index line (starting at ``at``) and the last line, which says where it starts."""
    return [b"X\t" + json.dumps(index).encode("ascii"), b"E\t%020d" % at]


def _stream_line(stream_rows: tuple[str, str]) -> bytes:
    """The S line of a stream and its rows' JSON text (``_line`` reads it)."""
    stream, rows = stream_rows
    return f"S\t{json.dumps(stream)}\t{rows}".encode("ascii")


def write_whole(
    cache_path: Path,
    code_key: str,
    ledger: str,
    streams: RawFile,
    streams_file: StreamsFile,
    others: list[RawFile],
    projects: list[RawFile],
    entries: Iterable[tuple[str, str, Mapping[str, Decimal]]],
    in_year: bool = False,
) -> None:
    """The snapshot of a whole check: ``entries`` are the projects that validated, in path order,
    each as its display path, stream and allocations. ``in_year``: the ledger has actuals or
    forecasts (``Snapshot.in_year``: such a snapshot names a stream's projects, for ``trace``,
    and no check of changed files starts from it)."""
    from budgetctl.loading.codec import Malformed as Unencodable
    from budgetctl.loading.codec import encode_model

    try:
        model = encode_model(streams_file)
    except Unencodable:  # a value the cache cannot hold exactly: no snapshot
        return
    if type(model.get("streams")) is dict:  # each stream's model as its own text (``_parsed``)
        model["streams"] = {stream: json.dumps(value) for stream, value in model["streams"].items()}
    keys = "".join([raw.digest for raw in projects]).encode("ascii", "replace")
    if len(keys) != KEY * len(projects):
        return  # not SHA-256 keys: no snapshot
    valid = set()
    grouped: dict[str, Rows] = {}
    years: dict[str, int] = {}
    for path, stream, allocations in entries:
        valid.add(path)
        grouped.setdefault(stream, []).append((path, allocations))
        for year in allocations:
            years[year] = years.get(year, 0) + 1
    head = {
        "ledger": ledger,
        "streams": [streams.path, streams.digest],
        "others": [[raw.path, raw.digest] for raw in others],
        "invalid": [raw.path for raw in projects if raw.path not in valid],
        "years": years,
        "model": model,
        "in_year": in_year,
    }
    del valid  # not held while the lines are written
    paths = [raw.path for raw in projects]
    rows = ((stream, encode_rows(found)) for stream, found in grouped.items())
    _write(cache_path, code_key, head, paths, json.dumps(paths).encode("ascii"), keys, rows)
