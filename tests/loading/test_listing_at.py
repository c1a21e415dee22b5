"""A listing's file by its number (``warm.Listing.path_at``/``info_at``, what a check of a few
changed files reads) is the one the whole lists give, in every folder, before and after they
are made."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetctl.loading import warm


def test_each_number_gives_the_path_and_stat_entry_the_lists_give(tmp_path: Path) -> None:
    for folder, count in (("", 2), ("a/", 3), ("a/b/", 0), ("c/", 4)):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        for number in range(count):
            (tmp_path / f"{folder}f{number}.yaml").write_text("x" * number, encoding="utf-8")
    found = warm.listing(str(tmp_path), ("context",))
    assert found is not None
    fresh = warm.listing(str(tmp_path), ("context",))
    assert fresh is not None
    at = [(fresh.path_at(n), warm.STAT_ROW(fresh.info_at(n))) for n in range(len(fresh.rows))]
    assert fresh._paths is None and fresh._infos is None  # none of the whole lists was made
    whole = [(path, warm.STAT_ROW(info)) for path, info in zip(found.paths, found.infos, strict=True)]
    assert at == whole and len(at) == 9
    assert [found.path_at(n) for n in range(9)] == found.paths  # once they are made, from them
    assert all(found.info_at(n) is found.infos[n] for n in range(9))
    with pytest.raises(IndexError):
        fresh.path_at(9)
