"""`show` and `owners` answered by the entry point without Typer (``budgetctl.quick``) say exactly
what the Typer command says after a full check with no cache, byte for byte and with the same exit
code: on ledgers with problems, a duplicate id, nested folders and adjustments, after a change
that keeps a file's size and mtime, and for every command line the quick reader leaves to Typer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.infra import plainargs
from tests.conftest import LEDGERS, SHIPPED, make_ledger, project_text, settled
from tests.entrypoint import Run, entry, fresh_run, spy_on_typer

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    owners: ["@org/fund", "fund.lead@example.org"]
    budget:
      2023/24: 1000
      2024/25: 1000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2024/25: 500
"""


PROBLEMS = {
    "streams.yaml": STREAMS,
    # fund is over-allocated in 2023/24 (A001, in streams.yaml); d allocates nothing (A003, in d.yaml).
    "projects/fund/a.yaml": project_text("fund", "  2023/24: 600\n  2024/25: 100\n"),
    "projects/fund/b.yaml": project_text("fund", "  2023/24: 500\n  2024/25: 250.5\n"),
    "projects/fund/d.yaml": project_text("fund", "  2024/25: 0\n"),
    "projects/other/c.yaml": project_text("other", "  2024/25: 400\n", title="Line\u2028break"),
    # A nested folder, a duplicate id across two folders, and a file that does not load.
    "projects/other/deep/er/e.yaml": project_text("other", "  2024/25: 50\n"),
    "projects/fund/dup.yaml": project_text("fund", "  2024/25: 1\n"),
    "projects/other/deep/dup.yaml": project_text("other", "  2024/25: 2\n"),
    "projects/other/broken.yaml": "title: [unclosed\n",
    "projects/fund/bad-money.yaml": project_text("fund", "  2024/25: 12x\n"),
}


@pytest.fixture
def typer_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The command lines the entry point handed to Typer (the fast path did not answer)."""
    return spy_on_typer(monkeypatch)


def full_check(*args: str) -> Run:
    """The Typer command with no cache: every file read and checked, as before any shortcut."""
    result = CliRunner().invoke(app, list(args), env={"BUDGETCTL_NO_CACHE": "1"})
    return result.exit_code, result.stdout, result.stderr


def copy(name: str, tmp_path: Path) -> Path:
    source = SHIPPED if name == "shipped" else LEDGERS / name / "data"
    data = tmp_path / "ledger" / "data"
    shutil.copytree(source, data)
    return settled(data)


def ids(data: Path) -> list[str]:
    return sorted({p.name.rsplit(".", 1)[0] for p in (data / "projects").rglob("*.y*ml")})


def test_show_says_what_a_full_check_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = settled(make_ledger(tmp_path, PROBLEMS))
    assert full_check("validate", "--data", str(data))[0] == 1
    entry(monkeypatch, capsys, "validate", "--data", str(data))  # the last whole check, for the quick path
    typer_runs.clear()
    for wanted in [*ids(data), "nope", "dup"]:
        for options in ((), ("--format", "json"), ("-f", "text"), ("--format=json",)):
            args = ("show", wanted, "--data", str(data), *options)
            assert entry(monkeypatch, capsys, *args) == full_check(*args), args
    # Answered without Typer: every project that loads and has a unique id. Typer runs the rest:
    # the duplicate, the three files that do not load (c's title has a U+2028), and the id that
    # names no file.
    left = sorted({run[1] for run in typer_runs})
    assert left == ["bad-money", "broken", "c", "dup", "nope"]
    shown = entry(monkeypatch, capsys, "show", "e", "--data", str(data))
    assert shown[0] == 0 and "data/projects/other/deep/er/e.yaml" in shown[1]
    d = entry(monkeypatch, capsys, "show", "d", "--data", str(data))
    assert "d.yaml:5:3: A003 warning:" in d[2] and "streams.yaml:7:16: A001 " in d[2]
    assert entry(monkeypatch, capsys, "show", "dup", "--data", str(data))[2].count("R004") == 1
    assert entry(monkeypatch, capsys, "show", "nope", "--data", str(data))[0] == 2


# Per test ledger, the projects the Typer command shows (with a full check): in many-problems those
# whose files do not load or share an id; in closed-year every one, as a `balance` stream's opening
# balance needs the actuals of the closed year. The shipped and in-year ledgers have adjustments.
LEFT_TO_TYPER = {
    "shipped": [],
    "in-year": [],
    "over-allocated": [],
    "many-problems": ["Bad_Name", "dup", "quoted", "typo"],
    "closed-year": ["local-partnerships", "small-grants", "summer-activities", "victims-hub"],
}


@pytest.mark.parametrize("ledger", sorted(LEFT_TO_TYPER))
def test_show_on_the_test_ledgers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[list[str]],
    ledger: str,
) -> None:
    data = copy(ledger, tmp_path)
    entry(monkeypatch, capsys, "validate", "--data", str(data), "--format", "json")
    typer_runs.clear()
    for wanted in ids(data):
        for options in ((), ("-f", "json")):
            args = ("--data", str(data), "show", wanted, *options)
            assert entry(monkeypatch, capsys, *args) == full_check(*args), args
    assert sorted({run[3] for run in typer_runs}) == LEFT_TO_TYPER[ledger]


def test_show_after_a_change_keeping_size_and_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = settled(make_ledger(tmp_path, PROBLEMS))
    args = ("show", "a", "--data", str(data), "--format", "json")
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    before = entry(monkeypatch, capsys, *args)
    assert json.loads(before[1])["allocations"][0]["stream_allocated"] == "1100.00"  # a and b
    target = data / "projects/fund/b.yaml"  # another file of a's stream
    info = target.stat()
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("2023/24: 500", "2023/24: 100"), encoding="utf-8")
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    typer_runs.clear()
    changed = entry(monkeypatch, capsys, *args)  # no last check of this content: the full check runs
    assert json.loads(changed[1])["allocations"][0]["stream_allocated"] == "700.00"
    assert changed == full_check(*args) != before
    assert len(typer_runs) == 1
    typer_runs.clear()
    assert entry(monkeypatch, capsys, *args) == changed  # and the next run is answered quickly
    assert typer_runs == []


OWNED = {
    "  poca-fund:\n": '  poca-fund:\n    owners: ["@org/community"]\n',
    "  community-safety:\n": '  community-safety:\n    owners: ["@org/safety", "a.b@example.org"]\n',
    "  victims:\n": '  victims:\n    owners: ["@org/victims"]\n',
}


def with_owners(data: Path, bad: str | None = None) -> Path:
    streams = data / "streams.yaml"
    text = streams.read_text(encoding="utf-8")
    for old, new in OWNED.items():
        text = text.replace(old, new, 1)
    if bad is not None:
        text = text.replace('"@org/victims"', f'"{bad}"')
    streams.write_text(text, encoding="utf-8")
    return settled(data)


OWNERS_LINES = [
    (),
    ("--admins", "@org/finance-admins"),
    ("--admins=@org/a", "--admins", "b@example.org"),
    ("--admins", "not a handle"),  # refused: exit 2
    ("--check", "CODEOWNERS"),  # left to Typer
    ("--path", "docs/CODEOWNERS"),  # left to Typer
]


@pytest.mark.parametrize("ledger", ["closed-year", "problems", "bad-owner", "broken-streams", "shipped"])
def test_owners_says_what_a_full_check_says(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typer_runs: list[list[str]],
    ledger: str,
) -> None:
    if ledger == "problems":
        data = settled(make_ledger(tmp_path, PROBLEMS))
    elif ledger == "broken-streams":
        data = settled(make_ledger(tmp_path, {**PROBLEMS, "streams.yaml": STREAMS + "  bad: [unclosed\n"}))
    else:
        data = with_owners(
            copy("shipped" if ledger == "shipped" else "closed-year", tmp_path),
            "jane" if ledger == "bad-owner" else None,
        )
    answered = 0
    for warm in (False, True):
        if warm:
            entry(monkeypatch, capsys, "validate", "--data", str(data))
        for options in OWNERS_LINES:
            typer_runs.clear()
            args = ("owners", "--data", str(data), *options)
            found = entry(monkeypatch, capsys, *args)
            assert found == full_check(*args), args
            answered += not typer_runs
    if ledger in ("bad-owner", "broken-streams"):
        assert answered == 0  # refused (exit 1) by the Typer command, with its problems
    else:
        assert answered == 6  # the first three lines, cold and warm


def test_owners_with_the_main_data_option_and_a_nested_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = settled(make_ledger(tmp_path / "finance" / "budgets", PROBLEMS))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    args = ("--data", str(data), "owners")
    found = entry(monkeypatch, capsys, *args)
    assert found == full_check(*args) and typer_runs == []
    assert "/finance/budgets/data/projects/fund/ @org/fund fund.lead@example.org" in found[1]


def test_owners_after_streams_yaml_changes_keeping_size_and_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    data = settled(make_ledger(tmp_path, PROBLEMS))
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    before = entry(monkeypatch, capsys, "owners", "--data", str(data))
    streams = data / "streams.yaml"
    info = streams.stat()
    streams.write_text(STREAMS.replace("@org/fund", "@org/fumd"), encoding="utf-8")
    os.utime(streams, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = entry(monkeypatch, capsys, "owners", "--data", str(data))
    assert after == full_check("owners", "--data", str(data)) != before
    assert "@org/fumd" in after[1] and typer_runs == []


def plain(
    args: list[str],
    command: str,
    valued: set[str],
    *,
    repeatable: frozenset[str] | set[str] = frozenset(),
    positionals: int = 0,
) -> tuple[dict[str, list[str]], list[str]] | None:
    """``plainargs.read`` as show and owners call it, each option under its own name."""
    line = plainargs.read(
        args, command, valued={name: name for name in valued}, repeatable=repeatable, positionals=positionals
    )
    if line is None:
        return None
    given, arguments = line
    return {("main-data" if key == plainargs.MAIN_DATA else key): values for key, values in given.items()}, arguments


@pytest.mark.parametrize(
    ("args", "found"),
    [
        (["show", "a"], ({}, ["a"])),
        (["show", "a", "--data", "d", "-f", "json"], ({"--data": ["d"], "-f": ["json"]}, ["a"])),
        (["--data", "m", "show", "--format=text", "a"], ({"main-data": ["m"], "--format": ["text"]}, ["a"])),
        (["show"], None),
        (["show", "a", "b"], None),
        (["show", "-fjson", "a"], None),  # Click reads it; this reader leaves it to Click
        (["show", "-f=json", "a"], None),
        (["show", "a", "--format", "json", "--format", "text"], None),
        (["show", "a", "--data"], None),
        (["show", "a", "--data", "--format"], None),
        (["show", "a", "--data", ""], None),
        (["show", "--", "a"], None),
        (["show", "a", "--help"], None),
        (["--data", "--data", "show", "a"], None),
        (["--data=m", "show", "a"], None),
        (["owners"], None),
    ],
)
def test_only_plain_show_lines_are_read(args: list[str], found: tuple | None) -> None:  # type: ignore[type-arg]
    assert plain(args, "show", {"--data", "--format", "-f"}, positionals=1) == found


def test_admins_repeat_in_order() -> None:
    args = ["owners", "--admins", "@a", "--data", "d", "--admins=@b"]
    assert plain(args, "owners", {"--data", "--admins"}, repeatable={"--admins"}) == (
        {"--admins": ["@a", "@b"], "--data": ["d"]},
        [],
    )
    assert plain(["owners", "--check", "F"], "owners", {"--data", "--admins"}, repeatable={"--admins"}) is None


@pytest.mark.parametrize(
    "command",
    [
        ["show", "birmingham-substance-misuse-outreach"],
        ["show", "birmingham-substance-misuse-outreach", "-f", "json"],
        ["owners"],
    ],
)
def test_a_warm_show_or_owners_imports_neither_typer_nor_the_validator(tmp_path: Path, command: list[str]) -> None:
    data = copy("shipped", tmp_path)

    def modules(*args: str) -> set[str]:
        return fresh_run(tmp_path, *args, "--data", str(data))[0]

    modules("validate")
    warm = {name.split(".")[0] for name in modules(*command)}
    assert warm & {"typer", "click", "rich", "yaml", "pydantic_core", "pydantic", "ruamel"} == set()


def test_many_adjustments_are_read_from_the_whole_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typer_runs: list[list[str]]
) -> None:
    """Beyond a few entries the cache file is indexed once rather than searched for each: the same output."""
    data = copy("shipped", tmp_path)
    first = sorted((data / "adjustments" / "2023-24").glob("*.yaml"))[0]
    for n in range(6):
        shutil.copy(first, first.with_name(f"copy-{n}.yaml"))
    settled(data)
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    typer_runs.clear()
    for args in [("owners", "--data", str(data)), *(("show", i, "--data", str(data)) for i in ids(data)[:5])]:
        assert entry(monkeypatch, capsys, *args) == full_check(*args), args
    assert typer_runs == []
    assert "copy-5.yaml" in entry(monkeypatch, capsys, "owners", "--data", str(data))[1]
