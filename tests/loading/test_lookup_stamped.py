"""The stamp's lookup of one project (``loading.lookup``) takes exactly the files discovery takes:
for every project id of a stamped ledger, the same streams.yaml, project file and adjustments
(display paths, order and bytes) as ``discover.read_ledger``, under the stamp's ledger key, which
is the key of what discovery reads."""

from __future__ import annotations

import os
import shutil
import time
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
        found = lookup.project_files(data, root, project_id(raw.path))
        assert isinstance(found, lookup.Stamped), raw.path
        assert found.key == cache.ledger_key(files)
        assert (found.project.path, found.project.data) == (raw.path, raw.data)
        assert (found.streams.path, found.streams.data) == (files.streams.path, files.streams.data)
        assert [(a.path, a.data) for a in found.adjustments] == [(a.path, a.data) for a in adjustments]
    assert lookup.project_files(data, root, "no-such-project") is None
