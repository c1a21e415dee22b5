"""Nothing from a repository's configuration ever runs, and replace refs never change what is read.

Real repositories: a partial clone (``extensions.partialClone``, a promisor remote) whose
ledger blob is missing, so git would fetch it lazily through the repository's own remote:
an ``ext::`` URL the repository itself allows, or an ``ssh://`` URL with a
``core.sshCommand``; and an fsmonitor hook. Each would create a marker file if it ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BUDGETCTL = Path(sys.executable).with_name("budgetctl")
STREAMS = "streams:\n  vs:\n    programme: V\n    funding: F\n    budget:\n      2023/24: 1000\n"
PROJECT = "title: T\nstream: vs\nlead: L\nallocations:\n  2023/24: {amount}\n"
REL = "data/projects/vs/p.yaml"


def _ledger(root: Path) -> Path:
    (root / "data" / "projects" / "vs").mkdir(parents=True)
    (root / "data" / "streams.yaml").write_text(STREAMS)
    (root / REL).write_text(PROJECT.format(amount=10))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "ledger")
    return root


def _budgetctl(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "BUDGETCTL_NO_CACHE": "1"}
    return subprocess.run([str(BUDGETCTL), *args], cwd=repo, capture_output=True, text=True, env=env, timeout=120)


def _partial_clone(root: Path, marker: Path, variant: str) -> str:
    """The ledger with its project blob gone, in a repository that says where to fetch it."""
    repo = _ledger(root)
    oid = git(repo, "rev-parse", f"HEAD:{REL}")
    (repo / ".git" / "objects" / oid[:2] / oid[2:]).unlink()  # loose: never packed
    git(repo, "config", "core.repositoryformatversion", "1")
    git(repo, "config", "extensions.partialClone", "origin")
    git(repo, "config", "remote.origin.promisor", "true")
    git(repo, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")
    if variant == "ext":
        git(repo, "config", "remote.origin.url", f"ext::sh -c touch% {marker}")
        git(repo, "config", "protocol.ext.allow", "always")  # the repository allows it itself
        git(repo, "config", "protocol.allow", "always")
    else:
        git(repo, "config", "remote.origin.url", "ssh://git.example.invalid/ledger.git")
        git(repo, "config", "core.sshCommand", f"touch {marker}; false")
    # A hook that would run on any index refresh.
    hook = repo / "fsmonitor-hook"
    hook.write_text(f"#!/bin/sh\ntouch {marker}.fsmonitor\n")
    hook.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(hook))
    git(repo, "config", "core.hooksPath", str(repo))
    return oid


@pytest.mark.parametrize("variant", ["ext", "ssh"])
def test_a_missing_blob_in_a_partial_clone_is_exit_2_and_nothing_runs(tmp_path: Path, variant: str) -> None:
    marker = tmp_path / "RAN"
    repo = tmp_path / "repo"
    oid = _partial_clone(repo, marker, variant)
    # The set-up is real: plain git does run the repository's command to fetch the blob.
    subprocess.run(["git", "-C", str(repo), "cat-file", "-e", oid], capture_output=True, env=GIT_ENV)
    assert marker.exists(), "the attack must work against plain git, or the test proves nothing"
    marker.unlink()

    (repo / REL).write_text(PROJECT.format(amount=20))
    for args in (["diff", "HEAD"], ["diff", "HEAD", "--format", "json"], ["diff", "HEAD~0", "HEAD"]):
        result = _budgetctl(repo, *args)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.splitlines() == [
            f"budgetctl: object {oid} is missing from the repository (a partial or shallow clone?); "
            "budgetctl never fetches: fetch the history with git, or compare in a full clone"
        ]
    assert not marker.exists()
    assert not Path(f"{marker}.fsmonitor").exists()
    # The working tree itself is read from disk, without git.
    assert _budgetctl(repo, "validate").returncode == 0
    assert not marker.exists()


def test_replace_refs_never_change_what_is_read(tmp_path: Path) -> None:
    repo = _ledger(tmp_path / "repo")
    original = git(repo, "rev-parse", f"HEAD:{REL}")
    forged = git(repo, "hash-object", "-w", "--stdin", stdin=PROJECT.format(amount=999999).encode())
    git(repo, "replace", original, forged)
    assert "999999" in git(repo, "show", f"HEAD:{REL}")  # git itself now shows the forged blob
    result = _budgetctl(repo, "diff", "HEAD", "--format", "json", "--fail-on-new-errors")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["headline"] == "No changes to the ledger."
    assert payload["projects"] == [] and payload["years"] == []


@pytest.mark.parametrize(
    "record",
    [
        b"1\xbc\xbc\xbc\xbc\xbc blob " + b"a" * 40 + b"\tdata/streams.yaml",  # found by fuzzing: exit 3 before
        b"10064x blob " + b"a" * 40 + b"\tdata/streams.yaml",
        b"100644 blob " + b"a" * 40 + b"data/streams.yaml",  # no tab
        b"100644 blob " + b"A" * 40 + b"\tdata/streams.yaml",  # not a lowercase id
    ],
)
def test_a_tree_record_git_would_never_print_is_a_git_error(record: bytes) -> None:
    """What a hostile repository or a broken git could print is a one-line exit 2, never a crash."""
    from budgetctl.infra.git import GitError, _parse_tree_entry

    with pytest.raises(GitError, match="unexpected output from git ls-tree"):
        _parse_tree_entry(record)
