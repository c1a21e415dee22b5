"""A comparison that reads only the changed files finds every file sharing an id with one of them
(duplicate ids, R004) as the whole comparison does: an edited file whose id another file has, an
added file whose id an unchanged file has, a file moved to another stream's folder, few of them
(found in the summary's text) or many (found in its decoded list)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetctl import pipeline
from tests.conftest import commit, git, make_ledger
from tests.entrypoint import entry, spy_on_typer

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

STREAMS = (
    "streams:\n"
    "  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 100000\n"
    "  cs:\n    programme: C\n    funding: F\n    budget:\n      2023/24: 100000\n"
)


def project(stream: str, amount: int) -> str:
    return f"title: T\nstream: {stream}\nlead: L\nallocations:\n  2023/24: {amount}\n"


CHANGES = {
    "edit-shared": lambda data: (data / "projects/vs/d0.yaml").write_text(project("vs", 999)),
    "add-few": lambda data: [(data / f"projects/cs/p{i}.yaml").write_text(project("cs", i)) for i in range(2)],
    "add-many": lambda data: [(data / f"projects/cs/p{i}.yaml").write_text(project("cs", i)) for i in range(7)],
    "move": lambda data: (data / "projects/vs/p1.yaml").rename(data / "projects/cs/p1.yaml"),
    "add-yml": lambda data: (data / "projects/cs/p2.yml").write_text(project("cs", 5)),
    "mixed": lambda data: [
        (data / "projects/vs/d0.yaml").unlink(),
        *[(data / f"projects/cs/p{i}.yaml").write_text(project("cs", i)) for i in range(6)],
        (data / "projects/vs/p8.yaml").write_text(project("vs", 1)),
    ],
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_files_sharing_an_id_with_a_changed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    files = {f"projects/vs/p{i}.yaml": project("vs", i + 1) for i in range(10)}
    files |= {"projects/vs/d0.yaml": project("vs", 7), "projects/cs/d0.yaml": project("cs", 8)}
    data = make_ledger(root, {"streams.yaml": STREAMS, **files})
    commit(root, "ledger")
    CHANGES[change](data)
    commit(root, change)
    args = ("diff", "HEAD~1", "HEAD", "--data", str(data), "--format", "json")
    spy_on_typer(monkeypatch)
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    expected = entry(monkeypatch, capsys, *args)
    monkeypatch.delenv("BUDGETCTL_NO_CACHE")
    fast = []
    real = pipeline.compare_changes

    def spy(*a, **k):  # type: ignore[no-untyped-def]
        found = real(*a, **k)
        fast.append(found[0] is not None)
        return found

    monkeypatch.setattr(pipeline, "compare_changes", spy)
    assert entry(monkeypatch, capsys, *args) == expected  # keeps the base's summary
    assert entry(monkeypatch, capsys, *args) == expected  # reads the changed files
    assert fast == [False, True]
    if change.startswith("add") or change == "mixed":  # a new duplicate id: a problem the change introduces
        assert '"R004"' in expected[1]
