"""diff's headline never states a money movement that did not happen."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from budgetctl.cli import app
from tests.conftest import git

IDVA = "data/projects/victims-services/idva-service.yaml"


def replace(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff(repo: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["diff", "HEAD", "--data", str(repo / "data"), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_file_with_an_error_is_no_money_movement(repo: Path) -> None:
    # The case: a typo in an amount used to read "allocated -£1,275,000.00".
    replace(repo, IDVA, "2023/24: 1275000", '2023/24: "1,275,000"')
    data = diff(repo)
    assert (
        data["headline"] == "Totals could not be compared: 1 project file with errors after the change; 18 new errors"
    )
    assert data["years"] == []
    assert "£" not in data["headline"]
    out = CliRunner().invoke(app, ["diff", "HEAD", "--data", str(repo / "data")]).stdout
    assert "-£1,275,000.00" not in out and "Budget and allocations" not in out


def test_a_file_broken_on_both_sides_and_unchanged_still_compares(repo: Path) -> None:
    replace(repo, IDVA, "2023/24: 1275000", '2023/24: "1,275,000"')
    git(repo, "commit", "-q", "-am", "broken")
    replace(repo, "data/projects/victims-services/isva-service.yaml", "2023/24: 1290000", "2023/24: 1300000")
    assert diff(repo)["headline"] == "2023/24: allocated +£10,000.00 across 1 stream"


def test_a_budget_moved_between_two_streams_reads_as_a_move(repo: Path) -> None:
    replace(repo, "data/streams.yaml", "2023/24: 3954765", "2023/24: 3904765")  # community safety -50,000
    replace(repo, "data/streams.yaml", "2023/24: 1805538", "2023/24: 1855538")  # intervention +50,000
    data = diff(repo)
    assert data["headline"] == (
        "2023/24: budget £50,000.00 moved between 2 streams; RAG intervention-and-prevention green→amber; 3 new errors"
    )
    [year] = data["years"]
    assert year["total"]["budget"]["change"] == "0.00"


def test_a_project_moved_to_another_stream_reads_as_a_move(repo: Path) -> None:
    path = "data/projects/intervention-and-prevention/gangs-and-violence-diversion.yaml"
    replace(repo, path, "stream: intervention-and-prevention", "stream: community-safety-fund")
    headline = diff(repo)["headline"]
    assert headline.startswith("2023/24: allocated £")
    assert " moved between 2 streams" in headline


def test_a_rename_with_edits_reads_as_a_rename_with_changes(repo: Path) -> None:
    new = "data/projects/victims-services/idva-advocacy.yaml"
    git(repo, "mv", IDVA, new)
    replace(repo, new, "2023/24: 1275000", "2023/24: 1300000")
    replace(repo, new, "title: Independent domestic violence advisers", "title: Domestic abuse advocacy")
    data = diff(repo)
    assert data["headline"] == (
        "2023/24: allocated +£25,000.00 across 1 stream; actuals £0.00 (30 rows); 2023/24 forecast +£65,000.00; "
        "17 new errors"
    )
    [project] = data["projects"]
    assert (project["change"], project["previous_id"], project["id"]) == ("renamed", "idva-service", "idva-advocacy")
    assert [f["field"] for f in project["fields"]] == ["title", "allocations.2023/24"]
