"""Tests for budgetctl.infra.git against real repositories built in a temporary directory."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from budgetctl.infra.git import GitError, list_tree, read_blobs, repo_root, resolve_revision
from tests.conftest import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


BINARY = b"\x00head\n\r\n\x00 blob 3\n\xff\xfe" + bytes(range(256)) + b"no newline at end"
SPACE = "data/projects/with space.yaml"
UNICODE = "data/projects/café – ünïcode.yaml"
NEWLINE = "data/projects/new\nline.yaml"
LINK = "data/projects/leak.yaml"
SUBMODULE = "data/vendored"


def make_repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def write(repo: Path, rel: str, data: bytes | str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)


@dataclass
class Repo:
    root: Path
    first: str  # the commit tagged v1
    second: str  # HEAD
    files: dict[str, bytes]  # regular files under data/ at HEAD


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    root = make_repo(tmp_path_factory.mktemp("git") / "ledger")
    first_files = {"data/streams.yaml": b"streams: []\n", "data/projects/youth/a.yaml": b"a\n"}
    for rel, data in first_files.items():
        write(root, rel, data)
    write(root, "README.md", "outside data\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    first = git(root, "rev-parse", "HEAD")
    git(root, "tag", "-a", "v1", "-m", "version 1")

    second_files = {
        "data/projects/arts/deep/er/b.yaml": b"b\n",
        SPACE: b"space\n",
        UNICODE: "ünïcode: ✓\n".encode(),
        NEWLINE: b"newline\n",
        "data/bin.dat": BINARY,
        "data/empty.yaml": b"",
    }
    for rel, data in second_files.items():
        write(root, rel, data)
    # Look-alikes that are not inside data/.
    write(root, "database.yaml", "no\n")
    write(root, "data2/x.yaml", "no\n")
    (root / LINK).symlink_to("/etc/hostname")
    git(root, "add", "-A")
    # A submodule entry needs only a gitlink in the index, not a real submodule.
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{first},{SUBMODULE}")
    git(root, "commit", "-q", "-m", "second")
    second = git(root, "rev-parse", "HEAD")
    return Repo(root, first, second, {**first_files, **second_files})


# --- repo_root ---------------------------------------------------------------


def test_repo_root_from_subfolder(repo: Repo) -> None:
    assert repo_root(repo.root / "data" / "projects").resolve() == repo.root.resolve()


def test_repo_root_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    # Do not let git find a repository that happens to enclose the temp folder.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(GitError, match="not inside a git working tree"):
        repo_root(plain)


def test_repo_root_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(GitError):
        repo_root(tmp_path / "missing")


def test_git_not_installed(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError) as info:
        repo_root(repo.root)
    assert str(info.value) == "git is not installed or not on PATH"


# --- resolve_revision ----------------------------------------------------------


def test_resolve_head_and_ancestors(repo: Repo) -> None:
    assert resolve_revision(repo.root, "HEAD") == repo.second
    assert resolve_revision(repo.root, "main") == repo.second
    assert resolve_revision(repo.root, "HEAD~1") == repo.first


def test_resolve_annotated_tag_to_its_commit(repo: Repo) -> None:
    tag_object = git(repo.root, "rev-parse", "v1")
    assert tag_object != repo.first
    assert resolve_revision(repo.root, "v1") == repo.first


def test_resolve_short_sha(repo: Repo) -> None:
    assert resolve_revision(repo.root, repo.first[:7]) == repo.first


def test_resolve_ignores_git_dir_from_a_hook(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = make_repo(tmp_path / "other")
    write(other, "x", "x\n")
    git(other, "add", "x")
    git(other, "commit", "-q", "-m", "other")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    assert resolve_revision(repo.root, "HEAD") == repo.second


@pytest.mark.parametrize("rev", ["", "-", "--all", "-h", "HEAD\nHEAD", "HEAD\n", "HEAD\0", "\r"])
def test_refuses_malformed_revision(repo: Repo, rev: str) -> None:
    with pytest.raises(GitError, match="not a valid revision"):
        resolve_revision(repo.root, rev)


def test_refuses_output_option(repo: Repo, tmp_path: Path) -> None:
    target = tmp_path / "pwned.txt"
    for rev in (f"--output={target}", f"HEAD --output={target}"):
        with pytest.raises(GitError):
            resolve_revision(repo.root, rev)
    assert not target.exists()


def test_no_shell_runs_the_revision(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for rev in ("HEAD;touch x", "HEAD && touch x", "$(touch x)", "`touch x`"):
        with pytest.raises(GitError, match="not a commit"):
            resolve_revision(repo.root, rev)
    assert not (tmp_path / "x").exists()
    assert not (repo.root / "x").exists()


@pytest.mark.parametrize("rev", ["no-such-branch", "HEAD~99", "HEAD:data/streams.yaml", "0" * 40])
def test_refuses_unknown_or_non_commit_revision(repo: Repo, rev: str) -> None:
    with pytest.raises(GitError, match="not a commit"):
        resolve_revision(repo.root, rev)


# --- list_tree -------------------------------------------------------------------


def test_list_tree_everything_under_data(repo: Repo) -> None:
    entries = list_tree(repo.root, repo.second, "data")
    modes = {e.path: e.mode for e in entries}
    assert modes == {
        **dict.fromkeys(repo.files, "100644"),
        LINK: "120000",
        SUBMODULE: "160000",
    }
    assert SPACE in modes and UNICODE in modes and NEWLINE in modes
    assert "database.yaml" not in modes and "data2/x.yaml" not in modes
    by_path = {e.path: e for e in entries}
    assert by_path[SUBMODULE].oid == repo.first


def test_list_tree_blob_ids_read_back_exactly(repo: Repo) -> None:
    regular = [e for e in list_tree(repo.root, repo.second, "data") if e.mode == "100644"]
    blobs = read_blobs(repo.root, [e.oid for e in regular])
    assert {e.path: blobs[e.oid] for e in regular} == repo.files


def test_list_tree_symlink_is_the_link_text(repo: Repo) -> None:
    (link,) = [e for e in list_tree(repo.root, repo.second, "data") if e.path == LINK]
    # The blob is the link's target name; nothing outside the repository is read.
    assert read_blobs(repo.root, [link.oid]) == {link.oid: b"/etc/hostname"}


def test_list_tree_nested_folder_and_trailing_slash(repo: Repo) -> None:
    paths = [e.path for e in list_tree(repo.root, repo.second, "data/projects/arts/")]
    assert paths == ["data/projects/arts/deep/er/b.yaml"]


def test_list_tree_at_older_commit(repo: Repo) -> None:
    paths = {e.path for e in list_tree(repo.root, repo.first, "data")}
    assert paths == {"data/streams.yaml", "data/projects/youth/a.yaml"}


@pytest.mark.parametrize("folder", ["missing", "data/nope", "README.md", ":(glob)d*", "dat"])
def test_list_tree_missing_folder_is_empty(repo: Repo, folder: str) -> None:
    assert list_tree(repo.root, repo.second, folder) == []


@pytest.mark.parametrize("folder", ["", ".", "/", "/etc", "../", "data/../..", "data//x", "a\0b"])
def test_list_tree_refuses_folder_outside_repository(repo: Repo, folder: str) -> None:
    with pytest.raises(GitError, match="not a folder inside the repository"):
        list_tree(repo.root, repo.second, folder)


@pytest.mark.parametrize("sha", ["HEAD", "main", "--output=/tmp/x", "ABC" * 14])
def test_list_tree_takes_only_a_full_id(repo: Repo, sha: str) -> None:
    with pytest.raises(GitError, match="not a full object id"):
        list_tree(repo.root, sha, "data")


# --- read_blobs ------------------------------------------------------------------


def test_read_blobs_exact_binary_bytes(repo: Repo) -> None:
    oid = git(repo.root, "hash-object", "-w", "--stdin", stdin=BINARY)
    empty = git(repo.root, "hash-object", "-w", "--stdin", stdin=b"")
    assert read_blobs(repo.root, [oid, empty, oid]) == {oid: BINARY, empty: b""}


def test_read_blobs_many_and_large_in_one_call(repo: Repo, tmp_path: Path) -> None:
    # Enough requests and replies to overflow both pipe buffers (64 KiB each).
    rng = random.Random(7)
    contents = [rng.randbytes(rng.randrange(0, 200)) for _ in range(2000)]
    contents.append(rng.randbytes(1_000_000))
    names = []
    for i, data in enumerate(contents):
        path = tmp_path / f"{i}.bin"
        path.write_bytes(data)
        names.append(str(path))
    oids = git(repo.root, "hash-object", "-w", "--stdin-paths", stdin="\n".join(names).encode())
    expected = dict(zip(oids.split("\n"), contents, strict=True))
    assert read_blobs(repo.root, list(expected)) == expected


def test_read_blobs_empty_request(repo: Repo) -> None:
    assert read_blobs(repo.root, []) == {}


def test_read_blobs_missing_object(repo: Repo) -> None:
    with pytest.raises(GitError, match="missing"):
        read_blobs(repo.root, ["0" * 40])


def test_read_blobs_refuses_a_tree(repo: Repo) -> None:
    tree = git(repo.root, "rev-parse", "HEAD^{tree}")
    with pytest.raises(GitError, match="not a file"):
        read_blobs(repo.root, [tree])


@pytest.mark.parametrize(
    "name",
    [
        "HEAD",
        "HEAD:data/streams.yaml",
        "HEAD:../../etc/passwd",
        "7" * 39,
        "A" * 40,
        "0" * 40 + "\nHEAD:README.md",
        "",
    ],
)
def test_read_blobs_takes_only_full_ids(repo: Repo, name: str) -> None:
    with pytest.raises(GitError, match="not a full object id"):
        read_blobs(repo.root, [name])
