"""The one reader of plain command lines (``budgetctl.infra.plainargs``): what it reads, what it refuses,
and that a refused line goes to Typer, which says what it always says."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

import budgetctl.cli
from budgetctl.__main__ import main
from budgetctl.cli import app
from budgetctl.infra import plainargs
from budgetctl.loading import statindex
from tests.conftest import SHIPPED

SHOW = {"--data": "data", "--format": "format", "-f": "format"}
VALIDATE_FLAGS = {"--strict": "strict"}


@pytest.mark.parametrize(
    ("args", "found"),
    [
        (["show", "a"], ({}, ["a"])),
        (["--data", "m", "show", "a", "-f", "json"], ({"main_data": ["m"], "format": ["json"]}, ["a"])),
        (["show", "--format=json", "a", "--data", "d"], ({"format": ["json"], "data": ["d"]}, ["a"])),
        (["show", "a", "--format", "json", "-f", "json"], None),  # one destination, twice
        (["show", "a", "-fjson"], None),
        (["show", "a", "-f=json"], None),
        (["show", "a", "--format"], None),
        (["show", "a", "--format", ""], None),
        (["show", "a", "--format", "-x"], None),
        (["show", "a", "--data="], None),
        (["show", "--", "a"], None),
        (["show", "-", "a"], None),
        (["show", "a", "--help"], None),
        (["show", "a", "--strict"], None),  # another command's flag
        (["show"], None),
        (["show", "a", "b"], None),
        (["--data", "-d", "show", "a"], None),
        (["--data", "", "show", "a"], None),
        (["--data", "show"], None),
        (["--data=m", "show", "a"], None),
        (["owners", "a"], None),
        ([], None),
    ],
)
def test_what_the_reader_reads(args: list[str], found: tuple | None) -> None:
    assert plainargs.read(args, "show", valued=SHOW, positionals=1) == found


def test_flags_and_repeats() -> None:
    line = plainargs.read(["validate", "--strict", "--data", "d"], "validate", valued=SHOW, flags=VALIDATE_FLAGS)
    assert line == ({"strict": ["yes"], "data": ["d"]}, [])
    assert plainargs.read(["validate", "--strict", "--strict"], "validate", flags=VALIDATE_FLAGS) is None
    assert plainargs.read(["validate", "--strict=yes"], "validate", flags=VALIDATE_FLAGS) is None
    admins = {"--admins": "admins"}
    line = plainargs.read(["owners", "--admins", "@a", "--admins=@b"], "owners", valued=admins, repeatable={"admins"})
    assert line == ({"admins": ["@a", "@b"]}, [])
    assert plainargs.read(["owners", "--admins", "@a", "--admins=@b"], "owners", valued=admins) is None


@pytest.mark.parametrize(
    "args",
    [
        ["show", "-fjson", "birmingham-exploitation-and-violence"],  # Click reads it; the reader leaves it to Click
        ["show", "birmingham-exploitation-and-violence", "--format", "json", "-f", "json"],
        ["summary", "-y2023/24"],
        ["validate", "--strict", "--strict"],
        ["owners", "--admins"],
        ["report", "--year", "2023/24", "--as-at", "2024-01-02", "--format", "html", "--format", "html"],
    ],
)
def test_a_refused_line_goes_to_typer(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handed: list[list[str]] = []
    real = budgetctl.cli.app_for

    def spy(given: list[str]):  # type: ignore[no-untyped-def]
        handed.append(list(given))
        return real(given)

    monkeypatch.setattr(budgetctl.cli, "app_for", spy)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    monkeypatch.setenv("BUDGETCTL_DATA", str(SHIPPED))
    monkeypatch.setattr(sys, "argv", ["budgetctl", *args])
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # main wraps it; put back after the test
    with pytest.raises(SystemExit) as stopped:
        main()
    out = capsys.readouterr()
    assert handed == [args]
    typer = CliRunner().invoke(app, args, env={"BUDGETCTL_DATA": str(SHIPPED)})
    assert (stopped.value.code or 0, out.out, out.err) == (typer.exit_code, typer.stdout, typer.stderr)
