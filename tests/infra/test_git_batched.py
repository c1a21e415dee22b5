"""The batched git calls a comparison makes give the answers of the one-at-a-time calls they replace:
``top_and_commits`` (one rev-parse for the repository's top and every revision) and
``read_blobs_within`` (one cat-file for the sizes and the bytes), and refuse what those refuse;
a missing blob read through a warm comparison is exit 2 and runs nothing the repository configures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from budgetctl.infra import git as gitrepo
from tests.conftest import GIT_ENV, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BUDGETCTL = Path(sys.executable).with_name("budgetctl")
STREAMS = "streams:\n  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 1000\n"
PROJECT = "title: T\nstream: vs\nlead: L\nallocations:\n  2023/24: {amount}\n"
REL = "data/projects/vs/p.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "data" / "projects" / "vs").mkdir(parents=True)
    (root / "data" / "streams.yaml").write_text(STREAMS)
    git(root, "init", "-q", "-b", "main")
    for amount in (10, 20, 30):
        (root / REL).write_text(PROJECT.format(amount=amount))
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"amount {amount}")
    git(root, "tag", "first", "HEAD~2")
    return root


@pytest.mark.parametrize("revisions", [["HEAD"], ["HEAD~2", "HEAD"], ["first", "main", "HEAD~1"], ["first", "first"]])
def test_one_rev_parse_answers_as_the_calls_it_replaces(repo: Path, revisions: list[str]) -> None:
    start = repo / "data" / "projects"
    found = gitrepo.top_and_commits(start, revisions)
    assert found is not None
    assert (found.top, found.commits) == (
        gitrepo.repo_root(start),
        [gitrepo.resolve_revision(repo, r) for r in revisions],
    )
    assert (found.prefix, found.here) == ("data/projects/", None)
    assert len(set(found[1])) == len(set(revisions))  # three commits, each named once


@pytest.mark.parametrize("revision", ["HEAD", "HEAD~2", "first", "main^", "main~1"])
def test_the_tree_of_the_folder_it_runs_in(repo: Path, revision: str) -> None:
    found = gitrepo.top_and_commits(repo / "data", [revision, "HEAD"], here=True)
    assert found is not None and found.prefix == "data/"
    assert found.here == gitrepo.folder_tree(repo, found.commits[0], "data")
    assert found.here is not None and found.here != gitrepo.folder_tree(repo, found.commits[0], "data/projects")


@pytest.mark.parametrize("revision", [":/amount 20", "HEAD@{0}", "main:data"])
def test_the_tree_only_for_a_revision_named_plainly(repo: Path, revision: str) -> None:
    found = gitrepo.top_and_commits(repo / "data", [revision], here=True)
    assert found is None or found.here is None


def test_a_commit_without_the_folder_is_left_to_the_calls_it_replaces(repo: Path) -> None:
    (repo / "elsewhere").mkdir()
    (repo / "elsewhere" / "f").write_text("x")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "elsewhere")
    assert gitrepo.top_and_commits(repo / "elsewhere", ["HEAD~1"], here=True) is None
    assert gitrepo.top_and_commits(repo / "elsewhere", ["HEAD"], here=True) is not None


@pytest.mark.parametrize(
    "revisions",
    [
        ["HEAD~1..HEAD"],
        ["HEAD~2...HEAD"],
        ["^HEAD"],
        ["HEAD", "no-such-branch"],
        ["-h"],
        ["--output=x"],
        ["HEAD\n"],
        [""],
        ["HEAD:data"],  # a tree, not a commit
        ["HEAD^@"],
    ],
)
def test_what_one_rev_parse_cannot_say_is_left_to_the_calls_it_replaces(repo: Path, revisions: list[str]) -> None:
    assert gitrepo.top_and_commits(repo, ["HEAD", *revisions]) is None
    assert not (repo / "x").exists()


def test_outside_a_repository_one_rev_parse_says_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    if subprocess.run(["git", "-C", str(outside), "rev-parse"], capture_output=True, env=GIT_ENV).returncode == 0:
        pytest.skip("the temporary folder is inside a git repository")
    assert gitrepo.top_and_commits(outside, ["HEAD"]) is None


def _blobs(repo: Path, count: int) -> list[str]:
    """``count`` distinct blobs written to the repository, by id."""
    texts = "".join(f"{i}\n" * (i % 7 + 1) + "\0" for i in range(count))
    ids = []
    for text in texts.split("\0")[:count]:
        ids.append(git(repo, "hash-object", "-w", "--stdin", stdin=text.encode()))
    return ids


def test_one_cat_file_reads_what_two_read(repo: Path) -> None:
    # More requests than a pipe holds (64 kB of 41-byte lines): the request is written while the answers are read.
    listed = git(repo, "rev-list", "--objects", "--all").split()
    oids = [o for o in listed if len(o) == 40]
    blob_ids = [o for o in oids if git(repo, "cat-file", "-t", o) == "blob"]
    many = (blob_ids * (2000 // len(blob_ids) + 1))[:2000]
    assert gitrepo.read_blobs_within(repo, many, 10_000) == gitrepo.read_blobs(repo, many)
    big = git(repo, "hash-object", "-w", "--stdin", stdin=b"x" * 200_000)
    sizes = gitrepo.blob_sizes(repo, [*blob_ids, big])
    assert sizes[big] == 200_000
    assert gitrepo.read_blobs_within(repo, [*blob_ids, big], 200_000) == gitrepo.read_blobs(repo, [*blob_ids, big])
    assert gitrepo.read_blobs_within(repo, [*blob_ids, big], 199_999) is None  # larger than the limit: not read
    assert gitrepo.read_blobs_within(repo, [big, *many], 199_999) is None
    assert gitrepo.read_blobs_within(repo, [], 0) == {}


def test_one_cat_file_refuses_what_two_refuse(repo: Path) -> None:
    missing = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(gitrepo.GitError) as raised:
        gitrepo.read_blobs_within(repo, [missing], 1000)
    with pytest.raises(gitrepo.GitError) as before:
        gitrepo.blob_sizes(repo, [missing])
    assert str(raised.value) == str(before.value) and "is missing from the repository" in str(raised.value)
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    with pytest.raises(gitrepo.GitError, match="is not a readable file"):
        gitrepo.read_blobs_within(repo, [tree], 1000)
    for name in ("HEAD", "HEAD:data/streams.yaml", missing[:10]):
        with pytest.raises(gitrepo.GitError, match="not a full object id"):
            gitrepo.read_blobs_within(repo, [name], 1000)


def test_a_missing_blob_read_by_a_warm_comparison_is_exit_2_and_nothing_runs(repo: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("BUDGETCTL_NO_CACHE", None)

    def budgetctl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BUDGETCTL), *args], cwd=repo, capture_output=True, text=True, env=env, timeout=120)

    first = budgetctl("diff", "HEAD~1", "HEAD")  # keeps the base's summary
    assert first.returncode == 0, first.stderr
    assert "+£10.00" in first.stdout
    oid = git(repo, "rev-parse", f"HEAD~1:{REL}")
    (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink()  # loose: never packed
    marker = tmp_path / "RAN"
    git(repo, "config", "core.repositoryformatversion", "1")
    git(repo, "config", "extensions.partialClone", "origin")
    git(repo, "config", "remote.origin.promisor", "true")
    git(repo, "config", "remote.origin.url", f"ext::sh -c touch% {marker}")
    git(repo, "config", "protocol.ext.allow", "always")
    git(repo, "config", "protocol.allow", "always")
    subprocess.run(["git", "-C", str(repo), "cat-file", "-e", oid], capture_output=True, env=GIT_ENV)
    assert marker.exists(), "the attack must work against plain git, or the test proves nothing"
    marker.unlink()
    (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink(missing_ok=True)  # in case plain git fetched it
    for args in (["diff", "HEAD~1", "HEAD"], ["diff", "HEAD~1"]):
        result = budgetctl(*args)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.splitlines() == [
            f"budgetctl: object {oid} is missing from the repository (a partial or shallow clone?); "
            "budgetctl never fetches: fetch the history with git, or compare in a full clone"
        ]
        assert not marker.exists()
