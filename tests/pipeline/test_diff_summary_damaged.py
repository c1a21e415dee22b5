"""A base summary whose list of files is damaged (another count, a file missing or with another
blob id, not JSON) is not used: the comparison checks both sides whole, prints what a comparison
without the cache prints, and keeps the summary again for the next one, which reads only the changed
files; with a few changed files or many (looked up in the summary's text, or in its decoded list)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from budgetctl import pipeline
from tests.conftest import commit, git, make_ledger
from tests.entrypoint import entry, spy_on_typer

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

STREAMS = "streams:\n  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 100000\n"


def project(amount: int) -> str:
    return f"title: T\nstream: vs\nlead: L\nallocations:\n  2023/24: {amount}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    files = {f"projects/vs/p{i}.yaml": project(i + 1) for i in range(12)}
    files["projects/other/p3.yaml"] = project(50)  # a duplicate id of a changed file: read on both sides
    data = make_ledger(root, {"streams.yaml": STREAMS, **files})
    commit(root, "ledger")
    for branch, changed in (("one", [3]), ("six", [1, 2, 3, 4, 5, 6])):
        git(root, "checkout", "-q", "-b", branch, "main")
        for i in changed:
            (data / f"projects/vs/p{i}.yaml").write_text(project(1000 + i), encoding="utf-8")
        commit(root, branch)
    git(root, "checkout", "-q", "main")
    return root


def summary_file() -> Path:
    (found,) = (Path(os.environ["XDG_CACHE_HOME"]) / "budgetctl").glob("*.base-*")
    return found


DAMAGES = [
    lambda files: files.replace('"data/projects/vs/p3.yaml": "', '"data/projects/vs/p3x.yaml": "'),
    lambda files: files.replace('"data/projects/vs/p3.yaml": "', '"data/projects/vs/p3.yaml": "0'),
    lambda files: files[: len(files) // 2],
    lambda files: '{"x": "y"}',
    lambda files: "[]",
    lambda files: files.replace('"data/projects/other/p3.yaml": ', '"data/projects/other/p3.yaml"- '),  # one less
]


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("branch", ["one", "six"])
def test_a_damaged_summary_is_not_used_and_is_kept_again(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], damage, branch: str
) -> None:  # type: ignore[no-untyped-def]
    data = str(repo / "data")
    args = ("diff", "main", branch, "--data", data)
    spy_on_typer(monkeypatch)
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    expected = entry(monkeypatch, capsys, *args)
    monkeypatch.delenv("BUDGETCTL_NO_CACHE")
    assert expected[0] == 0 and "p3" in expected[1]
    fast = []
    real = pipeline.compare_changes

    def spy(*a, **k):  # type: ignore[no-untyped-def]
        found = real(*a, **k)
        fast.append(found[0] is not None)
        return found

    monkeypatch.setattr(pipeline, "compare_changes", spy)
    assert entry(monkeypatch, capsys, *args) == expected  # keeps the summary
    path = summary_file()
    header, files, rest = path.read_text(encoding="ascii").split("\n", 2)
    damaged = damage(files)
    assert damaged != files
    path.write_text("\n".join([header, damaged, rest]), encoding="ascii")
    assert entry(monkeypatch, capsys, *args) == expected  # not used: kept again
    assert entry(monkeypatch, capsys, *args) == expected  # used
    assert fast == [False, False, True]
