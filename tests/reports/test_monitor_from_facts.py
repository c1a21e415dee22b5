"""The monitoring report from the kept values (``model.monitorfacts``, encoded and decoded as the
cache keeps them) is the report from the ledger, for every day of every budget year: the states
between the dates the ledger writes stand for every date between them."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from budgetctl.model import monitorfacts
from budgetctl.model.periods import year_bounds
from budgetctl.pipeline import check_ledger
from budgetctl.render.monitor import explanation_lines, json_text, markdown_text, movement_table
from budgetctl.reports.monitor import Monitor, from_facts, monitor
from tests.conftest import LEDGERS, SHIPPED


def shown(report: Monitor) -> tuple[str, str, list[tuple[int, str]], list[list[object]]]:
    return json_text(report), markdown_text(report), explanation_lines(report), movement_table(report).rows


@pytest.mark.parametrize("name", ["shipped", "closed-year", "in-year"])
def test_every_day_of_every_year(tmp_path: Path, name: str) -> None:
    source = SHIPPED if name == "shipped" else LEDGERS / name / "data"
    shutil.copytree(source, tmp_path / "data")
    ledger = check_ledger(tmp_path / "data", cache=False).ledger
    assert ledger is not None
    lines = monitorfacts.encode(monitorfacts.facts_of(ledger))
    kept = monitorfacts.decode_whole([line.encode() for line in [*lines, ""]])
    served = 0
    for year in kept.budget_years:
        first, last = year_bounds(year)
        day = first - datetime.timedelta(days=3)
        while day <= last:
            warm = from_facts(kept, year, day)
            if warm is None:  # the outturn of a closed year: from the ledger only
                assert day == last and kept.year(year).closed is not None
            else:
                assert shown(warm) == shown(monitor(ledger, year, day)), (year, day)
                served += 1
            day += datetime.timedelta(days=1)
    assert served > 360 * len(kept.budget_years) - 1


def test_without_the_projects_explained_the_table_is_the_same(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path / "data")
    ledger = check_ledger(tmp_path / "data", cache=False).ledger
    assert ledger is not None
    kept = monitorfacts.decode([line.encode() for line in [*monitorfacts.encode(monitorfacts.facts_of(ledger)), ""]])
    day = datetime.date(2023, 9, 30)
    full, bare = from_facts(kept, "2023/24", day), from_facts(kept, "2023/24", day, explained=False)
    assert full is not None and bare is not None and full.variances and not bare.variances
    assert json_text(full) == json_text(bare) == json_text(monitor(ledger, "2023/24", day))
