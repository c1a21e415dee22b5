"""The ledger folder and the cache's place worked on strings (``root.located``, ``cacheplace.where``:
the warm validate imports no pathlib) are what the pathlib rule gives, string for string: the
stamp's context, the cache file's name and the listing's paths all come from them."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetctl.loading import cacheplace, root

posix_only = pytest.mark.skipif(os.name != "posix", reason="the strings are POSIX paths")


@posix_only
@given(st.lists(st.sampled_from(["", "/", "//", "///", ".", "..", "a", "b.c", " ", ".x"]), max_size=8))
def test_pure_is_how_pathlib_writes_a_path(pieces: list[str]) -> None:
    path = "".join(pieces)
    assert root.pure(path) == str(PurePosixPath(path))
    folder = root.pure(path)
    for relative in ("x", "x/../y", "/abs", "//two", "", ".", "a//b/"):
        assert root.joined(folder, relative) == str(PurePosixPath(folder) / relative)
    assert list(root.parents(folder)) == [str(p) for p in PurePosixPath(folder).parents]


def _locate_with_pathlib(data: str | None, cwd: Path) -> Path | None:
    """The rule as it was written with pathlib: the oracle."""
    given_ = data if data is not None else os.environ.get("BUDGETCTL_DATA") or None
    if given_ is not None:
        found = cwd / Path(given_)
        if ".." in found.parts:
            found = found.resolve()
        return found if (found / "streams.yaml").is_file() else None
    for folder in (cwd, *cwd.parents):
        if (folder / "data" / "streams.yaml").is_file():
            return folder / "data"
    return None


@posix_only
def test_the_ledger_folder_is_the_one_pathlib_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUDGETCTL_DATA", raising=False)
    ledger = tmp_path / "repo" / "data"
    (ledger / "projects").mkdir(parents=True)
    (ledger / "streams.yaml").write_text("streams: {}\n", encoding="utf-8")
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "repo", target_is_directory=True)
    (tmp_path / "not-a-ledger" / "data" / "streams.yaml").mkdir(parents=True)  # a folder, not a file
    cwds = [tmp_path / "repo", tmp_path / "repo" / "a" / "b", tmp_path / "link" / "a", tmp_path / "not-a-ledger"]
    datas = [
        None,
        "data",
        "data/",
        "./data/.",
        "../../data",
        "../../../link/data",
        str(ledger),
        str(ledger) + "//",
        "/" + str(ledger),
        "missing",
        "data/projects/..",
        "data/streams.yaml",
        "",
    ]
    checked = 0
    for cwd in cwds:
        for data in datas:
            expected = _locate_with_pathlib(data, cwd)
            assert root.located(data, str(cwd)) == (None if expected is None else str(expected)), (cwd, data)
            assert root.locate(data, cwd) == expected
            checked += expected is not None
    monkeypatch.setenv("BUDGETCTL_DATA", "../../data")
    assert root.located(None, str(cwds[1])) == str(_locate_with_pathlib(None, cwds[1])) == str(ledger.resolve())
    assert checked > 10


def _place_with_pathlib(ledger: Path) -> Path | None:
    """The cache's entries file as it was found with pathlib: the oracle."""
    base = Path(os.environ.get("XDG_CACHE_HOME", ""))
    if base.is_absolute():
        folder = base / "budgetctl"
    else:
        home = os.environ.get("HOME")
        if home is not None and not Path(home).is_absolute():
            return None
        folder = Path.home() / ".cache" / "budgetctl"
    usable = folder.parent.resolve() / folder.name
    if usable.is_symlink() or (usable.exists() and (not usable.is_dir() or usable.stat().st_uid != os.getuid())):
        return None
    real = ledger.resolve()
    top = next((f for f in (real, *real.parents) if (f / ".git").exists()), real)
    if usable in (top, real) or top in usable.parents or real in usable.parents:
        return None
    name = cacheplace.sha256(os.fsencode(real)).hexdigest()[:32]
    return usable / f"ledger-{name}.jsonl"


@posix_only
@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        ("{tmp}/cache", "{tmp}/home"),
        ("{tmp}//cache/./", "{tmp}/home"),
        ("relative/cache", "{tmp}/home"),
        ("", "{tmp}/home/"),
        ("", "relative"),
        ("", ""),
        ("{tmp}/linked-cache", "{tmp}/home"),
        ("{tmp}/cache-link", "{tmp}/home"),
        ("{tmp}/repo/.cache", "{tmp}/home"),
        ("{tmp}/repo/data/.cache", "{tmp}/home"),
    ],
)
def test_the_cache_file_is_the_one_pathlib_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str, home: str
) -> None:
    ledger = tmp_path / "repo" / "data"
    ledger.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "real-cache").mkdir()
    (tmp_path / "linked-cache").symlink_to(tmp_path / "real-cache", target_is_directory=True)  # a link above
    (tmp_path / "cache-link").mkdir()
    (tmp_path / "cache-link" / "budgetctl").symlink_to(tmp_path / "real-cache")  # the folder itself a link
    monkeypatch.setenv("XDG_CACHE_HOME", xdg.format(tmp=tmp_path))
    monkeypatch.setenv("HOME", home.format(tmp=tmp_path))
    monkeypatch.chdir(tmp_path)
    for given_ in (ledger, tmp_path / "linked-cache" / ".." / "repo" / "data"):
        expected = _place_with_pathlib(given_)
        found = cacheplace.where(str(given_))
        assert (None if found is None else found[0]) == (None if expected is None else str(expected))
        placed = cacheplace.place(given_)
        assert (None if placed is None else placed[0]) == expected
        if found is not None:
            assert found[1] == cacheplace.code_key()
