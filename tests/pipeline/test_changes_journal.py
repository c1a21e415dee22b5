"""The snapshot's journal: a check of a few changed files writes only what changed, and every
later run reads the snapshot with its journal, and says exactly what a whole check says.

Each step below is followed by ``validate`` and ``summary`` through the cache and with
``--no-cache``, byte for byte, and the summary values kept with the check are those of the whole
ledger. The journal is kept small here, so the snapshot is also written whole again on the way.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from budgetctl import pipeline
from budgetctl.loading import snapshot
from budgetctl.loading.cache import FileCache, ledger_key
from budgetctl.loading.discover import read_ledger
from budgetctl.model import streamfacts
from tests.pipeline.test_check_changes import _age, _figures_agree, _generated, _summary, _validate


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("BUDGETCTL_NO_CACHE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return tmp_path / "xdg-cache"


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    found: list[bool] = []
    real = pipeline.check_changes

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        found.append(result is not None)
        return result

    monkeypatch.setattr(pipeline, "check_changes", spy)
    return found


def _cache(data: Path) -> FileCache:
    cache = FileCache.open(data)
    assert cache is not None
    return cache


def _snapshot_id(data: Path) -> str | None:
    cache = _cache(data)
    found = snapshot.read(cache.path, cache.key)
    return None if found is None else str(found.head["id"])


def _agrees(data: Path) -> tuple[int, str]:
    found = _validate(data)
    assert found == _validate(data, "--no-cache")
    assert _summary(data) == _summary(data, "--no-cache")
    _figures_agree(data)
    cache = _cache(data)
    kept = cache.last_summary(ledger_key(read_ledger(data)))
    ledger = pipeline.check_ledger(data, cache=False).ledger
    assert ledger is not None
    assert kept == streamfacts.encode(streamfacts.facts_of(ledger))  # the kept values: the whole ledger's
    return found


def _set_amount(path: Path, amount: str, *, keep_stat: bool = False) -> None:
    """The first allocation's amount, written over the old one (same length when ``keep_stat``,
    then with the old size and mtime too)."""
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("  20"))
    year, old = line.split(": ")
    new = amount.rjust(len(old), "1") if keep_stat else amount
    info = path.stat()
    path.write_text(text.replace(line, f"{year}: {new}", 1), encoding="utf-8")
    if keep_stat:
        assert len(new) == len(old)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)


def test_changes_through_the_journal_say_what_a_whole_check_says(
    tmp_path: Path, cache_home: Path, taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "JOURNAL_MAX_KEYS", 1)
    data = _generated(tmp_path, 24, 5)
    _age(data)
    projects = sorted((data / "projects").rglob("*.yaml"))
    first, second = projects[0], projects[5]
    assert _agrees(data)[0] == 0
    ids = [_snapshot_id(data)]

    _set_amount(first, "7", keep_stat=True)  # size and mtime kept: found by its content
    assert _agrees(data)[0] == 0 and taken[-1] is True
    ids.append(_snapshot_id(data))
    assert ids[-1] == ids[0]  # only the journal was written

    _set_amount(second, "999999999.99")  # its stream over-allocated: A001 comes
    found = _agrees(data)
    assert taken[-1] is True and "A001" in found[1]
    ids.append(_snapshot_id(data))
    assert ids[-1] != ids[0]  # more keys than the journal keeps: written whole again
    _set_amount(second, "1")  # and goes
    found = _agrees(data)
    assert taken[-1] is True and "A001" not in found[1]

    leed = first.read_text(encoding="utf-8")
    first.write_text(leed.replace("lead:", "leed:"), encoding="utf-8")  # no longer a valid project
    found = _agrees(data)
    assert taken[-1] is True and "S001" in found[1] and "S002" in found[1]
    first.write_text(leed, encoding="utf-8")
    assert _agrees(data)[0] == 0 and taken[-1] is True

    copy = data / "projects" / "zz-later" / first.name  # added: the same id twice
    copy.parent.mkdir()
    shutil.copy(first, copy)
    found = _agrees(data)
    assert taken[-1] is True and found[1].count("R004") == 1
    copy.unlink()  # removed
    found = _agrees(data)
    assert taken[-1] is True and "R004" not in found[1]

    streams = data / "streams.yaml"
    streams.write_text(streams.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert _agrees(data)[0] == 0 and taken[-1] is False  # streams.yaml changed: everything checked
    _set_amount(second, "2")
    assert _agrees(data)[0] == 0 and taken[-1] is True


@pytest.mark.parametrize("damage", ["garbled", "another snapshot's", "a key too short"])
def test_a_journal_that_is_damaged_or_not_this_snapshots_is_never_believed(
    damage: str, tmp_path: Path, cache_home: Path, taken: list[bool]
) -> None:
    data = _generated(tmp_path, 16, 9)
    _age(data)
    _agrees(data)
    target = sorted((data / "projects").rglob("*.yaml"))[3]
    _set_amount(target, "999999999.99")
    assert "A001" in _agrees(data)[1] and taken[-1] is True
    journal = _cache(data).path.with_suffix(".snapj")
    text = journal.read_text(encoding="ascii")
    head, _, body = text.partition("\n")
    if damage == "garbled":
        text = head + "\n" + body[: len(body) // 2]
    elif damage == "another snapshot's":
        text = head[: -len("0" * 32)] + "0" * 32 + "\n" + body
    else:
        text = head + "\n" + body.replace('"keys": {"', '"keys": {"0": "abc", "', 1)
    journal.write_text(text, encoding="ascii")
    _set_amount(target, "3")  # back under its stream's budget
    found = _agrees(data)
    assert found[0] == 0 and "A001" not in found[1]
    assert taken[-1] is False  # the snapshot was not used: everything was checked
    _set_amount(target, "4")
    assert _agrees(data)[0] == 0 and taken[-1] is True  # and the snapshot written whole serves again


@pytest.mark.parametrize(
    "paths",
    [
        ["d/projects/a/p1.yaml", "d/projects/b/p1.yml", "d/projects/c/xp1.yaml", "p1.yaml", "d/p1.yaml.bak"],
        ["projects/a/p1.yaml", "projects/odd\nname/p1.yaml", "projects/b/p2.yaml", "projects/c/p2.yml"],
        [],
    ],
)
def test_the_files_named_by_an_id_are_those_a_loop_over_every_path_finds(paths: list[str]) -> None:
    from budgetctl.model.kinds import PROJECT_SUFFIXES, project_id

    for ids in ({"p1", "p2", "zz"}, {"p1", "p2", "zz", "a", "b", "c"}):  # searched for, and one pass
        each = [p for p in paths if p.endswith(PROJECT_SUFFIXES) and project_id(p) in ids]
        assert [p for p in pipeline._named(paths, ids) if project_id(p) in ids] == each


def test_a_listing_after_a_check_of_changes_checks_no_file_again(
    tmp_path: Path, cache_home: Path, taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from budgetctl.cli import app
    from budgetctl.loading import parallel

    def listing(cached: bool = True) -> str:
        env = {} if cached else {"BUDGETCTL_NO_CACHE": "1"}
        result = CliRunner().invoke(app, ["projects", "--format", "csv", "--data", str(data)], env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    data = _generated(tmp_path, 20, 13)
    _age(data)
    _agrees(data)
    listing()  # every entry in the cache
    first, second = sorted((data / "projects").rglob("*.yaml"))[2:4]
    _set_amount(first, "5")
    second.write_text(second.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    _agrees(data)
    assert taken[-1] is True
    checked: list[str] = []
    real = parallel.check_project

    def spy(raw):  # type: ignore[no-untyped-def]
        checked.append(raw.path)
        return real(raw)

    monkeypatch.setattr(parallel, "check_project", spy)
    assert listing() == listing(cached=False) and checked
    checked.clear()
    found = listing()  # the entries the check of changes kept are read
    assert checked == [] and found == listing(cached=False) and "5.00" in found
    assert _cache(data).more_path.exists()  # where the check of changes kept them
    shown = [
        CliRunner().invoke(app, ["show", first.stem, "--data", str(data)], env=env).stdout
        for env in ({}, {"BUDGETCTL_NO_CACHE": "1"})
    ]
    assert shown[0] == shown[1] and first.stem in shown[0]  # its entry found by a search of both files


def test_streams_found_one_by_one_or_all_at_once_are_the_same(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _generated(tmp_path, 60, 21)
    _agrees(data)
    cache = _cache(data)
    searched = snapshot.read(cache.path, cache.key)
    assert searched is not None
    streams = [*sorted(searched.every_stream()), "no-such-stream"]
    assert len(streams) > 3
    monkeypatch.setattr(snapshot, "SEARCHED_MAX", 10**6)
    one_by_one = [(searched.rows(s), searched.amounts(s, "2023/24")) for s in streams]
    assert searched._stored is None
    monkeypatch.setattr(snapshot, "SEARCHED_MAX", 0)
    whole = snapshot.read(cache.path, cache.key)
    assert whole is not None
    assert [(whole.rows(s), whole.amounts(s, "2023/24")) for s in streams] == one_by_one
    assert whole._stored is not None and any(rows for rows, _ in one_by_one)
