"""Commitments: agreements on projects, their rules, and `budgetctl commitments`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from budgetctl.cli import app
from tests.conftest import SHIPPED, make_ledger

STREAMS = textwrap.dedent(
    """\
    streams:
      vrp:
        programme: Violence Reduction Partnership
        funding: Specific Grant
        budget:
          2023/24: 1000
          2024/25: 1000
        budget_status:
          2024/25: indicative
    """
)
PROJECT = textwrap.dedent(
    """\
    title: Navigators
    stream: vrp
    lead: L
    allocations:
      2023/24: 500
      2024/25: 400
    agreement:
      ref: AGR-1
      signed: 2023-03-31
      committed:
        2023/24: {first}
        2024/25: {second}
    """
)


def problems(runner, data: Path) -> list[tuple[str, str, int, int]]:
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    return [(p["code"], p["severity"], p["line"], p["column"]) for p in json.loads(result.stdout)["problems"]]


def test_committed_above_allocation_is_an_error_at_the_committed_amount(runner, tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/p.yaml": PROJECT.format(first=500.01, second=0)})
    assert problems(runner, data) == [("A004", "error", 11, 14)]


def test_a_commitment_against_an_indicative_budget_is_a_warning(runner, tmp_path: Path) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/p.yaml": PROJECT.format(first=500, second=400)})
    assert problems(runner, data) == [("A005", "warning", 12, 14)]


def test_a_year_without_allocation_cannot_be_committed(runner, tmp_path: Path) -> None:
    text = PROJECT.format(first=500, second=0) + "    2025/26: 10\n"
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/p.yaml": text})
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["code"] == "A004"
    assert "commits £10.00 in 2025/26 but the project has no allocation that year" in problem["message"]


def test_commitments_of_the_shipped_ledger(runner) -> None:
    result = runner.invoke(app, ["commitments", "--year", "2024/25", "--data", str(SHIPPED), "-f", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    rows = {r["stream"]: r for r in payload["rows"]}
    victims = rows["victims-services"]
    assert (victims["committed"], victims["uncommitted"]) == ("2925000.00", "3943938.00")
    assert [a["ref"] for a in victims["agreements_ending"]] == ["AGR-2023-009", "AGR-2023-014"]
    assert rows["violence-reduction-partnership"]["indicative"] is True
    assert rows["community-safety-fund"]["revised_budget"] == "3994765.00"  # with the carry-forward
    assert payload["total"]["2024/25"]["committed"] == "3345000.00"


def test_commitments_table_marks_indicative_years(runner, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "220")
    result = runner.invoke(app, ["commitments", "--data", str(SHIPPED)])
    assert result.exit_code == 0
    vrp = next(line for line in result.stdout.splitlines() if "2024/25" in line and "Violence" in line)
    assert "indicative" in vrp


def test_commitments_markdown_golden(runner, golden) -> None:
    result = runner.invoke(app, ["commitments", "--year", "2024/25", "--data", str(SHIPPED), "-f", "markdown"])
    assert result.exit_code == 0
    golden("commitments-2024-25.md", result.stdout)
