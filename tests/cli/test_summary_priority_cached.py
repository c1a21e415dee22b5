"""`budgetctl summary --by priority` on a warm cache counts each project from its cached entry (its
stream, priorities and allocations; no record is rebuilt, no rule runs), and prints exactly what a
run without the cache prints: in every format and to a file, on the shipped and test ledgers, with
problems beside the table or refused, after a file changed keeping its size and mtime, and when a
cache entry is damaged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.loading import statindex
from budgetctl.loading.cache import FileCache
from tests.conftest import LEDGERS, SHIPPED, change_keeping_size_and_mtime, make_ledger

STREAMS = """\
priorities:
  safer: Safer streets
  victims: Victims first
  unused: Nobody funds this
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 1000
      2024/25: 1000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2024/25: 500
"""
LONG_AGO = (1_600_000_000_000_000_000,) * 2


def project(stream: str, priorities: str, amounts: str) -> str:
    return f"title: T\nstream: {stream}\nlead: L\n{priorities}allocations:\n{amounts}"


def ledger(tmp_path: Path) -> Path:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            # Two priorities (one named twice), none, one the plan does not list; fund is
            # over-allocated in 2023/24 (A001: an error that leaves the totals whole).
            "projects/fund/a.yaml": project("fund", "priorities: [safer, victims, safer]\n", "  2023/24: 600.01\n"),
            "projects/fund/b.yaml": project("fund", "", "  2023/24: 500\n  2024/25: 250.5\n"),
            "projects/other/c.yaml": project("other", "priorities: [victims]\n", "  2024/25: 400\n"),
            "projects/other/d.yaml": project("other", "priorities: [elsewhere]\n", "  2024/25: 0.03\n"),
        },
    )
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=LONG_AGO)
    return data


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)


FORMATS = [[], ["--format", "csv"], ["--format", "json"], ["--format", "markdown"]]
ARGS = [*FORMATS, ["--year", "2023/24", "--format", "csv"], ["--year", "2030/31"]]


def run(runner, data: Path, args: list[str], cache: bool = True):  # type: ignore[no-untyped-def]
    env = {"COLUMNS": "100", **({} if cache else {"BUDGETCTL_NO_CACHE": "1"})}
    result = runner.invoke(app, ["summary", "--by", "priority", *args, "--data", str(data)], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_warm_summary_by_priority_equals_an_uncached_run(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    uncached = {tuple(args): run(runner, data, args, cache=False) for args in ARGS}
    assert run(runner, data, ["--format", "csv"]) == uncached[("--format", "csv")]  # fills the cache
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 1
    for args in ARGS:
        for _ in range(2):  # the second run reads the index and the entries the first one kept
            assert run(runner, data, args) == uncached[tuple(args)], args
    code, out, err = uncached[("--format", "csv")]  # the default year: 2024/25, the latest budgeted
    assert code == 0 and "A001" in err
    # c's 400 to victims; d's 0.03 to a priority the plan does not list; b's 250.50 to none.
    assert "\nVictims first,1,400.00,61.5\n" in out and "\nelsewhere,1,0.03,0.0\n" in out
    assert "\n(no priority),1,250.50,38.5\n" in out and "\nNobody funds this,0,0.00,0.0\n" in out
    assert "\nSafer streets,1,300.01," in uncached[("--year", "2023/24", "--format", "csv")][1]  # to the penny
    assert uncached[("--year", "2030/31")][0] == 2


def test_the_table_written_to_a_file_is_the_uncached_one(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    for cache, name in ((False, "uncached.csv"), (True, "warm.csv")):
        assert run(runner, data, ["--format", "csv", "-o", str(tmp_path / name)], cache=cache)[0] == 0
    assert (tmp_path / "warm.csv").read_bytes() == (tmp_path / "uncached.csv").read_bytes()


@pytest.mark.parametrize("name", ["shipped", *sorted(p.name for p in LEDGERS.iterdir())])
def test_the_shipped_and_test_ledgers_give_the_uncached_summary(runner, tmp_path: Path, name: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(SHIPPED if name == "shipped" else LEDGERS / name / "data", data)
    uncached = [run(runner, data, args, cache=False) for args in FORMATS]
    runner.invoke(app, ["validate", "--data", str(data)])
    assert [run(runner, data, args) for args in FORMATS] == uncached


def test_warm_summary_by_priority_rebuilds_no_record_and_checks_no_file(
    runner, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    expected = run(runner, data, ["--format", "json"])
    request.getfixturevalue("entries_only")  # from here on, a rebuilt record or a checked file fails
    assert run(runner, data, ["--format", "json"]) == expected


@pytest.mark.parametrize("validate_first", [False, True])
def test_priorities_changed_keeping_size_and_mtime_are_counted_as_they_are_now(
    runner, tmp_path: Path, validate_first: bool
) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    run(runner, data, [])
    target = data / "projects/other/c.yaml"
    change_keeping_size_and_mtime(target, target.read_text(encoding="utf-8").replace("[victims]", "[safer]  "))
    if validate_first:  # the check of the changed file only: its entry is not in the cache
        runner.invoke(app, ["validate", "--data", str(data)])
    args = ["--year", "2024/25", "--format", "csv"]
    warm = run(runner, data, args)
    assert warm == run(runner, data, args, cache=False)
    assert warm == run(runner, data, args)  # again, from what the first run kept
    assert "\nSafer streets,1,400.00," in warm[1] and "\nVictims first,0,0.00," in warm[1]


def test_a_damaged_entry_is_not_used(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    expected = run(runner, data, ["--format", "csv"], cache=False)
    cache = FileCache.open(data)
    assert cache is not None
    text = cache.path.read_text(encoding="utf-8")
    for damaged in (
        text.replace('"priorities":["victims"]', '"priorities":["victims","Not an id"]', 1),
        text.replace('"priorities":["victims"]', '"priorities":"victims"', 1),
        text.replace('"stream":"other"', '"stream":7', 1),
    ):
        assert damaged != text
        cache.path.write_text(damaged, encoding="utf-8")
        assert run(runner, data, ["--format", "csv"]) == expected


def test_a_ledger_whose_totals_are_unreliable_is_refused_as_without_the_cache(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    (data / "projects/other/a.yaml").write_text(project("other", "", "  2024/25: 1\n"), encoding="utf-8")  # R004
    uncached = run(runner, data, [], cache=False)
    runner.invoke(app, ["validate", "--data", str(data)])
    assert run(runner, data, []) == uncached
    assert uncached[0] == 1 and "R004" in uncached[2]
