"""The cache is never trusted beyond what it can prove.

Real runs of the installed budgetctl against a real cache folder: a hand-forged entry,
CI's default, an empty or relative HOME, a dangling symbolic link as the cache folder,
and cache files or a folder owned by another user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHIPPED

BUDGETCTL = Path(sys.executable).with_name("budgetctl")
TARGET = "idva-service"


def _env(**extra: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "BUDGETCTL_CACHE", "BUDGETCTL_NO_CACHE")}
    env["NO_COLOR"] = "1"
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BUDGETCTL), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def _plan_only(tmp_path: Path) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "ledger" / "data")
    # The plan only: a summary does not read actuals and forecasts, so with them its check is
    # partial and not kept as the ledger's whole check (the second cache file these tests count).
    for folder in ("actuals", "forecasts"):
        shutil.rmtree(tmp_path / "ledger" / "data" / folder, ignore_errors=True)
    return tmp_path / "ledger"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return _plan_only(tmp_path)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()) if folder.exists() else []


def _entries_and_check(folder: Path) -> list[Path]:
    """The cache's entries, last check, its summary values and snapshot; the stat index and its table beside
    them are written only for files that have settled (a few seconds old), so whether they exist depends on timing."""
    return [p for p in _files(folder) if p.suffix not in (".stat", ".table")]


SUMMARY = ["summary", "--year", "2023/24", "--format", "json"]


def _forge(cache: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the cached entry of TARGET in place, as someone with the cache file could."""
    (path,) = (cache / "budgetctl").glob("ledger-*.jsonl")
    lines = path.read_bytes().split(b"\n")
    for index, line in enumerate(lines):
        if f"/{TARGET}.yaml".encode() in line[:300]:
            entry = json.loads(line)
            change(entry[4])
            lines[index] = json.dumps(entry, separators=(",", ":")).encode()
            break
    else:
        raise AssertionError("no entry for the target project")
    path.write_bytes(b"\n".join(lines))


@pytest.fixture(scope="module")
def uncached(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The summary and export of the ledger without a cache, once for every forgery."""
    tmp = tmp_path_factory.mktemp("uncached")
    ledger, env = _plan_only(tmp), _env(XDG_CACHE_HOME=str(tmp / "cache"))
    summary = _run(ledger, env, *SUMMARY, "--no-cache")
    exported = _run(ledger, {**env, "BUDGETCTL_NO_CACHE": "1"}, "export", "--format", "json")
    assert summary.returncode == 0 and exported.returncode == 0, summary.stderr + exported.stderr
    assert _files(tmp / "cache") == []
    return summary.stdout, exported.stdout


@pytest.mark.parametrize(
    "forgery",
    [
        lambda p: p["allocations"].update({"2023/24": "-500000.00"}),  # a negative allocation
        lambda p: p["allocations"].update({"2023/24": "1E+9"}),  # money no file can hold
        lambda p: p["allocations"].update({"2023/25": "1.00"}),  # not a financial year
        lambda p: p.update(stream="Victims Services"),  # not an id
        lambda p: p.update(title="T\n::error::forged"),  # a line break in one-line text
        lambda p: p.update(title="\u202etxt.exe"),  # a bidi override
        lambda p: p.update(title=" "),  # empty
    ],
    ids=["negative", "exponent", "year", "id", "line-break", "bidi", "empty"],
)
def test_a_forged_entry_is_ignored_and_totals_equal_the_uncached_run(
    ledger: Path, tmp_path: Path, uncached, forgery
) -> None:  # type: ignore[no-untyped-def]
    summary, exported = uncached
    cache = tmp_path / "cache"
    env = _env(XDG_CACHE_HOME=str(cache))
    assert _run(ledger, env, *SUMMARY).stdout == summary  # fills the cache
    _forge(cache, forgery)
    forged = _run(ledger, env, *SUMMARY)
    assert forged.returncode == 0, forged.stderr
    assert forged.stdout == summary
    # Every field of every allocation, titles and years included, as if there were no cache.
    _forge(cache, forgery)
    assert _run(ledger, env, "export", "--format", "json").stdout == exported
    assert _run(ledger, env, "validate").stdout.startswith("no problems")
    assert b"-500000.00" not in b"".join(p.read_bytes() for p in _files(cache))  # the entry was rewritten


def test_the_cache_is_off_in_ci_unless_asked_for(ledger: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for ci in ("true", "1", "yes"):
        result = _run(ledger, _env(XDG_CACHE_HOME=str(cache), CI=ci), *SUMMARY)
        assert result.returncode == 0
        assert _files(cache) == []
    assert _run(ledger, _env(XDG_CACHE_HOME=str(cache), CI="false"), *SUMMARY).returncode == 0
    assert len(_entries_and_check(cache)) == 5  # with the monitoring values
    shutil.rmtree(cache)
    assert _run(ledger, _env(XDG_CACHE_HOME=str(cache), CI="true", BUDGETCTL_CACHE="1"), *SUMMARY).returncode == 0
    assert len(_entries_and_check(cache)) == 5  # with the monitoring values


@pytest.mark.parametrize(("home", "xdg"), [("", None), ("relative", None), ("", ""), ("relative", "also-relative")])
def test_an_empty_or_relative_home_writes_no_cache_anywhere(ledger: Path, home: str, xdg: str | None) -> None:
    before = _files(ledger)
    result = _run(ledger, _env(HOME=home, XDG_CACHE_HOME=xdg), *SUMMARY)
    assert result.returncode == 0, result.stderr
    assert _files(ledger) == before  # nothing under the folder it ran in
    assert not (ledger / "relative").exists() and not (ledger / ".cache").exists()


def test_a_relative_xdg_cache_home_falls_back_to_an_absolute_home(ledger: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = _run(ledger, _env(HOME=str(home), XDG_CACHE_HOME="relative"), *SUMMARY)
    assert result.returncode == 0
    assert len(_entries_and_check(home / ".cache" / "budgetctl")) == 5
    assert not (ledger / "relative").exists()


@pytest.mark.parametrize("target", ["missing", "elsewhere/deeper"])
def test_a_dangling_symlink_as_the_cache_folder_is_not_followed(ledger: Path, tmp_path: Path, target: str) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    outside = tmp_path / "outside" / target
    (cache / "budgetctl").symlink_to(outside)
    for _ in range(2):
        result = _run(ledger, _env(XDG_CACHE_HOME=str(cache)), *SUMMARY)
        assert result.returncode == 0, result.stderr
    assert not (tmp_path / "outside").exists()
    assert _files(cache) == [cache / "budgetctl"]  # the link alone


def test_a_symlink_to_a_real_folder_is_not_used_either(ledger: Path, tmp_path: Path) -> None:
    cache, real = tmp_path / "cache", tmp_path / "real"
    cache.mkdir()
    real.mkdir()
    (cache / "budgetctl").symlink_to(real)
    assert _run(ledger, _env(XDG_CACHE_HOME=str(cache)), *SUMMARY).returncode == 0
    assert _files(real) == []


root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")


@root_only
def test_cache_files_owned_by_another_user_are_ignored_then_replaced_by_ours(ledger: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = _env(XDG_CACHE_HOME=str(cache))
    expected = _run(ledger, env, *SUMMARY).stdout
    _forge(cache, lambda p: p["allocations"].update({"2023/24": "1.00"}))  # valid, but not what the file says
    for path in _files(cache):
        os.chown(path, 65534, 65534)
    assert _run(ledger, env, *SUMMARY).stdout == expected  # the other user's entry is not read
    files = _files(cache)
    kept = _entries_and_check(cache)
    assert len(kept) == 5, kept  # the entries, the last check, its summary and monitoring values, snapshot
    assert [p.name for p in files if p.stat().st_uid != os.getuid()] == []  # ours now, nothing left over
    assert all(p.stat().st_mode & 0o077 == 0 for p in files)
    assert _run(ledger, env, *SUMMARY).stdout == expected


@root_only
def test_a_cache_folder_owned_by_another_user_is_left_alone(ledger: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "budgetctl").mkdir(parents=True)
    os.chown(cache / "budgetctl", 65534, 65534)
    assert _run(ledger, _env(XDG_CACHE_HOME=str(cache)), *SUMMARY).returncode == 0
    assert _files(cache) == []
