"""What a warm validate just after an edit uses instead of the cache module: the built-in SHA-256
gives the cache's content key (``_same`` hashes with it), and a listing finds the stat entries of
a few files (``Listing.rows_of``, which ``_settle`` reads) as its full table of paths gives them."""

from __future__ import annotations

from pathlib import Path

from budgetctl.loading import cache, cacheplace, warm
from tests.conftest import aged_shipped


def test_the_built_in_sha256_gives_the_content_key() -> None:
    for data in (b"", b"streams: {}\n", bytes(range(256)) * 999):
        assert cacheplace.sha256(data).hexdigest() == cache.digest(data)


def test_rows_of_is_the_listings_own_entry_for_each_path(tmp_path: Path) -> None:
    data = aged_shipped(tmp_path)
    (data / "projects" / "deeper").mkdir()
    (data / "projects" / "deeper" / "x.yaml").write_text("title: x\n", encoding="utf-8")
    found = warm.listing(str(data), ("context",))
    assert found is not None
    taken = found.taken
    assert len(taken) > 100
    for path, info in taken.items():
        assert found.rows_of({path}) == {path: warm.STAT_ROW(info)}
    some = set(list(taken)[::7])
    assert found.rows_of(some | {str(data / "missing.yaml"), str(tmp_path / "elsewhere")}) == {
        path: warm.STAT_ROW(taken[path]) for path in some
    }
