"""The loader's problems exactly: code, line, column and message for each refusal,
and what happens after one (the corpus checks codes and positions end to end; these
pin the messages and the recovery, which mutation testing showed were unchecked)."""

from __future__ import annotations

import pytest

from budgetctl.loading.yamlsubset import strict_load

UTF16_MESSAGE = "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_either_byte_order_mark(codec: str) -> None:
    data = "\ufefftitle: x\n".encode(codec)
    source, problems = strict_load(data, "p.yaml")
    assert source is None
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [("Y003", 1, 1, UTF16_MESSAGE)]


def test_utf16_without_a_byte_order_mark_is_recognised_by_its_nul_bytes() -> None:
    _, problems = strict_load("title: x\n".encode("utf-16-le"), "p.yaml")
    assert [(p.code, p.message) for p in problems] == [
        ("Y003", "the file looks like UTF-16 or UTF-32 (many NUL bytes); save it as UTF-8")
    ]


def test_a_quarter_of_nul_bytes_is_still_read_as_utf8() -> None:
    # 8 bytes, 2 of them NUL: exactly a quarter is not "many"; the NUL is then a forbidden character.
    _, problems = strict_load(b"a:\x00\x00bcd\n", "p.yaml")
    assert [(p.code, p.line, p.column) for p in problems] == [("Y012", 1, 3), ("Y012", 1, 4)]


def test_one_leading_utf8_bom_is_accepted() -> None:
    source, problems = strict_load(b"\xef\xbb\xbftitle: x\n", "p.yaml")
    assert problems == [] and source is not None
    assert source.root["title"].value == "x"


EXACT = {
    "merge key": (
        b"a: 1\nb:\n  x: 1\n  <<: {y: 2}\n",
        [("Y007", 4, 3, "merge keys (<<) are not allowed; write every key out in full")],
    ),
    "directive": (
        b"%YAML 1.1\n---\na: 1\n",
        [("Y008", 1, 1, "YAML directives (lines starting with %) are not allowed; delete the line")],
    ),
    "second document": (
        b"a: 1\n---\nb: 2\n",
        [("Y009", 2, 1, "a second YAML document is not allowed; keep one document per file")],
    ),
    "complex key, its mapping value skipped": (
        b"? [a]\n: {c: 1}\nd: 1\nd: 2\n",
        [
            ("Y011", 1, 3, "a key must be plain text, found a list"),
            ("Y004", 4, 1, "duplicate key 'd': first written on line 3; delete one of the two"),
        ],
    ),
    "mapping as a key": (
        b"? {k: v}\n: 1\n",
        [("Y011", 1, 3, "a key must be plain text, found a mapping")],
    ),
    "null key": (b"~: 1\n", [("Y011", 1, 1, "a key must be plain text, found null")]),
    "duplicate key, its mapping value skipped": (
        b"a: 1\na: {b: 1}\nc: 1\n",
        [("Y004", 2, 1, "duplicate key 'a': first written on line 1; delete one of the two")],
    ),
    "merge key, its mapping value skipped": (
        b"a:\n  <<: {b: 1}\n  c: 1\n  c: 2\n",
        [
            ("Y007", 2, 3, "merge keys (<<) are not allowed; write every key out in full"),
            ("Y004", 4, 3, "duplicate key 'c': first written on line 3; delete one of the two"),
        ],
    ),
    "syntax error": (
        b"a: [1, 2\n",
        [("Y002", 2, 1, "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)")],
    ),
    "long line": (
        b"a: " + b"x" * 10_001 + b"\n",
        [("Y014", 1, 1, "line longer than 10,000 characters; shorten it")],
    ),
}


@pytest.mark.parametrize("name", list(EXACT))
def test_exact_problem(name: str) -> None:
    data, expected = EXACT[name]
    source, problems = strict_load(data, "p.yaml")
    assert source is None
    assert [(p.code, p.line, p.column, p.message) for p in problems] == expected
    assert all(p.file == "p.yaml" for p in problems)


def test_invalid_utf8_is_located_at_the_first_bad_byte() -> None:
    # The column counts characters, not bytes: the UTF-8 é before it is one column.
    _, problems = strict_load(b"title: ok\nlead: \xc3\xa9 caf\xe9 x\n", "p.yaml")
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("Y003", 2, 12, "byte 0xe9 is not UTF-8 (Windows-1252 '£' is 0xa3); save the file as UTF-8")
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [("Y016", 1, 1, "the file is empty; it must hold a mapping of keys to values")]),
        (b"# only a comment\n", [("Y016", 1, 1, "the file is empty; it must hold a mapping of keys to values")]),
        (b"\n- a\n", [("Y016", 2, 1, "the file holds a list; it must hold a mapping of keys to values")]),
        (b"  just text\n", [("Y016", 1, 3, "the file holds a single value; it must hold a mapping of keys to values")]),
        # Tiny files: one NUL in three bytes is a forbidden character, not UTF-16 ...
        (b"a\x00\n", [("Y012", 1, 2, "forbidden character U+0000 (control, bidi or invisible); delete it")]),
        # ... but two in four bytes is many.
        (b"a\x00\x00b", [("Y003", 1, 1, "the file looks like UTF-16 or UTF-32 (many NUL bytes); save it as UTF-8")]),
    ],
)
def test_what_the_file_holds(data: bytes, expected: list[tuple[str, int, int, str]]) -> None:
    source, problems = strict_load(data, "p.yaml")
    assert source is None
    assert [(p.code, p.line, p.column, p.message) for p in problems] == expected


def test_a_loaded_file_keeps_its_text_for_later_stages() -> None:
    text = "title: x  # a comment\n"
    source, _ = strict_load(text.encode(), "p.yaml")
    assert source is not None and source.text == text
