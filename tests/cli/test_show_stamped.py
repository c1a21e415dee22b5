"""`show` of a ledger the warm stamp vouches for (``loading.lookup``): the project's file is found in
the stamp's listing, nothing is discovered, and the output is the Typer command's after a full
check with no cache, byte for byte with the same exit code, on the entry point and in the Typer
command alike: on clean ledgers with nested and hidden folders, .yml files, adjustments and a
year of actuals, for ids that name no file, for ledgers the stamp cannot vouch for (problems, a
duplicate id), after a change that keeps a file's size and mtime, and when a file changes after
the listing was taken."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetctl.cli import app
from budgetctl.loading import discover, lookup, statindex, warm
from tests.conftest import LEDGERS, SHIPPED, make_ledger, project_text, settled
from tests.entrypoint import Run, entry, spy_on_typer

STREAMS = """\
streams:
  fund:
    programme: Fund
    funding: Police Grant
    owners: ["@org/fund"]
    budget:
      2023/24: 1000
      2024/25: 1000
  other:
    programme: Other
    funding: Specific Grant
    budget:
      2024/25: 500
"""


# A clean ledger: nested folders, a hidden one (discovery reads it), a .yml file.
CLEAN = {
    "streams.yaml": STREAMS,
    "projects/fund/a.yaml": project_text("fund", "  2023/24: 600\n  2024/25: 100\n"),
    "projects/fund/b.yml": project_text("fund", "  2023/24: 300\n  2024/25: 250.5\n"),
    "projects/other/deep/er/e.yaml": project_text("other", "  2024/25: 50\n"),
    "projects/other/.kept/h.yaml": project_text("other", "  2024/25: 20\n", title="Hidden folder"),
}


def full_check(*args: str) -> Run:
    """The Typer command with no cache: every file read and checked, as before any shortcut."""
    result = CliRunner().invoke(app, list(args), env={"BUDGETCTL_NO_CACHE": "1"})
    return result.exit_code, result.stdout, result.stderr


def typer_cached(*args: str) -> Run:
    """The Typer command with the cache (and so the stamp)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """What each run went through: the entry point handing over to Typer, a whole discovery of the
    ledger, and what the stamp's lookup gave."""
    seen: dict[str, list[object]] = {"typer": spy_on_typer(monkeypatch), "discovered": [], "stamped": []}  # type: ignore[dict-item]
    real_read, real_files = discover.read_ledger, lookup.stamped_files

    def read_ledger(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["discovered"].append(args[0])
        return real_read(*args, **kwargs)

    def stamped_files(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_files(*args, **kwargs)
        seen["stamped"].append(isinstance(found, lookup.Picked))
        return found

    monkeypatch.setattr(discover, "read_ledger", read_ledger)
    monkeypatch.setattr(lookup, "stamped_files", stamped_files)
    return seen


def clear(seen: dict[str, list[object]]) -> None:
    for runs in seen.values():
        runs.clear()


def ids(data: Path) -> list[str]:
    return sorted({p.name.rsplit(".", 1)[0] for p in (data / "projects").rglob("*.y*ml")})


def stamp(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path) -> int:
    """Two validates: the first checks and keeps the stamp (when clean), the second is served by it."""
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    return entry(monkeypatch, capsys, "validate", "--data", str(data))[0]


def same_everywhere(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """The entry point's answer, held to the Typer command's with and without the cache."""
    found = entry(monkeypatch, capsys, *args)
    assert found == full_check(*args), args
    assert typer_cached(*args) == found, args
    return found


def test_a_stamped_ledger_is_shown_from_the_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spied: dict[str, list[object]]
) -> None:
    data = settled(make_ledger(tmp_path, CLEAN))
    assert stamp(monkeypatch, capsys, data) == 0
    for wanted in ids(data):
        for options in ((), ("--format", "json"), ("-f", "text")):
            clear(spied)
            found = entry(monkeypatch, capsys, "show", wanted, "--data", str(data), *options)
            # Answered by the entry point from the stamp: no discovery, no Typer.
            assert spied["typer"] == [] and spied["discovered"] == [] and spied["stamped"] == [True]
            assert found[0] == 0 and found[2] == ""
            assert found == same_everywhere(monkeypatch, capsys, "show", wanted, "--data", str(data), *options)
    assert "data/projects/other/.kept/h.yaml" in entry(monkeypatch, capsys, "show", "h", "--data", str(data))[1]
    assert "data/projects/fund/b.yml" in entry(monkeypatch, capsys, "show", "b", "--data", str(data))[1]


def test_an_id_that_names_no_file_is_left_to_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spied: dict[str, list[object]]
) -> None:
    data = settled(make_ledger(tmp_path, CLEAN))
    stamp(monkeypatch, capsys, data)
    for wanted in ("nope", "er", "kept", "deep/er/e", "e.yaml", "A", ""):
        clear(spied)
        found = same_everywhere(monkeypatch, capsys, "show", wanted, "--data", str(data))
        assert found[0] == 2 and "no project" in found[2], wanted
        assert spied["stamped"][0] is False  # the stamp vouched, but no single file has that id


@pytest.mark.parametrize("ledger", ["shipped", "closed-year"])
def test_shipped_and_in_year_ledgers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spied: dict[str, list[object]],
    ledger: str,
) -> None:
    data = tmp_path / "ledger" / "data"
    shutil.copytree(SHIPPED if ledger == "shipped" else LEDGERS / ledger / "data", data)
    if ledger == "closed-year":  # clean: the one payment above its allocation brought down to it
        csv = data / "actuals" / "2023-24" / "2023-24-ledger.csv"
        csv.write_text(csv.read_text("utf-8").replace(",51250.00,", ",50000.00,"), "utf-8")
    settled(data)
    assert stamp(monkeypatch, capsys, data) == 0
    shown = 0
    for wanted in ids(data):
        for options in ((), ("-f", "json")):
            clear(spied)
            args = ("--data", str(data), "show", wanted, *options)
            found = same_everywhere(monkeypatch, capsys, *args)
            assert found[0] == 0
            shown += spied["typer"] == []
            # Served by the stamp, or (a closed year's opening balance needs the year's actuals)
            # by the whole check after the stamp vouched.
            assert spied["stamped"][0] is True
    # The shipped ledger (adjustments, actuals, forecasts): every project from the stamp; the
    # closed year's balance streams: none.
    assert shown == (2 * len(ids(data)) if ledger == "shipped" else 0)


# Problems (no stamp is kept): over-allocation, a duplicate id across two folders, a broken file.
PROBLEMS = {
    **CLEAN,
    "projects/fund/a.yaml": project_text("fund", "  2023/24: 900\n"),
    "projects/fund/dup.yaml": project_text("fund", "  2024/25: 1\n"),
    "projects/other/deep/dup.yaml": project_text("other", "  2024/25: 2\n"),
    "projects/other/broken.yaml": "title: [unclosed\n",
}


@pytest.mark.parametrize("ledger", ["problems", "many-problems", "over-allocated", "in-year"])
def test_ledgers_the_stamp_cannot_vouch_for(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spied: dict[str, list[object]],
    ledger: str,
) -> None:
    if ledger == "problems":
        data = make_ledger(tmp_path, PROBLEMS)
    else:
        data = tmp_path / "ledger" / "data"
        shutil.copytree(LEDGERS / ledger / "data", data)
    settled(data)
    assert stamp(monkeypatch, capsys, data) == 1
    for wanted in [*ids(data), "nope"]:
        for options in ((), ("--format", "json")):
            clear(spied)
            same_everywhere(monkeypatch, capsys, "show", wanted, "--data", str(data), *options)
            assert True not in spied["stamped"]
    assert entry(monkeypatch, capsys, "show", "dup", "--data", str(data))[2].count("R004") == (
        1 if ledger == "problems" else 0
    )


def test_a_change_keeping_size_and_mtime_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spied: dict[str, list[object]]
) -> None:
    data = settled(make_ledger(tmp_path, CLEAN))
    stamp(monkeypatch, capsys, data)
    args = ("show", "a", "--data", str(data), "--format", "json")
    before = entry(monkeypatch, capsys, *args)
    target = data / "projects" / "fund" / "a.yaml"
    info = target.stat()
    target.write_text(CLEAN["projects/fund/a.yaml"].replace("600", "599"), "utf-8")
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    clear(spied)
    after = same_everywhere(monkeypatch, capsys, *args)
    assert after != before and '"599.00"' in after[1]
    assert spied["stamped"][0] is False  # its ctime changed: the stamp does not vouch


def test_a_file_fresh_from_its_check_is_hashed_again_and_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spied: dict[str, list[object]]
) -> None:
    """As the benchmark's rounds: a file edited just before its check is kept by the stamp to hash
    again (not settled yet), and show is still served by the stamp with the edit shown."""
    data = settled(make_ledger(tmp_path, CLEAN))
    stamp(monkeypatch, capsys, data)
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_000_000_000)
    target = data / "projects" / "fund" / "b.yml"
    target.write_text(CLEAN["projects/fund/b.yml"].replace("250.5", "250.25"), "utf-8")
    assert stamp(monkeypatch, capsys, data) == 0
    clear(spied)
    found = same_everywhere(monkeypatch, capsys, "show", "b", "--data", str(data))
    assert spied["stamped"][0] is True and "250.25" in found[1]


def test_a_file_changed_after_the_listing_is_not_shown_from_the_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spied: dict[str, list[object]]
) -> None:
    """A file written between the stamp's listing and its read: the stamp's key is not that of what
    was read, so the lookup gives nothing and show checks the ledger as it is now."""
    data = settled(make_ledger(tmp_path, CLEAN))
    stamp(monkeypatch, capsys, data)
    target = data / "projects" / "fund" / "a.yaml"
    real = warm.unchanged

    def unchanged(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real(*args, **kwargs)
        if isinstance(found, tuple) and "599" not in target.read_text("utf-8"):
            target.write_text(CLEAN["projects/fund/a.yaml"].replace("600", "599"), "utf-8")
        return found

    monkeypatch.setattr(warm, "unchanged", unchanged)
    args = ("show", "a", "--data", str(data))
    clear(spied)
    found = entry(monkeypatch, capsys, *args)
    assert spied["stamped"][0] is False and "599" in found[1]
    monkeypatch.setattr(warm, "unchanged", real)
    assert found == full_check(*args) == typer_cached(*args)
