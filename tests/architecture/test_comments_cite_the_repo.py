"""Comments and docstrings cite only what a reader of the repository can open.

A comment says its reason itself: no tracker issue number, no research note, no section
number of a document kept elsewhere, and any Markdown file it names is in the repository.
Paths to test data kept beside the repository (``../shared/data/``) are locations, not
citations, and are allowed.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from tests.conftest import REPO

FOLDERS = ("budgetctl", "tests", "benchmarks", "fuzz", "scripts")
CITATIONS = re.compile(
    r"(?i)\bissues?\s+#?\d"  # a tracker issue
    r"|\bresearch\s+note|\bresearch/"  # a note kept outside the repository
    r"|§\s*\d|\bspec(?:'s)?\s+section\s+\d|\bsection\s+\d+(?:\.\d+)+"  # a numbered part of an outside document
    r"|\.\./shared/(?!data/)"  # the documents beside the repository
)
MARKDOWN_NAME = re.compile(r"[\w./-]*\w\.md\b")


def _ours(path: Path) -> bool:
    """Not inside a hidden folder: a venv (.venv, benchmarks/.peers-venv) holds other projects' files."""
    return not any(part.startswith(".") for part in path.relative_to(REPO).parts[:-1])


def _sources() -> list[Path]:
    own = Path(__file__).resolve()
    return sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py") if _ours(p) and p.resolve() != own)


def prose(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and every module, class and function docstring."""
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                found.append((node.body[0].lineno, doc))
    return found


def _markdown_in_repo() -> set[str]:
    files = [p.relative_to(REPO) for p in REPO.rglob("*.md") if _ours(p)]
    return {str(p) for p in files} | {p.name for p in files}


def outside_citations(source: str, markdown: set[str]) -> list[tuple[int, str]]:
    """Each citation of something outside the repository: (line, the cited text)."""
    bad = []
    for line, text in prose(source):
        bad += [(line, m.group()) for m in CITATIONS.finditer(text)]
        named = [n for n in MARKDOWN_NAME.findall(text) if not n[:-3].isupper()]  # FILE.md is a placeholder
        bad += [(line, name) for name in named if name.lstrip("./") not in markdown]
    return bad


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# as issue 3 asked\nx = 1\n", ["issue 3"]),
        ('"""Hazards (research note 1.1)."""\n', ["research note"]),
        ("def f():\n    '''Money forms of spec section 2.'''\n", ["spec section 2"]),
        ("# see reliability.md section 3.2\n", ["section 3.2", "reliability.md"]),
        ("# the target in ../shared/design/layout.md\n", ["../shared/", "../shared/design/layout.md"]),
        ("# keys in canonical order (docs/format.md)\n", []),
        ("# usage: run.py --out FILE.md\n", []),
        ("# the suite in ../shared/data/yaml-test-suite/\n", []),
        ('x = "issue 3"  # a string is not prose\n', []),
    ],
)
def test_the_guard_finds_citations_and_only_them(source: str, expected: list[str]) -> None:
    assert [text for _, text in outside_citations(source, {"docs/format.md", "format.md"})] == expected


def test_no_comment_or_docstring_cites_outside_the_repository() -> None:
    markdown = _markdown_in_repo()
    found = [
        f"{path.relative_to(REPO)}:{line}: {text}"
        for path in _sources()
        for line, text in outside_citations(path.read_text(encoding="utf-8"), markdown)
    ]
    assert found == []
