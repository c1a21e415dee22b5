"""A warm `budgetctl summary` by stream or funding is printed from the stream facts kept with the
ledger's last whole check (``model.streamfacts``), by the entry point itself (no typer): its
output is the uncached command's, byte for byte, in every format, for one year and for a range,
with problems present, when refused, and after a file changed keeping its size and mtime."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import time
from pathlib import Path

import pytest

from budgetctl.__main__ import _SUMMARY_VALUED, _plain_options
from tests.conftest import LEDGERS, SHIPPED, make_ledger
from tests.entrypoint import Run, entry, fresh_run, spy_on_typer


@pytest.fixture
def typer_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The command lines the entry point handed to Typer (the fast path did not answer)."""
    return spy_on_typer(monkeypatch)


def uncached(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """The command through Typer, checking every file again (as a user types it: CSV keeps its CR LF)."""
    return entry(monkeypatch, capsys, *args, "--no-cache")


def copy(name: str, tmp_path: Path, *, in_year: bool = False) -> Path:
    """A test ledger, without its actuals and forecasts unless ``in_year``."""
    source = SHIPPED if name == "shipped" else LEDGERS / name / "data"
    data = tmp_path / "ledger" / "data"
    shutil.copytree(source, data)
    for folder in ("actuals", "forecasts", "imports") if not in_year else ():
        shutil.rmtree(data / folder, ignore_errors=True)
    past = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (past, past))
    return data


OPTIONS = [
    (),
    ("--by", "funding"),
    ("-f", "csv"),
    ("--format", "json", "--by", "funding"),
    ("--format=markdown",),
    ("-y", "2023/24", "-f", "json"),
    ("--year=2024/25", "--by", "funding", "-f", "markdown"),
    ("-y", "2023/24..2025/26"),
    ("-y", "2022/23..2024/25", "-f", "json"),
    ("-y", "2023/24..2024/25", "-f", "csv"),
]
# Served by Typer (and so still the command's own output), warm or not.
TYPER_ONLY = [
    ("--by", "priority"),
    ("--by", "priority", "-f", "json"),
    ("-y", "2023/24..2024/25", "--by", "funding"),  # exit 2: a range is by stream
    (
        "-y",
        "2030/31",
    ),  # exit 2: no budget that year
    ("-y", "2010/11..2011/12"),  # exit 2: no budget in the range
    ("-y", "2024/25..2023/24"),  # exit 2: backwards
    ("-y", "23/24"),
]


@pytest.mark.parametrize("ledger", ["shipped", "over-allocated", "closed-year", "many-problems"])
def test_a_warm_summary_is_the_uncached_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[int],
    ledger: str,
) -> None:
    data = copy(ledger, tmp_path)
    entry(monkeypatch, capsys, "validate", "--data", str(data))  # the whole check, kept
    refused = uncached(monkeypatch, capsys, "summary", "--data", str(data))[0] == 1
    for options in OPTIONS + TYPER_ONLY:
        args = ("summary", "--data", str(data), *options)
        before = len(typer_runs)
        warm = entry(monkeypatch, capsys, *args)
        served = options in OPTIONS and not refused
        assert len(typer_runs) == before + (0 if served else 1), options
        assert warm == uncached(monkeypatch, capsys, *args), options
    assert refused == (ledger == "many-problems")  # a refused ledger: every run went through Typer, which refuses
    if ledger == "over-allocated":
        assert entry(monkeypatch, capsys, "summary", "--data", str(data))[2]  # problems under the table


@pytest.mark.parametrize("ledger", ["in-year", "shipped", "closed-year"])
def test_with_actuals_a_warm_summary_is_the_uncached_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[int],
    ledger: str,
) -> None:
    """A summary of one year checks the plan alone (its problems leave the actuals' out): the
    first such run keeps that check, the next is served from it. A range is the whole check's."""
    data = copy(ledger, tmp_path, in_year=True)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    served = 0
    for options in OPTIONS:
        args = ("summary", "--data", str(data), *options)
        first = entry(monkeypatch, capsys, *args)
        before = len(typer_runs)
        warm = entry(monkeypatch, capsys, *args)
        served += len(typer_runs) == before
        assert first == warm == uncached(monkeypatch, capsys, *args), options
    # closed-year: a fund's opening balance is what it left unspent, so even a summary of the plan
    # reads the actuals, and checks the whole ledger (served from the last whole check by Typer).
    assert served == (3 if ledger == "closed-year" else len(OPTIONS)), served


def test_the_main_data_option_and_adjustments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[int]
) -> None:
    data = copy("shipped", tmp_path)
    assert list((data / "adjustments").rglob("*.yaml"))  # revised budgets come from the facts too
    entry(monkeypatch, capsys, "--data", str(data), "validate")
    found = entry(monkeypatch, capsys, "--data", str(data), "summary", "-y", "2023/24", "-f", "json")
    assert typer_runs == []
    assert found == uncached(monkeypatch, capsys, "--data", str(data), "summary", "-y", "2023/24", "-f", "json")
    assert "Adjustments" in entry(monkeypatch, capsys, "--data", str(data), "summary", "-y", "2023/24")[1]


STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    budget:
      2023/24: 1000
"""


def project(amount: str) -> str:
    return f"title: T\nstream: fund\nlead: L\nallocations:\n  2023/24: {amount}\n"


def test_a_change_keeping_size_and_mtime_gets_the_new_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[int]
) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/fund/a.yaml": project("600.25")})
    past = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (past, past))
    args = ("summary", "--data", str(data), "-f", "json")
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    first = entry(monkeypatch, capsys, *args)
    assert typer_runs == [] and json.loads(first[1])["total"]["allocated"] == "600.25"
    target = data / "projects" / "fund" / "a.yaml"
    before = target.stat()
    target.write_text(project("700.25"), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    changed = entry(monkeypatch, capsys, *args)
    assert changed == uncached(monkeypatch, capsys, *args)
    assert json.loads(changed[1])["total"]["allocated"] == "700.25"
    # validate keeps the check of the changed ledger (from the changed file alone); summary reads it.
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    runs = len(typer_runs)
    assert entry(monkeypatch, capsys, *args) == changed and len(typer_runs) == runs


@pytest.mark.parametrize(
    ("args", "plain"),
    [
        (["summary"], {}),
        (["summary", "-y", "2023/24", "--by", "funding"], {"year": "2023/24", "by": "funding"}),
        (["--data", "d", "summary", "--format=csv"], {"main_data": "d", "format": "csv"}),
        (["summary", "-y2023/24"], None),  # Click reads it; this parser leaves it to Click
        (["summary", "-y=2023/24"], None),
        (["summary", "--year", "2023/24", "--year", "2024/25"], None),
        (["summary", "-o", "out.csv"], None),
        (["summary", "--no-cache"], None),
        (["summary", "--help"], None),
        (["summary", "--year"], None),
        (["validate"], None),
    ],
)
def test_only_plain_summary_lines_skip_typer(args: list[str], plain: dict[str, str] | None) -> None:
    assert _plain_options(args, "summary", {}, _SUMMARY_VALUED) == plain


def test_a_warm_summary_imports_neither_typer_nor_the_models(tmp_path: Path) -> None:
    data = copy("shipped", tmp_path)

    def modules(*args: str) -> set[str]:
        return fresh_run(tmp_path, *args, "--data", str(data))[0]

    assert "budgetctl.rules" in modules("validate")
    warm = modules("summary", "-y", "2023/24", "-f", "json")  # a short table is Rich's: JSON is not
    heavy = {"typer", "click", "rich", "yaml", "pydantic_core", "budgetctl.rules", "budgetctl.loading.build"}
    assert warm & heavy == set()
    assert {"budgetctl.model.records", "budgetctl.model.ledger", "textwrap"} & warm == set()


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # the file's bytes
        b"{",
        b"cut",  # all but its last bytes
        b"another ledger",  # the values kept under another ledger key
        {"streams": [["fund", "Fund"]]},  # the values, in the file's own form
        {"streams": "x"},
        "x",
    ],
)
def test_damaged_summary_values_are_ignored(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[int],
    damage: bytes | object,
) -> None:
    data = make_ledger(tmp_path, {"streams.yaml": STREAMS, "projects/fund/a.yaml": project("600.25")})
    args = ("summary", "--data", str(data), "-f", "json")
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    (kept,) = Path(os.environ["XDG_CACHE_HOME"], "budgetctl").glob("*.summary")
    whole = kept.read_bytes()
    form, code, ledger, values = marshal.loads(whole)
    if damage == b"cut":
        kept.write_bytes(whole[:-3])
    elif damage == b"another ledger":
        kept.write_bytes(marshal.dumps((form, code, "0" * len(ledger), values), 2))
    elif isinstance(damage, bytes):
        kept.write_bytes(damage)
    else:
        kept.write_bytes(marshal.dumps((form, code, ledger, damage), 2))
    runs = len(typer_runs)
    assert entry(monkeypatch, capsys, *args) == uncached(monkeypatch, capsys, *args)
    assert len(typer_runs) == runs + 2  # the damaged values were not used: Typer checked the ledger
