"""``budgetctl projects`` of a ledger with actuals and forecasts takes each project's fields from
its cached entry, loading no project, when the last whole check found no problem: byte for byte
what a run without the cache prints. A problem in the year's files leaves it to the check of the
plan, whose listing it prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading import build as build_module
from tests.cli.test_report_in_year_warm import with_year_files
from tests.cli.test_report_kept_paper import COUNT, STREAMS, ledger
from tests.entrypoint import spy_on_typer

Run = tuple[int, str, str]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many project files each build of a ledger was given."""
    spy_on_typer(monkeypatch)
    found: list[int] = []
    real = build_module.build

    def build(streams, projects, *args, **kwargs):  # type: ignore[no-untyped-def]
        found.append(len(projects))
        return real(streams, projects, *args, **kwargs)

    monkeypatch.setattr(build_module, "build", build)
    return found


def run(*args: str, cache: bool = True) -> Run:
    result = CliRunner().invoke(app, list(args), env={} if cache else {"BUDGETCTL_NO_CACHE": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("over", [False, True], ids=["clean", "a warning in the year files"])
def test_the_listing_of_a_ledger_with_year_files(tmp_path: Path, built: list[int], over: bool) -> None:
    data = with_year_files(ledger(tmp_path), over=over)
    checked = run("validate", "--data", str(data))
    assert checked[0] == 0 and ("M003" in checked[1]) is over
    for options in ((), ("--format", "csv"), ("--stream", "fund", "--format", "json")):
        args = ("projects", "--data", str(data), *options)
        built.clear()
        warm = run(*args)
        # Clean: streams.yaml alone is built; else the plan is checked, every project loaded.
        assert built == ([COUNT] if over else [0]), options
        assert warm == run(*args, cache=False) and warm[0] == 0, options


def test_a_balance_fund_after_a_closed_year_is_listed_from_the_check_of_the_plan(
    tmp_path: Path, built: list[int]
) -> None:
    data = ledger(tmp_path)
    closed = "years:\n  2023/24:\n    approved: 2023-02-01\n    closed: 2024-04-30\n"
    balance = STREAMS.replace("    funding: Police Grant\n", "    funding: Police Grant\n    year_end: balance\n")
    (data / "streams.yaml").write_text(closed + balance, encoding="utf-8")
    with_year_files(data)
    assert run("validate", "--data", str(data))[0] == 0
    args = ("projects", "--data", str(data), "--year", "2024/25")
    built.clear()
    warm = run(*args)
    assert built == [0, COUNT]  # the streams, then, its budgets depending on spend, the plan checked
    assert warm == run(*args, cache=False) and warm[0] == 0
