"""`summary --year FIRST..LAST`: a medium-term view of several years side by side."""

from __future__ import annotations

import json

from budgetctl.cli import app
from tests.conftest import SHIPPED


def test_years_side_by_side_match_the_one_year_summaries(runner) -> None:
    result = runner.invoke(app, ["summary", "--year", "2023/24..2025/26", "--data", str(SHIPPED), "-f", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["years"] == ["2023/24", "2024/25", "2025/26"]
    for year in ("2023/24", "2024/25"):
        one = json.loads(runner.invoke(app, ["summary", "--year", year, "--data", str(SHIPPED), "-f", "json"]).stdout)
        assert payload["total"][year] == one["total"]
        for row, single in zip(payload["rows"], one["rows"], strict=True):
            assert row["years"][year] == {k: single[k] for k in row["years"][year]}
    assert payload["total"]["2023/24"]["budget"] == "17175399.00"
    assert payload["total"]["2025/26"]["revised_budget"] == "0.00"


def test_csv_has_a_revised_and_an_allocated_column_per_year(runner) -> None:
    result = runner.invoke(app, ["summary", "--year", "2023/24..2024/25", "--data", str(SHIPPED), "-f", "csv"])
    lines = result.stdout.splitlines()
    assert lines[0] == "programme,funding,2023/24-revised,2023/24-allocated,2024/25-revised,2024/25-allocated"
    assert lines[-1] == "Total,,17476675.30,17325360.40,17567321.00,3385000.00"


def test_a_backwards_or_empty_range_is_a_usage_error(runner) -> None:
    backwards = runner.invoke(app, ["summary", "--year", "2024/25..2023/24", "--data", str(SHIPPED)])
    assert backwards.exit_code == 2 and "earlier year first" in backwards.stderr
    empty = runner.invoke(app, ["summary", "--year", "2030/31..2031/32", "--data", str(SHIPPED)])
    assert empty.exit_code == 2 and "no budget in 2030/31..2031/32" in empty.stderr
    bad = runner.invoke(app, ["summary", "--year", "2023/24..2024-25", "--data", str(SHIPPED)])
    assert bad.exit_code == 2
