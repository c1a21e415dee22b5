"""Loaded ledger files: plain values that remember where each one was written."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True, slots=True)
class RawFile:
    """A ledger file's display path and bytes, from disk or from a git revision: what is checked."""

    path: str
    data: bytes


@dataclass(slots=True)
class SourceFile:
    """One parsed ledger file: its display path, its text and its root mapping."""

    path: str
    text: str
    root: Mapping

    def locate(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """The (line, column) of the value at ``loc``, or of its key when ``key``.

        A path that runs off the tree (a missing key) stops at the deepest node
        that exists, which is the mapping lacking the key, as the spec asks.
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
