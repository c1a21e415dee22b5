"""A ``validate`` after a few files changed, checked from the table kept with the stamp
(``loading.delta``, ``pipeline.check_listed``) instead of discovery, says exactly what an
uncached run says, byte for byte: an edit, an edit keeping the file's size and mtime, a change
that makes a problem and the one that mends it, streams.yaml changed, and files added, removed
or renamed (which discovery checks); and the ledger key it makes is the one discovery makes."""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl import pipeline
from budgetctl.cli import app
from budgetctl.loading import cache, delta, statindex
from budgetctl.loading.discover import read_ledger
from tests.entrypoint import Run, entry
from tests.pipeline.test_check_changes import GENERATE


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[bool]:
    """Whether each run that went past the stamp was checked from the table (True) or not."""
    found: list[bool] = []
    real = pipeline.check_listed

    def spy(listed):  # type: ignore[no-untyped-def]
        result = real(listed)
        found.append(result is not None)
        return result

    monkeypatch.setattr(pipeline, "check_listed", spy)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # files written by the test count as settled
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("BUDGETCTL_NO_CACHE", "CI", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    return found


def _age(path: Path, seconds: float = 60) -> None:
    past = time.time() - seconds  # older than the table the next run keeps (git's racy rule)
    os.utime(path, (past, past))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A generated ledger of 40 projects (no in-year files: the table is kept only without them)."""
    GENERATE.generate(40, tmp_path / "ledger", seed=7, journals=False, git=False)
    data = tmp_path / "ledger" / "data"
    for path in data.rglob("*"):
        _age(path)
    return data


def _uncached(*args: str) -> Run:
    result = CliRunner().invoke(app, [*args, "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


def _same_as_uncached(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path) -> Run:
    """Each format through the entry point (the first is the run after the change) against an
    uncached run, byte for byte; what the first printed."""
    found = None
    for options in ((), ("--format", "json"), ("-f", "github")):
        args = ("validate", "--data", str(data), *options)
        now = entry(monkeypatch, capsys, *args)
        assert now == _uncached(*args), options
        found = found or now
    assert found is not None
    return found


def _warm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path, taken: list[bool]) -> None:
    """A check that keeps the stamp and its table, and a run the stamp answers; ``taken`` is
    then emptied (each run after a change adds one entry: the runs the stamp answers add none)."""
    args = ("validate", "--data", str(data))
    assert entry(monkeypatch, capsys, *args)[0] == 0
    assert entry(monkeypatch, capsys, *args)[0] == 0
    opened = cache.FileCache.open(data)
    assert opened is not None and delta.read(opened) is not None
    taken.clear()


def _projects(data: Path) -> list[Path]:
    return sorted((data / "projects").rglob("*.yaml"))


def _amount(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first_amount(path: Path) -> str:
    line = next(x for x in path.read_text("utf-8").splitlines() if x.startswith("  20"))
    return line.split(":", 1)[1]


def test_an_edit_is_checked_from_the_table_and_says_what_discovery_says(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    target = _projects(data)[3]
    amount = _first_amount(target)
    _amount(target, amount, " 1.00")
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    assert taken[0] is True
    # The key it kept is the key discovery makes of the ledger now: the check is found by it.
    opened = cache.FileCache.open(data)
    assert opened is not None and opened.last_check(cache.ledger_key(read_ledger(data))) is not None
    _amount(target, " 1.00", amount)  # and back
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    assert taken == [True, True]


def test_a_file_changed_keeping_its_size_and_mtime_gets_the_new_result(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    target = _projects(data)[5]
    before = target.stat()
    amount = _first_amount(target)
    _amount(target, amount, " x" + amount[2:])  # the same size: an amount that is not money
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    found = _same_as_uncached(monkeypatch, capsys, data)
    assert found[0] == 1 and taken[0] is True


def test_a_change_that_makes_a_problem_then_one_that_mends_it(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    target = _projects(data)[0]
    amount = _first_amount(target)
    _amount(target, amount, " 999999999999.99")  # over-allocates its stream (A001, at streams.yaml)
    found = _same_as_uncached(monkeypatch, capsys, data)
    assert found[0] == 1 and "A001" in found[1] and taken[0] is True
    _amount(target, " 999999999999.99", amount)
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    for _ in range(3):  # the stamp again, and its table
        assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    taken.clear()
    _amount(target, amount, " 2.00")
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    assert taken == [True]


@pytest.mark.parametrize("change", ["added", "removed", "renamed", "streams", "unread"])
def test_other_changes_say_what_discovery_says(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool], change: str
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    target = _projects(data)[2]
    if change == "added":
        shutil.copy(target, target.with_name("copy.yaml"))
    elif change == "removed":
        target.unlink()
    elif change == "renamed":
        target.rename(target.with_name("renamed.yaml"))
    elif change == "streams":
        streams = data / "streams.yaml"
        streams.write_text(streams.read_text("utf-8") + "# a comment\n", encoding="utf-8")
    else:  # a file discovery does not read, changed: the ledger's content is the same
        notes = data / "NOTES.md"
        notes.write_text("notes\n", encoding="utf-8")
        _age(notes)
        _warm(monkeypatch, capsys, data, taken)
        notes.write_text("more notes\n", encoding="utf-8")
    _same_as_uncached(monkeypatch, capsys, data)
    assert taken[0] is (change == "unread")
    _same_as_uncached(monkeypatch, capsys, data)


def test_random_edits_say_what_discovery_says(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    rng = random.Random(15)
    projects = _projects(data)
    originals = {path: path.read_text("utf-8") for path in projects}
    for _ in range(12):
        for path in rng.sample(projects, rng.randint(1, 3)):
            if rng.random() < 0.3:
                path.write_text(originals[path], encoding="utf-8")
            else:
                amount = _first_amount(path)
                _amount(path, amount, rng.choice([" 1", " 12.5", " 999999999999.99", " 0", " nope"]))
        _same_as_uncached(monkeypatch, capsys, data)
    assert any(taken)


def test_files_read_too_soon_after_a_write_are_read_again(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_000_000_000)  # what was just written has not settled
    target = _projects(data)[7]
    amount = _first_amount(target)
    _amount(target, amount, " 3.00")
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    before = target.stat()  # changed again at once, keeping its size and mtime
    _amount(target, " 3.00", " x.00")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 1
    assert taken[0] is True


def test_the_table_kept_anew_when_many_files_changed_since(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    monkeypatch.setattr(delta, "REREAD_MAX", 2)
    _warm(monkeypatch, capsys, data, taken)
    opened = cache.FileCache.open(data)
    assert opened is not None
    kept = delta.read(opened)
    assert kept is not None
    for number, target in enumerate(_projects(data)[:6]):
        amount = _first_amount(target)
        _amount(target, amount, f" {number + 1}.50")
        assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    again = delta.read(opened)
    assert again is not None and again[0].ident != kept[0].ident  # kept anew from a check of changes
    assert taken == [True] * 6
