"""Check one ledger file: a function of its bytes alone (the cache and the worker pool wrap it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from budgetctl.diagnostics import FORBIDDEN, Diagnostic
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.records import Project, StreamsFile
from budgetctl.model.source import RawFile, Scalar


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
    all valid then never imports it."""
    return check_file(raw, StreamsFile, accept=True)


def check_project(raw: RawFile) -> FileCheck:
    """Load and validate one project file."""
    # Its short texts are already the objects other projects hold (``records.shared``).
    return quick_project(raw) or check_file(raw, Project)


def quick_project(raw: RawFile) -> FileCheck | None:
    """``check_file(raw, Project)`` of a valid project file in the line reader's plainest forms,
    built straight from the lines' values (``plain_tree``) by ``accept.builder``: no tree of
    positioned nodes and no pydantic, which a valid file does not need (a problem's position is
    read again from the bytes). None for anything else, and whenever the record is not sure:
    the whole check then finds and places every problem."""
    from budgetctl.loading.accept import builder
    from budgetctl.loading.yamlsubset import _Problems, decode

    problems = _Problems(raw.path)
    text = decode(raw.data, problems)
    root = None if text is None else plain_tree(text)
    project = None if root is None else builder(Project)(root)
    # A text the tree was read from leaves the loader's prescan nothing to find: no forbidden
    # character, no line over MAX_SCALAR characters (the text is not that long), and no
    # directive (a line starting with % is in no form the line reader takes).
    return None if project is None else FileCheck(problems, [], project)


# What the loader refuses anywhere (``FORBIDDEN``) and what the line reader leaves to the event
# path (``yamlsubset._NOT_SIMPLE``): a text with neither is searched once.
_NOT_PLAIN = re.compile(f"[{FORBIDDEN.pattern[1:-1]}\t\r\x85\u2028\u2029\ufeff\ufffe\uffff]")


def plain_tree(text: str) -> dict[str, Any] | None:
    """The values ``yamlsubset.read_lines`` reads from ``text``, as plain dicts and lists of
    ``Scalar`` (without positions), for a file of top-level keys and mappings one level deep
    whose every key has a value; None for anything else (read_lines may still read it)."""
    from budgetctl.loading.yamlsubset import _FLOW_ITEM, _LINES, _NULL_KEYS, MAX_SCALAR

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
        if plain:
            current[key] = Scalar(plain, 0, 0, False)
        elif single or double:
            current[key] = Scalar((single or double)[1:-1], 0, 0, True)
        elif flow:
            current[key] = [Scalar(item, 0, 0, False) for item in _FLOW_ITEM.findall(flow)]
        elif current is root:
            waiting = key
        else:
            return None
    return root if root and not waiting else None
