"""`budgetctl trace` and `monitor --format json --trace`: every figure is the sum of its located values."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS, SHIPPED

IN_YEAR = LEDGERS / "in-year" / "data"
Q2 = ("--year", "2023/24", "--as-at", "q2", "-f", "json")
MEASURES = ("approved_budget", "adjustments", "revised_budget", "allocated", "actual", "forecast", "variance")


@pytest.fixture
def in_year(monkeypatch) -> None:
    monkeypatch.chdir(IN_YEAR.parent)


def _json(runner, *args: str) -> dict:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("as_at", ["q1", "q2", "2023-11-15"])
def test_every_stream_figure_of_monitor_traces_to_its_total(runner, in_year, as_at) -> None:
    report = _json(runner, "monitor", "--year", "2023/24", "--as-at", as_at, "--format", "json")
    for row in report["rows"]:
        for measure in MEASURES:
            traced = _json(
                runner, "trace", row["stream"], "-m", measure, "--year", "2023/24", "--as-at", as_at, "-f", "json"
            )
            assert traced["total"] == row[measure], (row["stream"], measure)
            assert sum(Decimal(v["amount"]) for v in traced["values"]) == Decimal(row[measure])


def test_actual_values_are_the_amount_cells_of_the_rows(runner, in_year) -> None:
    traced = _json(
        runner, "trace", "victims-services", "-m", "actual", "--year", "2023/24", "--as-at", "q2", "-f", "json"
    )
    files = {v["file"] for v in traced["values"]}
    assert files == {f"data/actuals/2023-24/2023-{m:02d}.csv" for m in range(4, 10)}
    for value in traced["values"][:20]:
        line = (IN_YEAR.parent / value["file"]).read_text().splitlines()[value["line"] - 1]
        assert line[value["column"] - 1 :].split(",")[0] == value["amount"].lstrip("-")
        assert ",payment," in line or ",credit," in line or ",accrual" in line


def test_a_project_forecast_points_at_the_outturn_or_the_allocation(runner, in_year) -> None:
    traced = _json(
        runner, "trace", "isva-service", "-m", "forecast", "--year", "2023/24", "--as-at", "q2", "-f", "json"
    )
    assert traced["total"] == "1290000.00"
    [value] = traced["values"]
    assert (value["file"], value["what"]) == ("data/forecasts/2023-24/q2.yaml", "q2 forecast outturn of isva-service")
    text = (IN_YEAR.parent / value["file"]).read_text().splitlines()[value["line"] - 1]
    assert text[value["column"] - 1 :] == "1290000"
    unlisted = _json(
        runner, "trace", "young-victims-support", "-m", "forecast", "-y", "2023/24", "--as-at", "q2", "-f", "json"
    )
    assert unlisted["values"][0]["file"] == "data/projects/victims-services/young-victims-support.yaml"


def test_summary_unallocated_traces_budget_minus_allocations(runner, in_year) -> None:
    summary = _json(runner, "summary", "--year", "2023/24", "--format", "json")
    for row in summary["rows"]:
        traced = _json(runner, "trace", row["stream"], "-m", "unallocated", "--year", "2023/24", "-f", "json")
        assert traced["total"] == row["unallocated"]


def test_text_output_lists_places_and_the_total(runner, in_year) -> None:
    result = runner.invoke(app, ["trace", "isva-service", "-m", "actual", "--year", "2023/24", "--as-at", "q1"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("actual of isva-service in 2023/24 as at 2023-06-30: ")
    assert lines[1].startswith("data/actuals/2023-24/2023-04.csv:")
    assert lines[-1].startswith("total ")


def test_monitor_json_trace_carries_each_figure(runner, in_year) -> None:
    report = _json(runner, "monitor", "--year", "2023/24", "--as-at", "q2", "--format", "json", "--trace")
    for row in report["rows"]:
        assert set(row["trace"]) == set(MEASURES)
        for measure in MEASURES:
            assert row["trace"][measure]["total"] == row[measure]
    for measure in MEASURES:
        assert report["total"]["trace"][measure]["total"] == report["total"][measure]


@pytest.mark.parametrize(
    "args",
    [
        ["trace", "victim-services", "-m", "actual"],
        ["trace", "isva-service", "-m", "revised_budget"],
        ["trace", "isva-service", "-m", "actual", "--as-at", "q9"],
        ["trace", "isva-service", "-m", "nonsense"],
    ],
)
def test_usage_errors_exit_2(runner, in_year, args) -> None:
    assert runner.invoke(app, args).exit_code == 2


YEAR_END = ("--year", "2023/24", "--as-at", "2024-03-31", "-f", "json")


def test_adjustments_are_traced_one_record_at_a_time(runner, monkeypatch) -> None:
    """Each adjustment record that changes the stream's budget, at its `amount:`, signed by its
    effect on the stream; the values add up to summary's adjustments of the stream."""
    monkeypatch.chdir(SHIPPED.parent)
    summary = _json(runner, "summary", "--year", "2023/24", "--format", "json")
    moved = [row for row in summary["rows"] if Decimal(row["adjustments"])]
    assert len(moved) >= 3
    for row in moved:
        traced = _json(runner, "trace", row["stream"], "-m", "adjustments", *YEAR_END)
        assert traced["total"] == row["adjustments"]
        for value in traced["values"]:
            assert value["file"].startswith("data/adjustments/2023-24/") and value["file"].endswith(".yaml")
            line = (SHIPPED.parent / value["file"]).read_text(encoding="utf-8").splitlines()[value["line"] - 1]
            assert line.startswith("amount: ") and value["column"] == len("amount: ") + 1
            assert Decimal(line[value["column"] - 1 :]) == abs(Decimal(value["amount"]))
    virement = _json(runner, "trace", "community-safety-fund", "-m", "adjustments", *YEAR_END)
    [value] = virement["values"]
    assert (value["amount"], value["what"]) == ("-120000.00", "virement cs-to-ip-perpetrator-programme of 2023-11-02")
