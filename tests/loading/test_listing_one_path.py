"""A listing gives one file's path and stat entry (``path_at``, ``info_at``) as its whole lists
give them, without making the lists: a check of a few changed files reads only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetctl.loading.warm import listing


def test_each_file_s_path_and_entry_alone_are_those_of_the_whole_lists(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    for folder in ("", "projects/a/", "projects/b/", "projects/empty/", "adjustments/2024-25/"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    names = ["streams.yaml", "projects/a/x.yaml", "projects/a/y.yaml", "projects/b/z.yml", "adjustments/2024-25/v.yaml"]
    for name in names:
        (root / name).write_text(name, encoding="utf-8")
    alone = listing(str(root), ("ctx",))
    whole = listing(str(root), ("ctx",))
    assert alone is not None and whole is not None
    count = len(whole.paths)
    assert count == len(names) and sorted(whole.paths) == sorted(str(root / name) for name in names)
    for number in range(count):
        assert alone.path_at(number) == whole.paths[number]
        assert (alone.info_at(number).st_ino, alone.info_at(number).st_size) == (
            whole.infos[number].st_ino,
            whole.infos[number].st_size,
        )
        assert whole.info_at(number) is whole.infos[number]  # once made, the same objects
    assert alone._paths is None and alone._infos is None  # neither list was made
    with pytest.raises(IndexError):  # a number past the listing has no path
        alone.path_at(count)


def test_the_files_taken_where_a_test_accepts_are_those_of_the_whole_map(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    for name in ("streams.yaml", "projects/a/x.yaml", "projects/b/x.yaml", "projects/b/y.yaml", "adjustments/v.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    alone, whole = listing(str(root), ("ctx",)), listing(str(root), ("ctx",))
    assert alone is not None and whole is not None
    picked = alone.taken_where(lambda folder, name: name == "x.yaml" or folder == "adjustments/")
    assert alone._paths is None  # no other path was made
    expected = {path: info for path, info in whole.taken.items() if path.endswith(("/x.yaml", "/v.yaml"))}
    assert len(expected) == 3
    assert {path: (info.st_ino, info.st_size) for path, info in picked.items()} == {
        path: (info.st_ino, info.st_size) for path, info in expected.items()
    }
