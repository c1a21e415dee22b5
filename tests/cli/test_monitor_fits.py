"""`budgetctl monitor` at the terminal never cuts a figure: at any width every amount, RAG status,
programme and project of the report stands whole in the text (the compact table when it fits;
else wrapped, then stacked, as every other table is), and a long drill-down by project is
written as plain columns, not laid out cell by cell."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.model.money import format_pounds
from budgetctl.render.monitor import HUMAN, TERMINAL_OUTTURN
from tests.conftest import LEDGERS, make_ledger, project_text

Q2 = ("--year", "2023/24", "--as-at", "q2")
IN_YEAR = LEDGERS / "in-year" / "data"
CLOSED = LEDGERS / "closed-year" / "data"
MONEY = re.compile(r"-?[0-9][0-9,]*\.[0-9]{2}")


def monitor(data: str, width: int, *args: str) -> str:
    result = CliRunner().invoke(app, ["monitor", *args, "--data", data], env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.output  # the test ledgers are over-allocated (A001)
    return result.stdout


def amounts(row: dict[str, object], keys: tuple[str, ...] | None = None) -> list[str]:
    """The row's amounts as the terminal writes them (of ``keys`` alone, when given)."""
    shown = row if keys is None else {k: v for k, v in row.items() if k in keys}
    return [format_pounds(Decimal(v)) for v in shown.values() if isinstance(v, str) and MONEY.fullmatch(v)]


@pytest.mark.parametrize("width", [200, 140, 120, 100, 90, 80, 60, 40])
@pytest.mark.parametrize(("data", "args"), [(IN_YEAR, Q2), (CLOSED, ("--year", "2023/24"))])
def test_every_stream_figure_stands_whole_at_any_width(data, args, width: int) -> None:
    report = json.loads(monitor(str(data), 140, *args, "--format", "json"))
    text = monitor(str(data), width, *args)
    table = text.split("\n\n")[0]  # the explanations and the movement follow, each wrapped to fit
    found = set(MONEY.findall(table))
    keys = TERMINAL_OUTTURN if report.get("outturn") else HUMAN  # the terminal's columns
    for row in [*report["rows"], report["total"]]:
        assert not set(amounts(row, keys)) - found, (width, row)
        if row.get("rag"):
            assert re.search(rf"\b{row['rag']}\b", table), (width, row["rag"])
        words = str(row.get("programme", "")).split()
        assert all(word in table for word in words), (width, words)
    assert all(len(line) <= width for line in table.splitlines()[1:])  # the title runs on, as every table's


# At 140 the boxed table folds the longest ids inside their cells (``fit``: folded, never cut).
@pytest.mark.parametrize(("width", "ids_whole"), [(200, True), (140, False), (100, True), (80, True), (60, True)])
def test_every_project_figure_of_the_drill_down_stands_whole(width: int, ids_whole: bool) -> None:
    report = json.loads(monitor(str(IN_YEAR), 140, *Q2, "--by", "project", "--format", "json"))
    text = monitor(str(IN_YEAR), width, *Q2, "--by", "project")
    found = set(MONEY.findall(text))
    tokens = set(re.split(r"[\s·]+", text))
    for row in report["rows"]:
        assert not set(amounts(row)) - found, (width, row)
        if row.get("project") and ids_whole:
            assert row["project"] in tokens, (width, row["project"])
    assert all(len(line) <= width for line in text.splitlines()[1:])


def test_the_compact_table_is_kept_where_it_fits() -> None:
    wide = monitor(str(IN_YEAR), 140, *Q2).splitlines()
    assert wide[1].split() == [
        *("Programme", "Approved", "£", "Adj.", "£", "Revised", "£", "Allocated", "£"),
        *("Actual", "£", "Forecast", "£", "Variance", "£", "RAG"),
    ]
    assert wide[2] == "─" * len(wide[2].rstrip())
    assert wide[3].startswith("Helping Communities Fund") and wide[3].rstrip().endswith("green")


def test_a_long_drill_down_is_written_as_plain_columns(tmp_path) -> None:
    streams = "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget:\n      2023/24: 100000\n"
    files = {"streams.yaml": streams}
    for number in range(120):
        files[f"projects/fund/p{number:03d}.yaml"] = project_text("fund", f"  2023/24: {number + 1}00.25\n")
    data = make_ledger(tmp_path, files)
    text = monitor(str(data), 120, "--year", "2023/24", "--by", "project")
    lines = text.splitlines()
    assert lines[1].split() == [
        *("Programme", "Project", "Allocated", "£", "Actual", "£", "Forecast", "£", "Variance", "£", "Class")
    ]
    assert set(lines[2]) == {"-", " "}  # the plain table's rule, not Rich's
    assert lines[3].split() == ["Fund", "p000", "100.25", "0.00", "100.25", "0.00"]
    assert sum(line.split()[0].startswith("p") for line in lines[4:] if line.strip()) == 119
    assert "12,000.25" in text and "Fund subtotal" in text
