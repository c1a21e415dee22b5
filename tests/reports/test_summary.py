"""`budgetctl summary`: the shipped ledger reproduces paragraph 4 of the board report."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS, SHIPPED, make_ledger

# Paragraph 4 of the 28 March 2023 board report, as printed.
PARAGRAPH_4 = [
    ("Helping Communities Fund", "Proceeds of Crime Act (POCA)", "400000.00"),
    ("Community Safety", "Police Grant", "3954765.00"),
    ("Intervention and Prevention", "Police Grant", "1805538.00"),
    ("Victims Services", "Specific Grant", "6529875.00"),
    ("Violence Reduction Partnership", "Specific Grant and Partner Contributions", "4485221.00"),
]


def summary_json(runner, *args: str, data: Path = SHIPPED) -> dict:
    result = runner.invoke(app, ["summary", "--data", str(data), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_shipped_ledger_reproduces_paragraph_4(runner) -> None:
    payload = summary_json(runner, "--year", "2023/24")
    assert payload["year"] == "2023/24"
    assert [(r["programme"], r["funding"], r["budget"]) for r in payload["rows"]] == PARAGRAPH_4
    assert payload["total"]["budget"] == "17175399.00"
    for row in payload["rows"]:
        assert set(row) == {
            "stream", "programme", "funding", "budget", "adjustments", "revised_budget", "allocated", "unallocated"
        }  # fmt: skip
        # budget stays the approved budget; unallocated is what the revised budget leaves.
        assert Decimal(row["budget"]) + Decimal(row["adjustments"]) == Decimal(row["revised_budget"])
        assert Decimal(row["allocated"]) + Decimal(row["unallocated"]) == Decimal(row["revised_budget"])
        assert Decimal(row["allocated"]) < Decimal(row["revised_budget"])  # visible headroom
    for key in ("budget", "adjustments", "revised_budget", "allocated", "unallocated"):
        assert sum(Decimal(r[key]) for r in payload["rows"]) == Decimal(payload["total"][key])


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("summary-2023-24.txt", []),
        ("summary-2023-24.csv", ["--format", "csv"]),
        ("summary-2023-24.json", ["--format", "json"]),
        ("summary-2023-24.md", ["--format", "markdown"]),
        ("summary-2023-24-by-funding.txt", ["--by", "funding"]),
        ("summary-2023-24-by-priority.txt", ["--by", "priority"]),
    ],
)
def test_shipped_summary_golden(name: str, args: list[str], runner, golden) -> None:
    result = runner.invoke(app, ["summary", "--year", "2023/24", "--data", str(SHIPPED), *args])
    assert result.exit_code == 0
    assert result.stderr == ""
    golden(name, result.stdout)


def test_table_shows_thousands_separators_and_total(runner, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # eight columns: programme names on one line
    out = runner.invoke(app, ["summary", "--year", "2023/24", "--data", str(SHIPPED)]).stdout
    assert "17,175,399" in out and "6,529,875" in out
    for programme, *_ in PARAGRAPH_4:
        assert programme in out


def test_year_defaults_to_latest_budget_year(runner) -> None:
    assert summary_json(runner)["year"] == "2024/25"  # the shipped ledger has an indicative 2024/25
    assert summary_json(runner, data=LEDGERS / "over-allocated" / "data")["year"] == "2024/25"


def test_by_funding_groups_police_grant(runner) -> None:
    payload = summary_json(runner, "--year", "2023/24", "--by", "funding")
    police = next(r for r in payload["rows"] if r["funding"] == "Police Grant")
    assert police["programmes"] == ["Community Safety", "Intervention and Prevention"]
    assert police["budget"] == "5760303.00"  # 3,954,765 + 1,805,538
    by_stream = summary_json(runner, "--year", "2023/24")
    assert payload["total"] == by_stream["total"]


def test_by_priority_splits_to_the_penny_and_reconciles(runner) -> None:
    by_priority = summary_json(runner, "--year", "2023/24", "--by", "priority")
    by_stream = summary_json(runner, "--year", "2023/24")
    rows = sum(Decimal(r["allocated"]) for r in by_priority["rows"])
    assert rows == Decimal(by_priority["total"]["allocated"]) == Decimal(by_stream["total"]["allocated"])


def test_over_allocated_stream_is_flagged_with_problems_under_the_table(runner) -> None:
    result = runner.invoke(app, ["summary", "--year", "2023/24", "--data", str(LEDGERS / "over-allocated" / "data")])
    assert result.exit_code == 0
    assert "OVER" in result.stdout
    assert "-2,500.25" in result.stdout
    assert "Over-allocated: Small Grants." in result.stdout
    assert "A001 stream 'small-grants' is over-allocated in 2023/24 by £2,500.25" in result.stderr
    assert "A003 warning:" in result.stderr
    assert result.stderr.splitlines()[-1] == "1 error, 1 warning in 2 files"


def test_over_allocated_golden(runner, golden) -> None:
    data = LEDGERS / "over-allocated" / "data"
    result = runner.invoke(app, ["summary", "--year", "2023/24", "--data", str(data)])
    golden("summary-over-allocated.txt", result.stdout)
    result = runner.invoke(app, ["summary", "--year", "2023/24", "--data", str(data), "--format", "markdown"])
    golden("summary-over-allocated.md", result.stdout)


def test_errors_that_break_totals_refuse_the_summary(runner) -> None:
    result = runner.invoke(app, ["summary", "--year", "2023/24", "--data", str(LEDGERS / "many-problems" / "data")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "summary refused" in result.stderr
    assert "data/projects/quoted.yaml:5:12: S005" in result.stderr


@pytest.mark.parametrize("year", ["2023-24", "2023/25", "23/24"])
def test_bad_year_is_a_usage_error(year: str, runner) -> None:
    result = runner.invoke(app, ["summary", "--year", year, "--data", str(SHIPPED)])
    assert result.exit_code == 2
    assert "financial year" in result.stderr or "the year after" in result.stderr


def test_year_without_budget_is_a_clear_error(runner) -> None:
    result = runner.invoke(app, ["summary", "--year", "2031/32", "--data", str(SHIPPED)])
    assert result.exit_code == 2
    assert "no budget for 2031/32 in this ledger; years with a budget: 2023/24" in result.stderr


def test_csv_neutralises_formula_text(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": 'streams:\n  s:\n    programme: "=HYPERLINK(""http://x"")"\n    funding: "@SUM(A1)"\n'
            "    budget:\n      2023/24: 10\n".replace('""', "'"),
        },
    )
    out = runner.invoke(app, ["summary", "--data", str(data), "--format", "csv"]).stdout
    assert out.splitlines()[1].startswith("s,'=HYPERLINK(")
    assert ",'@SUM(A1)," in out


def test_markup_in_names_is_printed_literally(runner, tmp_path: Path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": 'streams:\n  s:\n    programme: "Arts [/] [link=https://evil.example]x[/link]"\n'
            '    funding: "esc \\e[31m red"\n    budget:\n      2023/24: 10\n',
        },
    )
    result = runner.invoke(app, ["validate", "--data", str(data)])
    assert result.exit_code == 1  # the escaped ESC is a forbidden character
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": 'streams:\n  s:\n    programme: "Arts [/] [link=https://evil.example]x[/link]"\n'
            "    funding: F\n    budget:\n      2023/24: 10\n",
        },
    )
    result = runner.invoke(app, ["summary", "--data", str(data)])
    assert result.exit_code == 0
    assert "Arts [/] [link=https://evil.example]x[/link]" in result.stdout
