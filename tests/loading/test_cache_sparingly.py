"""A cache read sparingly (a few entries found by searching the file, for ``show`` and ``owners``)
gives exactly the entries a full read gives, misses what a full read misses, trusts nothing once
an entry is damaged, and is never saved; ``last_check(only=...)`` gives the problems of those
files exactly as the whole list holds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetctl.diagnostics import Diagnostic, Severity
from budgetctl.loading.cache import SPARING_MAX, FileCache
from budgetctl.loading.codec import Malformed

KEY = "k" * 64
PATHS = [
    "data/streams.yaml",
    "data/projects/a/b.yaml",
    "data/projects/ünïcode/é.yaml",
    'data/projects/q"uote/x.yaml',
    "data/projects/a/b.yaml.yaml",  # starts with another path
    "data/projects/back\\slash.yaml",
]


def digest(n: int) -> str:
    return f"{n:064x}"


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A cache file holding an entry per path (content key ``digest(i)``)."""
    cache = FileCache(tmp_path / "ledger.jsonl", KEY)
    for i, path in enumerate(PATHS):
        cache.put(path, digest(i), [[], [], {"title": f"entry {i}"}])
    cache.save()
    return cache.path


def test_each_entry_is_what_a_full_read_gives(stored: Path) -> None:
    full = FileCache(stored, KEY)
    sparse = FileCache(stored, KEY)
    sparse.sparingly(len(PATHS))
    for i, path in enumerate(PATHS):
        assert sparse.get(path, digest(i)) == full.get(path, digest(i)) == [[], [], {"title": f"entry {i}"}]
        assert sparse.get(path, digest(i + 1)) is None is full.get(path, digest(i + 1))  # another content
    assert sparse.get("data/projects/a", digest(1)) is None  # a prefix of a stored path
    assert sparse.get("data/projects/a/b", digest(1)) is None


def test_many_entries_are_read_as_before(stored: Path) -> None:
    cache = FileCache(stored, KEY)
    cache.sparingly(SPARING_MAX + 1)
    assert cache.get(PATHS[1], digest(1)) is not None
    cache.put("data/projects/new.yaml", digest(99), [[], [], None])
    cache.save()  # a cache read whole is saved: it forgets what this run did not ask for
    assert FileCache(stored, KEY).get("data/projects/new.yaml", digest(99)) == [[], [], None]


def test_a_sparing_cache_is_never_saved(stored: Path) -> None:
    before = stored.read_bytes()
    cache = FileCache(stored, KEY)
    cache.sparingly(1)
    assert cache.get(PATHS[0], digest(0)) is not None
    cache.put("data/projects/new.yaml", digest(99), [[], [], None])
    cache.save()
    assert stored.read_bytes() == before


def test_another_versions_cache_gives_nothing(stored: Path) -> None:
    cache = FileCache(stored, "o" * 64)
    cache.sparingly(1)
    assert cache.get(PATHS[0], digest(0)) is None


def test_a_missing_cache_gives_nothing(tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "none.jsonl", KEY)
    cache.sparingly(1)
    assert cache.get(PATHS[0], digest(0)) is None


def test_a_damaged_entry_is_refused_and_then_nothing_is_trusted(stored: Path) -> None:
    data = stored.read_bytes().replace(b'{"title":"entry 1"}]', b'{"title":"entry 1"}', 1)
    stored.write_bytes(data)
    cache = FileCache(stored, KEY)
    cache.sparingly(2)
    with pytest.raises(Malformed):
        cache.get(PATHS[1], digest(1))
    cache.drop()  # what recall does on Malformed
    assert cache.get(PATHS[0], digest(0)) is None


def problem(path: str, line: int) -> Diagnostic:
    return Diagnostic("S005", Severity.ERROR, "found '12x'; write an amount", path, line, 3)


def test_the_problems_of_some_files_are_those_of_the_whole_list(tmp_path: Path) -> None:
    problems = [problem(path, n) for n, path in enumerate(PATHS * 2, start=1)]
    problems.append(problem("data/projects/a/b.yaml.bak", 1))
    writer = FileCache(tmp_path / "ledger.jsonl", KEY)
    writer.save_check("L" * 64, problems, 12, False)
    reader = FileCache(tmp_path / "ledger.jsonl", KEY)
    whole = reader.last_check("L" * 64)
    assert whole is not None and whole[0] == problems
    for chosen in ({PATHS[1]}, {PATHS[2], PATHS[3]}, {PATHS[5]}, {"data/none.yaml"}, set()):
        some = reader.last_check("L" * 64, only=chosen)
        assert some == ([p for p in problems if p.file in chosen], 12, False)
    assert reader.last_check("M" * 64, only={PATHS[1]}) is None
