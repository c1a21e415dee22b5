"""Discovery walks projects/ once: the files it does not read there (Y020) are those a separate
``os.walk`` of the folder lists, links and hidden folders included."""

from __future__ import annotations

import os
from pathlib import Path

from budgetctl.loading.discover import read_ledger
from budgetctl.model.kinds import PROJECT_SUFFIXES, unread_files

STREAMS = "streams:\n  fund:\n    programme: Fund\n    funding: Police Grant\n    budget:\n      2023/24: 1000\n"
PROJECT = "title: A\nstream: fund\nlead: L\nallocations:\n  2023/24: 100\n"


def reference(root: Path) -> list[tuple[str, ...]]:
    """The files under projects/ that are not read, found by os.walk as discovery once did."""
    left: list[tuple[str, ...]] = []
    for folder, _, names in os.walk(root / "projects"):
        relative = tuple(Path(os.path.relpath(folder, root)).parts)
        if any(part.startswith(".") for part in relative):
            continue
        left += [(*relative, name) for name in names if not name.endswith(PROJECT_SUFFIXES)]
    return left


def test_the_files_left_out_under_projects_are_those_os_walk_lists(tmp_path: Path) -> None:
    data = tmp_path / "data"
    projects = data / "projects"
    for folder in ("fund", "fund/sub", "fund/.hidden", ".git", "fund/sub/deeper"):
        (projects / folder).mkdir(parents=True)
    (data / "streams.yaml").write_text(STREAMS)
    (projects / "fund" / "a.yaml").write_text(PROJECT)
    files = {
        "fund/B.YAML": PROJECT,
        "fund/notes.txt": "x",
        "fund/sub/c.yaml.txt": PROJECT,
        "fund/sub/deeper/d.csv": "x",
        "fund/sub/.e.YML": PROJECT,
        "fund/.hidden/f.YAML": PROJECT,
        ".git/g.yml.orig": PROJECT,
        "README.md": "x",
    }
    for name, text in files.items():
        (projects / name).write_text(text)
    (projects / "fund" / "link.csv").symlink_to(projects / "fund" / "notes.txt")
    (projects / "fund" / "folderlink").symlink_to(projects / "fund" / "sub")
    (projects / "fund" / "dangling.Yaml").symlink_to(projects / "nowhere")
    (projects / "fund" / "linked.yaml").symlink_to(projects / "fund" / "a.yaml")

    found = read_ledger(data)
    y020 = sorted((p.file, p.message) for p in found.problems if p.code == "Y020")
    expected = sorted((f"data/{relative}", why) for relative, why in unread_files(reference(data)))
    assert y020 == expected
    assert {file for file, _ in y020} == {
        "data/projects/fund/B.YAML",
        "data/projects/fund/sub/c.yaml.txt",
        "data/projects/fund/sub/deeper/d.csv",
        "data/projects/fund/link.csv",
        "data/projects/fund/dangling.Yaml",
    }
    assert [raw.path for raw in found.projects] == ["data/projects/fund/a.yaml"]
    links = sorted(p.file for p in found.problems if p.code == "Y010")
    assert links == ["data/projects/fund/folderlink", "data/projects/fund/linked.yaml"]
