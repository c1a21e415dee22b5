"""The snapshot's hash of the display paths, made a thousand paths at a time, is the SHA-256 of
all of them joined by NUL (what snapshots already kept hold), at every count around a chunk."""

from __future__ import annotations

import hashlib

import pytest

from budgetctl.loading.snapshot import paths_key


@pytest.mark.parametrize("count", [0, 1, 2, 999, 1000, 1001, 2000, 2500])
def test_the_hash_of_the_joined_paths(count: int) -> None:
    paths = [f"data/projects/s-{n % 7}/p{n:05d}-é\udcff.yaml" for n in range(count)]
    joined = "\0".join(paths).encode("utf-8", "surrogatepass")
    assert paths_key(paths) == hashlib.sha256(joined).hexdigest()
