"""`summary` and `monitor` at the terminal print exactly what Rich printed for them before they
were written without it: the same commands with Rich laying out every table give the same bytes,
at every width, with COLUMNS set or not. The shipped ledger's usual reports take the plain path."""

from __future__ import annotations

from typing import Any

import pytest

from budgetctl.cli import app
from budgetctl.render import console, monitor, tables
from tests.conftest import SHIPPED

COMMANDS = [
    ["summary"],
    ["summary", "--year", "2023/24"],
    ["summary", "--year", "2024/25", "--by", "funding"],
    ["summary", "--year", "2023/24..2024/25"],
    ["monitor"],
    ["monitor", "--year", "2024/25", "--as-at", "q2"],
    ["monitor", "--year", "2023/24"],  # the outturn of a closed year
    ["projects", "--stream", "victims-services"],
]


def run(runner: Any, args: list[str], monkeypatch: pytest.MonkeyPatch, *, rich: bool) -> tuple[str, list[str]]:
    laid_out: list[str] = []  # the tables Rich laid out
    real_table, real_grid = tables.render_rich, monitor._rich_grid
    with monkeypatch.context() as patch:
        if rich:
            patch.setattr(console, "plain_stdout", lambda: False)
        patch.setattr(tables, "render_rich", lambda t: (laid_out.append(t.title), real_table(t)))
        patch.setattr(monitor, "_rich_grid", lambda t, c: (laid_out.append(t.title), real_grid(t, c)))
        result = runner.invoke(app, ["--data", str(SHIPPED), *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout, laid_out


@pytest.mark.parametrize("columns", [None, "60", "80", "100", "120", "150", "250"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_report_is_what_rich_prints(
    runner: Any, monkeypatch: pytest.MonkeyPatch, args: list[str], columns: str | None
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    plain, _ = run(runner, args, monkeypatch, rich=False)
    assert plain == run(runner, args, monkeypatch, rich=True)[0]


@pytest.mark.parametrize("args", [["summary"], ["monitor"], ["summary", "--year", "2024/25", "--by", "funding"]])
def test_the_usual_reports_are_written_without_rich(
    runner: Any, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    plain, laid_out = run(runner, args, monkeypatch, rich=False)
    assert laid_out == [] and "Total" in plain
    assert run(runner, args, monkeypatch, rich=True)[1] != []  # the comparison above is with Rich's layout
