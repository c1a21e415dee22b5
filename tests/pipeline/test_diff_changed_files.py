"""Property: `diff` that reads only the changed files (``pipeline.compare_changes``, the cache on)
prints exactly what the whole comparison prints (BUDGETCTL_NO_CACHE), byte for byte and with the
same exit code, whatever the change: edits, renames, moves, deletions, duplicate ids, broken
files, over-allocation, a changed streams.yaml or adjustment, actuals and forecasts added, and a
file changed in the working tree keeping its size and modification time (hypothesis, real git)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from budgetctl import pipeline
from budgetctl.cli import app
from tests.conftest import SHIPPED, examples, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PROJECTS = sorted(p.relative_to(SHIPPED).as_posix() for p in (SHIPPED / "projects").rglob("*.yaml"))[::8]
STREAMS = sorted({p.split("/")[1] for p in PROJECTS})
AMOUNT = re.compile(r"^(\s+\d{4}/\d{2}: |amount: )(\d+)", re.MULTILINE)
# Edits that change project files only: the comparison reads the changed files alone.
PROJECT_EDITS = ("amount", "delete", "rename", "move", "duplicate", "break", "digit")
OTHER_EDITS = ("streams", "adjustment", "actuals", "forecast")

edits = st.lists(
    st.tuples(
        st.sampled_from(PROJECT_EDITS + OTHER_EDITS),
        st.integers(0, len(PROJECTS) - 1),
        st.sampled_from([1, -1, 250_000, 9_000_000]),
    ),
    min_size=1,
    max_size=4,
)


def base_ledger(data: Path) -> None:
    """streams.yaml, the adjustments and every eighth project of the shipped ledger."""
    shutil.copy(SHIPPED / "streams.yaml", data / "streams.yaml")
    shutil.copytree(SHIPPED / "adjustments", data / "adjustments")
    for path in PROJECTS:
        (data / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED / path, data / path)


def first_amount(path: Path, change: int) -> None:
    text = path.read_text()
    path.write_text(AMOUNT.sub(lambda m: m.group(1) + str(max(0, int(m.group(2)) + change)), text, count=1))


def apply(data: Path, kind: str, index: int, change: int) -> None:
    project = data / PROJECTS[index]
    if kind in PROJECT_EDITS and not project.exists():
        return
    if kind == "amount":
        first_amount(project, change)
    elif kind == "delete":
        project.unlink()
    elif kind == "rename":
        project.rename(project.with_name(f"renamed-{index}.yaml"))
    elif kind == "move":
        other = STREAMS[(STREAMS.index(project.parent.name) + 1) % len(STREAMS)]
        project.rename(data / "projects" / other / project.name)
    elif kind == "duplicate":
        (data / "projects" / "elsewhere").mkdir(exist_ok=True)
        shutil.copy(project, data / "projects" / "elsewhere" / project.name)
    elif kind == "break":
        project.write_text(project.read_text() + "allocations: [\n")
    elif kind == "digit":
        same_size(project)
    elif kind == "streams":
        first_amount(data / "streams.yaml", change)
    elif kind == "adjustment":
        adjustment = sorted((data / "adjustments").rglob("*.yaml"))[index % 2]
        first_amount(adjustment, change) if change > 0 else adjustment.unlink()
    elif kind == "actuals":
        shutil.copytree(SHIPPED / "actuals", data / "actuals", dirs_exist_ok=True)
    elif kind == "forecast":
        shutil.copytree(SHIPPED / "forecasts", data / "forecasts", dirs_exist_ok=True)


def same_size(project: Path) -> None:
    """Change one digit of an amount, keeping the file's size and modification time."""
    before = project.stat()
    text = project.read_text()
    match = AMOUNT.search(text)
    assert match is not None
    digit = match.start(2)
    text = text[:digit] + ("7" if text[digit] != "7" else "3") + text[digit + 1 :]
    project.write_text(text)
    os.utime(project, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert project.stat().st_size == before.st_size


def run(args: list[str], cached: bool) -> tuple[int, str]:
    env = {"BUDGETCTL_NO_CACHE": None if cached else "1"}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@examples(8, 200, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
@example([("streams", 0, 1), ("streams", 0, -1)])  # streams.yaml changed and changed back: only projects differ
def test_diff_of_the_changed_files_prints_what_the_whole_comparison_prints(changes: list[tuple[str, int, int]]) -> None:
    fast: list[Any] = []
    real = pipeline.compare_changes

    def spy(*args: Any) -> Any:
        found = real(*args)
        fast.append(found[0] is not None)
        return found

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "compare_changes", spy)
        repo = Path(tmp)
        git(repo, "init", "-q")
        data = repo / "data"
        data.mkdir()
        base_ledger(data)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "base")
        for change in changes:
            apply(data, *change)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "head", "--allow-empty")
        where = ["--data", str(data)]

        run(["diff", "HEAD~1", "HEAD", *where], cached=True)  # keeps the base's summary
        commands = [
            ["diff", "HEAD~1", "HEAD", *where, "--format", "json"],
            ["diff", "HEAD~1", "HEAD", *where],
            ["diff", "HEAD~1", "HEAD", *where, "--format", "markdown", "--fail-on-new-errors"],
            ["diff", "HEAD~1", *where, "--format", "json", "--fail-on-new-errors"],
        ]
        for command in commands:
            assert run(command, cached=True) == run(command, cached=False), command
        # Judged by what the commit changed: edits that cancel out (an amount up, then down) change nothing.
        changed = git(repo, "diff", "--name-only", "HEAD~1", "HEAD").split()
        only_projects = all(path.startswith("data/projects/") for path in changed)
        assert any(fast) == only_projects, changed

        # The working tree changed after the last comparison, keeping each file's size and time.
        kept = [p for p in PROJECTS if (data / p).exists()]
        if kept:
            same_size(data / kept[0])
            command = ["diff", "HEAD~1", *where, "--format", "json"]
            assert run(command, cached=True) == run(command, cached=False)


def test_a_damaged_summary_of_the_base_is_checked_whole_and_kept_again(tmp_path: Path) -> None:
    fast: list[bool] = []
    real = pipeline.compare_changes

    def spy(*args: Any) -> Any:
        found = real(*args)
        fast.append(found[0] is not None)
        return found

    git(tmp_path, "init", "-q")
    data = tmp_path / "data"
    data.mkdir()
    base_ledger(data)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    first_amount(data / PROJECTS[0], 9_000_000)  # over-allocates its stream
    git(tmp_path, "commit", "-q", "-am", "head")
    command = ["diff", "HEAD~1", "HEAD", "--data", str(data), "--format", "json", "--fail-on-new-errors"]
    expected = run(command, cached=False)
    assert expected[0] == 1 and '"A001"' in expected[1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "compare_changes", spy)
        assert run(command, cached=True) == expected
        (summary,) = Path(os.environ["XDG_CACHE_HOME"]).glob("budgetctl/*.base-*")
        header, files, *rows = summary.read_text().splitlines()
        damaged = [row.split("\t")[0] + "\t[[1]]" for row in rows]  # each stream's rows
        summary.write_text("\n".join([header, files, *damaged]) + "\n")
        assert run(command, cached=True) == expected
        assert run(command, cached=True) == expected
    assert fast == [False, False, True]
