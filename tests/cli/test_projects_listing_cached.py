"""`budgetctl projects` on a warm cache lists each project from its cached entry (no record is
rebuilt, no rule runs), and prints exactly what a run without the cache prints: in every
format, with --year and --stream, with problems beside the listing, after a file changed
keeping its size and modification time, and when a cache entry is damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetctl.cli import app
from budgetctl.loading import statindex
from budgetctl.loading.cache import FileCache
from tests.conftest import change_keeping_size_and_mtime, make_ledger

STREAMS = """\
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
      2025/26: 500
"""


def project(stream: str, amounts: str, title: str = "T") -> str:
    return f"title: {title}\nstream: {stream}\nlead: L\nprovider: P\nallocations:\n{amounts}"


def ledger(tmp_path: Path) -> Path:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            # fund is over-allocated in 2023/24 (A001, an error that leaves the totals whole);
            # d allocates nothing (A003, a warning).
            "projects/fund/a.yaml": project("fund", "  2023/24: 600\n  2024/25: 100\n", "Alpha, with = and ; in it"),
            "projects/fund/d.yaml": project("fund", "  2024/25: 0\n"),
            "projects/fund/b.yaml": project("fund", "  2023/24: 500\n  2024/25: 250.5\n", "=SUM(A1)"),
            "projects/other/c.yaml": project("other", "  2024/25: 400\n  2025/26: 99.99\n", "Café | pipe"),
            "projects/other/e.yaml": project("other", "  2025/26: 12\n"),
        },
    )
    for path in data.rglob("*.yaml"):
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    return data


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)


ARGS = [
    [],
    ["--format", "csv"],
    ["--format", "json"],
    ["--format", "markdown"],
    ["--year", "2024/25"],
    ["--year", "2025/26", "--format", "json"],
    ["--stream", "other", "--format", "csv"],
    ["--stream", "fund", "--year", "2023/24", "--format", "markdown"],
    ["--stream", "nope"],
    ["--year", "2030/31"],
]


def run(runner, data: Path, args: list[str], cache: bool = True):  # type: ignore[no-untyped-def]
    env = None if cache else {"BUDGETCTL_NO_CACHE": "1"}
    result = runner.invoke(app, ["projects", *args, "--data", str(data)], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_warm_listing_equals_an_uncached_run_in_every_format(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    uncached = {tuple(args): run(runner, data, args, cache=False) for args in ARGS}
    cold = run(runner, data, ["--format", "csv"])  # fills the cache: a whole check
    assert cold == uncached[("--format", "csv")]
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 1
    for args in ARGS:
        for _ in range(2):  # the second run reads the index and the entries the first one kept
            assert run(runner, data, args) == uncached[tuple(args)], args
    code, out, err = uncached[("--format", "csv")]
    assert code == 0 and "b,'=SUM(A1),fund,L,500.00,250.50,,750.50" in out
    assert "A001" in err and "A003" in err
    assert uncached[("--stream", "nope")][0] == 2 and uncached[("--year", "2030/31")][0] == 2


def test_warm_listing_rebuilds_no_record_and_checks_no_file(
    runner, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    expected = run(runner, data, ["--format", "json"])
    request.getfixturevalue("entries_only")  # from here on, a rebuilt record or a checked file fails
    assert run(runner, data, ["--format", "json"]) == expected


@pytest.mark.parametrize("validate_first", [False, True])
def test_a_file_changed_keeping_size_and_mtime_is_listed_as_it_is_now(
    runner, tmp_path: Path, validate_first: bool
) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    run(runner, data, [])
    # a: 600 -> 900 in 2023/24 (fund's over-allocation grows); d: now allocates (its warning goes).
    alpha = project("fund", "  2023/24: 900\n  2024/25: 100\n", "Alpha, with = and ; in it")
    change_keeping_size_and_mtime(data / "projects/fund/a.yaml", alpha)
    change_keeping_size_and_mtime(data / "projects/fund/d.yaml", project("fund", "  2024/25: 7\n"))
    if validate_first:  # the check of the changed files only: their entries are not in the cache
        runner.invoke(app, ["validate", "--data", str(data)])
    for args in ARGS:
        warm = run(runner, data, args)
        assert warm == run(runner, data, args, cache=False), args
        assert warm == run(runner, data, args), args  # again, from what the first run kept
    _, out, err = run(runner, data, ["--format", "csv"])
    assert 'a,"Alpha, with = and ; in it",fund,L,900.00,100.00,,1000.00\n' in out
    assert "d,T,fund,L,,7.00,,7.00\n" in out
    assert "A003" not in err


def test_a_damaged_entry_is_not_used(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    runner.invoke(app, ["validate", "--data", str(data)])
    expected = {tuple(args): run(runner, data, args, cache=False) for args in ARGS[:4]}
    cache = FileCache.open(data)
    assert cache is not None
    text = cache.path.read_text(encoding="utf-8")
    assert '"title":"T"' in text
    cache.path.write_text(text.replace('"title":"T"', '"title":"T\\u0085"', 1), encoding="utf-8")
    for args in ARGS[:4]:
        assert run(runner, data, args) == expected[tuple(args)], args
    cache.path.write_text(text.replace('"allocations":{', '"allocations":{"2030/31":"-1.00",', 1), encoding="utf-8")
    assert run(runner, data, ["--format", "csv"]) == expected[("--format", "csv")]


def test_a_ledger_whose_totals_are_unreliable_is_refused_as_without_the_cache(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    (data / "projects/other/a.yaml").write_text(project("other", "  2024/25: 1\n"), encoding="utf-8")  # R004
    uncached = run(runner, data, [], cache=False)
    runner.invoke(app, ["validate", "--data", str(data)])
    assert run(runner, data, []) == uncached
    assert uncached[0] == 1 and "R004" in uncached[2]


def test_a_ledger_with_in_year_files_lists_as_without_the_cache(runner, tmp_path: Path) -> None:
    data = ledger(tmp_path)
    actuals = data / "actuals/2024-25/2024-06.csv"
    actuals.parent.mkdir(parents=True)
    header = "date,project,kind,amount,reference,supplier,description\n"
    actuals.write_text(header + "2024-06-30,c,payment,10.00,INV-1,S,D\n", encoding="utf-8")
    uncached = run(runner, data, ["--format", "csv"], cache=False)
    runner.invoke(app, ["validate", "--data", str(data)])
    assert run(runner, data, ["--format", "csv"]) == uncached
    assert "c,Café | pipe,other,L,,400.00,99.99,499.99" in uncached[1]
