"""``checks.plain_record`` converts a project file's values as its lines are read, with the
builder's own field functions (``accept.record_parts``): it gives exactly what the builder gives
over ``plain_tree``'s tree (the reference it replaced), record for record and None for None,
over the corpus, random edits of it, and hypothesis files in the forms the two readers share."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading.accept import builder
from budgetctl.loading.checks import plain_record, plain_tree
from budgetctl.model.records import Project
from tests.loading.test_accept_alone import TEXTS, exact


def same(text: str) -> bool:
    """Both readers agree on ``text``; True when they built a record."""
    reference = builder(Project)(plain_tree(text)) if plain_tree(text) is not None else None
    mine = plain_record(text, Project)
    assert exact(mine) == exact(reference), text
    return mine is not None


def test_the_corpus_and_random_edits_of_it_agree() -> None:
    texts = [text.decode("utf-8", "replace") for _, text in TEXTS]
    assert sum(same(text) for text in texts) > len(texts) // 3
    rng = random.Random(7)
    snippets = [
        "allocations:", "  2023/24: 5", "    2023/24: 5", "title: x", "title:", "stream: s", "lead: 'q'",
        "priorities: [a, b]", "null: 1", "  null: 1", "unknown: 1", "agreement:", "  ref: R", "grant: true",
        "", "# c", "  # c", "npu: \"x\"", "allocations: {}", "  2023/24: [a]", "description: d",
    ]  # fmt: skip
    for _ in range(600):
        lines = rng.choice(texts).split("\n")
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines) + 1)
            if rng.random() < 0.3 and lines:
                del lines[min(at, len(lines) - 1)]
            else:
                lines.insert(at, rng.choice(snippets))
        same("\n".join(lines))


LINES = st.sampled_from([
    "title: T", "stream: s", "lead: L", "allocations:", "  2023/24: 5", "  2024/25: 1.5", "    2023/24: 5",
    "agreement:", "  ref: R", "  signed: 2023-04-01", "priorities: [a, b]", "  x: [a]", "grant: true", "",
    "# c", "title: 'q'", "  title: x", "null: 1", "  null: 2", "npu: ~", "allocations: x",
])  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(LINES, max_size=12), st.sampled_from(["\n", ""]))
def test_any_arrangement_of_lines_agrees(lines: list[str], end: str) -> None:
    same("\n".join(lines) + end)


def test_the_ascii_test_finds_what_the_search_finds() -> None:
    from budgetctl.loading.checks import _NOT_PLAIN, _not_plain

    for code in [*range(0x100), 0x200B, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF, 0x202E, 0x2066, 0xE9, 0xA3]:
        for text in (chr(code), f"title: a{chr(code)}b\n", f"a\n{chr(code)}", "x" * 50 + chr(code)):
            assert _not_plain(text) == (_NOT_PLAIN.search(text) is not None), (code, text)
    assert not _not_plain("title: plain text\n  2023/24: 5\n") and not _not_plain("")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gets_the_searchs_answer(text: str) -> None:
    from budgetctl.loading.checks import _NOT_PLAIN, _not_plain

    assert _not_plain(text) == (_NOT_PLAIN.search(text) is not None)


def test_bytes_the_plain_decoding_leaves_to_decode_agree() -> None:
    from tests.loading.test_quick_project import assert_same

    body = b"title: T\nstream: s\nlead: L\nallocations:\n  2023/24: 5\n"
    assert assert_same(body)
    assert assert_same(b"\xef\xbb\xbf" + body)  # a BOM: decoded by decode, still taken quickly
    for data in (b"\xff\xfe" + body, b"\xfe\xff" + body, body + b"\x00", body.replace(b"T", b"\xa3"), b"\x00" * 40):
        assert not assert_same(data)
