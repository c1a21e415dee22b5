"""Check one ledger file: a function of its bytes alone (the cache and the worker pool wrap it)."""

from __future__ import annotations

import re
from typing import Any

from budgetctl.diagnostics import FORBIDDEN, Diagnostic
from budgetctl.loading.yamlsubset import (
    _FLOW_ITEM,
    _LINES,
    _NULL_KEYS,
    MAX_NODES,
    MAX_SCALAR,
    _Problems,
    decode,
    strict_load,
)
from budgetctl.model.records import Project, StreamsFile
from budgetctl.model.source import RawFile, Scalar
from budgetctl.plainclass import dataclass


@dataclass(slots=True)
class FileCheck:
    """What the loader and schema stages found in one file (a project file, or streams.yaml)."""

    load_problems: list[Diagnostic]
    schema_problems: list[Diagnostic] | None  # None: the file did not load
    project: Any  # the model (Project or StreamsFile); None: it did not load or is invalid


def check_file(raw: RawFile, model: type[Project] | type[StreamsFile], *, accept: bool = False) -> FileCheck:
    """Load one file and validate it as ``model``. With ``accept``, a valid one is first built
    without pydantic (``accept.builder``, which gives exactly the validator's record or None), for
    a file a run reads alone: importing pydantic and building its validator costs many files'
    work. Anything else is validated, with the same problems."""
    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    if accept:
        from budgetctl.loading.accept import builder

        value = builder(model)(source.root)
        if value is not None:
            return FileCheck(load_problems, [], value)
    from budgetctl.loading.schema import validate  # the validator: only when a file must be checked

    value, schema_problems = validate(model, source)
    return FileCheck(load_problems, schema_problems, value)


def check_project_alone(raw: RawFile) -> FileCheck:
    """``check_project`` of one of a few files: a valid project is built without pydantic."""
    return check_file(raw, Project, accept=True)


def check_streams(raw: RawFile) -> FileCheck:
    """Load and validate streams.yaml, a valid one without pydantic: a ledger whose files are
    all valid then never imports it. A valid one in the line reader's forms and one-line flow
    mappings (``plain_nested``) is also read without the parser: its values are the tree's."""
    from budgetctl.loading.accept import builder

    problems = _Problems(raw.path)
    text = decode(raw.data, problems)
    root = None if text is None else plain_nested(text)
    value = None if root is None else builder(StreamsFile)(root)
    if value is not None:  # the prescan finds nothing in a text plain_nested reads (as in quick_project)
        return FileCheck(problems, [], value)
    return check_file(raw, StreamsFile, accept=True)


def check_project(raw: RawFile) -> FileCheck:
    """Load and validate one project file."""
    # Its short texts are already the objects other projects hold (``records.shared``).
    return quick_project(raw) or check_file(raw, Project)


def quick_project(raw: RawFile) -> FileCheck | None:
    """``check_file(raw, Project)`` of a valid project file in the line reader's plainest forms,
    built straight from the lines' values (``plain_record``): no tree of positioned nodes and no
    pydantic, which a valid file does not need (a problem's position is read again from the
    bytes). None for anything else, and whenever the record is not sure: the whole check then
    finds and places every problem."""
    text = _plain_utf8(raw.data)
    problems: list[Diagnostic] = []
    if text is None:
        problems = _Problems(raw.path)
        text = decode(raw.data, problems)
    project = None if text is None else plain_record(text, Project)
    # A text the record was read from leaves the loader's prescan nothing to find: no forbidden
    # character, no line over MAX_SCALAR characters (the text is not that long), and no
    # directive (a line starting with % is in no form the line reader takes).
    return None if project is None else FileCheck(problems, [], project)


# What the loader refuses anywhere (``FORBIDDEN``) and what the line reader leaves to the event
# path (``yamlsubset._NOT_SIMPLE``): a text with neither is searched once.
_NOT_PLAIN = re.compile(f"[{FORBIDDEN.pattern[1:-1]}\t\r\x85\u2028\u2029\ufeff\ufffe\uffff]")
# Printable ASCII and the line break: none is in _NOT_PLAIN, so a text of these alone has none of
# its characters, found without the search (deleting them from the bytes leaves nothing).
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n"


def _not_plain(text: str) -> bool:
    """Whether ``text`` has a character ``_NOT_PLAIN`` finds."""
    if text.isascii() and not text.encode().translate(None, _PRINTABLE_ASCII):
        return False
    return _NOT_PLAIN.search(text) is not None


def plain_tree(text: str) -> dict[str, Any] | None:
    """The values ``yamlsubset.read_lines`` reads from ``text``, as plain dicts and lists of
    ``Scalar`` (without positions), for a file of top-level keys and mappings one level deep
    whose every key has a value; None for anything else (read_lines may still read it)."""
    # Not over MAX_SCALAR characters: then no line is too long, and every count of lines and
    # values stays under the loader's limits.
    if len(text) > MAX_SCALAR or _NOT_PLAIN.search(text):
        return None
    lines = _LINES.findall(text)
    if len(lines) != text.count("\n") + 1:  # a line in no accepted form
        return None
    root: dict[str, Any] = {}
    current = root
    inner = 0  # the indent of the keys of the mapping being read; 0 at the top
    waiting = ""  # a top-level key written with nothing after its colon
    for spaces, key, _, plain, single, double, flow in lines:
        if not key:  # a blank or comment line
            continue
        indent = len(spaces)
        if waiting:
            if not indent:  # an empty value: not a project's
                return None
            current = root[waiting] = {}
            inner, waiting = indent, ""
        elif indent != inner:
            if indent:  # a stray indent, or deeper than one level
                return None
            current, inner = root, 0
        if key in current or key in _NULL_KEYS:
            return None
        value = _value(plain, single, double, flow)
        if value is not None:
            current[key] = value
        elif current is root:
            waiting = key
        else:
            return None
    return root if root and not waiting else None


def _value(plain: str, single: str, double: str, flow: str) -> Scalar | list[Scalar] | None:
    """The value a line of the line reader's forms gives after its key (its plain, quoted or
    flow-sequence part, as ``_LINES`` matched it), or None when nothing follows the colon."""
    if plain:
        return Scalar(plain, 0, 0, False)
    if single or double:
        return Scalar((single or double)[1:-1], 0, 0, True)
    if flow:
        return [Scalar(item, 0, 0, False) for item in _FLOW_ITEM.findall(flow)]
    return None


def plain_record(text: str, model: type[Any]) -> Any:
    """``accept.builder(model)(plain_tree(text))`` without the tree: each top-level value is
    given to its field's function as its line is read (a mapping's once it closes), so a file
    is walked once. The same functions on the same values: the same record, or None."""
    parts = _PARTS.get(model)
    if parts is None:
        from budgetctl.loading.accept import record_parts

        parts = _PARTS[model] = record_parts(model)
    try:
        return _plain_record(text, *parts)
    except Exception:  # a function was unsure or refused: the validator says why
        return None


_PARTS: dict[type, Any] = {}  # each model's ``accept.record_parts``, looked up once a run


def _plain_utf8(data: bytes) -> str | None:
    """What ``yamlsubset.decode`` gives, without a problem, for bytes with no byte order mark and
    no NUL that are UTF-8; None for any other bytes (``decode`` reads them)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _plain_record(text: str, by_key: Any, start: list[Any], finish: Any) -> Any:
    # As in plain_tree: each step below returns None where plain_tree would, or where the
    # builder would be unsure (a key the record does not have).
    if len(text) > MAX_SCALAR or _not_plain(text):
        return None
    lines = _LINES.findall(text)
    if len(lines) != text.count("\n") + 1:  # a line in no accepted form
        return None
    values = start.copy()
    seen: set[str] = set()  # the top-level keys read
    current: dict[str, Any] | None = None  # the mapping one level deep being read; None at the top
    into: Any = None  # the (position, function) of that mapping's key
    inner = 0  # the indent of the keys of the mapping being read; 0 at the top
    waiting: Any = None  # the (position, function) of a top-level key written with nothing after its colon
    for spaces, key, _, plain, single, double, flow in lines:
        if not key:  # a blank or comment line
            continue
        indent = len(spaces)
        if waiting is not None:
            if not indent:  # an empty value: not a project's
                return None
            current, into, inner, waiting = {}, waiting, indent, None
        elif indent != inner:
            if indent:  # a stray indent, or deeper than one level
                return None
            values[into[0]] = into[1](current)  # the mapping is closed: its key's value
            current, inner = None, 0
        if key in _NULL_KEYS:
            return None
        if current is None:
            if key in seen:
                return None
            seen.add(key)
            found = by_key.get(key)
            if found is None:  # a key the record does not have
                return None
            value = _value(plain, single, double, flow)
            if value is not None:
                values[found[0]] = found[1](value)
            else:
                waiting = found
        else:
            if key in current:
                return None
            value = _value(plain, single, double, flow)
            if value is None:
                return None
            current[key] = value
    if waiting is not None or not seen:
        return None
    if current is not None:
        values[into[0]] = into[1](current)
    return finish(values)


# A flow mapping of ids to one-line plain texts, on one line: ``npu: {coventry: Coventry, dudley:
# Dudley}``. Each text is words of letters, digits and ``_./()&'-`` joined by single spaces, the first
# starting with a letter or digit: in a flow mapping YAML reads such a text as it is written.
_WORDS = r"[A-Za-z0-9][A-Za-z0-9_./()&'-]*(?:[ ][A-Za-z0-9(][A-Za-z0-9_./()&'-]*)*"
_PAIR = rf"([A-Za-z0-9_][A-Za-z0-9_./-]*):[ ]+({_WORDS})"
_FLOW_MAP_LINE = re.compile(
    rf"([ ]*)([A-Za-z0-9_][A-Za-z0-9_./-]{{0,255}}):([ ]+)\{{[ ]*({_PAIR}(?:[ ]*,[ ]*{_PAIR})*)[ ]*\}}"
)
_PAIRS = re.compile(_PAIR)
_DEPTH = 8  # as the line reader: deeper files take the parser


def plain_nested(text: str) -> dict[str, Any] | None:
    """The values ``yamlsubset.strict_load`` reads from ``text``, as plain dicts and lists of
    ``Scalar`` (without positions), for a file of block mappings in the line reader's forms
    (``read_lines``, whose steps this follows) and one-line flow mappings (``_FLOW_MAP_LINE``);
    None for anything else, which the loader reads and checks."""
    if _not_plain(text) or text.count("\n") >= MAX_NODES:
        return None
    root: dict[str, Any] | None = None
    current: dict[str, Any] = {}
    indent_now = 0
    opened: list[tuple[int, dict[str, Any]]] = []  # the mappings enclosing ``current``
    waiting: str | None = None  # a key written with nothing after its colon
    nodes = 0
    for line in text.split("\n"):
        if len(line) > MAX_SCALAR:  # the loader refuses it
            return None
        found = _LINES.fullmatch(line)
        pairs = None
        if found is not None:
            spaces, key, _, plain, single, double, flow = found.groups("")
        else:
            found = _FLOW_MAP_LINE.fullmatch(line)
            if found is None:  # a line in no accepted form
                return None
            spaces, key = found[1], found[2]
            plain = single = double = flow = ""
            pairs = _PAIRS.findall(found[4])
        if not key:  # a blank or comment line
            continue
        indent = len(spaces)
        if root is None:
            if indent:
                return None
            root = current
            nodes = 1
        elif waiting is not None:
            if indent > indent_now:  # the key's value is the mapping starting here
                if len(opened) >= _DEPTH:
                    return None
                child: dict[str, Any] = {}
                current[waiting] = child
                opened.append((indent_now, current))
                current, indent_now = child, indent
                nodes += 1
            else:  # an empty value: no record field takes one
                return None
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
        nodes += 2
        if pairs is not None:
            mapping = {}
            for name, words in pairs:
                if name in mapping or name in _NULL_KEYS:
                    return None
                mapping[name] = Scalar(words, 0, 0, False)
            current[key] = mapping
            nodes += 2 * len(mapping)
        elif (value := _value(plain, single, double, flow)) is not None:
            current[key] = value
            nodes += len(value) if isinstance(value, list) else 0
        else:
            waiting = key
            nodes -= 1
            continue
        if nodes > MAX_NODES:
            return None
    if waiting is not None or root is None or nodes > MAX_NODES:
        return None
    return root
