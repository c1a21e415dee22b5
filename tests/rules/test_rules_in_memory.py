"""Every rule case of tests/rules/test_rules.py through the library, with no files and no command line:
``pipeline.check_files`` over ledger files held in memory finds the same problems at the same
places as ``budgetctl validate`` finds on disk."""

from __future__ import annotations

import pytest

from budgetctl.loading.discover import LedgerFiles
from budgetctl.model.source import RawFile
from budgetctl.pipeline import check_files
from tests.rules.test_rules import CASES, GOOD_GRANT, STREAMS


def in_memory(files: dict[str, str]) -> LedgerFiles:
    """The ledger ``files`` (paths relative to data/) as discovery would read them from disk."""
    raw = {f"data/{name}": RawFile(f"data/{name}", text.encode()) for name, text in files.items()}
    projects = [raw[path] for path in sorted(raw) if path.startswith("data/projects/")]
    return LedgerFiles(None, raw["data/streams.yaml"], projects)


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_case_through_the_library(name: str) -> None:
    files, expected = CASES[name]
    checked = check_files(in_memory({"streams.yaml": STREAMS, **files}))
    assert [(p.code, p.file, p.line, p.column) for p in checked.problems] == expected
    assert checked.ledger is not None
    assert checked.file_count == 1 + sum(1 for path in files if path.startswith("projects/"))


def test_the_clean_case_through_the_library() -> None:
    checked = check_files(in_memory({"streams.yaml": STREAMS, "projects/a.yaml": GOOD_GRANT}))
    assert checked.problems == []
    assert not checked.incomplete
