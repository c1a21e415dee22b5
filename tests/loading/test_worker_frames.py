"""Workers send their checks in frames: every file comes back exactly once, exactly as checked here.

A share spans several frames here (three files a frame); a worker that sends garbage, or
dies, after some frames costs the files not yet rebuilt a check in this process, never a
file lost, doubled or changed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from budgetctl.loading import parallel
from budgetctl.loading.checks import check_project
from budgetctl.loading.discover import read_ledger
from budgetctl.model.source import RawFile

REPO = Path(__file__).resolve().parents[2]


def _generate(n: int, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate_frames", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate_frames"] = module
    spec.loader.exec_module(module)
    module.generate(n, folder, journals=False, seed=20230401)
    return folder / "data"


@pytest.fixture
def projects(tmp_path: Path) -> list[RawFile]:
    data = _generate(40, tmp_path / "ledger")
    files = sorted((data / "projects").rglob("*.yaml"))
    files[2].write_text(files[2].read_text() + "  bad: [unclosed\n")  # a loader problem
    files[7].write_text(files[7].read_text().replace("lead:", "leed:", 1))  # a schema problem
    found = read_ledger(data).projects
    assert len(found) == 40
    return found


def _run(projects: list[RawFile], todo: list[int]) -> dict[int, tuple[object, ...]]:
    """Each file's check as the pool gives it back, packed for comparison; a file twice fails."""
    got: dict[int, tuple[object, ...]] = {}
    batches = parallel.check_projects(projects, todo)
    try:
        for batch in batches:
            for index, checked in batch:
                assert index not in got
                got[index] = parallel.pack(checked)
    finally:
        batches.close()
    return got


@pytest.fixture
def frames_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "FRAME_FILES", 3)
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: no worker is started")


def test_every_file_comes_back_once_as_checked_here(projects: list[RawFile], frames_of_three: None) -> None:
    todo = [i for i in range(len(projects)) if i % 5 != 1]  # some files came from the cache
    expected = {i: parallel.pack(check_project(projects[i])) for i in todo}
    assert _run(projects, todo) == expected
    assert any(expected[i][1] is None for i in todo) and any(expected[i][1] for i in todo)  # both problems seen


@pytest.mark.parametrize("failure", ["dies", "sends garbage"])
def test_a_worker_failing_after_some_frames_costs_time_not_results(
    failure: str, projects: list[RawFile], frames_of_three: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    todo = list(range(len(projects)))
    expected = {i: parallel.pack(check_project(projects[i])) for i in todo}
    parent = os.getpid()
    real = parallel.pack
    sent = [0]

    def failing(checked):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            return real(checked)
        sent[0] += 1
        if sent[0] <= 7:  # two whole frames and part of a third, then the failure
            return real(checked)
        if failure == "dies":
            os._exit(3)
        return ["garbage"]

    monkeypatch.setattr(parallel, "pack", failing)
    assert _run(projects, todo) == expected


def test_a_short_answer_is_refused(
    projects: list[RawFile], frames_of_three: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker that sends one frame too few (its last files missing) is not trusted for them.
    todo = list(range(len(projects)))
    expected = {i: parallel.pack(check_project(projects[i])) for i in todo}
    real = parallel._Worker.__init__

    def short(self, projects, indices):  # type: ignore[no-untyped-def]
        real(self, projects, indices[:-1])  # the worker checks all but its last file
        self.indices = indices  # and the parent waits for all of them

    monkeypatch.setattr(parallel._Worker, "__init__", short)
    found = _run(projects, todo)
    assert found == expected
