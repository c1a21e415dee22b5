"""A cache of checked ledger files that cannot lie: keyed by content, JSON, outside the ledger.

One JSON Lines file per ledger folder in the user's cache directory
(``$XDG_CACHE_HOME/budgetctl``, else ``~/.cache/budgetctl``). Each entry is
keyed by the file's display path and the SHA-256 of its bytes, and holds what
checking that file produced: its loader problems, its schema problems and its
validated model (a project, or streams.yaml) as JSON-safe values, money as
exact decimal text. The whole cache is keyed by budgetctl's version,
``SCHEMA`` (``cacheplace``), the Python version and a fingerprint of budgetctl's modules and
the installed PyYAML and pydantic, so no other budgetctl reads an entry.

Beside it, ``.check.json`` keeps the last whole check of the ledger (every
problem, from every stage and rule), keyed by every file's display path and
bytes: ``validate`` on a ledger that has not changed reads, hashes and prints,
and neither parses, validates nor runs a rule. Any change to any file's bytes,
or a file added, removed or renamed, gives another key, so the rules run again.
``.summary`` keeps, under the same key, what a summary of the streams needs
(``model.streamfacts``, in ``loading.summaryvalues``'s form): a warm ``summary`` reads it
instead of every project; and
``.plan.json`` the last check of the plan alone (a ledger with actuals or forecasts,
which a report of the plan leaves unread) with its summary values; ``.monitor.json``,
under the whole check's key, what a monitoring report needs (``model.monitorfacts``).

Nothing here can fail a run: a cache that is missing, unreadable, not ours,
malformed, a symbolic link or inside the ledger's repository is ignored (and
rewritten), and a cache that cannot be written is skipped. No pickle: a cache
file is data that is checked before use, never code, and every value decoded
from it is held to the rules a value parsed from a file meets (a forged entry is
at worst ignored). ``--no-cache`` or ``BUDGETCTL_NO_CACHE=1`` bypass it entirely
(nothing is read or written); so does ``CI`` being set, unless ``BUDGETCTL_CACHE=1``.
"""

from __future__ import annotations

import contextlib
import json
import os
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]  # exists at runtime; typeshed omits it
from pathlib import Path

from budgetctl.loading.cacheplace import FORMAT, disabled_by_env, place
from budgetctl.loading.ownfiles import Spool, read_own, write_own

TYPE_CHECKING = False  # typing itself is not imported: the warm validate starts without it
if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from decimal import Decimal
    from typing import Any

    from budgetctl.diagnostics import Diagnostic
    from budgetctl.loading.checks import FileCheck
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.loading.statindex import StatIndex
    from budgetctl.model.source import RawFile

# Up to this many entries asked for, ``sparingly`` searches the file for each.
SPARING_MAX = 8
# Up to this many entries are kept beside the file (``add``) until it is next written whole.
MORE_MAX = 256


def digest(data: bytes) -> str:
    """The content key of one file (as ``RawFile.digest``)."""
    import hashlib  # OpenSSL's loading costs a warm summary, which hashes nothing, about 3 ms

    return hashlib.sha256(data).hexdigest()


class FileCache:
    """The cached entries of one ledger folder: ``get`` on read, ``put`` on a miss, ``save`` once.

    The file is JSON Lines: a header ``{"format": ..., "key": ...}``, then one
    line per project file, ``[content key, display path, loader problems,
    schema problems, project]``. A line is parsed only when its file's content
    key matches, and lines that still match are written back as they were read.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self._old: dict[str, bytes] | None = None  # read on first use
        self._new: dict[str, bytes] = {}
        self._changed = False
        self.enabled = True
        # Checks rebuilt from entries this run, by (display path, content key): a second ledger
        # in the same run (the other side of a diff) reuses them instead of decoding again.
        self.decoded: dict[tuple[str, str], Any] = {}
        self._check: tuple[bytes, list[bytes]] | None = None  # the check file's header and lines
        self._check_head: dict[str, Any] | None = None  # its header, parsed
        self._sparse: bytes | None = None  # the file's bytes, when entries are looked up one by one
        self._spool: Spool | None = None  # the next file, written as entries are made (``spool``)

    @classmethod
    def open(cls, root: Path) -> FileCache | None:
        """The cache for the ledger at ``root``; None when no usable cache directory exists.
        Nothing is read until an entry is asked for."""
        found = place(root)
        return None if found is None else cls(*found)

    def stat_index(self) -> StatIndex:
        """The stat-keyed index of this ledger's files (``loading.statindex``), kept beside the entries."""
        from budgetctl.loading.statindex import StatIndex

        return StatIndex(self.path.with_suffix(".stat") if self.enabled else None)

    @property
    def check_path(self) -> Path:
        """Where the last whole-ledger check is kept, beside the entries."""
        return self.path.with_suffix(".check.json")

    def sparingly(self, wanted: int) -> None:
        """For a run that asks for ``wanted`` entries and saves none (``show``, ``owners``): when they
        are few, each is found in the file by its exact line start, ``["<content key>","<path>",``,
        instead of indexing every line (about 20 ms at 10,000 files; a search costs about 1 ms).
        Nothing is saved then: that would forget the other entries."""
        if wanted <= SPARING_MAX and self._old is None and self._sparse is None:
            data = read_own(self.path)
            end = -1 if data is None else data.find(b"\n")
            self._sparse = data if data is not None and end > 0 and self._our_header(data[:end]) else b""
            if self._sparse:  # a line is found by its content key and path: either file's will do
                self._sparse += b"".join(b"\n" + line for line in self._body(self.more_path))

    def _sparse_line(self, path: str, key: str) -> bytes | None:
        assert self._sparse is not None
        start = self._sparse.find(b"\n" + json.dumps([key, path], separators=(",", ":")).encode()[:-1] + b",")
        if start < 0:
            return None
        end = self._sparse.find(b"\n", start + 1)
        return self._sparse[start + 1 : end if end >= 0 else len(self._sparse)]

    def _entries(self) -> dict[str, bytes]:
        if self._old is None:
            self._old = self._read()
        return self._old

    @property
    def more_path(self) -> Path:
        """The entries added since the file was written (``add``), beside it."""
        return self.path.with_name(self.path.name + ".more")

    def _body(self, path: Path | None = None) -> list[bytes]:
        """The stored lines after the header, or none when the file is missing or not exactly ours."""
        data = read_own(path or self.path)
        if data is None:
            return []
        header, *body = data.split(b"\n")
        if not self._our_header(header):
            return []
        if body and body[-1] == b"":
            body.pop()
        return body

    def _read(self) -> dict[str, bytes]:
        """Each stored line by display path (those added since the file was written over its own),
        or none when the file is missing or not exactly ours."""
        lines: dict[str, bytes] = {}
        for line in self._body() + self._body(self.more_path):
            # ["<64 hex digits>","<path>",...: the path is read without parsing the rest.
            if line[:2] != b'["' or line[66:69] != b'","':
                return {}
            try:
                path, _ = _scanstring(line[69:].decode("ascii"), 0)
            except ValueError:
                return {}
            lines[path] = line
        return lines

    def _our_header(self, line: bytes) -> dict[str, Any] | None:
        try:
            head = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if type(head) is not dict or head.get("format") != FORMAT or head.get("key") != self.key:
            return None
        return head

    def last_check(self, ledger: str, only: Collection[str] | None = None) -> tuple[list[Diagnostic], int, bool] | None:
        """The problems, file count and incompleteness of the last whole check of the ledger
        whose ``ledger_key`` is ``ledger``, or None (never checked, since changed, or damaged).
        ``only``: the problems of these files alone (the others' lines are not decoded)."""
        found = self._read_check(ledger)
        if found is None:
            return None
        head, body = found
        if only is not None:  # a line is json.dumps([p.file, ...]): it starts with the file's JSON string
            starts = tuple(b"[" + json.dumps(path).encode() + b"," for path in only)
            body = [line for line in body if line.startswith(starts)]
        return _check_of(head, body)

    def _read_check(self, ledger: str) -> tuple[dict[str, Any], list[bytes]] | None:
        """The check file's header and problem lines, if it is ours and holds ``ledger``. Read
        and parsed once a run (a check of a few changed files asks several times), and only
        when its header names ``ledger`` (the header holds every stream's figures)."""
        if not self.enabled:
            return None
        if self._check is None:
            data = read_own(self.check_path)
            self._check = (b"", []) if data is None else _split_check(data)
        header, body = self._check
        if f'"ledger": "{ledger}"'.encode() not in header:
            return None  # a cheap first pass: json.dumps writes the key so; the parse decides
        if self._check_head is None:
            self._check_head = self._our_header(header) or {}
        head = self._check_head
        return None if head.get("ledger") != ledger else (head, body)

    def last_figures(self, ledger: str) -> dict[str, dict[str, tuple[int, Decimal]]] | None:
        """Each stream's number of allocations and allocated money per year in the last whole
        check of the ledger whose ``ledger_key`` is ``ledger`` (None: never checked, since
        changed, no ledger, or damaged)."""
        found = self._read_check(ledger)
        allocated = found[0].get("allocated") if found is not None else None
        if type(allocated) is not dict:
            return None
        from budgetctl.loading.codec import Malformed, decode_amount

        figures: dict[str, dict[str, tuple[int, Decimal]]] = {}
        for stream, years in allocated.items():
            if type(years) is not dict:
                return None
            figures[stream] = {}
            for year, pair in years.items():
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not int:
                    return None
                try:
                    figures[stream][year] = (pair[0], decode_amount(pair[1]))
                except Malformed:
                    return None
        return figures

    @property
    def summary_path(self) -> Path:
        """Where the summary values of the last whole check are kept (apart: validate never reads
        them), in ``loading.summaryvalues``'s form."""
        from budgetctl.loading import summaryvalues

        return Path(summaryvalues.path_of(str(self.path)))

    def last_summary(self, ledger: str) -> Any:
        """The summary values kept with the last whole check of the ledger whose ``ledger_key`` is
        ``ledger`` (``model.streamfacts``'s, not yet decoded), or None."""
        from budgetctl.loading import summaryvalues

        return summaryvalues.load(str(self.path), self.key, ledger) if self.enabled else None

    @property
    def monitor_path(self) -> Path:
        """Where the monitoring values of the last whole check are kept (``model.monitorfacts``)."""
        return self.path.with_suffix(".monitor.json")

    def last_monitor(self, ledger: str) -> list[bytes] | None:
        """The monitoring values kept with the last whole check of the ledger whose ``ledger_key``
        is ``ledger`` (``model.monitorfacts``'s lines, not yet decoded), or None."""
        found = self._kept(self.monitor_path, ledger)
        return None if found is None else found[1]

    def save_monitor(self, ledger: str, lines: list[str]) -> None:
        """Keep the monitoring values of the whole check of the ledger with key ``ledger``."""
        if self.enabled:
            kept = {"format": FORMAT, "key": self.key, "ledger": ledger}
            write_own(self.monitor_path, "\n".join([json.dumps(kept), *lines, ""]).encode())

    @property
    def plan_path(self) -> Path:
        """Where the last check of the plan alone (actuals and forecasts left unread) is kept."""
        return self.path.with_suffix(".plan.json")

    def last_plan(self, ledger: str) -> tuple[list[Diagnostic], int, bool, Any] | None:
        """The problems, file count, incompleteness and summary values (not yet decoded) of the
        last check of the plan alone of the ledger whose ``ledger_key`` is ``ledger``, or None."""
        kept = self._kept(self.plan_path, ledger)
        if kept is None or not kept[1]:
            return None
        head, body = kept
        try:
            summary = json.loads(body[0])
        except (ValueError, RecursionError):
            return None
        found = _check_of(head, body[1:])
        return None if found is None else (*found, summary)

    def _kept(self, path: Path, ledger: str) -> tuple[dict[str, Any], list[bytes]] | None:
        """The header and the lines after it of a file kept beside the check (the summary values,
        the plan's check), if it is ours and holds ``ledger``."""
        data = read_own(path) if self.enabled else None
        if data is None:
            return None
        header, *body = data.split(b"\n")
        if f'"ledger": "{ledger}"'.encode() not in header:
            return None  # a cheap first pass, as in _read_check; the parse decides
        head = self._our_header(header)
        return None if head is None or head.get("ledger") != ledger else (head, body)

    def save_plan(
        self, ledger: str, problems: list[Diagnostic], file_count: int, incomplete: bool, summary: dict[str, Any]
    ) -> None:
        """Keep a check of the plan alone (a report's, ``in_year=False``) of the ledger with key
        ``ledger``, and its summary values, as ``save_check`` keeps a whole check."""
        if not self.enabled:
            return
        from budgetctl.loading.codec import encode_problem

        head = {"format": FORMAT, "key": self.key, "ledger": ledger, "files": file_count, "incomplete": incomplete}
        lines = [json.dumps(head), json.dumps(summary), *(json.dumps([p.file, *encode_problem(p)]) for p in problems)]
        write_own(self.plan_path, ("\n".join(lines) + "\n").encode())

    def save_check(
        self,
        ledger: str,
        problems: list[Diagnostic],
        file_count: int,
        incomplete: bool,
        figures: dict[str, dict[str, tuple[int, Decimal]]] | None = None,
        summary: dict[str, Any] | None = None,
    ) -> None:
        """Keep this run's whole check of the ledger with key ``ledger`` for the next run, with
        ``figures`` (per stream and year: allocations and money) and ``summary`` (what a summary
        of the streams needs) when the ledger was built (a check file that already holds exactly
        this is left alone; a damaged one is replaced)."""
        if not self.enabled or self.last_check(ledger) is not None:
            return
        head: dict[str, Any] = {
            "format": FORMAT,
            "key": self.key,
            "ledger": ledger,
            "files": file_count,
            "incomplete": incomplete,
        }
        if figures is not None:
            head["allocated"] = {s: {y: [n, str(a)] for y, (n, a) in years.items()} for s, years in figures.items()}
        from budgetctl.loading.codec import encode_problem

        lines = [json.dumps(head), *(json.dumps([p.file, *encode_problem(p)]) for p in problems)]
        data = ("\n".join(lines) + "\n").encode()
        write_own(self.check_path, data)
        self._check, self._check_head = _split_check(data), None  # what the next question reads
        if summary is not None:
            from budgetctl.loading import summaryvalues

            write_own(self.summary_path, summaryvalues.dumped(self.key, ledger, summary))

    def get(self, path: str, key: str) -> list[Any] | None:
        """``[loader problems, schema problems, project]`` stored for ``path`` with content
        ``key`` (kept for the next save), or None. Raises Malformed for a damaged line."""
        if not self.enabled:
            return None
        line = self._entries().get(path) if self._sparse is None else self._sparse_line(path, key)
        if line is None or line[2:66] != key.encode():
            return None
        from budgetctl.loading.codec import Malformed

        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            raise Malformed("line") from None
        if type(entry) is not list or len(entry) != 5 or entry[0] != key or entry[1] != path:
            raise Malformed("line")
        self._new[path] = line
        return entry[2:]

    def get_many(self, raws: list[RawFile]) -> list[list[Any] | None]:
        """``get`` of each file (None where no entry holds its content), the lines parsed in
        one call: a listing asks for every project file. Raises Malformed for a damaged line."""
        found: list[list[Any] | None] = [None] * len(raws)
        if not self.enabled:
            return found
        stored = self._entries()
        wanted = [i for i, raw in enumerate(raws) if stored.get(raw.path, b"")[2:66] == raw.digest.encode()]
        if not wanted:
            return found
        from budgetctl.loading.codec import Malformed

        lines = [stored[raws[i].path] for i in wanted]
        try:
            entries = json.loads(b"[" + b",".join(lines) + b"]")
        except (ValueError, RecursionError):
            raise Malformed("line") from None
        if len(entries) != len(wanted):  # a line that is not one whole value
            raise Malformed("line")
        for i, entry, line in zip(wanted, entries, lines, strict=True):
            raw = raws[i]
            if type(entry) is not list or len(entry) != 5 or entry[0] != raw.digest or entry[1] != raw.path:
                raise Malformed("line")
            self._new[raw.path] = line
            found[i] = entry[2:]
        return found

    def keep(self, path: str, key: str) -> None:
        """Carry the entry stored for ``path`` with content ``key``, unparsed, into the next save: a
        run that leaves a file unread (a report of the plan does not read the year's actuals)
        would otherwise forget the entry the next run needs. An entry for other content is not kept."""
        if not self.enabled:
            return
        line = self._entries().get(path)
        if line is not None and line[2:66] == key.encode():
            self._new[path] = line

    def put(self, path: str, key: str, entry: list[Any]) -> None:
        """Store ``[loader problems, schema problems, project]`` for ``path`` with content ``key``."""
        self._new[path] = _line(path, key, entry)
        self._changed = True

    def _header(self) -> bytes:
        """The first line of the entries file and of the file beside it."""
        return json.dumps({"format": FORMAT, "key": self.key}).encode()

    def spool(self) -> int | None:
        """A descriptor of the file ``save`` puts in place, opened for appending entry lines as they
        are made (``append_lines``: by this process or its forked workers; a whole check of 50,000
        files would otherwise hold some 30 MB of lines); None when it cannot be written (then
        ``hold_lines``). A worker that fails may have appended lines of files then checked again
        here: the same lines (the last one read wins), or one cut short, which makes the next run
        ignore the file, as any damaged line does."""
        if not self.enabled or self._sparse is not None:
            return None
        if self._spool is None:
            self._spool = Spool.open(self.path, self._header())
        return None if self._spool is None or self._spool.failed else self._spool.fd[0]

    def appended(self) -> None:
        """Lines were appended to ``spool``."""
        self._changed = True

    def hold_lines(self, lines: list[tuple[str, bytes]]) -> None:
        """Keep entry lines (``entry_line``, by path) until ``save``."""
        if self.enabled and lines:
            self._new.update(lines)
            self._changed = True

    def add(self, path: str, key: str, entry: list[Any]) -> None:
        """Keep one file's entry without writing the whole file: in the file beside it, which
        ``_read`` reads over it and ``save`` folds in (a run that checks a few files saves no
        more). Nothing when that file already holds ``MORE_MAX`` entries."""
        if not self.enabled or self._sparse is not None:
            return
        line = _line(path, key, entry)
        body = self._body(self.more_path)
        kept = [old for old in body if old[:2] == b'["' and old[66:69] == b'","' and not _same_path(old, path)]
        if len(kept) < MORE_MAX:
            write_own(self.more_path, b"\n".join([self._header(), *kept, line, b""]))

    def drop(self) -> None:
        """Forget everything read: an entry was malformed, so none of them is trusted."""
        self._old = {}
        self._new = {}
        self.decoded = {}
        self._changed = True
        if self._sparse is not None:
            self._sparse = b""  # nor any line found by a search

    def disable(self) -> None:
        """Stop caching for this run (something could not be encoded): nothing is written."""
        self.enabled = False

    def save(self) -> None:
        """Write the entries of this run's files (others are forgotten), if anything changed.
        A run that asked for no entry (its whole check came from ``last_check``) writes nothing."""
        spool, self._spool = self._spool, None
        if not self.enabled or (self._old is None and not self._changed) or self._sparse is not None:
            if spool is not None:
                spool.discard()
            return
        if not (self._changed or self._new.keys() != self._entries().keys()):
            if spool is not None:
                spool.discard()
            return
        if spool is not None:
            if not spool.finish(self.path, self._new.values()):
                return
        else:
            # One copy of the lines, no more.
            write_own(self.path, b"\n".join([self._header(), *self._new.values(), b""]))
        with contextlib.suppress(OSError):  # its entries were read over the file's, and kept if still used
            self.more_path.unlink()


def _same_path(line: bytes, path: str) -> bool:
    try:
        return bool(_scanstring(line[69:].decode("ascii"), 0)[0] == path)
    except ValueError:
        return True  # a damaged line: not kept


def _check_of(head: dict[str, Any], body: list[bytes]) -> tuple[list[Diagnostic], int, bool] | None:
    """The problems, file count and incompleteness a check file holds (None: damaged)."""
    count, incomplete = head.get("files"), head.get("incomplete")
    if type(count) is not int or type(incomplete) is not bool:
        return None
    lines = [line for line in body if line]
    if not lines:
        return [], count, incomplete
    from budgetctl.loading.codec import Malformed, decode_problem  # the models' module: only for problems

    try:
        problems = [decode_problem(json.loads(line)) for line in lines]
    except (ValueError, RecursionError, Malformed):
        return None
    return problems, count, incomplete


def _split_check(data: bytes) -> tuple[bytes, list[bytes]]:
    header, *body = data.split(b"\n")
    return header, body


def read_through_index(
    data: str | os.PathLike[str] | None,
    *,
    cache: bool = True,
    taken: dict[str, os.stat_result] | None = None,
    lean: bool = False,
) -> tuple[LedgerFiles, FileCache | None, StatIndex | None]:
    """Find the ledger (``discover.find_root``) and read it: through the stat index, which vouches
    for the files unchanged since they were read (those are not read again), unless ``cache`` is
    off (or BUDGETCTL_NO_CACHE, or CI). With the cache and the index, for the caller to save.
    ``taken``: the files' stat entries already taken (``warm.listing``), by path; ``lean``: see
    ``discover.read_ledger`` (for a check that wants only the problems), with the cache only: reading
    each file twice costs a run without one 15-20% more CPU for its memory."""
    from budgetctl.infra.gcpause import paused_gc
    from budgetctl.loading.discover import find_root, read_ledger

    root = find_root(data)
    cached = FileCache.open(root) if cache and not disabled_by_env() else None
    with paused_gc():  # an index entry and a file object per file, none in a cycle: see paused_gc
        index = cached.stat_index() if cached is not None else None
        return read_ledger(root, index, taken, lean=lean and cached is not None), cached, index


def ledger_key(files: LedgerFiles) -> str:
    """The content key of a whole ledger: what discovery refused, then every file's display
    path and content key (the SHA-256 of its bytes), in order (``key_of``)."""
    every = files.every_file()
    paths = [raw.path for raw in every]
    keys = "".join([raw.digest for raw in every]).encode("utf-8", "surrogateescape")
    problems = problems_part(files.problems)
    found = key_of(problems, paths_hash(paths), [keys], len(every))
    return found if found is not None else _spelled_out(problems, paths, [raw.digest for raw in every])


def problems_part(problems: list[Diagnostic]) -> bytes:
    """What discovery refused, as the ledger key holds it."""
    return b"".join([json.dumps(problem.as_json()).encode() + b"\n" for problem in problems])


def paths_hash(paths: list[str]) -> bytes:
    """The SHA-256 of the display paths in order, NUL between them; b"" when a path holds a NUL
    (none can: a name on disk or in a git tree cannot), as they could then run together."""
    joined = "\0".join(paths)
    if joined.count("\0") != max(len(paths) - 1, 0):
        return b""
    import hashlib

    return hashlib.sha256(joined.encode("utf-8", "surrogateescape")).digest()


def key_of(problems: bytes, paths: bytes, keys: list[bytes | bytearray], count: int) -> str | None:
    """The ledger key from its parts: discovery's problems (``problems_part``), the hash of the
    ``count`` files' display paths (``paths_hash``) and their content keys in order (in pieces
    of whole keys), each 64 ASCII characters: a check of a few changed files makes it from kept
    parts without a pass over every file. None when a part is not so (the key is spelled out)."""
    if len(paths) != 32 or sum(map(len, keys)) != 64 * count or not all(piece.isascii() for piece in keys):
        return None
    import hashlib

    whole = hashlib.sha256(problems)
    whole.update(b"%d\n" % count)
    whole.update(paths)
    for piece in keys:
        whole.update(piece)
    return whole.hexdigest()


def _spelled_out(problems: bytes, paths: list[str], keys: list[str]) -> str:
    """The ledger key of files whose paths or content keys ``key_of`` does not take: each path
    and key with its length, after a line that no key made by ``key_of`` starts its files with."""
    import hashlib

    whole = hashlib.sha256(problems)
    whole.update(b"spelled out\n")
    for path, key in zip(paths, keys, strict=True):
        for part in (path.encode("utf-8", "surrogateescape"), key.encode("utf-8", "surrogateescape")):
            whole.update(b"%d:" % len(part) + part)
    return whole.hexdigest()


# --- around the check: each file's check recalled by its content, or remembered --------


def recall(cache: FileCache | None, raws: list[RawFile], model: type) -> tuple[list[FileCheck | None], list[str]]:
    """Each file's check as the cache holds it for the file's content (None where it holds
    none), and the files' content keys (empty when nothing is to be stored this run)."""
    from budgetctl.loading.codec import Malformed, from_entry, model_decoder

    found: list[FileCheck | None] = [None] * len(raws)
    if cache is None or not cache.enabled:
        return found, []
    try:
        decode = model_decoder(model)
    except Malformed:  # a field type the cache cannot hold exactly: no caching this run
        cache.disable()
        return found, []
    keys = [raw.digest for raw in raws]
    try:
        for index, raw in enumerate(raws):
            # Rebuilt once per run: the other side of a diff holds the same file with the same key.
            known = cache.decoded.get((raw.path, keys[index]))
            if known is not None:
                found[index] = known
                continue
            entry = cache.get(raw.path, keys[index])
            if entry is not None:
                found[index] = cache.decoded[(raw.path, keys[index])] = from_entry(entry, raw.path, decode)
    except Malformed:
        cache.drop()  # one bad entry and none is trusted
        found = [None] * len(raws)
    return found, keys


def remember_alone(cache: FileCache, path: str, key: str, checked: FileCheck) -> None:
    """``remember`` for a run that checks a few files and writes no other entry (``FileCache.add``)."""
    from budgetctl.loading import codec

    try:
        cache.add(path, key, codec.to_entry(checked))
    except codec.Malformed:
        return


def _line(path: str, key: str, entry: list[Any]) -> bytes:
    """One file's entry as the entries file holds it: ASCII, one line."""
    return _COMPACT([key, path, *entry]).encode()


def _compact_encoder() -> Callable[[Any], str]:
    """``json.dumps(..., separators=(",", ":"))``, the same text, without making an encoder for every
    line: json's own C encoder, made once (an entry is fresh lists and dicts: no cycle to watch for)."""
    from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]

    encoder = json.JSONEncoder(separators=(",", ":"))
    if c_make_encoder is None:  # a Python without json's C speedups
        return encoder.encode
    chunks = c_make_encoder(None, encoder.default, encode_basestring_ascii, None, ":", ",", False, False, True)
    return lambda value: "".join(chunks(value, 0))


_COMPACT = _compact_encoder()


def entry_line(path: str, key: str, checked: FileCheck) -> bytes | bool:
    """The line ``FileCache.put`` stores for one file's check (made where the file was checked,
    a worker process too); False when the cache cannot hold it exactly (``remember`` then
    turns caching off for the run)."""
    from budgetctl.loading import codec

    try:
        entry = codec.to_entry(checked)
    except codec.Malformed:
        return False
    return _line(path, key, entry)


def remember(cache: FileCache, path: str, key: str, checked: FileCheck) -> None:
    """Keep one file's check; a value the cache cannot hold exactly turns caching off for the run."""
    from budgetctl.loading import codec

    if cache.enabled:
        try:
            cache.put(path, key, codec.to_entry(checked))
        except codec.Malformed:
            cache.disable()
