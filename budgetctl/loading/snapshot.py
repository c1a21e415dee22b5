"""The snapshot of the last whole check: what checking a few changed project files needs to know
about the files that did not change, without reading, decoding or validating them again.

Kept beside the cache of checked files (``loading.cache``), with the same care (ours, never a
link, never inside the ledger's repository; a damaged snapshot is ignored and rewritten) and
the same key (budgetctl's code), and written with every whole check of a ledger that has no
in-year files and no discovery problems. It holds:

- the ledger key of that check (the check file beside it holds its problems and figures),
- every project file's content key and display path, one line each (``F``), compared as
  lines with the files of the next run to find the files that changed, were added or removed,
- streams.yaml's content key and validated model (encoded as the cache encodes it, decoded
  held to the same rules), and the adjustment files' content keys,
- the project files that gave no valid project, how many valid projects allocate in each year,
- per stream id, its valid projects' allocations in path order (``S``): the aggregates that
  the cross-file rules (over-allocation per stream and year) need for the streams a change touches.

Every key is content: a file is "unchanged" only when its SHA-256 (or the stat index's entry,
re-hashed whenever it could be stale) is the one recorded.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from budgetctl.loading.codec import Malformed, decode_amount, encode_model, lazy_field, model_decoder
from budgetctl.loading.ownfiles import read_own, write_own
from budgetctl.model.records import StreamsFile

if TYPE_CHECKING:
    from pathlib import Path

    from budgetctl.model.ledger import ProjectEntry
    from budgetctl.model.source import RawFile

FORMAT = "budgetctl-snapshot 1"

Rows = list[tuple[str, dict[str, Decimal]]]  # (display path, allocations by year) in path order


def file_line(raw: RawFile) -> str:
    """A project file's line: its content key and display path (``ascii``: one printable line)."""
    return f"F {raw.digest} {raw.path!a}"


def file_lines(raws: list[RawFile]) -> list[str]:
    """``file_line`` of each file; when every path is printable ASCII without a quote or a
    backslash, each written as ``ascii`` would write it without calling it 10,000 times."""
    paths = [raw.path for raw in raws]
    joined = "".join(paths)
    if joined.isascii() and joined.isprintable() and "'" not in joined and "\\" not in joined:
        return [f"F {raw.digest} '{path}'" for path, raw in zip(paths, raws, strict=True)]
    return [file_line(raw) for raw in raws]


def _path_of(line: str) -> str:
    path = ast.literal_eval(line[67:])
    if line[:2] != "F " or type(path) is not str:
        raise Malformed("file line")
    return path


@dataclass
class Snapshot:
    head: dict[str, Any]
    files: list[str]  # file_line of every project file
    streams: dict[str, str]  # stream id -> its rows as JSON
    current: list[str] = field(default_factory=list)  # file_line of this run's files, once compared

    @property
    def ledger(self) -> str:
        return str(self.head["ledger"])

    def same_context(self, streams: RawFile, others: list[RawFile]) -> bool:
        """Whether streams.yaml and the other files (adjustments) are exactly those of the snapshot."""
        return self.head["streams"] == [streams.path, streams.digest] and self.head["others"] == [
            [raw.path, raw.digest] for raw in others
        ]

    def changes(self, projects: list[RawFile]) -> tuple[list[RawFile], list[str]]:
        """The project files changed or added since the snapshot, and the paths removed."""
        old = set(self.files)
        lines = self.current = file_lines(projects)
        changed = [raw for raw, line in zip(projects, lines, strict=True) if line not in old]
        kept = old.difference(lines)
        paths = {raw.path for raw in changed}
        return changed, [path for path in map(_path_of, kept) if path not in paths]

    def streams_file(self) -> StreamsFile:
        """streams.yaml's validated model, held to the rules a parsed value meets; each stream
        is decoded when first used (a change to a few projects reads their streams only)."""
        model = dict(self.head["model"])
        streams = lazy_field(StreamsFile, "streams", model.pop("streams", None))
        decoded = model_decoder(StreamsFile)({**model, "streams": {}})
        return dataclasses.replace(decoded, streams=streams)  # a read-only mapping where a dict was

    def rows(self, stream: str) -> Rows:
        """The valid projects of ``stream`` with their allocations, in path order."""
        text = self.streams.get(stream)
        if text is None:
            return []
        items = json.loads(text)
        if type(items) is not list:
            raise Malformed("rows")
        found: Rows = []
        for item in items:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str or type(item[1]) is not dict:
                raise Malformed("row")
            found.append((item[0], {_year(y): decode_amount(a) for y, a in item[1].items()}))
        return found

    def amounts(self, stream: str, year: str) -> list[Decimal]:
        """The allocations in ``year`` of the valid projects of ``stream``, in path order: ``rows``
        with only that year's amounts decoded (held to the same rules)."""
        text = self.streams.get(stream)
        if text is None:
            return []
        items = json.loads(text)
        if type(items) is not list:
            raise Malformed("rows")
        found = []
        for item in items:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str or type(item[1]) is not dict:
                raise Malformed("row")
            if year in item[1]:  # a JSON object's keys are text: no year to hold to its type
                found.append(decode_amount(item[1][year]))
        return found

    def stream_of(self, path: str) -> str | None:
        """The stream of the valid project in ``path`` at the snapshot (None: it had none)."""
        needle = json.dumps(path)
        for stream, text in self.streams.items():
            if needle in text and any(p == path for p, _ in self.rows(stream)):  # the text finds, the parse decides
                return stream
        return None


def _year(value: Any) -> str:
    if type(value) is not str:
        raise Malformed("year")
    return value


def _path(cache_path: Path) -> Path:
    return cache_path.with_suffix(".snap")


def read(cache_path: Path, code_key: str) -> Snapshot | None:
    """The snapshot kept beside the cache at ``cache_path``, if it is ours and whole."""
    data = read_own(_path(cache_path))
    if data is None:
        return None
    try:
        first, header, *lines = data.decode("ascii").split("\n")
        if first != f"{FORMAT} {code_key}" or not lines or lines.pop() != "":
            return None
        head = json.loads(header)
    except (ValueError, RecursionError):
        return None
    wanted = {"ledger": str, "streams": list, "others": list, "invalid": list, "years": dict, "model": dict}
    if type(head) is not dict or any(type(head.get(k)) is not t for k, t in wanted.items()):
        return None
    count = head.get("files")
    if type(count) is not int or not 0 <= count <= len(lines):
        return None
    files = lines[:count]  # the F lines, then the S lines: no line is looked at one by one here
    streams: dict[str, str] = {}
    for line in lines[count:]:
        kind, name, rows = [*line.split("\t", 2), "", ""][:3]
        try:
            stream = json.loads(name)
        except ValueError:
            return None
        if kind != "S" or type(stream) is not str:
            return None
        streams[stream] = rows
    return Snapshot(head, files, streams)


def encode_rows(rows: Rows) -> str:
    return json.dumps([[path, {y: str(a) for y, a in allocations.items()}] for path, allocations in rows])


def write(
    cache_path: Path,
    code_key: str,
    head: dict[str, Any],
    files: list[str],
    streams: dict[str, str],
) -> None:
    lines = [f"{FORMAT} {code_key}", json.dumps(dict(head, files=len(files))), *files]
    lines += [f"S\t{json.dumps(stream)}\t{rows}" for stream, rows in streams.items()]
    write_own(_path(cache_path), ("\n".join(lines) + "\n").encode("ascii"))


def write_whole(
    cache_path: Path,
    code_key: str,
    ledger: str,
    streams: RawFile,
    streams_file: StreamsFile,
    others: list[RawFile],
    projects: list[RawFile],
    entries: list[ProjectEntry],
) -> None:
    """The snapshot of a whole check: ``entries`` are the projects that validated, in path order."""
    try:
        model = encode_model(streams_file)
    except Malformed:  # a value the cache cannot hold exactly: no snapshot
        return
    valid = {entry.source.path for entry in entries}
    grouped: dict[str, Rows] = {}
    years: dict[str, int] = {}
    for entry in entries:
        grouped.setdefault(entry.project.stream, []).append((entry.source.path, entry.project.allocations))
        for year in entry.project.allocations:
            years[year] = years.get(year, 0) + 1
    head = {
        "ledger": ledger,
        "streams": [streams.path, streams.digest],
        "others": [[raw.path, raw.digest] for raw in others],
        "invalid": [raw.path for raw in projects if raw.path not in valid],
        "years": years,
        "model": model,
    }
    write(
        cache_path,
        code_key,
        head,
        file_lines(projects),
        {stream: encode_rows(rows) for stream, rows in grouped.items()},
    )
