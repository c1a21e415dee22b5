"""fmt's guard counts comments with a lexer and libyaml's spans, and asks ruamel's scanner
whenever those two disagree: the guard keeps its guarantee at a fraction of the cost."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetctl.edit import fmt
from budgetctl.edit.fmt import comments, format_file, lexed_comments
from tests.conftest import SHIPPED

CASES = Path(__file__).resolve().parents[1] / "fmt_cases"
CORPUS = sorted(
    [*SHIPPED.rglob("*.yaml"), *CASES.glob("*/*.yaml"), *(Path(__file__).resolve().parents[1] / "hostile").glob("*")]
)

# Texts whose comments hide where a careless lexer would not look.
TRICKY = [
    "title: 'a # not a comment'  # a comment\n",
    'title: "say \\"# no\\"" # yes\n',
    "title: 'it''s # still text' # real\n",
    "title: it's # a comment after an apostrophe in plain text\n",
    "title: a#b # only this\n",
    "priorities: [a, 'b # c', d]  # after a flow list\n",
    "title: 'spans\n  two # lines' # then a comment\n",
    "description: plain text\n  continued # comment on a continuation line\n",
    "# full line\n  # indented full line\ntitle: x\n",
    "key: [a,\n  b] # after a flow list over two lines\n",
    "title: 'x'#right after a closing quote\n",
    "key: [a]#right after a closing bracket\n",
    'key: {a: "b"}#right after a closing brace\n',
]


def _ruamel_or_none(text: str) -> Counter[str] | None:
    try:
        return comments(text)
    except Exception:  # ruamel refuses some corpus files; the lexer is not asked about those
        return None


@pytest.mark.parametrize("text", TRICKY)
def test_the_lexer_agrees_with_ruamel_on_tricky_texts(text: str) -> None:
    assert lexed_comments(text) == comments(text)


def test_the_lexer_agrees_with_ruamel_on_the_corpus() -> None:
    checked = 0
    for path in CORPUS:
        text = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
        expected = _ruamel_or_none(text)
        if expected is not None:
            assert lexed_comments(text) == expected, path
            checked += 1
    assert checked > 30


_PIECE = st.sampled_from(["a", "b c", "#", " #", "'", "''", '"', '\\"', "[", "]", "{", "}", ",", ": ", "- ", "\t", "x"])


@settings(max_examples=500, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECE, max_size=8).map("".join), min_size=1, max_size=5))
def test_when_the_two_fast_readings_agree_ruamel_agrees(lines: list[str]) -> None:
    """On any text ruamel can scan, the lexer and libyaml's spans either agree with it or
    disagree with each other (and then ruamel decides): the guard never takes a wrong answer."""
    text = "title: t\n" + "\n".join(f"k{i}: {line}" for i, line in enumerate(lines)) + "\n"
    expected = _ruamel_or_none(text)
    try:
        spans = fmt._span_comments(text)
    except Exception:
        return  # not YAML libyaml accepts: the strict loader refuses it before the guard
    if expected is not None and lexed_comments(text) == spans:
        assert spans == expected


def test_a_dropped_comment_is_caught_by_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_ruamel(text: str) -> Counter[str]:
        raise AssertionError("the fast readings agreed: ruamel is not needed")

    monkeypatch.setattr(fmt, "comments", no_ruamel)
    source = "stream: s\ntitle: t  # keep me\nlead: l\nallocations:\n  2023/24: 1.5\n"
    assert fmt._comments_differ(source, source.replace("  # keep me", ""))
    assert not fmt._comments_differ(source, source.replace("1.5", "1.50"))
    assert format_file(source.encode(), "p.yaml").output is not None  # formatted without ruamel


def test_when_the_fast_readings_disagree_ruamel_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []
    real = fmt.comments

    def spy(text: str) -> Counter[str]:
        asked.append(text)
        return real(text)

    monkeypatch.setattr(fmt, "comments", spy)
    monkeypatch.setattr(fmt, "lexed_comments", lambda text: Counter())  # a lexer that sees nothing
    source = "title: t  # keep me\n"
    assert fmt._comments_differ(source, "title: t\n")
    assert len(asked) == 2
