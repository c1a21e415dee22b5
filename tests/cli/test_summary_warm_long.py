"""A warm summary of a ledger with hundreds of streams over several years (a long table, written
plain when it fits the terminal and laid out by Rich when it does not) is the uncached command's
output, byte for byte, at every width and in every format, for every year shown, the default
year, a range, a year with no budget, and after a kept year's figures change."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.cli.test_summary_warm_facts import uncached
from tests.conftest import make_ledger
from tests.entrypoint import entry, spy_on_typer

STREAM_COUNT = 500
FUNDINGS = ["Police Grant", "Specific Grant and Partner Contributions", "Proceeds of Crime Act (POCA) — recovered"]


def streams_text() -> str:
    lines = ["streams:"]
    for n in range(STREAM_COUNT):
        lines += [
            f"  s{n:03d}:",
            f"    programme: {'Victims Services ' * (1 + n % 3)}{n}",
            f"    funding: {FUNDINGS[n % 3]}",
            "    budget:",
            f"      2022/23: {1000 + n}",
            f"      2023/24: {250000 + 37 * n}{'.50' if n % 7 == 0 else ''}",
            f"      2024/25: {260000 + n}",
        ]
        if n % 11 == 0:
            lines += ["    budget_status:", "      2024/25: indicative"]
    return "\n".join(lines) + "\n"


def project(stream: int, amounts: dict[str, str]) -> str:
    years = "".join(f"  {year}: {amount}\n" for year, amount in amounts.items())
    return f"title: Project for {stream}\nstream: s{stream:03d}\nlead: Lead\nallocations:\n{years}"


def ledger(tmp_path: Path, *, over: bool = False) -> Path:
    """The ledger; ``over``: with a stream over-allocated (an error listed under the table, and
    the row flagged OVER)."""
    files = {"streams.yaml": streams_text()}
    for n in range(0, STREAM_COUNT, 17):
        files[f"projects/s{n:03d}/p{n:03d}.yaml"] = project(n, {"2023/24": f"{1000 + n}.25", "2024/25": "500"})
    if over:
        files["projects/s001/over.yaml"] = project(1, {"2023/24": "999999"})
    data = make_ledger(tmp_path, files)
    past = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (past, past))
    return data


OPTIONS = [
    (),  # the default year
    ("-y", "2023/24"),
    ("-y", "2022/23", "-f", "csv"),
    ("-y", "2024/25", "-f", "json"),
    ("-y", "2023/24", "-f", "markdown"),
    ("-y", "2024/25", "--by", "funding"),
    ("-y", "2023/24..2024/25"),
    ("-y", "2021/22..2023/24", "-f", "json"),
    ("-y", "2022/23..2024/25", "-f", "markdown"),
]
ABSENT = [("-y", "2025/26"), ("-y", "2025/26..2026/27")]  # no budget kept for them: Typer says so


@pytest.mark.parametrize("over", [False, True])
@pytest.mark.parametrize("columns", ["60", "150", "400"])
def test_a_warm_long_summary_is_the_uncached_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], columns: str, over: bool
) -> None:
    typer_runs = spy_on_typer(monkeypatch)
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("NO_COLOR", "1")
    data = ledger(tmp_path, over=over)
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == (1 if over else 0)
    for options in OPTIONS + ABSENT:
        args = ("summary", "--data", str(data), *options)
        before = len(typer_runs)
        warm = entry(monkeypatch, capsys, *args)
        assert len(typer_runs) == before + (options in ABSENT), options
        assert warm == uncached(monkeypatch, capsys, *args), options
        assert warm[0] == (2 if options in ABSENT else 0), options
    _, table, problems = entry(monkeypatch, capsys, "summary", "--data", str(data), "-y", "2023/24")
    assert table.count("\n") > STREAM_COUNT
    assert (" OVER" in table, "A001" in problems) == (over, over)
    # Written plain when it fits; else laid out by Rich: boxed, or each row stacked when narrower.
    assert ("┏" in table, "------  " in table) == (columns == "150", columns == "400")


def test_a_kept_year_changed_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the year shown is decoded from the kept values; after a change to that year's figures
    (a file keeping its size and mtime), the summary of each year is the new ledger's."""
    typer_runs = spy_on_typer(monkeypatch)
    data = ledger(tmp_path)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    target = data / "projects" / "s017" / "p017.yaml"
    before = target.stat()
    target.write_text(target.read_text(encoding="utf-8").replace("1017.25", "2017.25"), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    for year in ("2023/24", "2024/25", "2022/23..2024/25"):
        args = ("summary", "--data", str(data), "-y", year, "-f", "csv")
        found = entry(monkeypatch, capsys, *args)
        assert found == uncached(monkeypatch, capsys, *args), year
        assert ("2017.25" in found[1]) == ("2023/24" in year or ".." in year), year
    entry(monkeypatch, capsys, "validate", "--data", str(data))  # keeps the changed ledger's check
    runs = len(typer_runs)
    args = ("summary", "--data", str(data), "-y", "2023/24", "-f", "json")
    assert entry(monkeypatch, capsys, *args) == uncached(monkeypatch, capsys, *args)
    assert len(typer_runs) == runs + 1  # the warm run was served without Typer (the uncached one is Typer's)
