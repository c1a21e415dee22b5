"""The strict YAML subset budgetctl reads, built from parser events.

Accepted: one UTF-8 document (one optional leading BOM) of block or flow
mappings and sequences, plain and quoted scalars, and comments. Refused, each
with its own code and position: directives, anchors and aliases, merge keys,
explicit tags, further documents, non-string keys, duplicate keys, control,
bidi and zero-width characters, nesting deeper than MAX_DEPTH, lines and
scalars longer than MAX_SCALAR characters, more than MAX_NODES values. Files over MAX_FILE_BYTES are
refused before they are read (``loading/discover.py``).

Scalars stay text (``Scalar``), so YAML's typing never decides a value. Any
exception inside the parser becomes a located problem, never a traceback:
fuzzing found a dozen non-YAMLError crash sites in YAML parsers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, TypeGuard

from budgetctl.diagnostics import FORBIDDEN, Diagnostic, describe_char, printable
from budgetctl.loading.codes import CODES
from budgetctl.loading.utf8 import decode_utf8
from budgetctl.model.source import MAX_FILE_BYTES as MAX_FILE_BYTES  # kept here for its readers
from budgetctl.model.source import Mapping, Node, Scalar, Sequence, SourceFile

MAX_DEPTH = 32
MAX_SCALAR = 10_000
MAX_PROBLEMS_PER_FILE = 50
# Values (scalars, mappings and lists) in one file. A 500-stream streams.yaml holds about
# 21,000; a flow list of one-letter items packs one per 2 bytes, 2.45 million in 4.9 MB,
# which once took a minute and 360 MB to check. Counted in the event loop, so the
# refusal comes before the rest of the file is parsed or anything is built from it.
MAX_NODES = 100_000

# Anchored at line starts: unanchored, the search tried every position of a long line again
# (4.9 MB of 8,000-character lines took 35 s).
_LONG_LINE = re.compile(f"^[^\n]{{{MAX_SCALAR + 1}}}", re.MULTILINE)
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_NULL_KEYS = frozenset(("", "~", "null", "Null", "NULL"))
# Styles that make a scalar explicit text: quotes, and block scalars (| and >), which
# YAML never reads as a number or true/false either.
_QUOTED = ("'", '"', "|", ">")
_FORBIDDEN_VALUE = re.compile(f"[\r{FORBIDDEN.pattern[1:-1]}]")


@cache
def parser_class() -> type:
    """libyaml's C parser (PyYAML's pure-Python one where libyaml is missing).

    Imported on first use: a run served from the cache never parses YAML.
    """
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Problems(list[Diagnostic]):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.warnings: list[Diagnostic] = []  # kept apart: a warning does not stop the file loading
        self.by_lines = False  # the line reader built the tree

    def add(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        if len(self) < MAX_PROBLEMS_PER_FILE:
            self.append(CODES[code].at(message, self.path, line, column))

    def warn(self, code: str, message: str, line: int, column: int) -> None:
        if len(self.warnings) < MAX_PROBLEMS_PER_FILE:
            self.warnings.append(CODES[code].at(message, self.path, line, column))


def decode(data: bytes, problems: _Problems) -> str | None:
    """Strict UTF-8 with one optional leading BOM; the first bad byte is located."""
    return decode_utf8(data, problems, "Y003", "UTF-8", refuse_nuls=True)


def _tag_text(tag: str) -> str:
    """The tag as it was written: ``!!python/object`` rather than its resolved URI."""
    prefix = "tag:yaml.org,2002:"
    return printable("!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _prescan(text: str, problems: _Problems) -> bool:
    """Checks on the raw text, before any parser sees it; False if it must not be parsed."""
    for match in FORBIDDEN.finditer(text):
        line, column = _line_col(text, match.start())
        problems.add(
            "Y012",
            f"forbidden character {describe_char(match.group())} (control, bidi or invisible); delete it",
            line,
            column,
        )
    long_line = _LONG_LINE.search(text)
    if long_line:
        line, _ = _line_col(text, long_line.start())
        problems.add("Y014", f"line longer than {MAX_SCALAR:,} characters; shorten it", line, 1)
    for match in _DIRECTIVE.finditer(text):
        line, _ = _line_col(text, match.start())
        problems.add("Y008", "YAML directives (lines starting with %) are not allowed; delete the line", line, 1)
    return not problems


def strict_load(data: bytes, path: str) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Load one ledger file: a ``SourceFile`` when it is in the subset, and its problems."""
    problems = _Problems(path)
    text = decode(data, problems)
    if text is None or not _prescan(text, problems):
        return None, problems
    try:
        root = _build(text, problems)
        by_lines = problems.by_lines
    except RecursionError:
        problems.add("Y013", f"nesting deeper than {MAX_DEPTH} levels")
        return None, problems
    except Exception as exc:
        if not _is_syntax_error(exc):  # the parser's own bugs must not reach the user as tracebacks
            problems.add("Y017", f"the YAML parser failed ({type(exc).__name__}); simplify the YAML near here")
            return None, problems
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        slip = explain_slip(text, line, reason)
        if slip:
            message, line, column = slip
            problems.add("Y002", message, line, column)
        else:
            problems.add("Y002", f"YAML syntax error: {reason}{context}", line, column)
        return None, problems
    if problems:
        return None, problems
    problems.extend(problems.warnings)
    if not isinstance(root, Mapping):
        if root is None or (isinstance(root, Scalar) and root.is_null):
            problems.add("Y016", "the file is empty; it must hold a mapping of keys to values")
        else:
            kind = "a list" if isinstance(root, Sequence) else "a single value"
            problems.add(
                "Y016", f"the file holds {kind}; it must hold a mapping of keys to values", root.line, root.column
            )
        return None, problems
    return SourceFile(path, text, root, by_lines), problems


def _is_syntax_error(exc: Exception) -> TypeGuard[Any]:
    """Whether libyaml refused the text (PyYAML is imported only when its parser ran)."""
    import yaml

    return isinstance(exc, yaml.MarkedYAMLError)


NBSP = "\u00a0"
_TAB_INDENT = re.compile(r"^[ ]*\t")
_COLON_IN_VALUE = re.compile(r"^(?P<indent>[ ]*)(?P<key>[^\s:#'\"][^:#]*?):[ ]+(?P<value>[^'\"\[{].*?:(?:[ ]|$).*)$")


def visible(line: str) -> str:
    """A source line for a message, with its tabs and non-breaking spaces named."""
    return printable(line.replace("\t", "<tab>").replace(NBSP, "<U+00A0>"))


def explain_slip(text: str, line: int, reason: str) -> tuple[str, int, int] | None:
    """The commonest typing slips behind a YAML syntax error, said in words with the fix.

    Returns (message, line, column), or None when the error is none of them.
    """
    lines = text.split("\n")
    # A tab or a non-breaking space on the error's line or the line above it
    # (the parser often notices one line late).
    for number in (line, line - 1):
        if not 1 <= number <= len(lines):
            continue
        source = lines[number - 1]
        if _TAB_INDENT.match(source):
            column = source.index("\t") + 1
            return (
                f"a tab is used for indentation on line {number} (column {column}): {visible(source.strip())!r}; "
                "YAML indents with spaces only: replace the tab with spaces",
                number,
                column,
            )
        if NBSP in source:
            column = source.index(NBSP) + 1
            return (
                f"a non-breaking space (U+00A0, as pasted from Word or Outlook) on line {number}: "
                f"{visible(source.strip())!r}; YAML needs an ordinary space there: delete it and type a space",
                number,
                column,
            )
    if "mapping values are not allowed" in reason and 1 <= line <= len(lines):
        match = _COLON_IN_VALUE.match(lines[line - 1])
        if match:
            key, value = match["key"], match["value"].rstrip()
            quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            return (
                f"the value of {printable(key)!r} contains ': ', which YAML reads as the start of another key; "
                f"put the text in quotes: {printable(key)}: {printable(quoted)}",
                line,
                len(match["indent"]) + len(key) + 3,
            )
    return None


# A plain value followed on its line by a comment that starts with '#' and a
# non-space, as in `title: Project #2 for youth`: the author meant the '#' as text.
_CUT_AT_HASH = re.compile(r"[ \t]+#([^\s#].*)$")


def _check_cut_at_hash(text: str, event: object, problems: _Problems) -> None:
    start, end = event.start_mark, event.end_mark  # type: ignore[attr-defined]
    if start.line != end.line:
        return
    line_end = text.find("\n", end.index)
    rest = text[end.index : len(text) if line_end < 0 else line_end]
    match = _CUT_AT_HASH.match(rest)
    if not match:
        return
    value = event.value  # type: ignore[attr-defined]
    whole = f"{value}{rest}".rstrip()
    quoted = '"' + whole.replace("\\", "\\\\").replace('"', '\\"') + '"'
    problems.warn(
        "Y019",
        f"the text was cut at '#': it reads {printable(value)!r}, and {printable('#' + match[1].rstrip())!r} "
        f"is taken as a comment; to keep the '#', put the whole value in quotes: {printable(quoted)}",
        start.line + 1,
        start.column + 1,
    )


def _build(text: str, problems: _Problems) -> Node | None:
    """Build the tree: by the line reader when every line is in its narrow form, else from
    libyaml's events (which also finds and places every problem)."""
    root = read_lines(text)
    if root is None:
        return _build_events(text, problems)
    problems.by_lines = True
    return root


# The line reader: the layout nearly every ledger file has (block mappings of plain
# keys, one-line plain or quoted values, flow lists of plain ids, comments), read with
# one regular expression and no parser events, about a third of libyaml's cost. Each
# accepted form is one whose YAML meaning is unambiguous, and the tree is the one the
# event path builds (same values, quoting and positions; the fuzzers compare the two).
# Anything else (block lists, multi-line or escaped values, tabs, CR, '#' after a
# value, a duplicate or null key, odd indentation, the limits) returns None and goes
# to the event path, which refuses or reads it exactly as before.
_ITEM = r"[A-Za-z0-9_][A-Za-z0-9_./-]*"
_LINES = re.compile(
    rf"""^(?:
        (?P<indent>[ ]*)(?P<key>[A-Za-z0-9_][A-Za-z0-9_./-]{{0,255}}):
        (?:(?P<gap>[ ]+)(?:
            (?P<plain>[^\s\-?:,\[\]{{}}\#&*!|>'"%@`][^\#:\n]*(?::(?=[^\s\#])[^\#:\n]*)*(?<![ ]))
            | (?P<single>'[^'\n]*')
            | (?P<double>"[^"\\\n]*")
            | (?P<flow>\[[ ]*(?:{_ITEM}(?:[ ]*,[ ]*{_ITEM})*)?[ ]*\])
        ))?
        | [ ]*(?:\#.*)?
    )$""",
    re.MULTILINE | re.VERBOSE,
)
_FLOW_ITEM = re.compile(_ITEM)
# Characters libyaml reads as breaks or refuses, or that change how a line reads (the
# prescan refuses most of them before any reader runs; this reader never relies on it).
_NOT_SIMPLE = re.compile("[\t\r\x85\u2028\u2029\ufeff\ufffe\uffff]")
_MAX_SIMPLE_DEPTH = 8


def read_lines(text: str) -> Mapping | None:
    """The tree of a file wholly in the line reader's forms, else None."""
    if _NOT_SIMPLE.search(text) or text.count("\n") >= MAX_NODES:
        return None
    lines = _LINES.findall(text)
    if len(lines) != text.count("\n") + 1:  # a line in no accepted form
        return None
    root: Mapping | None = None
    current = Mapping(1, 1)  # replaced by the root at the first key
    indent_now = 0
    opened: list[tuple[int, Mapping]] = []  # the mappings enclosing ``current``
    waiting: Scalar | None = None  # a key written with nothing after its colon
    nodes = 0
    for number, (spaces, key, gap, plain, single, double, flow) in enumerate(lines, 1):
        if not key:  # a blank or comment line
            continue
        indent = len(spaces)
        if root is None:
            if indent:
                return None
            root = current = Mapping(number, 1)
            nodes = 1
        elif waiting is not None:
            if indent > indent_now:  # the key's value is the mapping starting here
                if len(opened) >= _MAX_SIMPLE_DEPTH:
                    return None
                child = Mapping(number, indent + 1)
                current[waiting.value] = child
                opened.append((indent_now, current))
                current, indent_now = child, indent
                nodes += 1
            else:
                current[waiting.value] = _empty_value(waiting)
                nodes += 1
            waiting = None
        if indent != indent_now:
            if indent > indent_now:  # a value running on, or a stray indent
                return None
            while opened and indent < indent_now:
                indent_now, current = opened.pop()
            if indent != indent_now:
                return None
        if key in current or key in _NULL_KEYS:
            return None
        key_node = Scalar(key, number, indent + 1, False)
        current.keys_at[key] = key_node
        nodes += 2
        column = indent + len(key) + len(gap) + 2
        node: Node
        if plain:
            node = Scalar(plain, number, column, False)
        elif single or double:
            node = Scalar((single or double)[1:-1], number, column, True)
        elif flow:
            node = Sequence(number, column)
            for item in _FLOW_ITEM.finditer(flow):
                node.append(Scalar(item[0], number, column + item.start(), False))
            nodes += len(node)
            if nodes > MAX_NODES:
                return None
        else:
            waiting = key_node
            nodes -= 1
            continue
        current[key] = node
    if waiting is not None:
        current[waiting.value] = _empty_value(waiting)
    return root if nodes <= MAX_NODES else None


def _empty_value(key: Scalar) -> Scalar:
    """The empty value of a key written with nothing after its colon, placed just after the colon."""
    return Scalar("", key.line, key.column + len(key.value) + 1, False)


def _build_events(text: str, problems: _Problems) -> Node | None:
    """Build the tree from parser events with an explicit stack (no recursion)."""
    root: Node | None = None
    # Each frame: [container, key awaiting its value (mapping only), key is invalid]
    stack: list[list] = []
    documents = 0
    import yaml

    nodes = 0
    # Looked up once: searching the whole text at every scalar made a large file quadratic.
    has_hash = "#" in text
    parser = parser_class()(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mark = event.start_mark
                line, column = mark.line + 1, mark.column + 1
                nodes += 1
                if nodes > MAX_NODES:
                    problems.add(
                        "Y015",
                        f"more than {MAX_NODES:,} values in one file; split the data into one file per project",
                        line,
                        column,
                    )
                    return None
                if event.anchor is not None:
                    problems.add(
                        "Y006",
                        f"anchor &{printable(event.anchor)} is not allowed; write the value out in full",
                        line,
                        column,
                    )
                if event.tag is not None:
                    problems.add(
                        "Y005",
                        f"tag {_tag_text(event.tag)} is not allowed; budgetctl never builds objects "
                        "from tags: remove it",
                        line,
                        column,
                    )
                node: Node
                if kind is yaml.ScalarEvent:
                    value = event.value
                    node = Scalar(value, line, column, event.style in _QUOTED)
                    if not event.style and value and has_hash:
                        _check_cut_at_hash(text, event, problems)
                    if len(value) > MAX_SCALAR:
                        problems.add("Y014", f"value longer than {MAX_SCALAR:,} characters; shorten it", line, column)
                    if event.style == '"':
                        # A carriage return only gets into a value through the "\\r" escape
                        # (the parser reads a raw one as a line break): refused with the rest.
                        bad = _FORBIDDEN_VALUE.search(value)
                        if bad:
                            problems.add(
                                "Y012",
                                f"escaped forbidden character {describe_char(bad.group())} "
                                "(control, bidi or invisible); delete it",
                                line,
                                column,
                            )
                elif kind is yaml.MappingStartEvent:
                    node = Mapping(line, column)
                else:
                    node = Sequence(line, column)
                if stack:
                    _attach(stack[-1], node, problems)
                else:
                    root = node
                if kind is not yaml.ScalarEvent:
                    if len(stack) >= MAX_DEPTH:
                        problems.add(
                            "Y013", f"nesting deeper than {MAX_DEPTH} levels; flatten the structure", line, column
                        )
                        return None
                    stack.append([node, None, False])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.AliasEvent:
                mark = event.start_mark
                problems.add(
                    "Y006",
                    f"alias *{printable(event.anchor)} is not allowed; write the value out in full",
                    mark.line + 1,
                    mark.column + 1,
                )
                if stack:
                    _attach(stack[-1], Scalar("", mark.line + 1, mark.column + 1, False), problems)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    problems.add(
                        "Y009",
                        "a second YAML document is not allowed; keep one document per file",
                        mark.line + 1,
                        mark.column + 1,
                    )
                    return root
    finally:
        parser.dispose()
    return root


def _attach(frame: list, node: Node, problems: _Problems) -> None:
    container = frame[0]
    if isinstance(container, Sequence):
        container.append(node)
        return
    key = frame[1]
    if key is None and not frame[2]:
        # This node is a key.
        if not isinstance(node, Scalar) or (not node.quoted and node.value in _NULL_KEYS):
            what = "a list" if isinstance(node, Sequence) else "a mapping" if isinstance(node, Mapping) else "null"
            problems.add("Y011", f"a key must be plain text, found {what}", node.line, node.column)
            frame[2] = True
            return
        if node.value == "<<" and not node.quoted:
            problems.add("Y007", "merge keys (<<) are not allowed; write every key out in full", node.line, node.column)
            frame[2] = True
            return
        first = container.keys_at.get(node.value)
        if first is not None:
            problems.add(
                "Y004",
                f"duplicate key {printable(node.value)!r}: first written on line {first.line}; delete one of the two",
                node.line,
                node.column,
            )
            frame[2] = True
            return
        frame[1] = node
        return
    if frame[2]:
        frame[2] = False
        return
    container[key.value] = node
    container.keys_at[key.value] = key
    frame[1] = None
