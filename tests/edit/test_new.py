"""budgetctl new project: canonical file, written only when the ledger stays valid."""

from __future__ import annotations

from pathlib import Path

import yaml

from budgetctl.cli import app
from budgetctl.edit.fmt import format_file

IAP = "intervention-and-prevention"


def _new(runner, ledger: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["new", "project", *args, "--data", str(ledger)])


def _oneline(text: str) -> str:
    """Messages as one line: the terminal may wrap a long one."""
    return " ".join(text.split())


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_creates_a_canonical_file_that_validates(runner, ledger_copy: Path) -> None:
    result = _new(
        runner,
        ledger_copy,
        "youth-mentoring",
        "--stream",
        IAP,
        "--title",
        "Youth mentoring: after school",
        "--lead",
        "Policy Lead",
        "--priority",
        "reducing-violence",
        "--amount",
        "2023/24=5000.5",
        "--description",
        "yes",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"created data/projects/{IAP}/youth-mentoring.yaml\n"
    path = ledger_copy / "projects" / IAP / "youth-mentoring.yaml"
    assert path.read_text() == (
        'title: "Youth mentoring: after school"\n'
        f"stream: {IAP}\n"
        "lead: Policy Lead\n"
        "priorities: [reducing-violence]\n"
        'description: "yes"\n'
        "allocations:\n"
        "  2023/24: 5000.50\n"
    )
    # Every reader takes the text as written: PyYAML (YAML 1.1) would read a plain yes as true.
    assert yaml.safe_load(path.read_text())["description"] == "yes"
    assert runner.invoke(app, ["validate", "--data", str(ledger_copy)]).exit_code == 0
    assert runner.invoke(app, ["fmt", "--check", "--data", str(ledger_copy)]).exit_code == 0
    summary = runner.invoke(app, ["summary", "--year", "2023/24", "--format", "json", "--data", str(ledger_copy)])
    assert summary.exit_code == 0


def test_over_allocation_is_refused_with_the_amount_over(runner, ledger_copy: Path) -> None:
    before = _files(ledger_copy)
    result = _new(
        runner, ledger_copy, "big-one", "--stream", IAP, "--title", "Big", "--lead", "L", "--amount", "2023/24=2000000"
    )
    assert result.exit_code == 1
    # The stream's revised budget is 2,000,538.00 and its projects allocate 1,984,987.50 before this one.
    over = f"data/streams.yaml:140:16: A001 stream '{IAP}' is over-allocated in 2023/24 by £1,984,449.50"
    assert over in _oneline(result.stderr)
    assert "not written: data/projects/intervention-and-prevention/big-one.yaml" in _oneline(result.stderr)
    assert _files(ledger_copy) == before


def test_problems_in_the_new_file_are_located_in_it(runner, ledger_copy: Path) -> None:
    result = _new(
        runner, ledger_copy, "x", "--stream", "no-such-stream", "--title", "T", "--lead", "L", "--amount", "2023/24=1"
    )
    assert result.exit_code == 1
    assert "data/projects/no-such-stream/x.yaml:2:9: R001 unknown stream 'no-such-stream'" in result.stderr
    assert not (ledger_copy / "projects" / "no-such-stream").exists()


def test_bad_amount_uses_the_money_message_and_exit_2(runner, ledger_copy: Path) -> None:
    result = _new(runner, ledger_copy, "x", "--stream", IAP, "--title", "T", "--lead", "L", "--amount", "2023/24=1,000")
    assert result.exit_code == 2
    assert "--amount '2023/24=1,000': found '1,000'; leave out thousands separators and write 1000" in result.stderr
    for bad in ("2023-24=5", "2023/24", "2023/24=-5"):
        assert (
            _new(runner, ledger_copy, "x", "--stream", IAP, "--title", "T", "--lead", "L", "--amount", bad).exit_code
            == 2
        )


def test_an_existing_id_is_refused_unless_forced(runner, ledger_copy: Path) -> None:
    path = ledger_copy / "projects" / IAP / "gangs-and-violence-diversion.yaml"
    old = path.read_bytes()
    args = [
        "gangs-and-violence-diversion",
        "--stream",
        IAP,
        "--title",
        "Gangs",
        "--lead",
        "L",
        "--amount",
        "2023/24=1000",
    ]
    refused = _new(runner, ledger_copy, *args)
    assert refused.exit_code == 1
    shown = "already exists: data/projects/intervention-and-prevention/gangs-and-violence-diversion.yaml"
    assert shown in _oneline(refused.stderr)
    assert path.read_bytes() == old
    elsewhere = _new(runner, ledger_copy, *args, "--folder", "other", "--force")
    assert elsewhere.exit_code == 1  # --force replaces a file, never makes a second one with the same id
    forced = _new(runner, ledger_copy, *args, "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.startswith("replaced ")
    assert "2023/24: 1000\n" in path.read_text()


def test_folder_option(runner, ledger_copy: Path) -> None:
    args = ["new-one", "--stream", IAP, "--title", "T", "--lead", "L", "--amount", "2023/24=10"]
    assert _new(runner, ledger_copy, *args, "--folder", "../outside").exit_code == 2
    result = _new(runner, ledger_copy, *args, "--folder", f"{IAP}/2023")
    assert result.exit_code == 0, result.output
    assert (ledger_copy / "projects" / IAP / "2023" / "new-one.yaml").is_file()


def test_eligibility_is_checked_and_a_complete_project_is_written(runner, ledger_copy: Path) -> None:
    base = ["hcf-new", "--stream", "helping-communities-fund", "--title", "Boxing", "--lead", "L"]
    incomplete = _new(runner, ledger_copy, *base, "--amount", "2023/24=4000")
    assert incomplete.exit_code == 1
    shown = "data/projects/helping-communities-fund/hcf-new.yaml:1:1: E003 stream 'helping-communities-fund' requires"
    assert f"{shown} `npu:` on every project" in incomplete.stderr
    complete = _new(
        runner,
        ledger_copy,
        *base,
        "--amount",
        "2023/24=4000",
        "--provider",
        "Local Boxing Club",
        "--provider-sector",
        "community-and-voluntary",
        "--npu",
        "dudley",
        "--approved-by",
        "chief-executive",
    )
    assert complete.exit_code == 0, complete.output
    text = (ledger_copy / "projects" / "helping-communities-fund" / "hcf-new.yaml").read_bytes()
    assert format_file(text, "hcf-new.yaml").output == text
    assert runner.invoke(app, ["validate", "--data", str(ledger_copy)]).exit_code == 0


def test_no_ledger_is_exit_2(runner, tmp_path: Path) -> None:
    args = ["x", "--stream", IAP, "--title", "T", "--lead", "L", "--amount", "2023/24=1", "--data", str(tmp_path)]
    result = runner.invoke(app, ["new", "project", *args])
    assert result.exit_code == 2
