"""`budgetctl monitor`: golden outputs on the in-year fixture ledger, the as-at default,
RAG, exit codes."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from budgetctl.cli import app
from tests.conftest import LEDGERS, make_ledger

IN_YEAR = LEDGERS / "in-year" / "data"


@pytest.fixture
def in_year(monkeypatch) -> Path:
    monkeypatch.chdir(IN_YEAR.parent)
    monkeypatch.setenv("COLUMNS", "120")
    return IN_YEAR


def test_table_golden_at_q2(runner, golden, in_year) -> None:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", "q2"])
    assert result.exit_code == 0
    golden("monitor-2023-24-q2.txt", result.stdout)


def test_markdown_golden_at_q2(runner, golden, in_year) -> None:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", "q2", "--format", "markdown"])
    assert result.exit_code == 0
    golden("monitor-2023-24-q2.md", result.stdout)


def test_json_golden_and_shape(runner, golden, in_year) -> None:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", "2023-09-30", "--format", "json"])
    assert result.exit_code == 0
    golden("monitor-2023-24-q2.json", result.stdout)
    payload = json.loads(result.stdout)
    assert list(payload) == ["year", "as_at", "rows", "total"]
    assert (payload["year"], payload["as_at"]) == ("2023/24", "2023-09-30")
    row_keys = ["stream", "programme", "funding", "approved_budget", "adjustments", "revised_budget"]
    row_keys += ["allocated", "actual", "forecast", "variance", "rag"]
    assert all(list(row) == row_keys for row in payload["rows"])
    assert list(payload["total"]) == row_keys[3:-1]
    victims = next(r for r in payload["rows"] if r["stream"] == "victims-services")
    # Ring-fenced and forecast above the revised budget: red although the variance is 0.7%.
    assert (victims["variance"], victims["rag"]) == ("44997.40", "red")
    for measure in payload["total"]:
        assert sum(Decimal(r[measure]) for r in payload["rows"]) == Decimal(payload["total"][measure])
        assert all(r[measure].split(".")[-1].__len__() == 2 for r in payload["rows"])


def test_as_at_defaults_to_the_latest_forecast_quarter(runner, in_year) -> None:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", "--format", "json"])
    assert json.loads(result.stdout)["as_at"] == "2023-12-31"  # q3.yaml is the latest forecast


def test_as_at_without_forecasts_is_the_year_end_when_past(runner, tmp_path, monkeypatch) -> None:
    target = tmp_path / "data"
    shutil.copytree(IN_YEAR, target)
    shutil.rmtree(target / "forecasts")
    result = runner.invoke(app, ["monitor", "--data", str(target), "--year", "2023/24", "--format", "json"])
    payload = json.loads(result.stdout)
    assert payload["as_at"] == "2024-03-31"
    # No forecast: every project is forecast at its allocation.
    assert payload["total"]["forecast"] == payload["total"]["allocated"]


def test_actual_counts_rows_up_to_as_at(runner, in_year) -> None:
    def actual(as_at: str) -> Decimal:
        result = runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", as_at, "--format", "json"])
        return Decimal(json.loads(result.stdout)["total"]["actual"])

    assert actual("2023-04-01") < actual("q1") < actual("q2") < actual("q3") < actual("q4")


STREAMS = """\
streams:
  plain:
    programme: Plain
    funding: Grant
    budget: {2023/24: 100000}
  fenced:
    programme: Fenced
    funding: Grant
    ring_fenced: true
    budget: {2023/24: 100000}
"""


def _rag(runner, tmp_path: Path, plain: str, fenced: str, streams: str = STREAMS) -> dict[str, str]:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": streams,
            "projects/a.yaml": "title: A\nstream: plain\nlead: L\nallocations: {2023/24: 100000}\n",
            "projects/b.yaml": "title: B\nstream: fenced\nlead: L\nallocations: {2023/24: 100000}\n",
            "forecasts/2023-24/q1.yaml": (
                f"as_at: 2023-06-30\nprojects:\n  a: {{outturn: {plain}, reason: r}}\n"
                f"  b: {{outturn: {fenced}, reason: r}}\n"
            ),
        },
    )
    result = runner.invoke(app, ["monitor", "--data", str(data), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {r["stream"]: r["rag"] for r in json.loads(result.stdout)["rows"]}


@pytest.mark.parametrize(
    ("plain", "expected"),
    [("102000", "green"), ("98000", "green"), ("102000.01", "amber"), ("95000", "amber"), ("94999.99", "red")],
)
def test_rag_thresholds_are_inclusive(runner, tmp_path, plain, expected) -> None:
    assert _rag(runner, tmp_path, plain, "100000")["plain"] == expected


def test_ring_fenced_forecast_above_budget_is_always_red(runner, tmp_path) -> None:
    assert _rag(runner, tmp_path, "100000", "100000.01") == {"plain": "green", "fenced": "red"}
    assert _rag(runner, tmp_path / "b", "100000", "99000")["fenced"] == "green"


def test_rag_thresholds_from_streams_yaml(runner, tmp_path) -> None:
    streams = "monitoring:\n  rag: {amber: 5, red: 10}\n" + STREAMS
    assert _rag(runner, tmp_path, "94000", "100000", streams)["plain"] == "amber"
    assert _rag(runner, tmp_path / "b", "96000", "100000", streams)["plain"] == "green"


def test_errors_that_make_figures_wrong_exit_1_and_are_printed(runner, tmp_path) -> None:
    target = tmp_path / "data"
    shutil.copytree(IN_YEAR, target)
    with (target / "actuals/2023-24/2023-05.csv").open("a") as handle:
        handle.write("2023-05-31,no-such-project,payment,10.00,AP-X1,,\n")
    result = runner.invoke(app, ["monitor", "--data", str(target), "--format", "json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "data/actuals/2023-24/2023-05.csv:" in result.stderr and "M001 no project 'no-such-project'" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--as-at", "q5"],
        ["--as-at", "2024-04-01"],
        ["--as-at", "30/09/2023"],
        ["--year", "2023-24"],
        ["--format", "pdf"],
        ["--trace"],
    ],
)
def test_usage_errors_exit_2(runner, in_year, args) -> None:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", *args])
    assert result.exit_code == 2


def test_drill_down_by_project_groups_by_programme(runner, in_year) -> None:
    result = runner.invoke(
        app, ["monitor", "--year", "2023/24", "--as-at", "q2", "--by", "project", "--format", "json"]
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    isva = next(r for r in payload["rows"] if r["project"] == "isva-service")
    assert (isva["programme"], isva["class"]) == ("Victims Services", "overspend")
    streams = json.loads(
        runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", "q2", "--format", "json"]).stdout
    )
    for measure in ("allocated", "actual", "forecast"):
        assert payload["total"][measure] == streams["total"][measure]
    text = runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", "q2", "--by", "project"]).stdout
    assert "Victims Services subtotal" in text


def test_csv_has_ids_and_pence(runner, in_year) -> None:
    result = runner.invoke(app, ["monitor", "--year", "2023/24", "--as-at", "q2", "--format", "csv"])
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "stream,programme,funding,approved_budget,adjustments,revised_budget,allocated,actual,forecast,variance,rag"
    )
    assert lines[4].startswith("victims-services,Victims Services,Specific Grant,6529875.00,0.00,6529875.00,")
    assert lines[-1].startswith("Total,Total,,17175399.00,")


def test_summary_reads_the_plan_only(runner, tmp_path) -> None:
    """A broken actuals file stops monitor (its figures would be wrong) but not summary."""
    target = tmp_path / "data"
    shutil.copytree(IN_YEAR, target)
    (target / "actuals/2023-24/broken.csv").write_text("date,project\n")
    summary = runner.invoke(app, ["summary", "--data", str(target), "--year", "2023/24", "--format", "json"])
    assert summary.exit_code == 0
    assert json.loads(summary.stdout)["total"]["budget"] == "17175399.00"
    assert runner.invoke(app, ["monitor", "--data", str(target), "--year", "2023/24"]).exit_code == 1
    validate = runner.invoke(app, ["validate", "--data", str(target), "--format", "json"])
    assert "C003" in {p["code"] for p in json.loads(validate.stdout)["problems"]}
