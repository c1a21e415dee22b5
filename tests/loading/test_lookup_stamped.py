"""The stamp's lookup of one project (``loading.lookup``) takes exactly the files discovery takes:
for every project id of a stamped ledger, the same streams.yaml, project file and adjustments
(display paths, order and bytes) as ``discover.read_ledger``, under the stamp's ledger key, which
is the key of what discovery reads."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from budgetctl.loading import cache, discover, lookup, statindex
from budgetctl.model.kinds import project_id
from tests.conftest import SHIPPED, make_ledger
from tests.entrypoint import entry

LEDGER = {
    "streams.yaml": (
        "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget:\n      2024/25: 1000\n"
    ),
    "projects/a.yaml": "title: A\nstream: fund\nlead: L\nallocations:\n  2024/25: 10\n",
    "projects/x/b.yml": "title: B\nstream: fund\nlead: L\nallocations:\n  2024/25: 20\n",
    "projects/x/.y/c.yaml": "title: C\nstream: fund\nlead: L\nallocations:\n  2024/25: 30\n",
}


def choosing(wanted: lookup.Wanted | None) -> Callable[[cache.FileCache, str], lookup.Wanted | None]:
    """What ``stamped_files`` asks which files to take, whatever the cache and ledger key."""
    return lambda found, key: wanted


@pytest.fixture(params=["shipped", "nested"])
def data(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if request.param == "shipped":
        data = tmp_path / "ledger" / "data"
        shutil.copytree(SHIPPED, data)
    else:
        data = make_ledger(tmp_path, LEDGER)
    past = time.time() - 60  # settled: older than the stamp (git's racy rule)
    for path in [data, *data.rglob("*")]:
        os.utime(path, (past, past))
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    for name in ("BUDGETCTL_NO_CACHE", "CI"):
        monkeypatch.delenv(name, raising=False)
    return data


def test_the_lookup_takes_what_discovery_takes(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # the first keeps the stamp, the second is served by it
        assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0
    root = discover.find_root(data)
    files = discover.read_ledger(root)
    assert files.problems == [] and files.streams is not None
    adjustments = files.in_year.get("adjustment", [])
    for raw in files.projects:
        found = lookup.stamped_files(data, root, choosing(project_id(raw.path)))
        assert isinstance(found, lookup.Picked), raw.path
        assert found.key == cache.ledger_key(files)
        assert [(p.path, p.data) for p in found.projects] == [(raw.path, raw.data)]
        assert (found.streams.path, found.streams.data) == (files.streams.path, files.streams.data)
        assert [(a.path, a.data) for a in found.adjustments] == [(a.path, a.data) for a in adjustments]
    assert lookup.stamped_files(data, root, choosing("no-such-project")) is None


def test_a_set_of_display_paths_takes_those_files(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0
    root = discover.find_root(data)
    files = discover.read_ledger(root)
    every = [raw.path for raw in files.projects]
    for wanted in (every[:1], every[1:], every, []):
        found = lookup.stamped_files(data, root, choosing(frozenset(wanted)))
        assert isinstance(found, lookup.Picked)
        assert [p.path for p in found.projects] == sorted(wanted)
        assert [(p.path, p.data) for p in found.projects] == [
            (r.path, r.data) for r in files.projects if r.path in wanted
        ]
    missing = frozenset([every[0], every[0].rsplit("/", 1)[0] + "/no-such.yaml"])
    assert lookup.stamped_files(data, root, choosing(missing)) is None
    assert lookup.stamped_files(data, root, choosing(None)) is None
