"""Loaded ledger files: plain values that remember where each one was written."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from budgetctl.diagnostics import UserError
from budgetctl.plainclass import dataclass

# The largest ledger file read (discovery refuses a larger one, Y015).
MAX_FILE_BYTES = 5_000_000


class Scalar:
    """A scalar exactly as written: its text, whether it was quoted, and its position.

    YAML's own typing never decides a value: ``no`` stays the text "no" and
    ``1234.10`` stays "1234.10" until budgetctl converts it.
    """

    __slots__ = ("column", "line", "quoted", "value")

    def __init__(self, value: str, line: int, column: int, quoted: bool) -> None:
        self.value = value
        self.line = line
        self.column = column
        self.quoted = quoted

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.value in ("", "~", "null", "Null", "NULL")

    def __repr__(self) -> str:
        return f"Scalar({self.value!r}, {self.line}:{self.column}{', quoted' if self.quoted else ''})"


class Mapping(dict[str, "Node"]):
    """A mapping of key text to value, with the mapping's position and each key's node."""

    __slots__ = ("column", "keys_at", "line")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.keys_at: dict[str, Scalar] = {}


class Sequence(list["Node"]):
    """A list of values, with its position."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column


Node = Scalar | Mapping | Sequence


class FileChanged(UserError):
    """A file's bytes, read when first needed, are not the bytes its content key was made from."""


def digest(data: bytes) -> str:
    """The content key of one file: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


class RawFile:
    """A ledger file's display path and bytes, from disk or from a git revision: what is checked.

    A file that the stat index vouches for (``budgetctl.loading.statindex``) is not
    read by discovery: it comes with its content key and a ``load`` that reads it
    (given by discovery: the model does no I/O), called on first use; the bytes are
    refused (FileChanged) unless they hash to that key.
    """

    __slots__ = ("_data", "_digest", "_load", "path")

    def __init__(
        self,
        path: str,
        data: bytes | None = None,
        *,
        key: str | None = None,
        load: Callable[[], bytes | None] | None = None,
    ) -> None:
        if data is None and (key is None or load is None):
            raise ValueError("a file without its bytes needs its content key and a way to read it")
        self.path = path
        self._data = data
        self._digest = key
        self._load = load

    @property
    def data(self) -> bytes:
        if self._data is None:
            assert self._load is not None
            again = self._load()
            if again is None or digest(again) != self._digest:
                raise FileChanged(f"{self.path} changed while budgetctl was reading the ledger; run it again")
            self._data = again
        return self._data

    @property
    def digest(self) -> str:
        """The content key (computed from the bytes when discovery did not already know it)."""
        if self._digest is None:
            self._digest = digest(self.data)
        return self._digest

    @property
    def was_read(self) -> bool:
        return self._data is not None

    def release(self) -> None:
        """Drop the bytes when they can be read again (``load``, checked against the content key):
        a check that goes a frame of files at a time then holds only the frame's bytes."""
        if self._load is not None:
            self._data = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawFile):
            return NotImplemented
        return self.path == other.path and self.digest == other.digest

    def __hash__(self) -> int:
        return hash((self.path, self.digest))

    def __repr__(self) -> str:
        return f"RawFile({self.path!r}, {self.digest[:12]})"


@dataclass(slots=True)
class SourceFile:
    """One parsed ledger file: its display path, its text and its root mapping; ``by_lines``
    when the loader's line reader read it (then every value sits on one line, as written)."""

    path: str
    text: str
    root: Mapping
    by_lines: bool = False

    def locate(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """The (line, column) of the value at ``loc``, or of its key when ``key``.

        A path that runs off the tree (a missing key) stops at the deepest node
        that exists, which is the mapping lacking the key: where the author adds it.
        """
        return position(self.root, loc, key=key)


def position(root: Node, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
    node: Node = root
    key_node: Scalar | None = None
    for part in loc:
        if part == "[key]" and key_node is not None:
            return key_node.line, key_node.column
        if isinstance(node, Mapping) and isinstance(part, str) and part in node:
            key_node = node.keys_at[part]
            node = node[part]
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node):
            key_node = None
            node = node[part]
        else:
            break
    else:
        if key and key_node is not None:
            return key_node.line, key_node.column
    return node.line, node.column


def plain(node: Node) -> object:
    """The node as plain Python (text, lists, dicts), for comparisons and exports."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Mapping):
        return {k: plain(v) for k, v in node.items()}
    return [plain(v) for v in node]


def tree_facts(node: Node | None) -> object:
    """Every fact a reader records about a tree (values, quoting, each node's and each key's
    position), as plain data: two readers of the same text must give equal facts."""
    if node is None or isinstance(node, Scalar):
        return None if node is None else ("scalar", node.value, node.quoted, node.line, node.column)
    if isinstance(node, Mapping):
        entries = [(key, tree_facts(node.keys_at[key]), tree_facts(value)) for key, value in node.items()]
        return ("mapping", node.line, node.column, entries)
    return ("list", node.line, node.column, [tree_facts(item) for item in node])
