"""A board paper of the plan is built warm (from streams.yaml, the adjustments and the last whole
check, no project loaded) and kept for a ledger with actuals and forecasts too, when that check
found no problem and no budget depends on spend: byte for byte the paper of a full check with no
cache. A ledger whose year files have a problem, or whose opening balances come from a closed
year's spend, is left to the full check, whose paper it prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetctl.reports import board
from tests.cli.test_report_kept_paper import STREAMS, full_check, ledger, views
from tests.entrypoint import entry, spy_on_typer

HEADER = "date,project,kind,amount,reference,supplier,description\n"


def with_year_files(data: Path, over: bool = False) -> Path:
    """The ledger of ``test_report_kept_paper`` with a month of payments and a forecast;
    ``over``: one payment above its project's allocation (M003, a warning of the year's files)."""
    rows = [
        f"2023-05-{1 + i % 28:02d},p{i:03d},payment,{'9999.00' if over and i == 3 else '10.00'},AP-{i},S,D\n"
        for i in range(1, 40)
    ]
    (data / "actuals" / "2023-24").mkdir(parents=True)
    (data / "actuals" / "2023-24" / "2023-05.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    (data / "forecasts" / "2023-24").mkdir(parents=True)
    (data / "forecasts" / "2023-24" / "q1.yaml").write_text(
        "as_at: 2023-06-30\nprojects:\n  p001:\n    outturn: 101\n", encoding="utf-8"
    )
    return data


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each paper was built warm (``board.warm`` answered) or left to the full check."""
    spy_on_typer(monkeypatch, "SOURCE_DATE_EPOCH")
    found: list[bool] = []
    real = board.warm

    def warm(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real(*args, **kwargs)
        found.append(answer is not None)
        return answer

    monkeypatch.setattr(board, "warm", warm)
    return found


ARGS = ("report", "--as-at", "2024-01-02", "--format", "html", "-y", "2023/24")


def test_a_clean_ledger_with_year_files_gets_its_paper_warm_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], built: list[bool]
) -> None:
    data = with_year_files(ledger(tmp_path))
    assert entry(monkeypatch, capsys, "validate", "--data", str(data)) == (0, "no problems in 214 files\n", "")
    args = (*ARGS, "--data", str(data))
    expected = full_check(*args)
    built.clear()
    first = entry(monkeypatch, capsys, *args)
    assert built == [True] and first == expected and len(views(data)) == 1
    assert entry(monkeypatch, capsys, *args) == first and built == [True]  # the kept paper: not built again


def test_a_problem_in_the_year_files_leaves_the_paper_to_the_full_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], built: list[bool]
) -> None:
    data = with_year_files(ledger(tmp_path), over=True)
    checked = entry(monkeypatch, capsys, "validate", "--data", str(data))
    # A warning of the year's files only (no stamp: the cache serves); the plan alone is clean.
    assert checked[0] == 0 and "M003" in checked[1] and "1 warning" in checked[1]
    args = (*ARGS, "--data", str(data))
    expected = full_check(*args)
    built.clear()
    for _ in range(2):
        assert entry(monkeypatch, capsys, *args) == expected
    assert built and not any(built) and views(data) == []  # asked (by the entry point, then the command), never built


def test_opening_balances_from_a_closed_year_leave_the_paper_to_the_full_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], built: list[bool]
) -> None:
    data = ledger(tmp_path)
    # fund keeps what it leaves unspent (a balance fund), and 2023/24 is closed: 2024/25 opens with it.
    closed = "years:\n  2023/24:\n    approved: 2023-02-01\n    closed: 2024-04-30\n"
    (data / "streams.yaml").write_text(
        closed + STREAMS.replace("    funding: Police Grant\n", "    funding: Police Grant\n    year_end: balance\n"),
        encoding="utf-8",
    )
    with_year_files(data)
    assert entry(monkeypatch, capsys, "validate", "--data", str(data))[0] == 0
    args = ("report", "--as-at", "2024-06-02", "--format", "html", "-y", "2024/25", "--data", str(data))
    expected = full_check(*args)
    built.clear()
    assert entry(monkeypatch, capsys, *args) == expected and built and not any(built)
    assert "2023/24" in expected[1]  # the closed year the opening balance comes from
