"""``checks.plain_nested`` reads streams.yaml without the YAML parser when every line is in the
line reader's forms or is a one-line flow mapping of ids to plain texts. Whenever it reads a
text, its values are exactly the parser's tree (text and quoting of every scalar, the same
nesting and order) and the loader finds no problem in it; ``check_streams`` then gives what the
whole check gives. Over the corpus, generated streams files, and hypothesis lines built from the
characters that change how YAML reads a flow mapping."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetctl.loading.checks import plain_nested
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.source import Scalar
from tests.loading.test_streams_accepted import TEXTS, _generator, assert_same


def plain(node: Any) -> Any:
    """A tree as plain values: each scalar as (text, quoted)."""
    if isinstance(node, dict):
        return ("map", [(key, plain(value)) for key, value in node.items()])
    if isinstance(node, list):
        return ("list", [plain(value) for value in node])
    assert type(node) is Scalar
    return (node.value, node.quoted)


def agrees(text: str) -> bool:
    """When plain_nested reads ``text``, the loader reads the same values with no problem;
    True when it read it."""
    mine = plain_nested(text)
    if mine is None:
        return False
    source, problems = strict_load(text.encode(), "streams.yaml")
    assert problems == [] and source is not None, (text, problems)
    assert plain(mine) == plain(source.root), text
    return True


def test_generated_streams_files_are_read_without_the_parser_and_agree() -> None:
    generate = _generator()
    for size in (5, 40, 300):
        text = generate.streams_yaml(generate.build(size))
        assert "{" in text  # flow mappings: the form the line reader leaves to the parser
        assert agrees(text)
        assert assert_same(text.encode())


def test_the_corpus_agrees() -> None:
    read = [agrees(text.decode("utf-8", "replace")) for _, text in TEXTS]
    assert sum(read) >= 3, sum(read)


HEAD = "streams:\n  s:\n    programme: P\n    funding: F\n    budget:\n      2023/24: 5\n"
# The characters that end, quote, nest or comment a plain text in a flow mapping, and ordinary ones.
PIECES = st.text(alphabet="ab1 :,#{}[]'\"&*!|>%@`-?._/()\\~\t", min_size=0, max_size=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(PIECES, PIECES), min_size=1, max_size=4), st.sampled_from(["", " ", "  "]))
def test_any_flow_mapping_line_is_read_as_the_parser_reads_it_or_left_to_it(
    pairs: list[tuple[str, str]], gap: str
) -> None:
    body = f",{gap}".join(f"{key}:{gap or ' '}{value}" for key, value in pairs)
    for line in (f"    purposes: {{{body}}}", f"    purposes: {{{gap}{body}{gap}}}", f"    purposes: {{{body}"):
        text = HEAD + line + "\n"
        agrees(text)
        assert_same(text.encode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "streams:", "  s:", "    programme: P Q", "    purposes: {a: A B, b-c: It's (x)}", "    purposes: {a: A}",
    "    npu: {a: A, a: B}", "    npu: {null: A}", "    npu: {a: A,b: B}", "    npu: {a:A}", "    npu: {a: A #x}",
    "      x: {a: A}", "    budget:", "      2023/24: 5", "  # comment", "", "priorities: {p: P}", "  t:",
    "    funding: F", "    ring_fenced: true", "    owners: [a, b]", "\tx: 1", "    x: {}", "    x: {a: 'A'}",
]), min_size=1, max_size=12))  # fmt: skip
def test_any_arrangement_of_lines_agrees(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    agrees(text)
    assert_same(text.encode())
