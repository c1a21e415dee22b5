"""``infra.git.diff_trees``: the files that differ between two commits, named exactly, no file read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetctl.infra.git import GitError, TreeFile, diff_trees, list_tree
from tests.conftest import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ODD = "data/projects/café – new\nline.yaml"


def commit_files(repo: Path, files: dict[str, bytes | None]) -> str:
    for rel, data in files.items():
        path = repo / rel
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change", "--allow-empty")
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


def test_added_removed_changed_and_renamed_files_with_their_blob_ids(repo: Path) -> None:
    first = commit_files(
        repo,
        {
            "data/streams.yaml": b"streams: []\n",
            "data/projects/a/old.yaml": b"old\n",
            "data/projects/a/same.yaml": b"same\n",
            "data/projects/a/edit.yaml": b"one\n",
            "database/outside.yaml": b"not under data/\n",
        },
    )
    second = commit_files(
        repo,
        {
            "data/projects/a/old.yaml": None,
            "data/projects/b/old.yaml": b"old\n",  # the same bytes elsewhere: a removal and an addition
            "data/projects/a/edit.yaml": b"two\n",
            ODD: b"odd name\n",
            "database/outside.yaml": b"changed, still not under data/\n",
        },
    )
    before = {e.path: e for e in list_tree(repo, first, "data")}
    after = {e.path: e for e in list_tree(repo, second, "data")}
    changes = diff_trees(repo, first, second, "data")
    found = {(c.old.path if c.old else None, c.new.path if c.new else None) for c in changes}
    assert found == {
        ("data/projects/a/old.yaml", None),
        (None, "data/projects/b/old.yaml"),
        ("data/projects/a/edit.yaml", "data/projects/a/edit.yaml"),
        (None, ODD),
    }
    for change in changes:
        assert change.old is None or change.old == before[change.old.path]
        assert change.new is None or change.new == after[change.new.path]
        assert change.new is None or isinstance(change.new, TreeFile)
    assert diff_trees(repo, second, second, "data") == []


def test_only_full_object_ids_reach_git(repo: Path) -> None:
    first = commit_files(repo, {"data/streams.yaml": b"streams: []\n"})
    for bad in ("HEAD", "--output=/tmp/x", first[:7]):
        with pytest.raises(GitError, match="not a full object id"):
            diff_trees(repo, bad, first, "data")
    with pytest.raises(GitError, match="not a folder inside the repository"):
        diff_trees(repo, first, first, "../data")
