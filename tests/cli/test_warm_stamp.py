"""The warm stamp (``loading.warm``): a ledger listed exactly as at its last clean check is
answered without discovery; any change to a name, a kind, a file's content (even one that keeps
its size and mtime), a link or a permission gives the result an uncached run gives."""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetctl.cli
from budgetctl.cli import app
from budgetctl.loading import cache, cacheplace, discover, root, statindex, warm
from budgetctl.model import kinds
from tests.conftest import age, aged_shipped
from tests.entrypoint import Run, entry


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many runs went past the stamp (read the ledger through the stat index)."""
    calls: list[int] = []
    real = cache.read_through_index

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    def no_typer() -> None:
        raise AssertionError("a plain validate went through Typer")

    monkeypatch.setattr(cache, "read_through_index", spy)
    monkeypatch.setattr(budgetctl.cli, "app", no_typer, raising=False)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # files written by the test count as settled
    for name in ("BUDGETCTL_NO_CACHE", "CI", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    return calls


def uncached(*args: str) -> Run:
    result = CliRunner().invoke(app, [*args, "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return aged_shipped(tmp_path)


def warmed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path, reads: list[int]) -> Run:
    """Two runs: the first checks and keeps the stamp, the second is served by it."""
    first = entry(monkeypatch, capsys, "validate", "--data", str(data))
    second = entry(monkeypatch, capsys, "validate", "--data", str(data))
    assert first == second and first[0] == 0
    assert len(reads) == 1
    return first


@pytest.mark.parametrize("options", [(), ("--format", "json"), ("-f", "github"), ("--strict",)])
def test_a_stamped_ledger_is_answered_as_the_command_answers_it(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int], options: tuple
) -> None:
    warmed(monkeypatch, capsys, data, reads)
    args = ("validate", "--data", str(data), *options)
    found = entry(monkeypatch, capsys, *args)
    assert len(reads) == 1  # served by the stamp, in every format
    assert found == uncached(*args)


def project_file(data: Path) -> Path:
    return next(p for p in sorted((data / "projects").rglob("*.yaml")) if ": 1" in p.read_text("utf-8"))


def test_a_file_changed_keeping_its_size_and_mtime_gets_the_new_result(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    clean = warmed(monkeypatch, capsys, data, reads)
    target = project_file(data)
    before = target.stat()
    text = target.read_text("utf-8")
    broken = text.replace(": 1", ": x", 1)  # same size: an amount that is not money
    target.write_text(broken, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    args = ("validate", "--data", str(data))
    found = entry(monkeypatch, capsys, *args)
    assert len(reads) == 2
    assert found == uncached(*args) != clean and found[0] == 1
    assert entry(monkeypatch, capsys, *args) == found


@pytest.mark.parametrize("change", ["added", "removed", "renamed", "folder", "link", "link-to-folder", "mode"])
def test_any_change_to_the_listing_gets_the_uncached_result(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int], change: str
) -> None:
    warmed(monkeypatch, capsys, data, reads)
    target = project_file(data)
    if change == "added":
        shutil.copy(target, target.with_name("copy.yaml"))  # a second project with the same id
        age(target.with_name("copy.yaml"))
    elif change == "removed":
        target.unlink()
    elif change == "renamed":
        target.rename(target.with_suffix(".txt"))  # not a project file now (Y020)
    elif change == "folder":
        (data / "notes").mkdir()  # an empty folder: the names changed, the result did not
    elif change == "link":
        (data / "projects" / "link.yaml").symlink_to(target)
    elif change == "link-to-folder":
        (data / "elsewhere").symlink_to(data / "projects")
    else:
        target.chmod(0o000)
    args = ("validate", "--data", str(data), "--format", "json")
    found = entry(monkeypatch, capsys, *args)
    assert len(reads) == 2  # the stamp did not answer
    if change == "mode" and os.geteuid() != 0:
        assert found[0] == 1 and "Y001" in found[1]
    again = entry(monkeypatch, capsys, *args)
    third = entry(monkeypatch, capsys, *args)  # the stamp of the new listing, or the mark of its problems
    assert found == again == third == uncached(*args)


def test_a_file_as_new_as_the_stamp_is_not_vouched_for(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    """git's racy-clean rule: the stamp answers only for files older than itself."""
    warmed(monkeypatch, capsys, data, reads)
    stamps = list(Path(os.environ["XDG_CACHE_HOME"]).rglob("*.warm"))
    assert len(stamps) == 1
    age(stamps[0], 120)  # the stamp now looks older than the files
    entry(monkeypatch, capsys, "validate", "--data", str(data))
    assert len(reads) == 2


def test_other_code_or_another_working_folder_is_not_answered(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    warmed(monkeypatch, capsys, data, reads)
    monkeypatch.chdir(data.parent)  # display paths start elsewhere
    relative = entry(monkeypatch, capsys, "validate", "--data", "data")
    assert len(reads) == 2 and relative[0] == 0
    monkeypatch.setattr(cacheplace, "code_key", lambda: "0" * 64)  # another budgetctl
    entry(monkeypatch, capsys, "validate", "--data", "data")
    assert len(reads) == 3


def test_a_ledger_with_problems_is_not_listed_until_they_are_gone(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    listings: list[int] = []
    real = warm.listing

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        listings.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(warm, "listing", spy)
    target = project_file(data)
    text = target.read_text("utf-8")
    target.write_text(text.replace(": 1", ": x", 1), encoding="utf-8")
    age(target)
    args = ("validate", "--data", str(data))
    bad = entry(monkeypatch, capsys, *args)
    assert bad[0] == 1 and len(listings) == 1  # listed, checked, marked
    assert entry(monkeypatch, capsys, *args) == bad
    assert len(listings) == 1  # the mark: no walk for nothing
    assert bad == uncached(*args)
    target.write_text(text, encoding="utf-8")
    age(target)
    reads.clear()
    fixed = entry(monkeypatch, capsys, *args)  # the mark is removed
    assert fixed[0] == 0
    entry(monkeypatch, capsys, *args)  # listed and stamped
    assert entry(monkeypatch, capsys, *args) == fixed
    assert len(reads) == 2  # the last run was answered by the stamp


def test_locate_is_discoverys_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert root.STREAMS_FILE == kinds.STREAMS_FILE
    monkeypatch.delenv("BUDGETCTL_DATA", raising=False)
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert root.locate(None, nested) is None
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "streams.yaml").write_text("streams: {}\n")
    assert root.locate(None, nested) == discover.find_root(None, nested) == tmp_path / "data"
    assert root.locate("../../data", nested) == discover.find_root("../../data", nested) == tmp_path / "data"
    monkeypatch.setenv("BUDGETCTL_DATA", str(tmp_path / "data"))
    assert root.locate(None, nested) == tmp_path / "data"
    assert root.locate("elsewhere", nested) is None


def test_files_read_too_soon_after_a_write_are_hashed_again(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    """A file written within SETTLE_NS of the run that read it is vouched for by its bytes, not
    its stat entry: the stamp still answers while they hash to the key it keeps, and not after."""
    target = project_file(data)
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    entry(monkeypatch, capsys, "validate", "--data", str(data))  # every other file recorded as settled
    target.write_text(target.read_text("utf-8") + "# edited\n", encoding="utf-8")
    age(target)
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_600_000_000_000)  # nothing written in the last hour has settled
    args = ("validate", "--data", str(data))
    first = entry(monkeypatch, capsys, *args)
    assert entry(monkeypatch, capsys, *args) == first and len(reads) == 2  # answered: the edited file hashed again
    (stamp,) = Path(os.environ["XDG_CACHE_HOME"]).rglob("*.warm")
    form, context, signature, rehash, *kept = marshal.loads(stamp.read_bytes())
    assert [path for path, _ in rehash] == [str(target)]
    stamp.write_bytes(marshal.dumps((form, context, signature, ((str(target), "0" * 64),), *kept)))
    assert entry(monkeypatch, capsys, *args) == first
    assert len(reads) == 3  # its bytes no longer have the kept key: checked as usual


def test_files_hashed_again_are_vouched_for_by_the_listing_once_settled(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], reads: list[int]
) -> None:
    """A stamp kept with files read too soon after a write is written again without them once
    they have settled (their bytes still had the kept keys): later runs stop hashing them, and a
    change keeping size and mtime is still seen."""
    target = project_file(data)
    monkeypatch.setattr(statindex, "SETTLE_NS", 3_600_000_000_000)  # nothing written in the last hour has settled
    args = ("validate", "--data", str(data))
    first = entry(monkeypatch, capsys, *args)
    entry(monkeypatch, capsys, *args)  # keeps the stamp, with every file to hash again
    (stamp,) = Path(os.environ["XDG_CACHE_HOME"]).rglob("*.warm")
    assert len(marshal.loads(stamp.read_bytes())[3]) > 1
    assert entry(monkeypatch, capsys, *args) == first  # still unsettled: hashed again, kept as it was
    assert len(marshal.loads(stamp.read_bytes())[3]) > 1
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # now every file has settled
    hashed: list[str] = []
    real = warm._same

    def spy(rehash):  # type: ignore[no-untyped-def]
        hashed.extend(path for path, _ in rehash)
        return real(rehash)

    monkeypatch.setattr(warm, "_same", spy)
    assert entry(monkeypatch, capsys, *args) == first and hashed  # hashed once more, then the stamp rewritten
    assert marshal.loads(stamp.read_bytes())[3] == ()
    hashed.clear()
    before = len(reads)
    assert entry(monkeypatch, capsys, *args) == first and not hashed and len(reads) == before
    text = target.read_text("utf-8")
    stat = target.stat()
    target.write_text(text.replace("title:", "Title:", 1), encoding="utf-8")  # same size, same mtime
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed = entry(monkeypatch, capsys, *args)
    assert len(reads) == before + 1  # the listing differs (ctime): the ledger was read
    assert changed == uncached(*args) and changed[0] == 1
