"""The files a ``validate`` after a few changes keeps (the stamp, the table's journal ``.warmj``,
the snapshot's journal ``.snapj``) never make a later run say anything but what an uncached run
says: a journal cut short or damaged is not used (the ledger is checked as usual), a whole check
after journals starts afresh, many edits in a row, an edit that puts a file back as it was, and
other commands run between the edits all give discovery's answer, byte for byte."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading import cache, delta
from tests.entrypoint import entry
from tests.loading import test_changed_listing as listing
from tests.loading.test_changed_listing import _amount, _first_amount, _projects, _same_as_uncached, _uncached, _warm

data, taken = listing.data, listing.taken  # the fixtures, shared


def _without_cache(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"BUDGETCTL_NO_CACHE": "1"})
    return result.exit_code, result.stdout, result.stderr


def _journals(data: Path) -> list[Path]:
    opened = cache.FileCache.open(data)
    assert opened is not None
    return [opened.path.with_suffix(".warmj"), opened.path.with_suffix(".snapj")]


def _edit(path: Path, amount: str) -> None:
    _amount(path, _first_amount(path), amount)


@pytest.mark.parametrize("damage", ["cut", "empty", "garbage", "other table"])
@pytest.mark.parametrize("which", [0, 1])
def test_a_damaged_journal_is_not_used(
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    taken: list[bool],
    damage: str,
    which: int,
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    first, second = _projects(data)[1], _projects(data)[4]
    _edit(first, " 5.00")
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    journal = _journals(data)[which]
    kept = journal.read_bytes()
    assert kept
    if damage == "cut":
        journal.write_bytes(kept[: len(kept) // 2])
    elif damage == "empty":
        journal.write_bytes(b"")
    elif damage == "garbage":
        journal.write_bytes(kept[:-12] + os.urandom(12))
    else:  # a journal written for another table or snapshot
        journal.write_bytes(kept.replace(kept[40:48], b"00000000") if which else kept[:30] + kept[38:])
    _edit(second, " 6.00")
    taken.clear()
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    assert taken[0] is False  # not from the table: the ledger was discovered
    _edit(first, " 999999999999.99")  # and the run after that too, with a problem now
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 1


def test_a_whole_check_after_journals_starts_afresh(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    target = _projects(data)[6]
    _edit(target, " 7.00")
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    assert all(path.exists() for path in _journals(data))
    (data / "projects" / "new-one.yaml").write_bytes(target.read_bytes())  # discovery: a whole check
    _same_as_uncached(monkeypatch, capsys, data)
    (data / "projects" / "new-one.yaml").unlink()
    _same_as_uncached(monkeypatch, capsys, data)
    taken.clear()
    _edit(target, " 8.00")
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    assert taken[0] is True


def test_many_edits_in_a_row_and_one_put_back(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    projects = _projects(data)
    original = projects[9].read_bytes()
    rng = random.Random(3)
    args = ("validate", "--data", str(data))
    for number in range(30):
        _edit(rng.choice(projects), f" {number + 1}.25")
        assert entry(monkeypatch, capsys, *args) == _uncached(*args)
    projects[9].write_bytes(original)  # exactly as it was at the first whole check
    assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    assert taken.count(True) >= 30


def test_other_commands_between_the_edits(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list[bool]
) -> None:
    _warm(monkeypatch, capsys, data, taken)
    target = _projects(data)[2]
    others = [
        ("summary", "--data", str(data)),
        ("projects", "--data", str(data)),
        ("show", target.stem, "--data", str(data)),
        ("summary", "--format", "json", "--data", str(data)),
    ]
    for number, command in enumerate(others):
        _edit(target, f" {number + 2}.75")
        assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
        assert entry(monkeypatch, capsys, *command) == _without_cache(*command), command
        _edit(target, f" {number + 12}.75")
        assert entry(monkeypatch, capsys, *command) == _without_cache(*command), command
        assert _same_as_uncached(monkeypatch, capsys, data)[0] == 0
    opened = cache.FileCache.open(data)
    assert opened is not None and delta.read(opened) is not None
    assert any(taken)
