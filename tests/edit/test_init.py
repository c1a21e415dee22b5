"""`budgetctl init DIR`: a new ledger that validates at once, with every rule kind shown in comments."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from budgetctl.cli import app
from budgetctl.edit.init import financial_year


def init(runner, directory: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["init", str(directory)])


def validate(runner, data: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["validate", "--data", str(data)])


def test_init_then_validate_passes(runner, tmp_path: Path) -> None:
    result = init(runner, tmp_path / "office")
    assert result.exit_code == 0, result.output
    data = tmp_path / "office" / "data"
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob("*")) == [
        "README.md",
        "projects",
        "projects/.gitkeep",
        "streams.yaml",
    ]
    checked = validate(runner, data)
    assert checked.exit_code == 0, checked.output
    assert "no problems" in checked.stdout
    assert runner.invoke(app, ["summary", "--data", str(data), "--format", "csv"]).exit_code == 0


def uncommented(text: str) -> str:
    """The skeleton with every commented-out YAML line (``# key: ...``, ``#   key: ...``) switched on."""
    return re.sub(r"^(\s*)# (\s*[a-z0-9_/-]+:.*)$", r"\1\2", text, flags=re.MULTILINE)


def test_every_rule_kind_is_shown_and_valid_when_uncommented(runner, tmp_path: Path) -> None:
    init(runner, tmp_path / "office")
    streams = tmp_path / "office" / "data" / "streams.yaml"
    text = streams.read_text(encoding="utf-8")
    for key in (
        "ring_fenced:",
        "purposes:",
        "sources:",
        "eligibility:",
        "required:",
        "allowed:",
        "max_award:",
        "excluded_costs:",
        "owners:",
        "publisher:",
    ):
        assert re.search(rf"^\s*# {key}|^\s*#\s+{key}", text, re.MULTILINE), key
    streams.write_text(uncommented(text), encoding="utf-8")
    assert "\n  example-victims-grant:\n" in streams.read_text(encoding="utf-8")
    checked = validate(runner, streams.parent)
    assert checked.exit_code == 0, checked.output


def test_the_uncommented_rules_are_enforced(runner, tmp_path: Path) -> None:
    init(runner, tmp_path / "office")
    data = tmp_path / "office" / "data"
    streams = data / "streams.yaml"
    streams.write_text(uncommented(streams.read_text(encoding="utf-8")), encoding="utf-8")
    year = financial_year(datetime.date.today())
    (data / "projects" / "example-fund").mkdir()
    (data / "projects" / "example-fund" / "too-big.yaml").write_text(
        f"title: Too big\nstream: example-fund\nlead: L\nnpu: east\ncosts: [police-officer-costs]\n"
        f"allocations:\n  {year}: 6000\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 1
    codes = sorted(set(re.findall(r'"code": "([A-Z][0-9]{3})"', result.stdout)))
    assert {"E003", "E004", "E005", "E006"} <= set(codes)  # required, allowed, max_award, excluded_costs


def test_empty_existing_data_folder_is_fine(runner, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert init(runner, tmp_path).exit_code == 0
    assert validate(runner, tmp_path / "data").exit_code == 0


def test_refuses_a_non_empty_data_folder(runner, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = init(runner, tmp_path)
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["notes.txt"]


def test_refuses_a_data_file(runner, tmp_path: Path) -> None:
    (tmp_path / "data").write_text("x\n", encoding="utf-8")
    result = init(runner, tmp_path)
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_financial_year_turns_in_april() -> None:
    assert financial_year(datetime.date(2024, 3, 31)) == "2023/24"
    assert financial_year(datetime.date(2024, 4, 1)) == "2024/25"
    assert financial_year(datetime.date(2099, 12, 1)) == "2099/00"
