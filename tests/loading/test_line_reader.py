"""The loader's line reader against libyaml's event path.

Most ledger files are read by one regular expression per file (``read_lines``)
instead of libyaml's events. That is only a shortcut if it can never lie: every
file it accepts must give exactly the tree the event path gives (values, quoting
and every position) with no problem found, and everything else must go to the
event path, which refuses or reads it as before.
"""

from __future__ import annotations

import random

import pytest

from budgetctl.loading import yamlsubset
from budgetctl.loading.yamlsubset import MAX_NODES, _build_events, _prescan, _Problems, read_lines, strict_load
from budgetctl.model.source import tree_facts
from tests.conftest import REPO

GENERATED = """\
# A comment line
title: Support and youth project 1
stream: stream-0001
lead: Commissioning Manager 8
provider: Provider 0395 Community Trust
priorities: [fair-and-effective-justice, b]
description: Generated benchmark project 1; delivers support, youth [and] other services,here:{x}.
notes: 'quoted #text'
other: "double"
empty:
allocations:
  2023/24: 171448.79
  # inside
  2024/25: 142039

  deeper:
      x: café au lait
last: [ ]
"""


def _events(text: str) -> tuple[object, list]:
    problems = _Problems("p.yaml")
    root = _build_events(text, problems)
    return tree_facts(root), [*problems, *problems.warnings]


def _agrees(text: str) -> bool:
    """True when the line reader accepts ``text``; fails the test if it then differs from the events."""
    fast = read_lines(text)
    if fast is None:
        return False
    assert _prescan(text, _Problems("p.yaml")), "strict_load refuses this text before any reader sees it"
    facts, problems = _events(text)
    assert problems == [], (text, problems)
    assert tree_facts(fast) == facts, text
    return True


def test_the_line_reader_reads_a_typical_file_as_libyaml_does() -> None:
    assert _agrees(GENERATED)
    assert _agrees(GENERATED.rstrip("\n"))  # no newline at the end


def test_a_typical_file_never_reaches_the_event_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, problems: _Problems) -> None:
        raise AssertionError("the event path was used")

    monkeypatch.setattr(yamlsubset, "_build_events", refuse)
    source, problems = strict_load(GENERATED.encode(), "p.yaml")
    assert source is not None and problems == []
    assert source.root["allocations"]["2023/24"].value == "171448.79"


@pytest.mark.parametrize(
    "text",
    [
        "a: b\tc\n",  # a tab
        "a: b\r\nc: d\r\n",  # CR line ends
        "a: b # note\n",  # a comment after a value
        "a: Project #2\n",  # Y019's cut at '#'
        "a:\n- x\n",  # a block list
        "a:\n  - x\n",
        "a: first\n  second\n",  # a value running on
        "a:\n  text only\n",
        "a: 1\na: 2\n",  # a duplicate key (Y004)
        "null: 1\n",  # a null key (Y011)
        "~: 1\n",
        "<<: 1\n",  # a merge key (Y007)
        "a: &x 1\n",  # an anchor
        "a: *x\n",  # an alias
        "a: !!str 1\n",  # a tag
        "a: 'it''s'\n",  # an escaped quote
        'a: "x\\ty"\n',  # an escape
        "a: 'open\n  close'\n",  # a quoted value over two lines
        "a: [x, y,]\n",  # a trailing comma
        "a: [x\n  , y]\n",  # a flow list over two lines
        "a: {b: 1}\n",  # a flow mapping
        "a: |\n  text\n",  # a block scalar
        "a: b:\n",  # a colon ending a value
        "a: b: c\n",
        "a:b\n",
        "a: b \n",  # a trailing space
        "  a: 1\n",  # an indented first key
        "a:\n    b: 1\n  c: 2\n",  # a dedent to no open level
        "a: 1\n  b: 2\n",  # a stray indent
        "--- \na: 1\n",  # a document marker
        "a: 1\n---\nb: 2\n",  # a second document
        "a: -1\n",  # may be a list item: left to libyaml
        "a: x\ufffey\n",
        "",  # empty
        "# only a comment\n",
        "'a': 1\n",  # a quoted key
        "a b: 1\n",
    ],
)
def test_anything_else_goes_to_the_event_path(text: str) -> None:
    assert read_lines(text) is None


def test_every_yaml_file_in_the_repository_reads_the_same() -> None:
    read = 0
    for path in sorted(REPO.glob("**/*.y*ml")):
        if ".venv" in path.parts or not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _prescan(text, _Problems("p.yaml")):
            read += _agrees(text)
    assert read > 100  # the shipped ledger and the fixtures are in the reader's forms


# Pieces of lines, many of them one character away from a form the reader accepts.
_KEYS = ["a", "b", "title", "2023/24", "x.y", "a-b", "_", "null", "~", "on", "-a", "a b", "1", "é", "a:b", "<<", "?a"]
_VALUES = [
    *["b", "a b", "a  b", "a: b", "a:b", "a:", "a #b", "a#b", "#c", "'x'", "''", "'a''b'", '"a"', '"a\\tb"', '""'],
    *['"a\'b"', "[a, b]", "[a,b]", "[a,b,]", "[ ]", "[]", "[ a ]", "[a b]", "[a, [b]]", "[a: b]", "[-a]", "[é]"],
    *["{a: b}", "{}", "- x", "-1", "-", "?", "?x", ":x", "x:y", "café", "\xa0x", "x\xa0", "null", "~", "!x", "&a x"],
    *["*a", "|", ">", "%x", "@x", "`x", "x ", "a, b", "a]", "a}", "'x' y", "'x", '"x', "x # c", "1.5", "--- a"],
    *["... a", "a ...", "a|b", "a>b", "a'b", 'a"b', "a,b", "a[b]", "a{b}", "x::y", "a:#", "a :b", "x\x85y"],
]
_COMMON = ["b", "a b", "x-y", "12.5", "[a, b]", "[c]", "'q r'", '"d"', "café au lait", "a:b", "a,b", "x y z"]


def _line(rng: random.Random, indent: int) -> str:
    r = rng.random()
    if r < 0.08:
        return " " * rng.randint(0, 3)
    if r < 0.14:
        return " " * rng.randint(0, 4) + rng.choice(["# c", "#", "#: x", "# 'x", "#[a"])
    if r < 0.16:
        return " " * rng.randint(0, 4) + rng.choice(["- a", "-", "- a: b", "---", "...", "? a", ": b", "[a, b]"])
    if rng.random() > 0.8:
        indent = rng.randint(0, 6)
    key = rng.choice(_KEYS) if rng.random() < 0.1 else rng.choice(["k1", "k2", "k3", "allocations", "t"])
    if rng.random() < 0.25:
        return " " * indent + key + ":" + rng.choice(["", " "])
    value = rng.choice(_VALUES) if rng.random() < 0.3 else rng.choice(_COMMON)
    if rng.random() < 0.1:
        value = value[: rng.randint(0, len(value))] + rng.choice(_VALUES)
    return " " * indent + key + ":" + rng.choice([" ", " ", "  ", ""]) + value


def _document(rng: random.Random, most: int) -> str:
    lines, indent = [], 0
    for _ in range(rng.randint(1, most)):
        line = _line(rng, indent)
        lines.append(line)
        if line.endswith(":") and rng.random() < 0.7:
            indent += rng.choice([1, 2, 2, 4])
        elif rng.random() < 0.2:
            indent = max(0, indent - rng.choice([1, 2, 4]))
    return "\n".join(lines) + rng.choice(["", "\n", "\n\n"])


@pytest.mark.parametrize("most", [2, 10])
def test_near_misses_read_the_same_or_go_to_the_event_path(most: int) -> None:
    rng = random.Random(most)
    accepted = sum(_agrees(_document(rng, most)) for _ in range(20_000))
    assert accepted > 1_000  # enough of them exercise the reader


def test_the_limit_on_values_is_the_same_on_both_paths() -> None:
    lines = "".join(f"k{n}: v\n" for n in range(49_998))  # the root and 2 values a line: 99,997
    source, problems = strict_load((lines + "x: [a]\n").encode(), "p.yaml")
    assert source is not None and problems == []  # exactly MAX_NODES values
    assert read_lines(lines + "x: [a]\n") is not None
    _, problems = strict_load((lines + "x: [a, b]\n").encode(), "p.yaml")
    assert [(p.code, p.line) for p in problems] == [("Y015", 49_999)]
    assert MAX_NODES == 100_000


def test_fmt_reads_the_same_spans_from_the_line_reader() -> None:
    from budgetctl.edit.fmt import _parse_events, _parse_lines, span_facts

    rng = random.Random(7)
    texts = [GENERATED, GENERATED.rstrip("\n"), *(_document(rng, 10) for _ in range(5_000))]
    compared = 0
    for text in texts:
        source, problems = strict_load(text.encode(), "p.yaml")
        fast = _parse_lines(text)
        if source is None or problems or fast is None:
            continue
        assert span_facts(fast) == span_facts(_parse_events(text)), text
        compared += 1
    assert compared > 200


def _canonical_claims(text: str, kind: str) -> bool:
    """When fmt's shortcut says a text is canonical, the reader and emitter give it back unchanged."""
    from budgetctl.edit.fmt import _canonical_as_read, _render

    source, problems = strict_load(text.encode(), "p.yaml")
    if source is None or problems or not source.by_lines or not _canonical_as_read(source, kind):
        return False
    assert _render(text.encode(), kind) == text.encode(), text
    return True


def test_fmt_calls_a_file_canonical_only_when_formatting_leaves_it_unchanged() -> None:
    rng = random.Random(11)
    canonical = 0
    for _ in range(20_000):
        text = _document(rng, 6)
        canonical += _canonical_claims(text, "project") + _canonical_claims(text, "streams")
    assert canonical > 100
    project = "title: T\nstream: s\nlead: L\npriorities: [a, b]\nallocations:\n  2023/24: 1234.50\n  2024/25: 5\n"
    assert _canonical_claims(project, "project")
    assert not _canonical_claims(project.replace("1234.50", "1234.5"), "project")
    assert not _canonical_claims(
        project.replace("  2023/24: 1234.50\n  2024/25: 5", "  2024/25: 5\n  2023/24: 1"), "project"
    )
    assert not _canonical_claims("stream: s\n" + project.replace("stream: s\n", ""), "project")
    assert not _canonical_claims(project.replace("[a, b]", "[a,b]"), "project")
    assert not _canonical_claims(project + "# end\n", "project")
    assert not _canonical_claims(project.replace("\n  ", "\n   "), "project")
