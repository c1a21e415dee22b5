"""Encodings at the loader's edge: exact codes, positions and messages (kills mutants
that the corpus's end-to-end cases could not tell apart)."""

from __future__ import annotations

import pytest

from budgetctl.yamlsubset import strict_load

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
