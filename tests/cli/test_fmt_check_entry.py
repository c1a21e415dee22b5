"""`fmt --check` over the ledger is run by the entry point without Typer: it says exactly what the
Typer command says, byte for byte and with the same exit code, with and without the cache, on
ledgers with files to reformat, files refused, files left as written and discovery problems;
a missing ledger, and every other fmt command line, is left to Typer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.edit import fmt_run
from budgetctl.model.source import FileChanged
from tests.conftest import LEDGERS, SHIPPED, make_ledger
from tests.entrypoint import Run, entry, spy_on_typer

HEAD = "title: T\nstream: fund\nlead: L\n"
MIXED = {
    "streams.yaml": "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget: {2023/24: 1000}\n",
    "projects/fund/canonical.yaml": "title: T\nstream: fund\nlead: L\nallocations:\n  2023/24: 100\n",
    "projects/fund/one-decimal.yaml": "title: T\nstream: fund\nlead: L\nallocations:\n  2023/24: 100.5\n",
    "projects/fund/reordered.yaml": "stream: fund\ntitle: T # a comment\nlead: L\nallocations:\n  2023/24: 1\n",
    "projects/fund/broken.yaml": "title: [unclosed\n",
    "projects/fund/block-list.yaml": HEAD + "priorities:\n  - a\nallocations:\n  2023/24: 1\n",
    # Valid, in a layout fmt cannot rewrite (a comment inside a flow list): left as written.
    "projects/fund/kept.yaml": HEAD + "priorities: [a,  # first\n  b]\nallocations:\n  2023/24: 1\n",
    "projects/fund/notes.txt": "not a ledger file\n",
}


@pytest.fixture
def typer_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The command lines the entry point handed to Typer (the fast path did not answer)."""
    return spy_on_typer(monkeypatch)


def typer_command(*args: str, env: dict[str, str] | None = None) -> Run:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _ledgers(tmp_path: Path) -> list[Path]:
    found = [make_ledger(tmp_path / "mixed", MIXED)]
    for name, source in [("shipped", SHIPPED), *((p.name, p / "data") for p in sorted(LEDGERS.iterdir()))]:
        data = tmp_path / name / "data"
        shutil.copytree(source, data)
        found.append(data)
    return found


@pytest.mark.parametrize("cached", [False, True])
def test_fmt_check_says_what_the_typer_command_says(
    cached: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[list[str]],
) -> None:
    if not cached:
        monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    codes = set()
    for data in _ledgers(tmp_path):
        for args in (("fmt", "--check", "--data", str(data)), ("--data", str(data), "fmt", "--check")):
            for _ in range(2):  # with the cache: the second run from its canonical set and stat index
                expected = typer_command(*args)
                assert entry(monkeypatch, capsys, *args) == expected, (data, args)
                codes.add(expected[0])
    assert typer_runs == []
    assert codes == {0, 1}
    mixed = typer_command("fmt", "--check", "--data", str(tmp_path / "mixed" / "data"))[2]
    assert "would reformat " in mixed and "broken.yaml:2:" in mixed and "left as written" in mixed


def test_other_fmt_command_lines_are_left_to_typer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = make_ledger(tmp_path, MIXED)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    lines = [
        ("fmt", "--data", str(data)),  # writes
        ("fmt", "--diff", "--data", str(data)),
        ("fmt", "--check", str(data / "projects")),  # paths
        ("fmt", "--check", "--check", "--data", str(data)),
        ("fmt", "--check", "--data", str(tmp_path / "nowhere")),  # no ledger: Typer says so
    ]
    for args in lines:
        typer_runs.clear()
        entry(monkeypatch, capsys, *args)
        assert typer_runs == [list(args)], args
    assert entry(monkeypatch, capsys, "fmt", "--check", "--data", str(tmp_path / "nowhere"))[0] == 2


def test_a_file_changed_while_read_ends_as_the_typer_command_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = make_ledger(tmp_path, MIXED)
    monkeypatch.setenv("BUDGETCTL_NO_CACHE", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    real = fmt_run.run

    def changed(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["echo"]("would reformat data/projects/fund/x.yaml")  # some output first
        raise FileChanged("data/projects/fund/x.yaml changed while budgetctl was reading the ledger; run it again")

    monkeypatch.setattr(fmt_run, "run", changed)
    args = ("fmt", "--check", "--data", str(data))
    expected = typer_command(*args)
    assert expected[0] == 2 and "budgetctl: data/projects/fund/x.yaml changed" in expected[2]
    assert entry(monkeypatch, capsys, *args) == expected
    assert typer_runs == []
    monkeypatch.setattr(fmt_run, "run", real)
