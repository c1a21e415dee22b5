"""The monitoring report builds each stream's (and each project's) row once: CSV and JSON
carry the same values, and the drill-down's subtotals are for people only."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal

import pytest

from budgetctl.cli import app
from tests.conftest import SHIPPED

MONEY = ("allocated", "actual", "forecast", "variance")


def _run(runner, *args: str) -> str:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", "--data", str(SHIPPED), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("as_at", ["q1", "q2", "q3"])
def test_stream_rows_in_csv_and_json_are_one_value(runner, as_at: str) -> None:
    data = json.loads(_run(runner, "--as-at", as_at, "-f", "json"))
    table = list(csv.DictReader(io.StringIO(_run(runner, "--as-at", as_at, "-f", "csv"))))
    assert [{k: r[k] for k in data["rows"][0]} for r in table[:-1]] == data["rows"]
    assert {k: table[-1][k] for k in data["total"]} == data["total"]


def test_the_drill_down_json_has_the_projects_and_csv_adds_each_programmes_subtotal(runner) -> None:
    data = json.loads(_run(runner, "--as-at", "q2", "--by", "project", "-f", "json"))
    table = list(csv.DictReader(io.StringIO(_run(runner, "--as-at", "q2", "--by", "project", "-f", "csv"))))
    body, total = table[:-1], table[-1]
    subtotals = [r for r in body if r["project"].endswith(" subtotal")]
    projects = [r for r in body if not r["project"].endswith(" subtotal")]
    assert [r["project"] for r in projects] == [r["project"] for r in data["rows"]]
    assert all(p[m] == j[m] for p, j in zip(projects, data["rows"], strict=True) for m in MONEY)
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in data["rows"]:
        for m in MONEY:
            sums[row["programme"]][m] += Decimal(row[m])
    assert [r["project"] for r in subtotals] == [f"{p} subtotal" for p in sums]
    assert all(Decimal(s[m]) == sums[p][m] for s, p in zip(subtotals, sums, strict=True) for m in MONEY)
    assert {m: total[m] for m in MONEY} == data["total"] and total["programme"] == "Total"
