"""A warm `summary` or `monitor` table of a usual ledger, piped, imports neither Rich (the tables
are written plain, as Rich prints them) nor dataclasses (with inspect) nor the pipeline: start-up
is most of what they cost."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_summary_warm_facts import copy
from tests.entrypoint import fresh_run


def test_warm_reports_import_little(tmp_path: Path) -> None:
    data = copy("shipped", tmp_path)

    def run(*args: str) -> tuple[set[str], str]:
        return fresh_run(tmp_path, *args, "--data", str(data))

    run("validate")
    heavy = {"typer", "rich", "dataclasses", "inspect", "budgetctl.pipeline", "budgetctl.model.records"}
    for args in (["summary"], ["summary", "-y", "2024/25", "--by", "funding"], ["monitor"]):
        run(*args)  # the first may fill the cache (a summary of one year keeps the plan's check)
        modules, printed = run(*args)
        assert modules & heavy == set(), args
        assert "┏" in printed or "───" in printed, args  # the table, boxed as Rich boxes it
