"""CODEOWNERS gives the year's actuals, imports and forecasts to the admins."""

from __future__ import annotations

from budgetctl.cli import app
from tests.conftest import LEDGERS


def test_in_year_folders_go_to_the_admins(runner, monkeypatch) -> None:
    monkeypatch.chdir(LEDGERS / "in-year")
    result = runner.invoke(app, ["owners", "--admins", "@org/finance-admins"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    top = "/tests/ledgers/in-year/data"  # the ledger's folder in this repository
    for folder in ("actuals", "imports", "forecasts"):
        assert f"{top}/{folder}/ @org/finance-admins" in lines
    # After the stream folders: the last matching line wins, and these do not overlap them.
    assert lines.index(f"{top}/actuals/ @org/finance-admins") > lines.index(f"{top}/streams.yaml @org/finance-admins")
