"""Canonical formatting of ledger files, proven safe before anything is written.

The layout (one way to write each file):

- keys in canonical order (the order of the fields of the kind's record in
  ``budgetctl.model.kinds``, read through ``budgetctl.model.shape``);
  keys budgetctl does not know follow, in the order they were written;
- financial years sorted, oldest first;
- money written one way: whole pounds without decimals (``250000.00`` ->
  ``250000``), otherwise with exactly two (``1234.5`` -> ``1234.50``);
- two spaces of indentation per level; lists of ids as flow lists ``[a, b]``;
- every comment and blank line kept: full-line comments and blank lines move
  with the key that follows them (or, indented under a mapping's last key, stay
  at the end of that mapping); an end-of-line comment stays on its line, two
  spaces after the value; trailing spaces and blank lines at the end go;
- line endings as the file's first line has them (LF or CRLF, as black does, so
  a Windows checkout with autocrlf passes ``--check``); a leading UTF-8 byte order
  mark is kept.

The emitter is written from our own parse of the small YAML subset the ledger
uses, not from ruamel's round-trip dump, which was observed to merge list items,
drop comments and flip layouts. A file outside what the emitter can rewrite
exactly (flow mappings holding lists, lists of mappings, comments inside a value
spanning several lines) is refused with a located problem rather than guessed at.
A block scalar (``|``/``>``) becomes the same text as one double-quoted line.

Every result passes a guard of five checks before it can be written:
input and output load under the strict subset, their values are equal (money
compared as Decimal, key order ignored only where fmt reorders), their comments
are the same multiset (counted by ruamel's scanner, an implementation
independent of ours), and formatting the output again changes nothing.
Otherwise the file is refused and nothing is written.
"""

from __future__ import annotations

import bisect
import functools
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import yaml

from budgetctl.diagnostics import Diagnostic
from budgetctl.loading.codes import CODES
from budgetctl.loading.codes import FMT_GUARD_FAILED as GUARD
from budgetctl.loading.codes import FMT_UNSUPPORTED as UNSUPPORTED
from budgetctl.loading.discover import RawFile
from budgetctl.loading.yamlsubset import parser_class, read_lines, strict_load
from budgetctl.model.money import MONEY_TEXT, parse_money
from budgetctl.model.periods import year_sort_key
from budgetctl.model.source import Mapping, Node, Scalar, SourceFile
from budgetctl.plainclass import dataclass, field

if TYPE_CHECKING:
    from budgetctl.edit.canonical import CanonicalSet
    from budgetctl.loading.statindex import StatIndex
    from budgetctl.model.shape import Shape

BOM = "\ufeff"
MODELINE = "# yaml-language-server:"  # the editor's schema line the README recommends
_YEAR = re.compile(r"[0-9]{4}/[0-9]{2}")


# --- which mappings fmt reorders, and where money is -------------------------


@dataclass
class _Layout:
    """Where, in one kind of file, keys have an order, keys are years, and values are money."""

    orders: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    year_maps: list[tuple[str, ...]] = field(default_factory=list)
    money: list[tuple[str, ...]] = field(default_factory=list)


@functools.cache
def _layout(kind: str) -> _Layout:
    """Read the layout off the records' shapes, so a field added there is ordered and normalised here too."""
    from budgetctl.model.kinds import by_name
    from budgetctl.model.shape import Shape

    layout = _Layout()
    record = by_name(kind).record
    if record is not None:
        _walk(Shape("record", record), (), layout)
    return layout


def _walk(shape: Shape, path: tuple[str, ...], layout: _Layout) -> None:
    from budgetctl.model.shape import fields

    meanings, base = shape.meanings(), shape.present()
    if "money" in meanings:
        layout.money.append(path)
    elif base.kind == "record":
        found = fields(base.type)
        layout.orders[path] = tuple(f.key for f in found)  # `class:` for variance_class
        for field in found:
            _walk(field.shape, (*path, field.key), layout)
    elif base.kind == "mapping":
        keys, values = base.items
        if "year" in keys.meanings():
            layout.year_maps.append(path)
        _walk(values, (*path, "*"), layout)


def _matches(path: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    return len(path) == len(pattern) and all(p == "*" or p == k for k, p in zip(path, pattern, strict=True))


def kind_of(path: str) -> str:
    """The name of the kind of ledger file at ``path`` (``model/kinds.py``): ``streams``,
    ``forecast``, ``adjustment``, ``actuals`` or ``project``."""
    from budgetctl.model.kinds import kind_of_path

    return kind_of_path(path).name


@functools.cache  # a handful of (kind, path) pairs, asked for every entry of every file
def _is_year_map(kind: str, path: tuple[str, ...]) -> bool:
    return any(_matches(path, p) for p in _layout(kind).year_maps)


@functools.cache  # a handful of (kind, path) pairs, asked for every entry of every file
def _key_order(kind: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
    for pattern, order in _layout(kind).orders.items():
        if _matches(path, pattern):
            return order
    return None


@functools.cache  # a handful of (kind, path) pairs, asked for every entry of every file
def reorders(kind: str, path: tuple[str, ...]) -> bool:
    """True for the mappings whose key order fmt decides."""
    return _is_year_map(kind, path) or _key_order(kind, path) is not None


@functools.cache  # a handful of (kind, path) pairs, asked for every entry of every file
def is_money(kind: str, path: tuple[str, ...]) -> bool:
    """True for the key paths whose values are money."""
    return any(_matches(path, p) for p in _layout(kind).money)


def canonical_money(amount: Decimal) -> str:
    """Money as fmt writes it: ``250000``, ``1234.50``."""
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.quantize(Decimal("0.01")), "f")


# Of the texts MONEY_TEXT accepts, those canonical_money writes back as they are: whole pounds
# without decimals, else exactly two decimals (not ``.00``). A test holds the two to each other.
CANONICAL_MONEY_TEXT = re.compile(r"(0|[1-9][0-9]{0,11})(\.(?!00)[0-9]{2})?")


def _sorted_keys(kind: str, path: tuple[str, ...], keys: list[str]) -> list[int]:
    """Indexes of ``keys`` in canonical order (stable for keys without a place)."""
    if _is_year_map(kind, path):
        # Well-formed years first, oldest first; anything else keeps its place after them.
        def rank(i: int) -> tuple[int, int]:
            key = keys[i]
            return (0, year_sort_key(key)) if _YEAR.fullmatch(key) else (1, i)

        return sorted(range(len(keys)), key=rank)
    order = _key_order(kind, path)
    if order is None:
        return list(range(len(keys)))
    place = {name: n for n, name in enumerate(order)}
    return sorted(range(len(keys)), key=lambda i: place.get(keys[i], len(order) + i))


# --- our own parse: event spans, then blocks of entries with their comments ---


class Unsupported(Exception):
    """A layout the emitter cannot rewrite exactly; str() says what to do instead."""

    def __init__(self, message: str, line: int, column: int = 0) -> None:
        super().__init__(message)
        self.line = line  # 0-based, converted at the edge
        self.column = column


@dataclass
class _Ev:
    """A node from the parser events, with its span (0-based lines and columns)."""

    kind: str  # "scalar", "seq" or "map"
    line: int
    column: int
    start: int
    end: int
    end_line: int
    value: str = ""
    quoted: bool = False
    block: bool = False  # a block scalar (| or >): rewritten as one double-quoted line
    flow: bool = False
    items: list = field(default_factory=list)  # seq: nodes; map: (key, value) pairs


@functools.lru_cache(maxsize=4)
def _parse(text: str) -> _Ev:
    """Build a span tree (the strict loader has already accepted the text): from the loader's
    line reader when the text is in its forms, else from parser events. Kept for the last few
    texts: the guard counts comments in, and formats again, the texts just formatted (a tree
    is a function of its text, and nothing changes a tree once built)."""
    root = _parse_lines(text)
    return root if root is not None else _parse_events(text)


def _parse_lines(text: str) -> _Ev | None:
    """The span tree of a text in the line reader's forms (``yamlsubset.read_lines``), else None.

    Every value there sits on one line, as written (no escapes), so each span is its
    position plus its length. The end of a block mapping is left 0: nothing reads it.
    """
    tree = read_lines(text)
    if tree is None:
        return None
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    line_end = [start + len(line) for start, line in zip(starts, lines, strict=True)]

    def span(node: Node) -> _Ev:
        line, column = node.line - 1, node.column - 1
        start = starts[line] + column
        if isinstance(node, Scalar):
            end = start + len(node.value) + (2 if node.quoted else 0)
            return _Ev("scalar", line, column, start, end, line, node.value, node.quoted)
        if isinstance(node, Mapping):
            items = [(span(node.keys_at[key]), span(value)) for key, value in node.items()]
            return _Ev("map", line, column, start, 0, 0, items=items)
        return _Ev("seq", line, column, start, line_end[line], line, flow=True, items=[span(item) for item in node])

    return span(tree)


def span_facts(node: _Ev) -> object:
    """What the reader uses of a span tree, as plain data (two parsers of one text must agree):
    everything but where a block mapping ends, which nothing reads."""
    block_map = node.kind == "map" and not node.flow
    end = (0, 0) if block_map else (node.end, node.end_line)
    items = [
        (span_facts(item[0]), span_facts(item[1])) if isinstance(item, tuple) else span_facts(item)
        for item in node.items
    ]
    return (node.kind, node.line, node.column, node.start, *end, node.value, node.quoted, node.block, node.flow, items)


def _parse_events(text: str) -> _Ev:
    """Build a span tree from parser events."""
    parser = parser_class()(text)
    stack: list[_Ev] = []
    pending_key: list[_Ev | None] = []
    root: _Ev | None = None
    try:
        while parser.check_event():
            event = parser.get_event()
            kind = type(event)
            start, end = event.start_mark, event.end_mark
            if kind is yaml.ScalarEvent:
                node = _Ev("scalar", start.line, start.column, start.index, end.index, end.line, event.value)
                node.quoted = event.style in ("'", '"', "|", ">")
                node.block = event.style in ("|", ">")
            elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                node = _Ev(
                    "seq" if kind is yaml.SequenceStartEvent else "map", start.line, start.column, start.index, 0, 0
                )
                node.flow = bool(event.flow_style)
            elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                done = stack.pop()
                pending_key.pop()
                done.end, done.end_line = end.index, end.line
                continue
            else:
                continue
            if not stack:
                root = node
            elif stack[-1].kind == "seq":
                stack[-1].items.append(node)
            elif pending_key[-1] is None:
                pending_key[-1] = node
            else:
                stack[-1].items.append((pending_key[-1], node))
                pending_key[-1] = None
            if node.kind != "scalar":
                stack.append(node)
                pending_key.append(None)
    finally:
        parser.dispose()
    assert root is not None  # the strict loader refuses empty files
    return root


@dataclass
class _Comment:
    """A comment as the lexer found it: where it starts, its text, and whether it has its line alone."""

    line: int
    column: int
    text: str
    full_line: bool


def _comments(text: str, lines: list[str], spans: list[tuple[int, int]]) -> list[_Comment]:
    """Every comment: a '#' outside every scalar's span, to the end of its line."""
    starts = [s for s, _ in spans]
    line_starts = [0]
    for row in lines[:-1]:
        line_starts.append(line_starts[-1] + len(row) + 1)
    found: list[_Comment] = []
    index = text.find("#")
    while index != -1:
        n = bisect.bisect_right(starts, index) - 1
        if n >= 0 and spans[n][0] <= index < spans[n][1]:
            index = text.find("#", spans[n][1])
            continue
        line = bisect.bisect_right(line_starts, index) - 1
        column = index - line_starts[line]
        content = lines[line]
        found.append(_Comment(line, column, content[column:].rstrip(), content[:column].strip() == ""))
        index = text.find("#", line_starts[line] + len(content))
    return found


@dataclass
class _Entry:
    """One key of a mapping as written, with its lines and, for a leaf, its value's text."""

    key: str  # the key as written (quotes kept)
    name: str  # the key's value
    line: int
    last_line: int  # the last line of a leaf's value; the key line for a mapping
    path: tuple[str, ...]
    scalar: list[str] | None = None  # the value's lines as written (first line, then continuations)
    flow: list[str] | None = None  # list items as written
    item_lines: list[int] | None = None  # a block list's item lines, for comments on its items
    item_eol: dict[int, str] = field(default_factory=dict)  # comments on list items: kept, list stays a block
    block: _Block | None = None
    inline: bool = False  # a flow mapping written out as a block: one value for comments
    value_line: int = -1  # where a leaf's value starts, when not on the key line
    parents: tuple[_Block, ...] = ()  # enclosing blocks, outermost first
    leading: list[str] = field(default_factory=list)  # "" for a blank line, else a comment
    eol: str | None = None
    mappings: bool = False  # ``flow`` holds one-line flow mappings, written as a block list


def _one_line_map(item: _Ev) -> bool:
    return (
        item.kind == "map"
        and item.flow
        and item.end_line == item.line
        and all(k.kind == "scalar" and v.kind == "scalar" for k, v in item.items)
    )


@dataclass
class _Block:
    """A mapping's entries at one indent, and the lines after its last entry."""

    path: tuple[str, ...]
    indent: int
    entries: list[_Entry] = field(default_factory=list)
    trailer: list[str] = field(default_factory=list)


class _Reader:
    """Turns the span tree into blocks of entries, then hangs comments and blank lines on them."""

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.kind = kind
        self.lines = text.split("\n")
        self.spans: list[tuple[int, int]] = []
        self.inside: set[int] = set()  # lines strictly inside a multi-line scalar
        self.entries: list[_Entry] = []

    def read(self) -> tuple[list[str], _Block]:
        root = _parse(self.text)
        if root.kind != "map" or root.flow:
            raise Unsupported("fmt needs a block mapping at the top of the file", root.line, root.column)
        block = self._block(root, (), ())
        self.spans.sort()
        self._attach(_comments(self.text, self.lines, self.spans))
        first = block.entries[0]
        # The comments that open the file stay at the top whichever key comes first after
        # formatting: a header (the comments up to the last blank line before the first key)
        # and the editor's modeline. A comment right above the first key goes with that key.
        blanks = [n for n, text in enumerate(first.leading) if text == ""]
        cut = blanks[-1] + 1 if blanks else 0
        modeline = [n for n, text in enumerate(first.leading) if text.startswith(MODELINE)]
        if modeline:
            cut = max(cut, modeline[-1] + 1)
        header, first.leading = first.leading[:cut], first.leading[cut:]
        while header and header[0] == "":
            header.pop(0)
        return header, block

    def _source(self, node: _Ev) -> str:
        self.spans.append((node.start, node.end))
        self.inside.update(range(node.line + 1, node.end_line))
        return self.text[node.start : node.end]

    def _block(self, node: _Ev, path: tuple[str, ...], parents: tuple[_Block, ...]) -> _Block:
        block = _Block(path, node.items[0][0].column if node.items else 0)
        inner = (*parents, block)
        for key, value in node.items:
            if key.end_line != key.line:
                raise Unsupported("a key written over several lines; write it on one line", key.line, key.column)
            entry = _Entry(self._source(key), key.value, key.line, key.line, (*path, key.value), parents=inner)
            block.entries.append(entry)
            self.entries.append(entry)
            self._value(entry, value, inner)
        return block

    def _value(self, entry: _Entry, value: _Ev, parents: tuple[_Block, ...]) -> None:
        if value.kind == "scalar" and value.block:
            # The same text as one double-quoted line (a JSON string is valid YAML), so the
            # value, and any comment around it, is kept exactly.
            self._source(value)
            entry.scalar = [json.dumps(value.value, ensure_ascii=False)]
            entry.value_line, entry.last_line = value.line, max(value.line, entry.line)
        elif value.kind == "scalar":
            text = self._source(value)
            if is_money(self.kind, entry.path) and not value.quoted and MONEY_TEXT.fullmatch(text):
                text = canonical_money(parse_money(text))
            lines = [line.rstrip() for line in text.split("\n")]
            entry.scalar = [lines[0]] + [line.strip() for line in lines[1:]] if text else []
            if text:  # an empty value's position is wherever the parser looked next
                entry.value_line, entry.last_line = value.line, max(value.end_line, entry.line)
        elif value.kind == "seq":
            items = []
            # A block list of one-line flow mappings ({up_to: 50000, approver: x}) is kept item by item.
            entry.mappings = bool(value.items) and not value.flow and all(_one_line_map(i) for i in value.items)
            for item in value.items:
                if entry.mappings:
                    items.append(self._source(item))
                    continue
                if item.kind != "scalar" or item.end_line != item.line:
                    what = "a list inside a list" if item.kind == "seq" else "a mapping inside a list"
                    if item.kind == "scalar":
                        what = "a list item written over several lines"
                    raise Unsupported(
                        f"{what} is not rewritten by fmt; write a flat list such as [a, b]", item.line, item.column
                    )
                items.append(self._source(item))
            entry.flow = items
            entry.item_lines = None if value.flow else [item.line for item in value.items]
            entry.value_line = value.line
            entry.last_line = max(value.end_line if value.flow else value.items[-1].end_line, entry.line)
        elif value.flow:
            entry.last_line = max(value.end_line, entry.line)
            if not value.items:
                entry.scalar = ["{}"]
                return
            # A flow mapping of plain values becomes a block mapping, one key a line.
            entry.block, entry.inline = _Block(entry.path, 0), True
            for key, item in value.items:
                if item.kind != "scalar" or key.end_line != key.line or item.end_line != item.line:
                    raise Unsupported(
                        "a flow mapping {...} holding lists, mappings or text over several lines is not "
                        "rewritten by fmt; write it as a block mapping, one key a line",
                        item.line,
                        item.column,
                    )
                child = _Entry(self._source(key), key.value, key.line, key.line, (*entry.path, key.value))
                self._value(child, item, ())
                entry.block.entries.append(child)
        else:
            entry.block = self._block(value, entry.path, parents)

    def _attach(self, comments: list[_Comment]) -> None:
        """Hang each comment and blank line on the entry or mapping it belongs to."""
        eol = {c.line: c for c in comments if not c.full_line}
        full = {c.line: c for c in comments if c.full_line}
        for entry in self.entries:
            for index, line in enumerate(entry.item_lines or ()):
                if line in eol and line != entry.line:
                    entry.item_eol[index] = eol.pop(line).text
            if (entry.block is not None and not entry.inline) or entry.item_eol:
                lines = {entry.line}
            else:  # a leaf: its last line, or its key line when the value starts below it
                lines = {entry.last_line} | ({entry.line} if entry.value_line > entry.line else set())
            own = sorted(n for n in lines if n in eol)
            if len(own) > 1:
                raise Unsupported(
                    "comments on two lines of one value; move one above the key", entry.last_line, eol[own[-1]].column
                )
            if own:
                entry.eol = eol.pop(own[0]).text
        if eol:
            stray = eol[min(eol)]
            raise Unsupported(
                "a comment inside a value written over several lines; move it above the key", stray.line, stray.column
            )
        by_line = {entry.line: entry for entry in self.entries}
        previous: _Entry | None = None
        buffered: list[_Comment | None] = []  # None for a blank line
        for number, content in enumerate(self.lines):
            if number in by_line:
                entry = by_line[number]
                self._place(buffered, previous, entry)
                buffered, previous = [], entry
                continue
            if number in self.inside:
                continue
            free: _Comment | None
            if number in full:
                free = full[number]
            elif content.strip() == "":
                free = None
            else:
                continue
            if previous is not None and (previous.block is None or previous.inline) and number <= previous.last_line:
                raise Unsupported(
                    "a comment or blank line inside a value written over several lines; move it above the key", number
                )
            buffered.append(free)
        self._place(buffered, previous, None)

    @staticmethod
    def _place(buffered: list[_Comment | None], previous: _Entry | None, following: _Entry | None) -> None:
        """Comments indented under the mappings that just ended stay with them; the rest go with ``following``."""
        if previous is None:
            closing: list[_Block] = []
        else:
            keep = following.parents if following is not None else ()
            closing = [b for b in reversed(previous.parents) if not any(b is k for k in keep)]
        targets = [b.trailer for b in closing] + [following.leading if following is not None else []]
        at, blanks = 0, 0
        for item in buffered:
            if item is None:
                blanks += 1
                continue
            while at < len(closing) and closing[at].indent > item.column:
                at += 1
            targets[at].extend([""] * blanks + [item.text])
            blanks = 0
        if following is not None:
            following.leading.extend([""] * blanks)


def _emit(header: list[str], root: _Block, kind: str) -> str:
    out = list(header)
    _emit_block(root, 0, kind, out)
    while out and out[0] == "":  # blank lines that moved to the top with their key
        out.pop(0)
    return "\n".join(out) + "\n"


def _emit_block(block: _Block, indent: int, kind: str, out: list[str]) -> None:
    pad = " " * indent
    names = [entry.name for entry in block.entries]
    for index in _sorted_keys(kind, block.path, names):
        entry = block.entries[index]
        out.extend(pad + text if text else "" for text in entry.leading)
        lines = [f"{pad}{entry.key}:"]
        if entry.scalar:
            lines[0] += " " + entry.scalar[0]
            lines.extend(" " * (indent + 2) + line if line else "" for line in entry.scalar[1:])
        elif entry.flow is not None and (entry.item_eol or entry.mappings):
            # Comments on list items are kept on their items, and a list of flow mappings is
            # written item by item: either list stays a block list.
            for number, item in enumerate(entry.flow):
                comment = entry.item_eol.get(number)
                lines.append(f"{pad}  - {item}" + (f"  {comment}" if comment else ""))
        elif entry.flow is not None:
            lines[0] += " [" + ", ".join(entry.flow) + "]"
        if entry.eol is not None:
            lines[0 if entry.block is not None or entry.item_eol else -1] += "  " + entry.eol
        out.extend(lines)
        if entry.block is not None:
            _emit_block(entry.block, indent + 2, kind, out)
    out.extend(pad + text if text else "" for text in block.trailer)


# --- the formatter and its guard ---------------------------------------------


@dataclass
class Formatted:
    """One file's result: the canonical bytes, or None and the problems when refused."""

    path: str
    original: bytes
    output: bytes | None
    problems: list[Diagnostic]

    @property
    def changed(self) -> bool:
        return self.output is not None and self.output != self.original


def _split(data: bytes) -> tuple[bool, str, str] | None:
    """(had a BOM, newline, text with LF line ends), or None when it is not UTF-8."""
    bom = data.startswith(BOM.encode())
    try:
        text = data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        return None
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    return bom, newline, text.replace("\r\n", "\n").replace("\r", "\n")


def _render(data: bytes, kind: str) -> bytes:
    """The canonical bytes of an accepted file; raises Unsupported."""
    parts = _split(data)
    assert parts is not None  # the strict loader accepted it
    bom, newline, text = parts
    header, root = _Reader(text, kind).read()
    out = _emit(header, root, kind)
    return (BOM if bom else "").encode() + out.replace("\n", newline).encode()


def format_file(data: bytes, path: str, kind: str | None = None) -> Formatted:
    """Format one file's bytes; refused (output None) with located problems when unsafe."""
    kind = kind or kind_of(path)
    if kind == "actuals":
        return _format_actuals(data, path)
    source, problems = strict_load(data, path)
    if problems:
        return Formatted(path, data, None, problems)
    if source is not None and source.by_lines and _canonical_as_read(source, kind):
        return Formatted(path, data, data, [])
    try:
        output = _render(data, kind)
    except Unsupported as exc:
        return Formatted(path, data, None, [UNSUPPORTED.at(str(exc), path, exc.line + 1, exc.column + 1)])
    if output == data:
        # Nothing to write, and the guard holds by itself: the input loaded above, the values and
        # comments are the input's own, and formatting the output again is formatting the input.
        return Formatted(path, data, output, [])
    failure = guard(data, output, path, kind, source)
    if failure:
        return Formatted(path, data, None, [GUARD.at(f"nothing written: {failure}", path)])
    return Formatted(path, data, output, [])


def _canonical_as_read(source: SourceFile, kind: str) -> bool:
    """Whether a file the line reader read is already canonical, from its tree alone: it is
    exactly its key lines (no comment, no blank line) with two spaces a level, one space after
    each colon, keys in canonical order, money written as fmt writes it and lists as ``[a, b]``.
    Such a text is what the reader and emitter give back for it; anything else (False) goes
    through them. Only a file the line reader read qualifies: there each value is its source
    text on its line (no escapes, nothing after it), as the emitter writes it."""
    lines = source.text.split("\n")
    out: list[str] = []
    if not _canonical_lines(source.root, (), "", kind, lines, out):
        return False
    return "\n".join(out) + "\n" == source.text


@functools.lru_cache(maxsize=4096)  # files of one kind mostly repeat a few key sequences
def _in_order(kind: str, path: tuple[str, ...], names: tuple[str, ...]) -> bool:
    return _sorted_keys(kind, path, list(names)) == list(range(len(names)))


@functools.cache  # a handful of (kind, path) pairs, asked for every mapping of every file
def _money_keys(kind: str, path: tuple[str, ...]) -> tuple[frozenset[str], bool]:
    """The keys of the mapping at ``path`` whose values are money (``is_money``), and whether every key's is."""
    names: set[str] = set()
    every = False
    for pattern in _layout(kind).money:
        if len(pattern) == len(path) + 1 and _matches(path, pattern[:-1]):
            every = every or pattern[-1] == "*"
            names.add(pattern[-1])
    return frozenset(names), every


def _canonical_lines(
    mapping: Mapping, path: tuple[str, ...], pad: str, kind: str, lines: list[str], out: list[str]
) -> bool:
    """Append the canonical lines of ``mapping``; False when its keys or money are not canonical."""
    if not _in_order(kind, path, tuple(mapping)):
        return False
    money, every = _money_keys(kind, path)
    append = out.append
    for name, value in mapping.items():
        if isinstance(value, Scalar):
            written = lines[value.line - 1][value.column - 1 :] if value.value or value.quoted else ""
            if written != written.rstrip():
                return False  # the emitter trims a value's end (a no-break space too)
            if (
                (every or name in money)
                and not value.quoted
                and not CANONICAL_MONEY_TEXT.fullmatch(written)
                and MONEY_TEXT.fullmatch(written)
            ):
                return False  # money the emitter writes another way
            append(f"{pad}{name}: {written}" if written else f"{pad}{name}:")
        elif isinstance(value, Mapping):
            append(f"{pad}{name}:")
            if not _canonical_lines(value, (*path, name), pad + "  ", kind, lines, out):
                return False
        else:
            items = [item.value for item in value if isinstance(item, Scalar) and not item.quoted]
            if len(items) != len(value):
                return False
            append(f"{pad}{name}: [{', '.join(items)}]")
    return True


def _format_actuals(data: bytes, path: str) -> Formatted:
    """An actuals file in canonical form: rows sorted by date then reference, money with two
    decimals, LF, quotes only where needed. Refused when the file has any problem, or when
    the output would not read back to the same rows."""
    from budgetctl.loading.actuals import format_actuals, read_actuals
    from budgetctl.model.kinds import year_of_folder

    parts = PurePosixPath(path).parts
    year = year_of_folder(parts[-2]) if len(parts) >= 2 else None
    if year is None:
        return Formatted(path, data, None, [UNSUPPORTED.at("an actuals file sits in a YYYY-YY folder", path)])
    rows, problems = read_actuals(data, path, year)
    if problems:
        return Formatted(path, data, None, problems)
    output = format_actuals(rows)
    again, found = read_actuals(output, path, year)
    if found or sorted(r.cells() for r in again) != sorted(r.cells() for r in rows) or format_actuals(again) != output:
        return Formatted(path, data, None, [GUARD.at("nothing written: the rows would not read back the same", path)])
    return Formatted(path, data, output, [])


def guard(original: bytes, output: bytes, path: str, kind: str, loaded: SourceFile | None = None) -> str | None:
    """The guard's five checks (see the module's docstring); a reason to refuse, or None when the output is safe.
    ``loaded``: what ``strict_load`` gave for ``original`` without a problem, when the caller has it already
    (the loader is a function of the bytes and the path: loading them again gives the same tree)."""
    before, problems = (loaded, []) if loaded is not None else strict_load(original, path)
    if before is None or problems:
        return "the input is not in the YAML subset"
    after, problems = strict_load(output, path)
    if after is None or problems:
        return "the output would not load"
    if _values(before.root, (), kind) != _values(after.root, (), kind):
        return "the output's values differ from the input's"
    try:
        if _comments_differ(before.text, after.text):
            return "the output's comments differ from the input's"
    except Exception as exc:  # ruamel's scanner has crash sites of its own
        return f"the comments could not be counted ({type(exc).__name__})"
    try:
        again = _render(output, kind)
    except Unsupported:
        return "the output cannot be formatted again"
    if again != output:
        return "formatting the output again would change it (unstable layout)"
    return None


def _values(node: Node, path: tuple[str, ...], kind: str) -> object:
    """A comparable form of the values: money as Decimal, key order only where it is kept."""
    if isinstance(node, Scalar):
        if is_money(kind, path) and not node.quoted and MONEY_TEXT.fullmatch(node.value):
            return ("money", parse_money(node.value))
        return ("text", node.quoted, node.value)
    if isinstance(node, Mapping):
        items = [(key, _values(value, (*path, key), kind)) for key, value in node.items()]
        return ("map", sorted(items, key=lambda item: item[0]) if reorders(kind, path) else items)
    return ("list", [_values(item, path, kind) for item in node])


def _comments_differ(before: str, after: str) -> bool:
    """Whether the two texts' comments differ as multisets.

    Two readings independent of the emitter and of each other count them: a lexer of
    the YAML the ledger uses (``lexed_comments``) and every ``#`` outside libyaml's
    scalar spans. When both agree on both texts, their answer stands; otherwise
    ruamel's scanner (a third implementation, about ten times slower) decides.
    """
    lexed = [lexed_comments(before), lexed_comments(after)]
    try:
        spans = [_span_comments(before), _span_comments(after)]
    except Unsupported:
        spans = []
    if lexed == spans:
        return lexed[0] != lexed[1]
    return comments(before) != comments(after)


# Characters that can change the lexer's state on a line (outside a quoted scalar).
_LEXED = ("#", "'", '"', "[", "]", "{", "}")


def lexed_comments(text: str) -> Counter[str]:
    """The multiset of comments in ``text`` (``#`` to the end of its line, trailing spaces
    dropped), found by a lexer that tracks quoted scalars (over several lines too) and
    flow collections: a ``#`` starts a comment at the start of a line, after a space or tab,
    or right after a closing quote or bracket, outside a quoted scalar."""
    found: Counter[str] = Counter()
    quote = ""  # the quote of the quoted scalar we are in, if any
    depth = 0  # flow collections open
    for line in text.split("\n"):
        if not quote and not any(mark in line for mark in _LEXED):
            continue  # nothing here can start a comment, a quote or a flow collection
        start = True  # where a scalar may begin: the line's start, after an indicator
        closed = -1  # the index right after a closing quote or bracket
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if quote:
                if c == "\\" and quote == '"':
                    i += 2
                    continue
                if c == quote:
                    if quote == "'" and i + 1 < n and line[i + 1] == "'":
                        i += 2
                        continue
                    quote, closed = "", i + 1
                i += 1
                continue
            if c == "#" and (i == 0 or line[i - 1] in " \t" or closed == i):
                found[line[i:].rstrip()] += 1
                break
            if c in " \t":
                pass
            elif c in "'\"" and start:
                quote, start = c, False
            elif c in "[{" and start:
                depth += 1
            elif c in "]}" and depth:
                depth, start, closed = depth - 1, False, i + 1
            elif (c == "," and depth) or (c in "-?:" and (i + 1 == n or line[i + 1] in " \t") and (c == ":" or start)):
                start = True
            else:
                start = False  # inside a plain scalar
            i += 1
    return found


def _span_comments(text: str) -> Counter[str]:
    """The multiset of comments in ``text``: every ``#`` outside libyaml's scalar spans, to the end of its line."""
    spans: list[tuple[int, int]] = []
    pending = [_parse(text)]
    while pending:
        node = pending.pop()
        if node.kind == "scalar":
            spans.append((node.start, node.end))
        elif node.kind == "seq":
            pending.extend(node.items)
        else:
            for key, value in node.items:
                pending += [key, value]
    spans.sort()
    return Counter(c.text for c in _comments(text, text.split("\n"), spans))


def comments(text: str) -> Counter[str]:
    """The multiset of comments in ``text``, as ruamel's scanner sees them."""
    from ruamel.yaml import YAML

    found: Counter[str] = Counter()

    def collect(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                collect(item)
        elif value is not None and type(value).__name__ == "CommentToken":
            for line in str(value.value).split("\n"):  # type: ignore[attr-defined]
                line = line.strip()
                if line.startswith("#"):
                    found[line.rstrip()] += 1

    # YAML allows a tab before a comment; ruamel's scanner stops at one. The comment's
    # own text (from '#') is what is counted, so the tab can be a space here.
    text = re.sub(r"\t+(?=#)", " ", text)
    for token in YAML(typ="rt", pure=True).scan(text):
        collect(getattr(token, "_comment", None))
    return found


# --- which files ---------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A file to format: where it is, how it is shown, and its bytes (read on first use when
    the stat index vouched for the file, then checked against its content key). A file of the
    ledger gives its folder and display base instead of its path, which is worked out only
    for a file written (a path per file cost more than checking a canonical file)."""

    given: Path | None
    shown: str
    raw: RawFile
    ledger: tuple[Path, str] | None = None  # (the ledger folder, its display base)

    @property
    def path(self) -> Path:
        if self.given is not None:
            return self.given
        from budgetctl.loading.discover import disk_path

        assert self.ledger is not None
        return disk_path(self.ledger[0], self.shown, self.ledger[1])

    @property
    def data(self) -> bytes:
        return self.raw.data

    @property
    def key(self) -> str:
        """The SHA-256 of the bytes."""
        return self.raw.digest


def ledger_targets(root: Path, index: StatIndex | None = None) -> tuple[list[Target], list[Diagnostic]]:
    """streams.yaml and every project file of the ledger at ``root``, as discovery reads them."""
    from budgetctl.loading.discover import display_base, read_ledger

    files = read_ledger(root, index)
    raws = ([files.streams] if files.streams else []) + files.projects
    raws += files.in_year.get("actuals", []) + files.in_year.get("adjustment", []) + files.in_year.get("forecast", [])
    ledger = (root, display_base(root))  # once: it resolves paths, which cost more than formatting a canonical file
    return [Target(None, raw.path, raw, ledger) for raw in raws], list(files.problems)


def path_targets(paths: list[Path]) -> tuple[list[Target], list[Diagnostic]]:
    """The files named, and the .yaml/.yml files under the folders named (links are never followed)."""
    from budgetctl.infra.atomic import WriteRefused, read_for_update
    from budgetctl.loading.discover import PROJECT_SUFFIXES
    from budgetctl.loading.yamlsubset import MAX_FILE_BYTES

    found: list[Target] = []
    problems: list[Diagnostic] = []
    seen: set[str] = set()  # a file named twice (or as x and ./x) is formatted, and reported, once
    for given in paths:
        if given.is_dir() and not given.is_symlink():
            files = sorted(p for p in given.rglob("*") if p.name.endswith(PROJECT_SUFFIXES) and not _linked(p, given))
        else:
            files = [given]
        for path in files:
            shown = path.as_posix()
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            try:
                if path.lstat().st_size > MAX_FILE_BYTES:
                    problems.append(CODES["Y015"].at(f"the file is larger than {MAX_FILE_BYTES:,} bytes", shown))
                    continue
                found.append(Target(path, shown, RawFile(shown, read_for_update(path))))
            except (OSError, WriteRefused) as exc:
                problems.append(CODES["Y001"].at(f"not formatted: {exc}", shown))
    return found, problems


def _linked(path: Path, top: Path) -> bool:
    """True when ``path`` or a folder between it and ``top`` is a symbolic link."""
    while path != top:
        if path.is_symlink():
            return True
        path = path.parent
    return False


# --- the run: format each file, write what changed --------------------------------------


@dataclass
class Outcome:
    """One file of a run: its result (None when the kept verdict says the file would be
    reformatted and only that was asked), and why writing it failed (None when it did not)."""

    target: Target
    result: Formatted | None
    write_error: str | None = None

    @property
    def changed(self) -> bool:
        return self.result is None or self.result.changed


def format_targets(
    targets: list[Target], *, write: bool, canonical: CanonicalSet | None = None, verdict_only: bool = False
) -> Iterator[Outcome]:
    """Format each file and, with ``write``, replace each one that changed (atomically, only
    if it still holds the bytes read); yields each file's outcome as it is done. A file that
    ``canonical`` holds as canonical (these bytes at this path formatted to themselves before)
    is skipped, and with ``verdict_only`` (``fmt --check``) so is the formatting of a file it
    holds as reformatted cleanly; each file's verdict now is added to it."""
    from budgetctl.edit.canonical import CHANGES, SAME
    from budgetctl.infra.atomic import WriteRefused, write_atomic

    for target in targets:
        kind = kind_of(target.shown)
        if canonical is not None:
            if canonical.known(kind, target.key, target.shown, SAME):
                continue
            if verdict_only and canonical.known(kind, target.key, target.shown, CHANGES):
                yield Outcome(target, None)
                continue
        result = format_file(target.data, target.shown, kind)
        outcome = Outcome(target, result)
        if canonical is not None and result.output is not None:
            canonical.add(kind, target.key, target.shown, CHANGES if result.changed else SAME)
        if write and result.changed and result.output is not None:
            try:
                write_atomic(target.path, result.output, expected=target.data)
            except WriteRefused as exc:
                outcome.write_error = str(exc)
        yield outcome


def unified_diff(target: Target, output: bytes) -> list[str]:
    """The change to one file as a unified diff (``a/``, ``b/`` prefixes for relative paths)."""
    import difflib

    from budgetctl.diagnostics import printable

    before, after = (_diff_lines(b) for b in (target.data, output))
    a, b = ("", "") if Path(target.shown).is_absolute() else ("a/", "b/")
    name = printable(target.shown)  # a file name is shown, never obeyed
    return list(difflib.unified_diff(before, after, a + name, b + name))


def _diff_lines(data: bytes) -> list[str]:
    lines = data.decode("utf-8", "replace").splitlines(keepends=True)
    return [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]


def valid_as_written(data: bytes, path: str) -> bool:
    """Whether a project file or streams.yaml loads and validates as it is: such a file, if fmt
    cannot rewrite its layout, is left as written rather than failing `fmt --check`."""
    from budgetctl.loading.checks import check_file
    from budgetctl.loading.discover import RawFile
    from budgetctl.model.records import Project, StreamsFile

    kind = kind_of(path)
    if kind not in ("project", "streams"):
        return False
    checked = check_file(RawFile(path, data), StreamsFile if kind == "streams" else Project)
    return checked.project is not None and not checked.load_problems and not checked.schema_problems
