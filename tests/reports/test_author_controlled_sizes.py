"""No author-controlled size makes budgetctl quadratic: real files at real sizes.

Each test builds what an author could commit (10,000 renamed projects, a 4.9 MB flow
list, 8,000-character lines, thousands of streams each budgeting a different year) and
runs the real code. Linearity is asserted by counting work (each project flattened once,
one allocation index) and memory; the times are benchmarks/run.py's (--renames, the
largest file the limits allow), not asserted here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from budgetctl.loading.yamlsubset import MAX_NODES, strict_load
from budgetctl.reports import diff as diff_report
from tests.conftest import GIT_ENV

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

BUDGETCTL = Path(sys.executable).with_name("budgetctl")


def _budgetctl(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "BUDGETCTL_NO_CACHE": "1"}
    return subprocess.run([str(BUDGETCTL), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_two_thousand_renamed_projects_are_all_matched(tmp_path: Path) -> None:
    generate.write_rename_repo(2_000, tmp_path)
    result = _budgetctl(tmp_path, "diff", "HEAD", "--format", "json")
    assert result.returncode == 0, result.stderr
    projects = json.loads(result.stdout)["projects"]
    assert len(projects) == 2_000
    assert all(p["change"] == "renamed" and p["id"] == f"{p['previous_id']}-renamed" for p in projects)


def test_renames_flatten_each_project_once() -> None:
    """Content first, then title and stream among what is left, each project flattened once."""
    from budgetctl.model.records import Project

    def project(title: str, amount: int) -> Project:
        return Project(title=title, stream="s", lead="L", allocations={"2023/24": amount})  # type: ignore[arg-type]

    old = {f"o{i}": project(f"T{i}", i) for i in range(3000)}
    new = {f"n{i}": project(f"T{i}", i) for i in range(2000)}  # same content
    new |= {f"m{i}": project(f"T{i}", i + 1) for i in range(2000, 2999)}  # same title and stream
    new["dup-a"] = new["dup-b"] = project("T2999", 0)  # two candidates: no match
    calls = []
    real = diff_report.flatten

    def counting(value, prefix=""):  # type: ignore[no-untyped-def]
        if not prefix:
            calls.append(value)
        return real(value, prefix)

    pairs = diff_report._renames(list(old), list(new), old, new, counting)
    assert len(pairs) == 2999
    assert set(pairs) == {(f"o{i}", f"n{i}") for i in range(2000)} | {(f"o{i}", f"m{i}") for i in range(2000, 2999)}
    assert len(calls) == len(old) + len(new)  # once each, not once per candidate pair


def test_a_flow_list_of_millions_is_refused_early_and_small() -> None:
    text = generate.largest_flow_list(2_450_000).encode()
    assert len(text) > 4_800_000
    tracemalloc.start()
    source, problems = strict_load(text, "p.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert source is None
    assert [(p.code, p.line) for p in problems] == [("Y015", 31)]
    assert f"more than {MAX_NODES:,} values" in problems[0].message
    assert peak < 40_000_000, peak  # the text held three times (15 MB), and 100,000 small nodes


@pytest.mark.parametrize(("extra", "refused"), [(0, False), (1, True)])
def test_the_node_limit_is_exact(extra: int, refused: bool) -> None:
    assert generate.NODE_LIMIT == MAX_NODES
    items = MAX_NODES - generate.FLOW_LIST_OVERHEAD + extra
    source, problems = strict_load(generate.largest_flow_list(items).encode(), "p.yaml")
    assert (source is None) == refused
    assert [p.code for p in problems] == (["Y015"] if refused else [])


def test_long_lines_are_scanned_once() -> None:
    # 600 lines of 8,000 characters: the unanchored search tried every position again (35 s).
    text = ("title: T\n" + ("# " + "x" * 7998 + "\n") * 600).encode()
    source, problems = strict_load(text, "p.yaml")
    assert problems == [] and source is not None


def test_thousands_of_streams_each_in_its_own_year_are_linear(tmp_path: Path) -> None:
    """diff visited every stream in every year, and sources_mismatch every source in every year."""
    streams = ["streams:"]
    for i in range(3000):
        year = f"{2000 + i}/{(2001 + i) % 100:02d}"
        streams += [
            f"  s{i}:",
            "    programme: P",
            "    funding: F",
            f"    budget: {{{year}: 10}}",
        ]
    streams += ["  many:", "    programme: M", "    funding: F", "    budget: {2023/24: 3000}", "    sources:"]
    streams += [f"      src{i}: {{{2000 + i}/{(2001 + i) % 100:02d}: 1}}" for i in range(3000)]
    data = tmp_path / "data"
    (data / "projects").mkdir(parents=True)
    (data / "streams.yaml").write_text("\n".join(streams) + "\n")
    result = _budgetctl(tmp_path, "validate", "--format", "json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert {p["code"] for p in payload["problems"]} == {"A002"}
    assert len(payload["problems"]) == 3000  # each year of a source differs from the budget
    if shutil.which("git"):
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
            subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env=GIT_ENV)
        (data / "streams.yaml").write_text((data / "streams.yaml").read_text().replace(": 10}", ": 11}"))
        result = _budgetctl(tmp_path, "diff", "HEAD", "--format", "json")
        assert result.returncode == 0, result.stderr
        assert len(json.loads(result.stdout)["years"]) == 3000


def test_allocations_per_stream_and_year_come_from_one_index(tmp_path: Path) -> None:
    """A001, summary and the board ask per stream and year; scanning the stream's projects each
    time cost years x projects (6,000 of each: 7.1 s, now 2.8 s for the whole validate)."""
    from budgetctl.loading.discover import read_ledger
    from budgetctl.pipeline import check_files

    years = [f"{2000 + i}/{(2001 + i) % 100:02d}" for i in range(300)]
    data = tmp_path / "data"
    (data / "projects" / "s").mkdir(parents=True)
    budget = "".join(f"      {y}: 1\n" for y in years)
    (data / "streams.yaml").write_text(f"streams:\n  s:\n    programme: S\n    funding: F\n    budget:\n{budget}")
    for i, year in enumerate(years):
        project = f"title: T\nstream: s\nlead: L\nallocations:\n  {year}: 1\n  2023/24: 1\n"
        (data / "projects" / "s" / f"p{i}.yaml").write_text(project)
    ledger = check_files(read_ledger(data)).ledger
    assert ledger is not None
    first = [ledger.allocated("s", y) for y in years]

    class Untouchable(dict):  # type: ignore[type-arg]
        def __contains__(self, key):  # type: ignore[no-untyped-def]
            raise AssertionError("a project's allocations were scanned again")

        __getitem__ = __contains__

    for entry in ledger.projects:
        object.__setattr__(entry.project, "allocations", Untouchable(entry.project.allocations))
    assert [ledger.allocated("s", y) for y in years] == first
    # p23 gives 2023/24 twice (Y004, not loaded): the others all allocate in 2023/24 too.
    assert [len(found) for found in first] == [1] * 23 + [299] + [1] * 276
    assert [entry.id for entry, _ in ledger.allocated("s", "2023/24")][:3] == ["p0", "p1", "p10"]  # path order
