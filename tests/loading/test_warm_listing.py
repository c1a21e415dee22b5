"""The listing a warm ``validate`` compares with its stamp (``warm.listing``): every file's size,
mtime, ctime, inode, device and mode, and every name and kind, each of which alone changes it;
taken through each folder's descriptor, it is the listing taken by paths, in the stamp's form 2
(stamps written before still vouch), and discovery's stat entries by discovery's paths."""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest

from budgetctl.loading import warm
from tests.conftest import SHIPPED, aged_shipped
from tests.entrypoint import fresh_run

CONTEXT = ("context",)
FIELDS = ("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev", "st_mode")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return aged_shipped(tmp_path)  # settled: older than any stamp a run writes now


def listed(data: Path) -> warm.Listing:
    found = warm.listing(str(data), CONTEXT)
    assert found is not None
    return found


def by_paths(data: Path) -> tuple[bytes, dict[str, os.stat_result]]:
    """The form-2 signature and the stat entries, taken the plain way: each folder by its path,
    in the listing's order (a folder's entries as the system lists them, the last folder first)."""
    folders, rows, taken = [], [], {}
    pending = [(str(data), "")]
    while pending:
        folder, relative = pending.pop()
        with os.scandir(folder) as found:
            entries = [e for e in found if relative or not e.name.startswith(".")]
        files = [e for e in entries if e.is_file(follow_symlinks=False)]
        subfolders = [e for e in entries if e.is_dir(follow_symlinks=False)]
        folders.append((relative, [e.name for e in files], [e.name for e in subfolders]))
        for entry in files:
            info = os.lstat(entry.path)
            rows.append(tuple(getattr(info, field) for field in FIELDS))
            taken[entry.path] = info
        pending += [(e.path, f"{relative}{e.name}/") for e in subfolders]
    return marshal.dumps((folders, rows), 2), taken


def test_the_listing_is_the_one_taken_by_paths_in_the_stamps_form(data: Path) -> None:
    (data / "projects" / ".notes").mkdir()  # hidden inside the ledger: listed
    (data / "projects" / ".notes" / "a.txt").write_text("x", encoding="utf-8")
    (data / ".git-like").mkdir()  # hidden at the top: discovery never looks, nor does the listing
    (data / ".git-like" / "b.txt").write_text("y", encoding="utf-8")
    found = listed(data)
    signature, taken = by_paths(data)
    assert found.signature == signature
    assert found.taken.keys() == taken.keys()
    for path, info in found.taken.items():
        assert tuple(getattr(info, f) for f in FIELDS) == tuple(getattr(taken[path], f) for f in FIELDS)
    assert str(data / "projects" / ".notes" / "a.txt") in taken
    assert not any(".git-like" in path for path in taken)
    assert found.newest == max(info.st_mtime_ns for info in taken.values())


def test_the_listing_by_paths_is_the_same_where_folders_cannot_be_opened(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    through_descriptors = listed(data)
    monkeypatch.setattr(warm, "_BY_FD", False)
    by_path = listed(data)
    assert by_path.signature == through_descriptors.signature
    assert by_path.taken.keys() == through_descriptors.taken.keys()


@pytest.mark.parametrize("field", FIELDS)
def test_each_stat_field_alone_changes_the_listing(data: Path, field: str) -> None:
    found = listed(data)
    assert found.rows == [tuple(getattr(info, f) for f in FIELDS) for info in found.infos]
    same = warm.Listing(CONTEXT, str(data), found.folders, list(found.rows))
    assert same.signature == found.signature
    changed = list(found.rows)
    row = list(changed[len(changed) // 2])
    row[FIELDS.index(field)] += 1
    changed[len(changed) // 2] = tuple(row)
    assert warm.Listing(CONTEXT, str(data), found.folders, changed).signature != found.signature


def test_a_changed_ctime_or_inode_alone_on_disk_changes_the_listing(data: Path) -> None:
    target = next((data / "projects").rglob("*.yaml"))
    before = listed(data).signature
    info = target.stat()
    target.chmod(info.st_mode)  # the same mode: only the ctime moves
    assert target.stat().st_mtime_ns == info.st_mtime_ns
    after_chmod = listed(data).signature
    assert after_chmod != before
    copy = target.with_name("copy.tmp")
    shutil.copy2(target, copy)  # the same bytes and mtime under a new inode
    copy.replace(target)
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    assert listed(data).signature not in (before, after_chmod)


@pytest.mark.parametrize("kind", ["link-in-a-folder", "folder-link", "fifo"])
def test_a_link_or_special_file_anywhere_means_no_listing(data: Path, kind: str) -> None:
    inner = data / "projects" / "deeper"
    inner.mkdir()
    if kind == "link-in-a-folder":
        (inner / "a.yaml").symlink_to(next((data / "projects").rglob("*.yaml")))
    elif kind == "folder-link":
        (inner / "more").symlink_to(data / "projects", target_is_directory=True)
    else:
        os.mkfifo(inner / "pipe")
    assert warm.listing(str(data), CONTEXT) is None


def test_a_ledger_folder_reached_through_a_link_is_listed(data: Path, tmp_path: Path) -> None:
    link = tmp_path / "linked"
    link.symlink_to(data, target_is_directory=True)
    through = warm.listing(str(link), CONTEXT)
    assert through is not None and through.signature == listed(data).signature
    assert all(path.startswith(str(link) + os.sep) for path in through.taken)


def test_a_folder_that_cannot_be_listed_means_no_listing(data: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root lists folders whatever their mode")
    folder = next(p for p in (data / "projects").iterdir() if p.is_dir())
    folder.chmod(0)
    try:
        assert warm.listing(str(data), CONTEXT) is None
    finally:
        folder.chmod(0o755)


def test_a_stamped_validate_imports_neither_json_nor_hashlib_nor_the_cache(tmp_path: Path) -> None:
    # The shipped ledger, whose files settled long ago (a copy's ctimes would be new: each file
    # would be hashed again, as the racy rule wants, until they settle).
    def run() -> tuple[set[str], str]:
        return fresh_run(tmp_path, "validate", "--data", str(SHIPPED), check=True)

    first, said = run()
    assert "budgetctl.loading.cache" in first and said.startswith("no problems in ")
    again, said_again = run()
    assert said_again == said
    assert {"json", "hashlib", "_hashlib", "budgetctl.loading.cache", "budgetctl.loading.discover"} & again == set()
