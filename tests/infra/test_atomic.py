"""Tests for budgetctl.infra.atomic: real files in tmp_path, and a writer killed with SIGKILL."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from budgetctl.infra import atomic
from budgetctl.infra.atomic import WriteRefused, read_for_update, write_atomic

REPO_ROOT = Path(__file__).resolve().parents[2]


def temps(folder: Path) -> set[Path]:
    """The temporary files write_atomic creates, left or not."""
    return set(folder.glob(".budgetctl-*.tmp"))


def perms(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """Pin the umask so expected modes do not depend on the caller's shell."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "budget.yaml"
    target.write_bytes(b"old\n")
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert temps(tmp_path) == set()


@pytest.mark.parametrize("mode", [0o664, 0o600])
def test_keeps_permissions(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "budget.yaml"
    target.write_bytes(b"old\n")
    target.chmod(mode)
    # An explicit mode is for new files only; it must not loosen an existing one.
    write_atomic(target, b"new\n", mode=0o644)
    assert perms(target) == mode
    assert target.read_bytes() == b"new\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_keeps_owner_when_root(tmp_path: Path) -> None:
    target = tmp_path / "budget.yaml"
    target.write_bytes(b"old\n")
    os.chown(target, 4321, 4322)
    write_atomic(target, b"new\n")
    st = target.stat()
    assert (st.st_uid, st.st_gid) == (4321, 4322)


def test_creates_new_file_with_umask_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "new.yaml"
    write_atomic(target, b"fresh\n")
    assert target.read_bytes() == b"fresh\n"
    assert perms(target) == 0o644
    assert temps(tmp_path) == set()


def test_creates_new_file_with_given_mode(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    write_atomic(target, b"fresh\n", mode=0o640)
    assert perms(target) == 0o640


@pytest.mark.parametrize("dangling", [False, True])
def test_refuses_symlink(tmp_path: Path, dangling: bool) -> None:
    real = tmp_path / "real.yaml"
    if not dangling:
        real.write_bytes(b"target\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)

    with pytest.raises(WriteRefused, match="symbolic link"):
        write_atomic(link, b"evil\n")

    assert link.is_symlink()
    assert link.readlink() == real
    if dangling:
        assert not real.exists()
    else:
        assert real.read_bytes() == b"target\n"
    assert temps(tmp_path) == set()


def test_read_for_update_refuses_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_bytes(b"target\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    with pytest.raises(WriteRefused, match="symbolic link"):
        read_for_update(link)


def test_refuses_missing_parent(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "budget.yaml"
    with pytest.raises(WriteRefused, match="does not exist"):
        write_atomic(target, b"x\n")
    assert not target.parent.exists()


def test_refuses_directory(tmp_path: Path) -> None:
    target = tmp_path / "folder"
    target.mkdir()
    with pytest.raises(WriteRefused, match="not a regular file"):
        write_atomic(target, b"x\n")
    assert target.is_dir()
    assert temps(tmp_path) == set()


def test_expected_match_writes(tmp_path: Path) -> None:
    target = tmp_path / "budget.yaml"
    target.write_bytes(b"v1\n")
    before = read_for_update(target)
    write_atomic(target, b"v2\n", expected=before)
    assert target.read_bytes() == b"v2\n"


def test_expected_mismatch_refused(tmp_path: Path) -> None:
    target = tmp_path / "budget.yaml"
    target.write_bytes(b"v1\n")
    before = read_for_update(target)
    target.write_bytes(b"someone else's edit\n")

    with pytest.raises(WriteRefused, match="changed since it was read"):
        write_atomic(target, b"v2\n", expected=before)

    assert target.read_bytes() == b"someone else's edit\n"
    assert temps(tmp_path) == set()


def test_expected_but_file_gone_refused(tmp_path: Path) -> None:
    target = tmp_path / "budget.yaml"
    target.write_bytes(b"v1\n")
    before = read_for_update(target)
    target.unlink()

    with pytest.raises(WriteRefused, match="no longer exists"):
        write_atomic(target, b"v2\n", expected=before)

    assert not target.exists()
    assert temps(tmp_path) == set()


def test_os_error_becomes_write_refused_and_temp_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "budget.yaml"
    target.write_bytes(b"old\n")

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(WriteRefused) as info:
        write_atomic(target, b"new\n")

    assert str(info.value) == f"cannot write {target}: Invalid cross-device link"
    assert "\n" not in str(info.value)
    assert target.read_bytes() == b"old\n"
    assert temps(tmp_path) == set()


# The child imports budgetctl from the repository under test and rewrites the
# target forever, alternating two large contents; it reports each finished write.
_WRITER = """
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from budgetctl.infra.atomic import write_atomic

target = Path(sys.argv[2])
size = int(sys.argv[3])
contents = (b"B" * size, b"A" * size)
count = 0
while True:
    write_atomic(target, contents[count % 2])
    count += 1
    sys.stdout.write("wrote\\n")
    sys.stdout.flush()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_write_leaves_old_or_new_content(tmp_path: Path) -> None:
    size = 4 * 1024 * 1024
    old, new = b"A" * size, b"B" * size
    target = tmp_path / "big.yaml"
    target.write_bytes(old)
    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)
    deadline = time.monotonic() + 4.0

    kills = 0
    while kills < 20 and time.monotonic() < deadline:
        for leftover in temps(tmp_path):
            leftover.unlink()
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(REPO_ROOT), str(target), str(size)],
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None
        # Wait until the loop is running, so the kill lands among the writes
        # rather than during interpreter start-up.
        assert child.stdout.readline() == b"wrote\n"
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        kills += 1

        content = target.read_bytes()
        assert content in (old, new), f"partial content after kill {kills} (seed {seed})"
        assert {p.name for p in tmp_path.iterdir()} - {p.name for p in temps(tmp_path)} == {target.name}

    assert kills >= 10, "too slow to exercise the kill path"
    # A killed writer may leave its temp file; a later write must not add any.
    left = temps(tmp_path)
    write_atomic(target, old)
    assert target.read_bytes() == old
    assert temps(tmp_path) == left
