"""The table of file kinds (model/kinds.py) decides discovery: each row's folder and file-name
pattern, on disk and in a git tree alike, so a new kind is a row there (and its record).

Discovery is checked for every in-year row of the table, so a row added later is checked
too once it has an example name below.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from budgetctl.loading.discover import read_ledger
from budgetctl.loading.revision import files_at
from budgetctl.model.kinds import (
    ACTUALS,
    ADJUSTMENT,
    FORECAST,
    IN_YEAR,
    KINDS,
    PROJECT,
    STREAMS,
    FileKind,
    key_order,
    year_folder,
    year_of_folder,
)
from tests.conftest import GIT_ENV, make_ledger

EXAMPLE = {"actuals": "ledger-export.csv", "adjustment": "cs-to-ip.yaml", "forecast": "q2.yaml"}
STREAMS_YAML = "streams:\n  youth:\n    programme: Youth\n    funding: Grant\n    budget: {2023/24: 1000}\n"


@pytest.mark.parametrize(
    ("kind", "name", "accepted"),
    [
        (STREAMS, "streams.yaml", True),
        (STREAMS, "streams.yml", False),
        (PROJECT, "boxing.yaml", True),
        (PROJECT, "boxing.yml", True),
        (PROJECT, ".yaml", True),
        (PROJECT, "line\nbreak.yaml", True),
        (PROJECT, "boxing.YAML", False),
        (PROJECT, "boxing.yaml.txt", False),
        (ACTUALS, "x.csv", True),
        (ACTUALS, ".csv", False),
        (ACTUALS, "x.CSV", False),
        (ACTUALS, "x.csv.bak", False),
        (ADJUSTMENT, "cs-to-ip-2.yaml", True),
        (ADJUSTMENT, "CS-to-ip.yaml", False),
        (ADJUSTMENT, "cs--ip.yaml", False),
        (ADJUSTMENT, "cs-to-ip.yml", False),
        (ADJUSTMENT, "cs.yaml\n", False),
        (FORECAST, "q1.yaml", True),
        (FORECAST, "q4.yaml", True),
        (FORECAST, "q5.yaml", False),
        (FORECAST, "Q1.yaml", False),
    ],
)
def test_a_rows_pattern_is_the_whole_file_name(kind: FileKind, name: str, accepted: bool) -> None:
    assert kind.accepts(name) is accepted


def test_every_row_names_a_kind_once_and_in_year_rows_have_an_example() -> None:
    assert len({k.name for k in KINDS}) == len(KINDS) and len({k.folder for k in KINDS}) == len(KINDS)
    assert {k.name for k in IN_YEAR} == set(EXAMPLE), "add an example file name for the new in-year kind"
    assert all(k.accepts(EXAMPLE[k.name]) for k in IN_YEAR)


def test_the_folder_of_a_year_and_back() -> None:
    assert year_folder("2023/24") == "2023-24" and year_of_folder("2023-24") == "2023/24"
    assert ADJUSTMENT.path("2023/24", "cs-to-ip.yaml") == "adjustments/2023-24/cs-to-ip.yaml"
    assert key_order(ADJUSTMENT)[:4] == ("type", "date", "from", "to")  # the record's fields, by their keys


@pytest.mark.parametrize("kind", IN_YEAR, ids=lambda k: k.name)
def test_discovery_on_disk_and_in_git_follows_the_row(kind: FileKind, tmp_path: Path) -> None:
    good = kind.path("2023/24", EXAMPLE[kind.name])
    loose = f"{kind.folder}/{EXAMPLE[kind.name]}"  # not in a year folder
    root = tmp_path / "repo"
    data = make_ledger(root, {"streams.yaml": STREAMS_YAML, good: "x\n", loose: "x\n"})

    on_disk = read_ledger(data)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=GIT_ENV, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, env=GIT_ENV, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "c"], cwd=root, env=GIT_ENV, check=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, env=GIT_ENV, capture_output=True, text=True)
    in_git = files_at(root, sha.stdout.strip(), "data")
    assert in_git is not None

    for files in (on_disk, in_git):
        assert [f.path for f in files.in_year[kind.name]] == [f"data/{good}"]
        assert [f.path for k in IN_YEAR if k is not kind for f in files.in_year.get(k.name, [])] == []
        assert [(p.code, p.file) for p in files.problems] == [("Y018", f"data/{loose}")]
