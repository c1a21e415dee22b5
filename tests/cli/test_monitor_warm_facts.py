"""A warm `budgetctl monitor` is printed from the monitoring values kept with the ledger's last
whole check (``model.monitorfacts``), by the entry point itself (no typer): its output and exit
code are the uncached command's, byte for byte, in every format, for several years and as-at
dates, with problems present, when refused, and after a file changed keeping its size and mtime.
The outturn of a closed year, and every other form, are left to Typer."""

from __future__ import annotations

import datetime
import json
import os
import time
from pathlib import Path

import pytest

from budgetctl.__main__ import _MONITOR_VALUED, _plain_options
from budgetctl.model.periods import year_bounds, year_of_date
from tests.cli.test_summary_warm_facts import copy, entry, typer_runs, uncached
from tests.conftest import make_ledger
from tests.entrypoint import fresh_run

__all__ = ["typer_runs"]  # the fixture, shared with the summary's tests

OPTIONS = [
    (),
    ("-f", "csv"),
    ("--format", "json"),
    ("--format=markdown",),
    ("--as-at", "q1"),
    ("--as-at", "q2", "-f", "json"),
    ("--as-at", "q3", "-f", "markdown"),
    ("--as-at", "q4", "-f", "csv"),
    ("-y", "2023/24"),
    ("-y", "2023/24", "--as-at", "q1", "-f", "json"),
    ("-y", "2023/24", "--as-at", "2023-04-01", "-f", "json"),
    ("--year=2023/24", "--as-at", "2023-05-31"),
    ("-y", "2023/24", "--as-at", "Q2", "--by", "stream"),
    ("-y", "2023/24", "--as-at", "2023-10-01", "-f", "markdown"),
    ("-y", "2023/24", "--as-at", "2024-03-30", "-f", "csv"),
    ("-y", "2023/24", "--as-at", "q4", "-f", "json"),
    ("-y", "2024/25", "-f", "json"),
    ("-y", "2024/25", "--as-at", "2024-06-29", "-f", "json"),
    ("-y", "2024/25", "--as-at", "2024-06-30", "-f", "markdown"),
    ("-y", "2024/25", "--as-at", "q3"),
]
# Served by Typer (and so still the command's own output), warm or not.
TYPER_ONLY = [
    ("--by", "project"),
    ("-y", "2023/24", "--by", "project", "-f", "json"),
    ("-y", "2023/24", "-f", "html"),
    ("-y", "2023/24", "-f", "json", "--trace"),
    ("-y", "2030/31"),  # exit 2: no budget that year
    ("-y", "23/24"),  # exit 2: not a year
    ("-y", "2023/24", "--as-at", "q5"),  # exit 2
    ("-y", "2023/24", "--as-at", "2022-01-01"),  # exit 2: outside the year
]


def served_warm(run: tuple[int, str, str]) -> bool:
    """Whether the warm path serves what the command printed: a report, not the outturn of a closed year."""
    return run[0] == 0 and "Outturn" not in run[1] and '"outturn": true' not in run[1]


@pytest.mark.parametrize("ledger", ["in-year", "shipped", "closed-year", "over-allocated", "many-problems"])
@pytest.mark.parametrize("columns", ["120", "70"])
def test_a_warm_monitor_is_the_uncached_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[int],
    ledger: str,
    columns: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)  # the explanations are wrapped to the width
    data = copy(ledger, tmp_path, in_year=True)
    entry(monkeypatch, capsys, "validate", "--data", str(data))  # the whole check, kept
    served = 0
    for options in OPTIONS + TYPER_ONLY:
        args = ("monitor", "--data", str(data), *options)
        before = len(typer_runs)
        warm = entry(monkeypatch, capsys, *args)
        through_typer = len(typer_runs) - before
        cold = uncached(monkeypatch, capsys, *args)
        assert warm == cold, options
        expected = options in OPTIONS and served_warm(cold)
        assert through_typer == (0 if expected else 1), options
        served += expected
    if ledger == "many-problems":  # refused: every run went through Typer, which refuses
        assert served == 0 and entry(monkeypatch, capsys, "monitor", "--data", str(data))[0] == 1
    else:
        assert served >= 9, served
    if ledger == "closed-year":  # the outturn of the closed year is Typer's; its other dates are served
        assert "Outturn" in entry(monkeypatch, capsys, "monitor", "--data", str(data), "-y", "2023/24")[1]
        assert not served_warm(uncached(monkeypatch, capsys, "monitor", "--data", str(data), "-y", "2023/24"))
    if ledger == "over-allocated":
        assert entry(monkeypatch, capsys, "monitor", "--data", str(data))[2]  # problems under the report


def test_the_main_data_option_and_the_default_as_at_of_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[int]
) -> None:
    """In the year of today without a forecast, the report is as at today, as the command's."""
    today = datetime.date.today()
    year = year_of_date(today)
    streams = "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget:\n"
    streams += f"      {year}: 1000\n"
    first = year_bounds(year)[0]
    actuals = f"date,project,kind,amount,reference,supplier,description\n{first},a,payment,10.50,R1,S,D\n"
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": streams,
            "projects/fund/a.yaml": f"title: T\nstream: fund\nlead: L\nallocations:\n  {year}: 600.25\n",
            f"actuals/{year.replace('/', '-')}/ledger.csv": actuals,
        },
    )
    entry(monkeypatch, capsys, "--data", str(data), "validate")
    for options in [(), ("-f", "json"), ("-f", "csv"), ("-f", "markdown")]:
        args = ("--data", str(data), "monitor", *options)
        before = len(typer_runs)
        warm = entry(monkeypatch, capsys, *args)
        assert len(typer_runs) == before  # served warm
        assert warm == uncached(monkeypatch, capsys, *args)
    found = json.loads(entry(monkeypatch, capsys, "--data", str(data), "monitor", "-f", "json")[1])
    assert found["as_at"] == today.isoformat() and found["total"]["actual"] == "10.50"


def keep_size_and_mtime(path: Path, old: str, new: str) -> None:
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old) == len(new) and text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_change_keeping_size_and_mtime_gets_the_new_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[int]
) -> None:
    data = copy("in-year", tmp_path, in_year=True)
    args = ("monitor", "--data", str(data), "-y", "2023/24", "--as-at", "q1", "-f", "json")
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    first = entry(monkeypatch, capsys, *args)
    assert typer_runs == []

    keep_size_and_mtime(data / "actuals/2023-24/2023-05.csv", "5120.40", "5130.40")  # an actual: 10 more
    changed = entry(monkeypatch, capsys, *args)
    assert changed == uncached(monkeypatch, capsys, *args)
    assert json.loads(changed[1])["total"]["actual"] != json.loads(first[1])["total"]["actual"]
    before = json.loads(first[1])["total"]["actual"]
    assert float(json.loads(changed[1])["total"]["actual"]) == pytest.approx(float(before) + 10)

    forecast = data / "forecasts/2023-24/q1.yaml"
    keep_size_and_mtime(forecast, "outturn: 310000", "outturn: 320000")
    again = entry(monkeypatch, capsys, *args)
    assert again == uncached(monkeypatch, capsys, *args) and again != changed
    # the changed ledger's whole check was kept: the next run is warm again
    runs = len(typer_runs)
    assert entry(monkeypatch, capsys, *args) == again and len(typer_runs) == runs


@pytest.mark.parametrize(
    ("args", "plain"),
    [
        (["monitor"], {}),
        (["monitor", "-y", "2023/24", "--as-at", "q2"], {"year": "2023/24", "as_at": "q2"}),
        (
            ["--data", "d", "monitor", "--format=csv", "--by", "stream"],
            {"main_data": "d", "format": "csv", "by": "stream"},
        ),
        (["monitor", "--as-at=2023-05-31"], {"as_at": "2023-05-31"}),
        (["monitor", "-y2023/24"], None),  # Click reads it; this parser leaves it to Click
        (["monitor", "--as-at", "q1", "--as-at", "q2"], None),
        (["monitor", "-o", "out.csv"], None),
        (["monitor", "--trace"], None),
        (["monitor", "--no-cache"], None),
        (["monitor", "--help"], None),
        (["monitor", "--as-at"], None),
        (["summary"], None),
    ],
)
def test_only_plain_monitor_lines_skip_typer(args: list[str], plain: dict[str, str] | None) -> None:
    assert _plain_options(args, "monitor", {}, _MONITOR_VALUED) == plain


def many_streams(root: Path, count: int) -> Path:
    """A ledger of ``count`` streams (a long table: written plain), with a forecast and actuals."""
    streams = "".join(
        f"  s{i}:\n    programme: Programme {i}\n    funding: Police Grant\n    budget:\n      2023/24: 1000\n"
        for i in range(count)
    )
    files = {"streams.yaml": "streams:\n" + streams}
    for i in range(count):
        files[f"projects/s{i}/p{i}.yaml"] = f"title: T\nstream: s{i}\nlead: L\nallocations:\n  2023/24: 900\n"
    files["forecasts/2023-24/q1.yaml"] = "as_at: 2023-06-30\nprojects:\n  p1:\n    outturn: 950\n    reason: More.\n"
    files["actuals/2023-24/ledger.csv"] = (
        "date,project,kind,amount,reference,supplier,description\n2023-05-01,p2,payment,10.00,R1,S,D\n"
    )
    return make_ledger(root, files)


def test_a_warm_monitor_imports_neither_typer_nor_the_models(tmp_path: Path) -> None:
    data = many_streams(tmp_path, 60)

    def run(*args: str) -> tuple[set[str], str]:
        return fresh_run(tmp_path, *args, "--data", str(data))

    assert "budgetctl.rules" in run("validate")[0]
    heavy = {
        "typer",
        "click",
        "rich",
        "yaml",
        "pydantic_core",
        "budgetctl.rules",
        "budgetctl.loading.build",
        "budgetctl.model.records",
        "budgetctl.model.ledger",
        "budgetctl.model.figures",
        "budgetctl.model.actuals",
        "budgetctl.pipeline",  # the ledger has no error: no rule decides which break totals
    }
    for options in [("-f", "json"), ("-f", "csv"), ("-f", "markdown"), ()]:  # 60 streams: a plain table
        modules, out = run("monitor", "-y", "2023/24", "--as-at", "q2", *options)
        assert "Programme 59" in out
        assert modules & heavy == set(), options


@pytest.mark.parametrize(
    "damage",
    [
        lambda lines: [*lines[:1], b"", b""],
        lambda lines: [*lines[:1], b"{"],
        lambda lines: lines[:4],
        lambda lines: [*lines[:2], b'["2023/24", {"streams": "x"}]', *lines[3:]],
        lambda lines: [*lines[:2], lines[2].replace(b'"states": [[', b'"states": [[["x"], '), *lines[3:]],
        lambda lines: [*lines[:2], lines[2].replace(b'"days": [', b'"days": [1, '), *lines[3:]],
        lambda lines: [*lines[:2], lines[2].replace(b'"breaks": [', b'"breaks": ["2023-13-01", '), *lines[3:]],
        lambda lines: [*lines[:2], lines[2].replace(b'"red"', b'"blue"'), *lines[3:]],
        lambda lines: [*lines[:3], b'[["p1"]]', b""],  # the projects that explain a variance
        lambda lines: [*lines[:3], lines[3].replace(b'"950.00"', b'"9.5e2"'), b""],
        lambda lines: [*lines[:3], lines[3].replace(b'"s1"', b'"s9"'), b""],
        lambda lines: [*lines[:3], b"[]", b""],
    ],
)
def test_damaged_monitor_values_are_ignored(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[int],
    damage: object,
) -> None:
    data = many_streams(tmp_path, 3)
    past = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (past, past))
    args = ("monitor", "--data", str(data), "-y", "2023/24", "--as-at", "q2", "-f", "markdown")
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    first = entry(monkeypatch, capsys, *args)
    assert typer_runs == [] and "p1: forecast 950.00" in first[1]
    (kept,) = Path(os.environ["XDG_CACHE_HOME"], "budgetctl").glob("*.monitor.json")
    lines = kept.read_bytes().split(b"\n")
    assert len(lines) == 5  # the header, the streams, one budget year and its projects, the end
    assert damage(lines) != lines  # type: ignore[operator]
    kept.write_bytes(b"\n".join(damage(lines)))  # type: ignore[operator]
    assert entry(monkeypatch, capsys, *args) == first == uncached(monkeypatch, capsys, *args)
    assert len(typer_runs) == 2  # the damaged values were not used: Typer checked the ledger (and --no-cache)
    # and kept them again: the next run is warm
    assert entry(monkeypatch, capsys, *args) == first and len(typer_runs) == 2


def test_a_plan_changed_file_by_file_is_served_warm_from_the_second_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[int]
) -> None:
    """A ledger without actuals or forecasts checked by its changed files (``validate``) keeps no
    monitoring values: the first monitor checks the ledger (through Typer) and keeps them."""
    data = copy("shipped", tmp_path)  # without its actuals and forecasts
    args = ("monitor", "--data", str(data), "-y", "2024/25", "-f", "json")
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    assert entry(monkeypatch, capsys, *args)[0] == 0 and typer_runs == []
    (project,) = [p for p in (data / "projects").rglob("*.yaml") if "allocations:" in p.read_text()][:1]
    text = project.read_text(encoding="utf-8")
    project.write_text(text + "# changed\n", encoding="utf-8")
    entry(monkeypatch, capsys, "validate", "--data", str(data))  # the changed file's check
    first = entry(monkeypatch, capsys, *args)
    assert len(typer_runs) == 1
    second = entry(monkeypatch, capsys, *args)
    assert len(typer_runs) == 1 and first == second == uncached(monkeypatch, capsys, *args)
