"""A check of the files changed since the last whole check (``pipeline.check_changes``) says
exactly what checking everything says.

Random edits to project files (amounts, streams, broken YAML, files added, removed, renamed,
duplicated ids, files restored) are each followed by ``validate`` through the snapshot and by
``validate --no-cache``: the outputs must be identical byte for byte, and the snapshot path
must actually have been taken. A file changed keeping its size and mtime gets the new result.
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl import pipeline
from budgetctl.cli import app
from tests.conftest import SHIPPED

REPO = Path(__file__).resolve().parents[2]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate_changes", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate_changes"] = module
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return tmp_path / "xdg-cache"


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each run's check came from ``check_changes`` (True) or it declined (False)."""
    found: list[bool] = []
    real = pipeline.check_changes

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        found.append(result is not None)
        return result

    monkeypatch.setattr(pipeline, "check_changes", spy)
    return found


def _age(data: Path) -> None:
    """Every file a minute old, so the stat index vouches for the ones that do not change."""
    past = time.time() - 60
    for path in data.rglob("*"):
        os.utime(path, (past, past))


def _validate(data: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", "--format", "json", "--data", str(data), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def _summary(data: Path, *extra: str) -> tuple[int, str]:
    """The year's totals: from the figures kept with the last check when it is of this ledger."""
    result = CliRunner().invoke(app, ["summary", "--year", "2023/24", "--format", "json", "--data", str(data), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def _figures_agree(data: Path) -> None:
    """The figures kept with the last check (per stream and year) are those of the ledger now."""
    from budgetctl.loading.cache import FileCache, ledger_key
    from budgetctl.loading.discover import read_ledger

    cache = FileCache.open(data)
    assert cache is not None
    kept = cache.last_figures(ledger_key(read_ledger(data)))
    ledger = pipeline.check_ledger(data, cache=False).ledger
    assert kept is not None and ledger is not None
    assert kept == pipeline.stream_figures(ledger)


def _text_edit(path: Path, rng: random.Random, streams: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    choice = rng.randrange(6)
    if choice == 0:  # an amount, now and then one that over-allocates the stream
        at = next(i for i, x in enumerate(lines) if x.startswith("  20"))
        year = lines[at].split(":")[0]
        lines[at] = f"{year}: {rng.choice(['1', '12.5', '999999999.99', '0'])}"
    elif choice == 1:  # another stream, or one that does not exist
        at = next(i for i, x in enumerate(lines) if x.startswith("stream:"))
        lines[at] = f"stream: {rng.choice([*streams, 'no-such-stream'])}"
    elif choice == 2:
        lines.append("  bad: [unclosed")
    elif choice == 3:
        lines = [x.replace("lead:", "leed:") for x in lines]
    elif choice == 4:  # a year no stream funds
        lines.append("  2031/32: 100")
    else:
        lines.append("# only a comment")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _step(data: Path, rng: random.Random, originals: dict[Path, str]) -> None:
    projects = sorted((data / "projects").rglob("*.yaml"))
    streams = sorted(p.name for p in (data / "projects").iterdir() if p.is_dir())
    kind = rng.randrange(10)
    target = rng.choice(projects)
    if kind < 5:
        for path in rng.sample(projects, rng.randint(1, 3)):
            _text_edit(path, rng, streams)
    elif kind == 5:  # a copy in another folder: the same id twice
        other = data / "projects" / rng.choice(streams) / "extra" / target.name
        other.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(target, other)
    elif kind == 6:
        target.unlink()
    elif kind == 7:
        target.rename(target.with_name(f"renamed-{rng.randrange(100)}.yaml"))
    else:  # back as it was
        for path, text in originals.items():
            if path.exists() and rng.random() < 0.5:
                path.write_text(text, encoding="utf-8")


def _generated(tmp_path: Path, n: int, seed: int) -> Path:
    GENERATE.generate(n, tmp_path / "ledger", journals=False, seed=seed, git=False)
    return tmp_path / "ledger" / "data"


def _without_purposes(data: Path) -> None:
    """The first stream, ring-fenced, loses its purposes: a finding in streams.yaml that reads
    no project (E007), and one in each of its projects (E002)."""
    streams = data / "streams.yaml"
    lines = streams.read_text(encoding="utf-8").splitlines()
    at = lines.index("    purposes:")
    end = next(i for i in range(at + 1, len(lines)) if not lines[i].startswith("      "))
    streams.write_text("\n".join(lines[:at] + lines[end:]) + "\n", encoding="utf-8")


def _shipped_plan(tmp_path: Path) -> Path:
    """The shipped ledger (streams with adjustments) without its in-year files."""
    data = tmp_path / "shipped"
    shutil.copytree(SHIPPED, data)
    for folder in ("actuals", "forecasts"):
        shutil.rmtree(data / folder, ignore_errors=True)
    return data


@pytest.mark.parametrize("seed", range(6))
def test_a_check_of_the_changes_says_what_a_whole_check_says(
    seed: int, tmp_path: Path, cache_home: Path, taken: list[bool]
) -> None:
    rng = random.Random(seed)
    data = _shipped_plan(tmp_path) if seed % 3 == 2 else _generated(tmp_path, rng.randint(12, 30), seed)
    if seed % 3 == 1:
        _without_purposes(data)
    _age(data)
    originals = {p: p.read_text(encoding="utf-8") for p in sorted((data / "projects").rglob("*.yaml"))}
    assert _validate(data) == _validate(data, "--no-cache")
    for _ in range(8):
        _step(data, rng, originals)
        assert _validate(data) == _validate(data, "--no-cache")
        _figures_agree(data)
        assert _summary(data) == _summary(data, "--no-cache")  # the figures kept with the check
    assert taken.count(True) >= 4, taken  # most steps went through the snapshot


def test_a_file_changed_keeping_its_size_and_mtime_gets_the_new_result(
    tmp_path: Path, cache_home: Path, taken: list[bool]
) -> None:
    data = _generated(tmp_path, 20, 7)
    _age(data)
    clean = _validate(data)
    assert clean[0] == 0 and _validate(data) == clean  # the second run: the last whole check
    target = sorted((data / "projects").rglob("*.yaml"))[0]
    text = target.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("  2023/24:"))
    edited = "  2023/24: 9" + line[len("  2023/24: 9") :]  # same length: one digit replaced
    assert len(edited) == len(line) and edited != line
    info = target.stat()
    target.write_text(text.replace(line, edited), encoding="utf-8")
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    found = _validate(data)
    assert taken[-1] is True
    assert found == _validate(data, "--no-cache")
    assert found[0] == 1 and "A001" in found[1]  # the new amount over-allocates its stream


def test_streams_or_adjustments_changed_check_everything(tmp_path: Path, cache_home: Path, taken: list[bool]) -> None:
    data = _shipped_plan(tmp_path)
    _age(data)
    _validate(data)
    streams = data / "streams.yaml"
    streams.write_text(streams.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert _validate(data) == _validate(data, "--no-cache")
    assert taken[-1] is False
    adjustment = sorted((data / "adjustments").rglob("*.yaml"))[0]
    adjustment.write_text(adjustment.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert _validate(data) == _validate(data, "--no-cache")
    assert taken[-1] is False


def test_a_ledger_with_in_year_files_checks_everything(tmp_path: Path, cache_home: Path, taken: list[bool]) -> None:
    data = tmp_path / "shipped"
    shutil.copytree(SHIPPED, data)
    _age(data)
    _validate(data)
    project = sorted((data / "projects").rglob("*.yaml"))[0]
    project.write_text(project.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert _validate(data) == _validate(data, "--no-cache")
    assert taken == []  # never asked: the actuals rules read every project


def test_the_snapshot_of_a_ledger_with_in_year_files_is_no_start_for_a_check_of_changes(
    tmp_path: Path, cache_home: Path, taken: list[bool]
) -> None:
    # Its check's problems and figures include the actuals' (a row over its allocation, a
    # forecast below spend): with the year's files gone and a project edited, starting from it
    # would keep them. The snapshot it wrote names each stream's projects for trace, no more.
    data = tmp_path / "shipped"
    shutil.copytree(SHIPPED, data)
    (data / "actuals" / "2023-24" / "2023-05.csv").write_text(
        "date,project,kind,amount,reference,supplier,description\n"
        "2023-05-08,victims-interpreting-and-translation,payment,999999.00,AP-9,Someone,Too much\n",
        encoding="utf-8",
    )
    _age(data)
    with_year = _validate(data)
    assert with_year[0] == 0 and "M003" in with_year[1]  # a warning: the stamp is not written, the snapshot is
    shutil.rmtree(data / "actuals")
    shutil.rmtree(data / "forecasts")
    project = sorted((data / "projects").rglob("*.yaml"))[0]
    project.write_text(project.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert _validate(data) == _validate(data, "--no-cache")
    assert taken[-1] is False  # declined: the snapshot is of the ledger with its year's files


def test_a_duplicate_id_comes_and_goes_with_the_other_file(tmp_path: Path, cache_home: Path, taken: list[bool]) -> None:
    data = _generated(tmp_path, 20, 11)
    first = sorted((data / "projects").rglob("*.yaml"))[0]
    copy = data / "projects" / "zz-later" / first.name  # sorts after: R004 is reported at the copy
    copy.parent.mkdir()
    shutil.copy(first, copy)
    _age(data)
    assert _validate(data)[1].count("R004") == 1
    text = first.read_text(encoding="utf-8")
    first.write_text(text + "  bad: [unclosed\n", encoding="utf-8")  # the first no longer validates
    found = _validate(data)
    assert taken[-1] is True and found == _validate(data, "--no-cache")
    assert "R004" not in found[1]  # the copy, unchanged, is no longer a duplicate
    first.write_text(text, encoding="utf-8")
    found = _validate(data)
    assert taken[-1] is True and found == _validate(data, "--no-cache")
    assert found[1].count("R004") == 1
    first.unlink()
    found = _validate(data)
    assert taken[-1] is True and found == _validate(data, "--no-cache") and "R004" not in found[1]


def test_a_rule_that_does_not_say_what_it_reads_turns_the_check_of_changes_off(
    tmp_path: Path, cache_home: Path, taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    import budgetctl.rules as rules
    from budgetctl.diagnostics import Severity
    from budgetctl.rules._rule import Rule

    def every_project(ledger):  # type: ignore[no-untyped-def]
        # At the first project, a count over every project: only a whole ledger gives it.
        commented = sum("# a comment" in entry.source.text for entry in ledger.projects)
        yield f"{commented} projects have a comment", ledger.projects[0].at()

    across = Rule("Z999", "test-across", Severity.WARNING, every_project, "A test rule.")  # says no scope
    monkeypatch.setattr(rules, "RULES", (*rules.RULES, across))
    data = _generated(tmp_path, 12, 3)
    _age(data)
    _validate(data)
    project = sorted((data / "projects").rglob("*.yaml"))[-1]
    project.write_text(project.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    found = _validate(data)
    assert taken[-1] is False
    assert found == _validate(data, "--no-cache") and "1 projects have a comment" in found[1]
