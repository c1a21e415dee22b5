"""Long tables at the terminal are plain fixed-width text: every row, amounts never cut."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from budgetctl.cli import app
from budgetctl.render.plain import PLAIN_MIN_ROWS
from tests.conftest import make_ledger

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 999999999999
"""
LONG_TITLE = "A very long project title that goes on and on well past forty characters"


def many(tmp_path: Path, count: int) -> Path:
    files = {"streams.yaml": STREAMS}
    for i in range(count):
        title = LONG_TITLE if i == 0 else f"Project {i}"
        files[f"projects/fund/p{i:04d}.yaml"] = (
            f"title: {title}\nstream: fund\nlead: L\nallocations:\n  2023/24: {123456789012 if i == 1 else i + 0.5}\n"
        )
    return make_ledger(tmp_path, files)


def test_a_long_table_is_plain_with_every_row_and_whole_amounts(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for the uncut plain table
    data = many(tmp_path, PLAIN_MIN_ROWS + 1)
    table = runner.invoke(app, ["projects", "--data", str(data)])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert not any(box in table.stdout for box in "┏│└")
    assert lines[1].split() == ["Project", "Title", "Stream", "Lead", "2023/24", "Total", "(all", "years)"]
    rows = [line for line in lines if line.startswith("p0")]
    assert len(rows) == PLAIN_MIN_ROWS + 1
    # The largest amount is whole, with its separators, in its row and in the total.
    assert "123,456,789,012.00" in next(r for r in rows if r.startswith("p0001 "))
    # Every amount matches the CSV of the same listing.
    listing = runner.invoke(app, ["projects", "--data", str(data), "--format", "csv"]).stdout
    by_id = {r["id"]: r["2023/24"] for r in csv.DictReader(io.StringIO(listing))}
    for row in rows:
        ident, *_, amount, whole = row.split()
        assert amount.replace(",", "") == by_id[ident] == whole.replace(",", "")
    assert lines[-1].split()[-1].replace(",", "") == by_id[f"Total ({PLAIN_MIN_ROWS + 1} projects)"]


def test_a_long_title_is_kept_whole_and_the_columns_stay_aligned(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for the uncut plain table
    data = many(tmp_path, PLAIN_MIN_ROWS + 1)
    lines = runner.invoke(app, ["projects", "--data", str(data)]).stdout.splitlines()
    first = next(line for line in lines if line.startswith("p0000 "))
    assert LONG_TITLE in first and "…" not in first
    rows = [line for line in lines if line.startswith("p0")]
    assert len({len(r) for r in rows}) == 1  # right-aligned amounts end in one column


def test_a_long_table_wider_than_the_terminal_is_fitted_not_cut(runner, tmp_path: Path, monkeypatch) -> None:
    data = many(tmp_path, PLAIN_MIN_ROWS + 1)
    monkeypatch.setenv("COLUMNS", "80")
    out = runner.invoke(app, ["projects", "--data", str(data)]).stdout
    assert "…" not in out and "123,456,789,012.00" in out
    assert all(len(line.rstrip()) <= 80 for line in out.splitlines())


def test_a_short_table_is_still_drawn_by_rich(runner, tmp_path: Path) -> None:
    data = many(tmp_path, 3)
    table = runner.invoke(app, ["projects", "--data", str(data)])
    assert table.exit_code == 0
    assert "┃ Project" in table.stdout


def test_an_over_allocated_row_is_marked_in_plain_text() -> None:
    from decimal import Decimal

    from budgetctl.render.plain import render_plain
    from budgetctl.reports.table import Column, Table

    out = io.StringIO()
    table = Table("T", [Column("s", "Stream"), Column("a", "Unallocated", "money")], [["x", Decimal("-5")]])
    table.flags = [True]
    render_plain(table, out)
    assert out.getvalue().splitlines()[-1].split() == ["x", "-5", "OVER"]


def many_streams(tmp_path: Path, count: int) -> Path:
    streams = ["streams:"]
    files: dict[str, str] = {}
    for i in range(count):
        streams += [f"  s{i:03d}:", f"    programme: Stream {i}", "    funding: Police Grant", "    budget:"]
        streams.append(f"      2023/24: {1000 + i}")
        files[f"projects/s{i:03d}/p{i:03d}.yaml"] = (
            f"title: P{i}\nstream: s{i:03d}\nlead: L\nallocations: {{2023/24: 900}}\n"
        )
    files["streams.yaml"] = "\n".join(streams) + "\n"
    files["actuals/2023-24/2023-04.csv"] = "date,project,kind,amount,reference,supplier,description\n" + "".join(
        f"2023-04-0{1 + i % 9},p{i:03d},payment,{10 + i}.25,AP-{i},S,D\n" for i in range(count)
    )
    return make_ledger(tmp_path, files)


def test_a_long_monitoring_table_is_plain_and_its_figures_are_the_csv_ones(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    data = many_streams(tmp_path, PLAIN_MIN_ROWS + 1)
    args = ["monitor", "--year", "2023/24", "--as-at", "2024-03-31", "--data", str(data)]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert not any(box in table.stdout for box in "┏│└─")
    lines = table.stdout.splitlines()
    rows = [line for line in lines if line.startswith("Stream ") and line.split()[-1] in ("green", "amber", "red")]
    assert len(rows) == PLAIN_MIN_ROWS + 1
    listing = runner.invoke(app, [*args, "--format", "csv"]).stdout
    by_stream = {r["stream"]: r for r in csv.DictReader(io.StringIO(listing))}
    for row in rows:
        cells = row.split()
        number = int(cells[1])
        wanted = by_stream[f"s{number:03d}"]
        actual, forecast = cells[-4], cells[-3]
        assert actual.replace(",", "") == wanted["actual"] == f"{10 + number}.25"
        assert forecast.replace(",", "") == wanted["forecast"] == "900.00"
    movement = lines.index("Forecast movement since 2023-12-31")
    assert lines[movement + 2].startswith("---------  ")  # the movement table is plain too


def test_a_short_monitoring_table_is_still_drawn_by_rich(runner, tmp_path: Path) -> None:
    data = many_streams(tmp_path, 3)
    table = runner.invoke(app, ["monitor", "--year", "2023/24", "--data", str(data)])
    assert table.exit_code == 0, table.output
    assert "────" in table.stdout
