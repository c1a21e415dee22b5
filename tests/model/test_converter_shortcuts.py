"""The text, id and year converters take a shortcut for the common value; each must answer
exactly as the whole check does (written out here as the reference), refusals included."""

from __future__ import annotations

import re

import pytest

from budgetctl.model.periods import parse_year
from budgetctl.model.records import _id, _text, _year
from budgetctl.model.source import Scalar

TEXTS = [
    *["", " ", "\t", "a", "abc", "a-b", "a--b", "-a", "a-", "A", "null", "Null", "NULL", "~", "nul", "a b", "a\nb"],
    *["a\r", "\n", "x" * 41, "a" * 40, "2023/24", "2023/25", "2099/00", "23/24", "2023-24", "é", "\xa0", "a\xa0"],
    *["\u2003", "1", "0", "true", "a_b", "a.b", " a", "a "],
]
VALUES = [v for t in TEXTS for v in (Scalar(t, 1, 1, False), Scalar(t, 1, 1, True), t)] + [None, 1, ["a"]]
ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _reference_text(value: object) -> str:
    if isinstance(value, Scalar):
        if value.is_null or not value.value.strip():
            raise ValueError("empty")
        text = value.value
    elif isinstance(value, str):
        if not value.strip():
            raise ValueError("empty key")
        text = value
    else:
        raise ValueError("not text")
    if "\n" in text or "\r" in text:
        raise ValueError("line break")
    return text


def _reference_id(value: object) -> str:
    text = _reference_text(value)
    if not ID.fullmatch(text):
        raise ValueError("not an id")
    return text


def _reference_year(value: object) -> str:
    text = value.value if isinstance(value, Scalar) else value
    if not isinstance(text, str):
        raise ValueError("not text")
    return parse_year(text)


def _answer(convert, value):  # type: ignore[no-untyped-def]
    try:
        return ("value", convert(value))
    except Exception:  # pydantic's error or the reference's: only whether it refused is compared
        return ("refused",)


@pytest.mark.parametrize(
    ("convert", "reference"), [(_text, _reference_text), (_id, _reference_id), (_year, _reference_year)]
)
def test_the_shortcut_answers_as_the_whole_check(convert, reference) -> None:  # type: ignore[no-untyped-def]
    for value in VALUES:
        expected = _answer(reference, value)
        assert _answer(convert, value) == expected, value
        assert _answer(convert, value) == expected, value  # a second time: the years remembered
