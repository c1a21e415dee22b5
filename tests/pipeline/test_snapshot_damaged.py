"""A damaged snapshot (each stream's model kept as its own JSON text) is never believed: a
stream's text that is not JSON, a byte that is not ASCII, or a file cut short, and the ledger is
checked whole, saying what a whole check says; the snapshot written again then serves the next
change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetctl.loading import snapshot
from tests.pipeline import test_changes_journal as journal
from tests.pipeline.test_changes_journal import _agrees, _cache, _set_amount
from tests.pipeline.test_check_changes import _age, _generated

cache_home, taken = journal.cache_home, journal.taken  # the fixtures, shared


def _damage(path: Path, damage: str) -> None:
    data = path.read_bytes()
    first, head, rest = data.split(b"\n", 2)
    if damage == "stream model":
        found = json.loads(head)
        found["model"]["streams"] = {stream: text[:-1] for stream, text in found["model"]["streams"].items()}
        data = first + b"\n" + json.dumps(found).encode("ascii") + b"\n" + rest
    elif damage == "not ascii":  # in every S line (a check reads the lines of the streams it touches)
        damaged = bytearray(data)
        at = data.find(b"\nS\t")
        while at >= 0:
            damaged[at + 4] = 0xFF
            at = data.find(b"\nS\t", at + 1)
        data = bytes(damaged)
    elif damage == "index":  # every stream's line said to be one byte long
        body, index_line, last = data.rsplit(b"\n", 3)[:3]
        index = {stream: [at, at + 1] for stream, (at, _) in json.loads(index_line[2:]).items()}
        data = body + b"\n" + b"X\t" + json.dumps(index).encode("ascii") + b"\n" + last + b"\n"
        data = data[: -len(last) - 1] + b"E\t%020d\n" % (len(body) + 1)
    elif damage == "where the index is":
        data = data[:-3] + b"00\n"
    elif damage == "sizes":
        found = json.loads(head)
        found["sizes"][0] += 1
        data = first + b"\n" + json.dumps(found).encode("ascii") + b"\n" + rest
    elif damage == "cut short":
        data = data[: len(data) - 40]
    path.write_bytes(data)


@pytest.mark.parametrize(
    "damage", ["none", "stream model", "not ascii", "index", "where the index is", "sizes", "cut short"]
)
def test_a_damaged_snapshot_is_never_believed(damage: str, tmp_path: Path, cache_home: Path, taken: list[bool]) -> None:
    data = _generated(tmp_path, 16, 4)
    _age(data)
    _agrees(data)  # a whole check: the snapshot, written whole, and no journal
    cache = _cache(data)
    kept = snapshot.read(cache.path, cache.key)
    assert kept is not None and all(type(text) is str for text in kept.head["model"]["streams"].values())
    assert not cache.path.with_suffix(".snapj").exists()
    _damage(cache.path.with_suffix(".snap"), damage)
    target = sorted((data / "projects").rglob("*.yaml"))[5]
    _set_amount(target, "999999999.99")  # its stream over-allocated: A001
    found = _agrees(data)
    assert found[0] == 1 and "A001" in found[1]
    assert taken[-1] is (damage == "none")  # damaged: not used, everything was checked
    _set_amount(target, "3")
    assert _agrees(data)[0] == 0 and taken[-1] is True  # the snapshot kept again serves
