"""Shared fixtures: the CLI runner, fixture ledgers, and golden files.

Golden files hold real CLI output; regenerate them through the CLI with
``pytest --update-golden`` and review the diff like any other change.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from hypothesis import settings
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "data"
LEDGERS = Path(__file__).resolve().parent / "ledgers"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = REPO.parent / "shared"

# Identity, fixed dates and isolation for the tests' own git commands (commits and
# the short ids in golden output are reproducible); nothing global changes.
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_AUTHOR_DATE": "2023-04-01T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2023-04-01T12:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


# typer's CliRunner builds the click command from the app at every invoke: the signatures of
# every command, about 30 ms a call and most of the time of an in-process run. The app does
# not change during a run, so each app is built once. A typer without this private helper
# leaves the runner as it is: the tests are then slower, never wrong.
if hasattr(typer.testing, "_get_command"):
    typer.testing._get_command = functools.cache(typer.testing._get_command)


# `pytest --hypothesis-profile=nightly` (docs/reliability.md) gives each property that takes its
# settings from `examples` its nightly count. Registered here, in the first conftest pytest
# loads, so that the profile exists when hypothesis's plugin loads it.
settings.register_profile("nightly", deadline=None)


def examples(count: int, nightly: int, **kwargs: Any) -> settings:
    """A property's settings: ``count`` examples in every run, ``nightly`` under the nightly profile."""
    if settings.get_current_profile_name() == "nightly":
        count = nightly
    return settings(max_examples=count, deadline=None, **kwargs)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the real CLI output")


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pin the width, turn colour off, and keep the user's environment out of tests.

    Each test gets its own empty cache folder, so no test depends on what an
    earlier one cached (or on the user's ~/.cache).
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("COLUMNS", "140")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("BUDGETCTL_DATA", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # The cache is off by default in CI; the tests decide for themselves.
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUDGETCTL_CACHE", raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden"
        assert actual == path.read_text(encoding="utf-8")

    return check


@pytest.fixture
def entries_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test when its command rebuilds a project's whole record from the cache, checks a
    file or runs a rule: for the commands that read a few fields of each cached entry
    (``loading.listing``)."""
    from budgetctl.loading import cache as file_cache
    from budgetctl.model.records import Project

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the command did more than read its entries")

    def streams_only(cache: Any, raws: Any, model: Any) -> Any:
        assert model is not Project or not raws, "a project's whole record was rebuilt"
        return real_recall(cache, raws, model)

    real_recall = file_cache.recall
    monkeypatch.setattr(file_cache, "recall", streams_only)
    monkeypatch.setattr("budgetctl.loading.parallel.check_project", refused)  # no file checked
    monkeypatch.setattr("budgetctl.rules.run_rules", refused)


@pytest.fixture
def ledger_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped ledger: returns its data/ folder."""
    target = tmp_path / "data"
    shutil.copytree(SHIPPED, target)
    return target


def change_keeping_size_and_mtime(path: Path, text: str) -> None:
    """Write ``text`` over the file at ``path`` keeping its size and times (ctime changes): a
    change only a content key or a stat entry with ctime can see."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def age(path: Path, seconds: float = 60) -> None:
    past = time.time() - seconds  # older than the stamp the next run writes (git's racy rule)
    os.utime(path, (past, past), follow_symlinks=False)


def aged_shipped(tmp_path: Path) -> Path:
    """A copy of the shipped ledger at ``tmp_path/ledger/data`` whose every file and folder is a
    minute old, so the warm stamp can vouch for it at once: returns that data/ folder."""
    data = tmp_path / "ledger" / "data"
    shutil.copytree(SHIPPED, data)
    for path in data.rglob("*"):
        age(path)
    return data


def project_text(stream: str, amounts: str, title: str = "T") -> str:
    """A minimal valid project file of ``stream`` with its ``allocations:`` lines ``amounts``."""
    return f"title: {title}\nstream: {stream}\nlead: L\nallocations:\n{amounts}"


def settled(data: Path) -> Path:
    """``data`` with it and every file and folder in it dated a minute back: older than the stamp
    or stat index a first run writes, so a later run trusts their stat entries (git's racy rule)."""
    past = time.time() - 60
    for path in [data, *data.rglob("*")]:
        os.utime(path, (past, past))
    return data


def make_ledger(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (paths relative to data/) under root/data and return that folder."""
    data = root / "data"
    for name, text in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return data


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    """Run a git command for a test's own set-up (GIT_ENV) and return its stripped output."""
    result = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, env=GIT_ENV, check=True)
    return result.stdout.decode().strip()


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture(scope="session")
def shipped_repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose only commit ("ledger") holds the shipped ledger: built once, copied by ``repo``."""
    root = tmp_path_factory.mktemp("shipped-repo") / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    shutil.copytree(SHIPPED, root / "data")
    commit(root, "ledger")
    return root


@pytest.fixture
def repo(tmp_path: Path, shipped_repo_template: Path) -> Path:
    """A writable repository whose only commit holds a copy of the shipped ledger (the same commit id each time)."""
    return Path(shutil.copytree(shipped_repo_template, tmp_path / "repo", symlinks=True))
