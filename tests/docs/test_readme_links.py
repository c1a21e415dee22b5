"""The README and docs/ point only at files inside the repository, and docs/format.md covers every code."""

from __future__ import annotations

import re

import pytest

from budgetctl.rules import catalogue
from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_links_stay_inside_the_repository(doc) -> None:  # type: ignore[no-untyped-def]
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "#", "mailto:")):
            continue
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(REPO.resolve()) and path.exists(), f"{doc.name}: {target}"


def test_the_format_reference_names_every_family_of_codes() -> None:
    text = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    families = {code[0] for code in catalogue()}
    for family in families:
        assert re.search(rf"\| {family}0\d\d[–-]{family}0\d\d \|", text), family
    assert "README" not in text or "docs/format.md" in (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_says_how_to_run_after_set_up() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "source .venv/bin/activate" in text and ".venv\\Scripts\\budgetctl" in text
    assert "The tests take about" in text
